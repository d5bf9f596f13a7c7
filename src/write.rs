//! write: the generated tree onto disk. Deterministic, minimal (unchanged files are not
//! touched), owned (a manifest records what landform wrote; nothing else is ever modified or
//! deleted) and atomic enough that a failure leaves the previous tree in place.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::render::Tree;

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
}

#[derive(Debug)]
pub enum WriteError {
    Io { path: PathBuf, source: io::Error },
    UnsafePath(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            WriteError::UnsafePath(p) => write!(
                f,
                "refusing path `{p}`: it would leave the output directory"
            ),
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A relative path made only of normal components.
fn safe(rel: &str) -> Result<&Path, WriteError> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(WriteError::UnsafePath(rel.to_string()));
    }
    Ok(p)
}

/// Reads the manifest: path → sha256 of the content landform wrote.
fn read_manifest(out: &Path) -> Result<BTreeMap<String, String>, WriteError> {
    let path = out.join(MANIFEST);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let mut map = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        if let Some((h, p)) = line.split_once("  ") {
            safe(p)?;
            map.insert(p.to_string(), h.to_string());
        }
    }
    Ok(map)
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

/// Compares the tree with what is on disk under `out`.
pub fn plan(out: &Path, tree: &Tree) -> Result<Plan, WriteError> {
    let old = read_manifest(out)?;
    let mut plan = Plan::default();
    for (rel, content) in tree {
        let path = out.join(safe(rel)?);
        let new_hash = hash(content.as_bytes());
        match fs::read(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => plan.added.push(rel.clone()),
            Err(e) => return Err(io_err(&path)(e)),
            Ok(disk) => {
                let disk_hash = hash(&disk);
                if disk_hash == new_hash {
                    plan.unchanged += 1;
                } else {
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
        }
        plan.manifest.insert(rel.clone(), new_hash);
    }
    for (rel, h) in &old {
        if tree.contains_key(rel) {
            continue;
        }
        let path = out.join(safe(rel)?);
        match fs::read(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path)(e)),
            Ok(disk) => {
                if hash(&disk) != *h {
                    plan.conflicts.push(Conflict {
                        path: rel.clone(),
                        reason: "is no longer generated but was edited by hand",
                    });
                }
                plan.removed.push(rel.clone());
            }
        }
    }
    Ok(plan)
}

/// Carries out a plan: new and changed files are staged next to their targets and renamed into
/// place only when every one of them was staged; then removed files go, then the manifest.
pub fn apply(out: &Path, tree: &Tree, plan: &Plan) -> Result<(), WriteError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let stage = |staged: &mut Vec<(PathBuf, PathBuf)>| -> Result<(), WriteError> {
        for rel in plan.added.iter().chain(&plan.changed) {
            let path = out.join(safe(rel)?);
            let dir = path.parent().unwrap_or(out);
            fs::create_dir_all(dir).map_err(io_err(dir))?;
            let tmp = path.with_file_name(format!(
                ".{}.landform-tmp",
                path.file_name().and_then(|n| n.to_str()).unwrap_or("file")
            ));
            fs::write(&tmp, &tree[rel]).map_err(io_err(&tmp))?;
            staged.push((tmp, path));
        }
        Ok(())
    };
    if let Err(e) = stage(&mut staged) {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, path) in &staged {
        fs::rename(tmp, path).map_err(io_err(path))?;
    }
    for rel in &plan.removed {
        let path = out.join(safe(rel)?);
        match fs::remove_file(&path) {
            Ok(()) => remove_empty_parents(out, &path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
    let manifest = out.join(MANIFEST);
    let text = manifest_text(&plan.manifest);
    if fs::read_to_string(&manifest).ok().as_deref() != Some(text.as_str()) {
        fs::create_dir_all(out).map_err(io_err(out))?;
        let tmp = out.join(format!("{MANIFEST}.landform-tmp"));
        fs::write(&tmp, text).map_err(io_err(&tmp))?;
        fs::rename(&tmp, &manifest).map_err(io_err(&manifest))?;
    }
    Ok(())
}

/// Removes folders left empty by a deletion, up to (not including) the output directory.
fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
