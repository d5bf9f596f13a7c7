//! write: the generated tree onto disk. Deterministic, minimal (unchanged files are not
//! touched), owned (a manifest records what landform wrote; nothing else is ever modified or
//! deleted), contained (no link inside the output directory is ever followed: [`contain`]) and
//! transactional (the tree, its manifest and the lock are committed together, through a
//! journal a killed run's successor rolls forward or back: [`txn`]). Runs on one output
//! directory or one blueprint are serialized by [`runlock`].

pub mod contain;
pub mod runlock;
pub mod txn;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::render::Tree;
use contain::shown;
pub use txn::{Pending, Recovered, Transaction};

/// The manifest's file name inside the output directory.
pub const MANIFEST: &str = ".landform-manifest";

/// What writing a tree would do.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Files landform would have to overwrite or delete that someone else changed or wrote.
    pub conflicts: Vec<Conflict>,
    manifest: BTreeMap<String, String>,
    /// The hash of each file to remove as it is on disk now (it is removed only if unchanged).
    removed_hashes: BTreeMap<String, String>,
    /// The manifest as it would be written, when it differs from the one on disk.
    manifest_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub path: String,
    pub reason: &'static str,
}

impl Plan {
    /// Whether writing would change anything on disk.
    pub fn has_changes(&self) -> bool {
        !(self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty())
    }

    /// Adds the plan's changes (files, removals, the manifest) to a transaction, below `root`.
    pub fn stage<'a>(&self, txn: &mut Transaction<'a>, root: usize, tree: &'a Tree) {
        for rel in self.added.iter().chain(&self.changed) {
            txn.put(root, rel, tree[rel].as_bytes());
        }
        for rel in &self.removed {
            txn.delete(root, rel, &self.removed_hashes[rel]);
        }
        if let Some(text) = &self.manifest_text {
            txn.put(root, MANIFEST, text.clone().into_bytes());
        }
    }
}

/// Why writing failed. Every variant names the path it is about.
#[derive(Debug)]
pub enum WriteError {
    Io {
        path: PathBuf,
        source: io::Error,
    },
    /// A path (from the manifest or a template) that would leave its root.
    UnsafePath(String),
    /// A symbolic link where landform would read, write or delete.
    Link(PathBuf),
    /// Something other than a folder where landform needs one.
    NotADirectory(PathBuf),
    /// Something other than a regular file where landform writes a file.
    NotAFile(PathBuf),
    /// Another landform run holds this folder.
    Busy(PathBuf),
    /// The journal an interrupted run left cannot be used.
    JournalBroken {
        journal: PathBuf,
        message: String,
    },
    /// The run committed but could not finish; the next run will, from the journal.
    Interrupted {
        journal: PathBuf,
        cause: Box<WriteError>,
    },
    /// A read-only command found a half-finished run.
    Unfinished(PathBuf),
}

impl WriteError {
    pub fn io(path: &Path, source: io::Error) -> WriteError {
        WriteError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the run stopped before changing anything (everything but [`WriteError::Interrupted`]).
    pub fn nothing_written(&self) -> bool {
        !matches!(self, WriteError::Interrupted { .. })
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io { path, source } => write!(f, "{}: {source}", shown(path)),
            WriteError::UnsafePath(p) => write!(
                f,
                "refusing path `{}`: it would leave the output directory",
                shown(Path::new(p))
            ),
            WriteError::Link(p) => write!(
                f,
                "{}: is a symbolic link; landform never reads, writes or deletes through a \
                 link inside the folders it owns\n  help: replace the link with a real folder \
                 or file (or remove it), then rerun",
                shown(p)
            ),
            WriteError::NotADirectory(p) => write!(
                f,
                "{}: is not a folder, but landform writes files below it\n  help: move it \
                 away, then rerun",
                shown(p)
            ),
            WriteError::NotAFile(p) => write!(
                f,
                "{}: is not a regular file, but landform writes a file there\n  help: move it \
                 away, then rerun",
                shown(p)
            ),
            WriteError::Busy(p) => write!(
                f,
                "{}: another landform run is writing here; rerun when it has finished",
                shown(p)
            ),
            WriteError::JournalBroken { journal, message } => write!(
                f,
                "{}: the journal of an interrupted run cannot be used: {message}\n  help: the \
                 output directory and landform.lock may be half written: restore them from \
                 version control and delete the journal",
                shown(journal)
            ),
            WriteError::Interrupted { journal, cause } => write!(
                f,
                "{cause}\nthe run was committed but not finished; the next landform run \
                 completes it from {}",
                shown(journal)
            ),
            WriteError::Unfinished(p) => write!(
                f,
                "{}: an earlier run was interrupted while writing, so the tree is half \
                 written\n  help: run `landform generate` to complete it",
                shown(p)
            ),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            WriteError::Interrupted { cause, .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

/// The SHA-256 of some bytes, as lowercase hex.
pub fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Reads the manifest: path → sha256 of the content landform wrote.
fn read_manifest(out: &Path) -> Result<(BTreeMap<String, String>, Option<String>), WriteError> {
    let Some(bytes) = contain::read(out, MANIFEST)? else {
        return Ok((BTreeMap::new(), None));
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut map = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        if let Some((h, p)) = line.split_once("  ") {
            contain::safe(p)?;
            map.insert(p.to_string(), h.to_string());
        }
    }
    Ok((map, Some(text)))
}

fn manifest_text(entries: &BTreeMap<String, String>) -> String {
    let mut s = String::from(
        "# Files written by landform, with the SHA-256 of what it wrote. landform only changes\n\
         # or deletes files listed here, and reports any that were edited by hand.\n",
    );
    for (p, h) in entries {
        s.push_str(&format!("{h}  {p}\n"));
    }
    s
}

/// Compares the tree with what is on disk under `out`. Nothing below `out` is read through a link: a link on the way is an error.
pub fn plan(out: &Path, tree: &Tree) -> Result<Plan, WriteError> {
    let (old, old_text) = read_manifest(out)?;
    let mut plan = Plan::default();
    for (rel, content) in tree {
        if rel == MANIFEST {
            return Err(WriteError::UnsafePath(rel.clone()));
        }
        let new_hash = hash(content.as_bytes());
        match contain::read(out, rel)? {
            None => plan.added.push(rel.clone()),
            Some(disk) if disk == content.as_bytes() => plan.unchanged += 1,
            Some(disk) => {
                let disk_hash = hash(&disk);
                match old.get(rel) {
                    Some(h) if *h == disk_hash => {}
                    Some(_) => plan.conflicts.push(Conflict {
                        path: rel.clone(),
                        reason: "was edited by hand since landform wrote it",
                    }),
                    None => plan.conflicts.push(Conflict {
                        path: rel.clone(),
                        reason: "exists but was not written by landform",
                    }),
                }
                plan.changed.push(rel.clone());
            }
        }
        plan.manifest.insert(rel.clone(), new_hash);
    }
    for (rel, h) in &old {
        if tree.contains_key(rel) {
            continue;
        }
        match contain::read(out, rel)? {
            None => {}
            Some(disk) => {
                let disk_hash = hash(&disk);
                if disk_hash != *h {
                    plan.conflicts.push(Conflict {
                        path: rel.clone(),
                        reason: "is no longer generated but was edited by hand",
                    });
                }
                plan.removed.push(rel.clone());
                plan.removed_hashes.insert(rel.clone(), disk_hash);
            }
        }
    }
    let text = manifest_text(&plan.manifest);
    if old_text.as_deref() != Some(text.as_str()) {
        plan.manifest_text = Some(text);
    }
    Ok(plan)
}

/// Writes a planned tree into `out` alone, as one transaction (no lock file, no run lock: for
/// benchmarks and tests; commands go through `app::Session`).
pub fn apply(out: &Path, tree: &Tree, plan: &Plan) -> Result<(), WriteError> {
    std::fs::create_dir_all(out).map_err(|e| WriteError::io(out, e))?;
    let mut txn = Transaction::new(&[out])?;
    plan.stage(&mut txn, 0, tree);
    txn.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> Tree {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn plan_then_apply_then_nothing_to_do() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let t = tree(&[("a.tf", "a"), ("s/b.tf", "b")]);
        let p = plan(&out, &t).unwrap();
        assert_eq!(p.added, ["a.tf", "s/b.tf"]);
        apply(&out, &t, &p).unwrap();
        let again = plan(&out, &t).unwrap();
        assert!(!again.has_changes() && again.manifest_text.is_none());
        assert_eq!(again.unchanged, 2);
    }

    #[test]
    fn hand_edits_and_foreign_files_are_conflicts_and_removals_keep_their_hash() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path();
        let t = tree(&[("a.tf", "a"), ("gone.tf", "g")]);
        apply(out, &t, &plan(out, &t).unwrap()).unwrap();
        std::fs::write(out.join("a.tf"), "edited").unwrap();
        std::fs::write(out.join("gone.tf"), "edited too").unwrap();
        std::fs::write(out.join("mine.tf"), "user's").unwrap();
        let next = tree(&[("a.tf", "a2"), ("mine.tf", "landform's")]);
        let p = plan(out, &next).unwrap();
        let reasons: Vec<(&str, &str)> = p
            .conflicts
            .iter()
            .map(|c| (c.path.as_str(), c.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("a.tf", "was edited by hand since landform wrote it"),
                ("mine.tf", "exists but was not written by landform"),
                ("gone.tf", "is no longer generated but was edited by hand"),
            ]
        );
        assert_eq!(p.removed_hashes["gone.tf"], hash(b"edited too"));
    }

    #[test]
    fn a_manifest_path_leaving_the_output_is_refused() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join(MANIFEST),
            format!("{}  ../victim\n", hash(b"v")),
        )
        .unwrap();
        assert!(matches!(
            plan(d.path(), &Tree::new()),
            Err(WriteError::UnsafePath(_))
        ));
    }
}
