//! Containment: every path landform reads, writes or deletes below one of its roots (the
//! output directory, the blueprint's folder) is reached through real directories only. A
//! symbolic link inside a root is never followed: someone planted it, and following it would
//! write or delete outside the root. The root itself may be a link (the user named it).
//!
//! Staging files are created exclusively (`O_CREAT | O_EXCL`, which also refuses a link at the
//! name) with unpredictable names, so nothing planted at a staging name is ever written through.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Component, Path, PathBuf};

use super::WriteError;

/// What is at a path below a root, found without following any link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Nothing, and `missing_dirs` of its parent folders do not exist either.
    Missing { missing_dirs: usize },
    /// A regular file.
    File,
}

/// A relative path made only of normal components.
pub fn safe(rel: &str) -> Result<&Path, WriteError> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(WriteError::UnsafePath(rel.to_string()));
    }
    Ok(p)
}

/// Walks from `root` to `rel` with `lstat` only: every folder on the way must be a real
/// directory (or missing), and the path itself a regular file (or missing).
pub fn inspect(root: &Path, rel: &str) -> Result<Found, WriteError> {
    let rel_path = safe(rel)?;
    let parts: Vec<&std::ffi::OsStr> = rel_path.iter().collect();
    let mut cur = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        cur.push(part);
        let last = i + 1 == parts.len();
        let meta = match fs::symlink_metadata(&cur) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Found::Missing {
                    missing_dirs: parts.len() - i - 1,
                });
            }
            Err(e) => return Err(WriteError::io(&cur, e)),
        };
        let ty = meta.file_type();
        if ty.is_symlink() {
            return Err(WriteError::Link(cur));
        }
        if last {
            return if ty.is_file() {
                Ok(Found::File)
            } else {
                Err(WriteError::NotAFile(cur))
            };
        }
        if !ty.is_dir() {
            return Err(WriteError::NotADirectory(cur));
        }
    }
    unreachable!("a safe path has at least one component")
}

/// Reads a file below `root` without following links: None when it does not exist.
pub fn read(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, WriteError> {
    match inspect(root, rel)? {
        Found::Missing { .. } => Ok(None),
        Found::File => {
            let path = root.join(rel);
            match open_nofollow(&path) {
                Ok(mut f) => {
                    let mut buf = Vec::new();
                    io::Read::read_to_end(&mut f, &mut buf)
                        .map_err(|e| WriteError::io(&path, e))?;
                    Ok(Some(buf))
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(WriteError::io(&path, e)),
            }
        }
    }
}

/// Opens a file for reading, refusing a link at its last component (ELOOP).
fn open_nofollow(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    o.open(path)
}

/// An unpredictable file name for staging: `.landform-<32 hex digits>.tmp`.
pub fn scratch_name() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen on a supported system): the hasher's per-process keys.
        use std::hash::{BuildHasher, RandomState};
        let a = RandomState::new().hash_one(std::process::id());
        let b = RandomState::new().hash_one(std::time::SystemTime::now());
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..].copy_from_slice(&b.to_le_bytes());
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(".landform-{hex}.tmp")
}

/// Whether a file name is one [`scratch_name`] makes.
pub fn is_scratch_name(name: &str) -> bool {
    name.strip_prefix(".landform-")
        .and_then(|r| r.strip_suffix(".tmp"))
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Creates a new file with an unpredictable name in `dir` (never an existing name, never
/// through a link) and returns its name and handle.
pub fn create_scratch(dir: &Path) -> Result<(String, File), WriteError> {
    let mut last = None;
    for _ in 0..8 {
        let name = scratch_name();
        let path = dir.join(&name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((name, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(WriteError::io(&path, e)),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no free name"));
    Err(WriteError::io(dir, e))
}

/// Creates a file exclusively at a given path (it must not exist, not even as a link).
pub fn create_exclusive(path: &Path) -> Result<File, WriteError> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| WriteError::io(path, e))
}

/// Flushes a directory's entries (a rename or a new file in it) to disk.
pub fn sync_dir(dir: &Path) {
    // Best effort: some file systems refuse to sync a directory; the data is synced regardless.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A path shown in a message: control characters escaped.
pub fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The directory part of a relative path, as a `PathBuf` (empty for a file at the root).
pub fn parent_of(rel: &str) -> PathBuf {
    Path::new(rel)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn unsafe_relative_paths_are_refused() {
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "./a"] {
            assert!(safe(bad).is_err(), "{bad}");
        }
        assert!(safe("a/b.tf").is_ok());
    }

    #[test]
    fn inspect_never_follows_a_link() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/b/f"), "x").unwrap();
        fs::create_dir(root.join("elsewhere")).unwrap();
        symlink(root.join("elsewhere"), root.join("a/link")).unwrap();
        symlink(root.join("a/b/f"), root.join("a/flink")).unwrap();
        symlink(root.join("nowhere"), root.join("a/dangling")).unwrap();
        assert_eq!(inspect(root, "a/b/f").unwrap(), Found::File);
        assert_eq!(
            inspect(root, "a/new/deeper/f").unwrap(),
            Found::Missing { missing_dirs: 2 }
        );
        assert_eq!(
            inspect(root, "a/b/g").unwrap(),
            Found::Missing { missing_dirs: 0 }
        );
        for linked in ["a/link/f", "a/flink", "a/dangling"] {
            assert!(
                matches!(inspect(root, linked), Err(WriteError::Link(_))),
                "{linked}"
            );
        }
        assert!(matches!(inspect(root, "a/b"), Err(WriteError::NotAFile(_))));
        assert!(matches!(
            inspect(root, "a/b/f/g"),
            Err(WriteError::NotADirectory(_))
        ));
        assert!(read(root, "a/flink").is_err());
        assert_eq!(read(root, "a/b/f").unwrap().unwrap(), b"x");
        assert_eq!(read(root, "a/b/none").unwrap(), None);
    }

    #[test]
    fn scratch_files_are_new_and_unpredictable() {
        let d = tempfile::tempdir().unwrap();
        let (a, _) = create_scratch(d.path()).unwrap();
        let (b, _) = create_scratch(d.path()).unwrap();
        assert_ne!(a, b);
        assert!(is_scratch_name(&a) && is_scratch_name(&b));
        assert!(!is_scratch_name(".landform-manifest"));
        // A link planted at a name is never opened through.
        fs::write(d.path().join("target"), "keep").unwrap();
        symlink(d.path().join("target"), d.path().join("planted")).unwrap();
        assert!(create_exclusive(&d.path().join("planted")).is_err());
        assert_eq!(fs::read_to_string(d.path().join("target")).unwrap(), "keep");
    }

    #[test]
    fn control_characters_in_paths_are_escaped() {
        assert_eq!(shown(Path::new("a\x1b[31mb")), "a\\u{1b}[31mb");
    }
}
