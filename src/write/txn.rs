//! One transaction per run: every file landform changes (the tree, its manifest, `landform.lock`
//! beside the blueprint, in any number of roots) is committed together, through a journal.
//!
//! 1. **Prepare.** The journal (`.landform-journal` in the first root) is written in state
//!    `prepare`, naming every folder to create and every staging file (an unpredictable name
//!    next to its target). Then the folders are made and every new content is staged (created
//!    exclusively, written, synced); each folder a file leaves is probed for write access. Any
//!    failure here rolls back: staging files and new folders go, no target was touched.
//! 2. **Commit point.** The journal is rewritten (atomically: a new file renamed over it) in
//!    state `commit`. From here on the run has happened.
//! 3. **Roll forward.** Staging files are renamed over their targets and deleted files go;
//!    then the journal is removed.
//!
//! A run killed at any instant leaves either no journal (nothing changed, or everything did),
//! a `prepare` journal (the next run rolls back: the old state) or a `commit` journal (the next
//! run rolls forward: the new state). [`recover`] does that, under the run lock, before a run
//! reads anything.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::contain::{self, Found};
use super::{WriteError, hash};

/// The journal's file name, in the first root (the output directory).
pub const JOURNAL: &str = ".landform-journal";

/// What a run changes, root by root. Root 0 holds the journal.
#[derive(Debug)]
pub struct Transaction<'a> {
    roots: Vec<PathBuf>,
    ops: Vec<Op<'a>>,
}

#[derive(Debug)]
enum Op<'a> {
    Put {
        root: usize,
        rel: String,
        content: Cow<'a, [u8]>,
    },
    /// Deletes a file, only if it still has this hash (what the plan saw).
    Delete {
        root: usize,
        rel: String,
        sha256: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum State {
    Prepare,
    Commit,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journal {
    landform_journal: u32,
    state: State,
    /// Each root as a path relative to root 0 (`.` for root 0 itself).
    roots: Vec<String>,
    /// Folders this run creates, parents first.
    dirs: Vec<(usize, String)>,
    puts: Vec<JournalPut>,
    deletes: Vec<JournalDelete>,
    /// Probe files made to test a folder for write access.
    probes: Vec<(usize, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalPut {
    root: usize,
    path: String,
    /// The staging file's name, in the target's folder.
    staged: String,
    sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalDelete {
    root: usize,
    path: String,
    sha256: String,
}

/// What [`recover`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// An interrupted run had not reached its commit point: its staging files were removed and
    /// the previous state stands.
    RolledBack { files: usize },
    /// An interrupted run had committed: its remaining changes were made.
    RolledForward { files: usize },
}

impl std::fmt::Display for Recovered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovered::RolledBack { files } => write!(
                f,
                "an earlier run was interrupted before it changed anything: rolled back \
                 ({files} staged file{} removed)",
                if *files == 1 { "" } else { "s" }
            ),
            Recovered::RolledForward { files } => write!(
                f,
                "an earlier run was interrupted while writing: completed it ({files} file \
                 change{} from its journal)",
                if *files == 1 { "" } else { "s" }
            ),
        }
    }
}

/// The state a pending journal is in, for commands that only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    None,
    /// Nothing was changed yet; the targets are the previous state.
    Prepared,
    /// Changes are half made: reading the tree now would see a mix.
    Committed,
}

/// A path from `from` to `to`, both absolute and canonical, as `/`-separated text.
fn relative(from: &Path, to: &Path) -> String {
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

impl<'a> Transaction<'a> {
    /// A transaction over these roots (existing folders; the first holds the journal).
    pub fn new(roots: &[&Path]) -> Result<Transaction<'a>, WriteError> {
        let roots = roots
            .iter()
            .map(|r| fs::canonicalize(r).map_err(|e| WriteError::io(r, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Transaction {
            roots,
            ops: Vec::new(),
        })
    }

    /// Writes `content` at `rel` below root `root` (creating folders as needed).
    pub fn put(&mut self, root: usize, rel: &str, content: impl Into<Cow<'a, [u8]>>) {
        self.ops.push(Op::Put {
            root,
            rel: rel.to_string(),
            content: content.into(),
        });
    }

    /// Deletes `rel` below root `root`, if it still has the content hashed as `sha256`.
    pub fn delete(&mut self, root: usize, rel: &str, sha256: &str) {
        self.ops.push(Op::Delete {
            root,
            rel: rel.to_string(),
            sha256: sha256.to_string(),
        });
    }

    /// Commits every change or none (see the module documentation).
    pub fn commit(self) -> Result<(), WriteError> {
        if self.ops.is_empty() {
            return Ok(());
        }
        let root0 = self.roots[0].clone();
        // Check every path first: no links, no folder where a file goes.
        let mut seen = BTreeSet::new();
        let mut dirs: Vec<(usize, String)> = Vec::new();
        let mut dir_seen: BTreeSet<(usize, PathBuf)> = BTreeSet::new();
        let mut journal = Journal {
            landform_journal: 1,
            state: State::Prepare,
            roots: self.roots.iter().map(|r| relative(&root0, r)).collect(),
            dirs: Vec::new(),
            puts: Vec::new(),
            deletes: Vec::new(),
            probes: Vec::new(),
        };
        let mut contents: Vec<&[u8]> = Vec::new();
        let mut delete_dirs: BTreeSet<(usize, PathBuf)> = BTreeSet::new();
        for op in &self.ops {
            let (root, rel) = match op {
                Op::Put { root, rel, .. } | Op::Delete { root, rel, .. } => (*root, rel),
            };
            if !seen.insert((root, rel.clone())) {
                return Err(WriteError::UnsafePath(format!("{rel} (written twice)")));
            }
            let found = contain::inspect(&self.roots[root], rel)?;
            match op {
                Op::Put { content, .. } => {
                    if let Found::Missing { missing_dirs } = found {
                        let parent = contain::parent_of(rel);
                        let ancestors: Vec<&Path> = parent.ancestors().collect();
                        // ancestors: parent, its parent, ..., "" ; the first `missing_dirs`
                        // are missing, outermost last.
                        for d in ancestors[..missing_dirs].iter().rev() {
                            if dir_seen.insert((root, d.to_path_buf())) {
                                dirs.push((root, path_text(d)));
                            }
                        }
                    }
                    journal.puts.push(JournalPut {
                        root,
                        path: rel.clone(),
                        staged: contain::scratch_name(),
                        sha256: hash(content),
                    });
                    contents.push(content);
                }
                Op::Delete { sha256, .. } => {
                    if found == Found::File {
                        journal.deletes.push(JournalDelete {
                            root,
                            path: rel.clone(),
                            sha256: sha256.clone(),
                        });
                        delete_dirs.insert((root, contain::parent_of(rel)));
                    }
                }
            }
        }
        // A folder a file leaves but none arrives in is probed for write access.
        let put_dirs: BTreeSet<(usize, PathBuf)> = journal
            .puts
            .iter()
            .map(|p| (p.root, contain::parent_of(&p.path)))
            .collect();
        for (root, d) in delete_dirs.difference(&put_dirs) {
            let name = contain::scratch_name();
            journal
                .probes
                .push((*root, path_text(&d.join(&name)).to_string()));
        }
        journal.dirs = dirs;
        if journal.puts.is_empty() && journal.deletes.is_empty() {
            return Ok(());
        }
        if let ([p], [], [], []) = (
            &journal.puts[..],
            &journal.deletes[..],
            &journal.dirs[..],
            &journal.probes[..],
        ) {
            // One file in an existing folder: a staged file renamed over it is atomic alone.
            return single_put(&self.roots[p.root], p, contents[0]);
        }

        write_journal(&root0, &journal)?;
        if let Err(e) = prepare(&self.roots, &journal, &contents) {
            rollback(&self.roots, &journal);
            let _ = fs::remove_file(root0.join(JOURNAL));
            return Err(e);
        }
        journal.state = State::Commit;
        if let Err(e) = write_journal(&root0, &journal) {
            rollback(&self.roots, &journal);
            let _ = fs::remove_file(root0.join(JOURNAL));
            return Err(e);
        }
        // Committed: from here a failure leaves the journal for the next run to finish.
        roll_forward(&self.roots, &journal).map_err(|e| WriteError::Interrupted {
            journal: root0.join(JOURNAL),
            cause: Box::new(e),
        })?;
        finish(&root0)
    }
}

/// Stages one file and renames it into place: no journal needed.
fn single_put(root: &Path, p: &JournalPut, content: &[u8]) -> Result<(), WriteError> {
    let dir = root.join(contain::parent_of(&p.path));
    let staged = dir.join(&p.staged);
    let target = root.join(&p.path);
    let mut f = contain::create_exclusive(&staged)?;
    let result = f
        .write_all(content)
        .and_then(|()| f.sync_all())
        .and_then(|()| fs::rename(&staged, &target))
        .map_err(|e| WriteError::io(&target, e));
    if result.is_err() {
        let _ = fs::remove_file(&staged);
    }
    result?;
    contain::sync_dir(&dir);
    Ok(())
}

fn path_text(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Writes the journal atomically: a new file, synced, renamed over the old one.
fn write_journal(root0: &Path, journal: &Journal) -> Result<(), WriteError> {
    let text = serde_json::to_string_pretty(journal)
        .map_err(|e| WriteError::io(&root0.join(JOURNAL), io::Error::other(e)))?;
    let (name, mut file) = contain::create_scratch(root0)?;
    let tmp = root0.join(&name);
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all());
    drop(file);
    let target = root0.join(JOURNAL);
    let result =
        written.map_err(|e| WriteError::io(&tmp, e)).and_then(|()| {
            match contain::inspect(root0, JOURNAL) {
                Ok(_) => fs::rename(&tmp, &target).map_err(|e| WriteError::io(&target, e)),
                Err(e) => Err(e),
            }
        });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    contain::sync_dir(root0);
    Ok(())
}

/// Makes the folders, stages every file, probes folders files only leave.
fn prepare(roots: &[PathBuf], journal: &Journal, contents: &[&[u8]]) -> Result<(), WriteError> {
    for (root, d) in &journal.dirs {
        let path = roots[*root].join(d);
        match fs::create_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // Made since the check: only a real folder will do.
                let meta = fs::symlink_metadata(&path).map_err(|e| WriteError::io(&path, e))?;
                if meta.file_type().is_symlink() {
                    return Err(WriteError::Link(path));
                }
                if !meta.is_dir() {
                    return Err(WriteError::NotADirectory(path));
                }
            }
            Err(e) => return Err(WriteError::io(&path, e)),
        }
    }
    let mut synced: BTreeSet<PathBuf> = BTreeSet::new();
    for (p, content) in journal.puts.iter().zip(contents) {
        let dir = roots[p.root].join(contain::parent_of(&p.path));
        let staged = dir.join(&p.staged);
        let mut f = contain::create_exclusive(&staged)?;
        f.write_all(content)
            .and_then(|()| f.sync_all())
            .map_err(|e| WriteError::io(&staged, e))?;
        synced.insert(dir);
    }
    for (root, probe) in &journal.probes {
        let path = roots[*root].join(probe);
        contain::create_exclusive(&path)?;
        fs::remove_file(&path).map_err(|e| WriteError::io(&path, e))?;
    }
    for d in &synced {
        contain::sync_dir(d);
    }
    Ok(())
}

/// Undoes a prepared journal: staging and probe files go, then the folders it made (if empty).
fn rollback(roots: &[PathBuf], journal: &Journal) -> usize {
    let mut removed = 0;
    for p in &journal.puts {
        let staged = roots[p.root]
            .join(contain::parent_of(&p.path))
            .join(&p.staged);
        if fs::remove_file(&staged).is_ok() {
            removed += 1;
        }
    }
    for (root, probe) in &journal.probes {
        let _ = fs::remove_file(roots[*root].join(probe));
    }
    for (root, d) in journal.dirs.iter().rev() {
        let _ = fs::remove_dir(roots[*root].join(d));
    }
    removed
}

/// Makes a committed journal's changes; safe to repeat (a change already made is skipped).
fn roll_forward(roots: &[PathBuf], journal: &Journal) -> Result<usize, WriteError> {
    let mut done = 0;
    let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
    for p in &journal.puts {
        let root = &roots[p.root];
        let dir = root.join(contain::parent_of(&p.path));
        let staged = dir.join(&p.staged);
        let target = root.join(&p.path);
        // The folders on the way must still be real ones, and the target not a link.
        contain::inspect(root, &p.path)?;
        match fs::symlink_metadata(&staged) {
            Ok(m) if m.is_file() => {
                fs::rename(&staged, &target).map_err(|e| WriteError::io(&target, e))?;
                touched.insert(dir);
                done += 1;
            }
            Ok(_) => return Err(WriteError::NotAFile(staged)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Renamed before the interruption: the target must hold the new content.
                let now = contain::read(root, &p.path)?;
                if now.as_deref().map(hash) != Some(p.sha256.clone()) {
                    return Err(WriteError::JournalBroken {
                        journal: roots[0].join(JOURNAL),
                        message: format!(
                            "`{}` has neither its staged nor its committed content",
                            p.path
                        ),
                    });
                }
            }
            Err(e) => return Err(WriteError::io(&staged, e)),
        }
    }
    for d in &journal.deletes {
        let root = &roots[d.root];
        if let Some(bytes) = contain::read(root, &d.path)?
            && hash(&bytes) == d.sha256
        {
            let path = root.join(&d.path);
            fs::remove_file(&path).map_err(|e| WriteError::io(&path, e))?;
            remove_empty_parents(root, &d.path);
            touched.insert(root.join(contain::parent_of(&d.path)));
            done += 1;
        }
    }
    for (root, probe) in &journal.probes {
        let _ = fs::remove_file(roots[*root].join(probe));
    }
    for d in &touched {
        contain::sync_dir(d);
    }
    Ok(done)
}

/// Removes the journal once its changes are all made.
fn finish(root0: &Path) -> Result<(), WriteError> {
    let path = root0.join(JOURNAL);
    fs::remove_file(&path).map_err(|e| WriteError::io(&path, e))?;
    contain::sync_dir(root0);
    Ok(())
}

/// Removes folders left empty by a deletion, up to (not including) the root.
fn remove_empty_parents(root: &Path, rel: &str) {
    let mut dir = Path::new(rel).parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() || fs::remove_dir(root.join(d)).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Reads the journal in `root0`, if any.
fn read_journal(root0: &Path) -> Result<Option<Journal>, WriteError> {
    let Some(bytes) = contain::read(root0, JOURNAL)? else {
        return Ok(None);
    };
    let broken = |message: String| WriteError::JournalBroken {
        journal: root0.join(JOURNAL),
        message,
    };
    let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| broken(e.to_string()))?;
    if journal.landform_journal != 1 {
        return Err(broken(format!(
            "unsupported journal version {}",
            journal.landform_journal
        )));
    }
    // Every path must be a plain relative one, and every staging name one landform makes.
    let n = journal.roots.len();
    let ok_root = |r: usize| r < n;
    let paths_ok = journal
        .dirs
        .iter()
        .all(|(r, p)| ok_root(*r) && contain::safe(p).is_ok())
        && journal.puts.iter().all(|p| {
            ok_root(p.root) && contain::safe(&p.path).is_ok() && contain::is_scratch_name(&p.staged)
        })
        && journal
            .deletes
            .iter()
            .all(|d| ok_root(d.root) && contain::safe(&d.path).is_ok())
        && journal.probes.iter().all(|(r, p)| {
            ok_root(*r)
                && contain::safe(p).is_ok()
                && Path::new(p)
                    .file_name()
                    .is_some_and(|f| contain::is_scratch_name(&f.to_string_lossy()))
        });
    if !paths_ok || journal.roots.first().map(String::as_str) != Some(".") {
        return Err(broken("it names a path landform does not write".into()));
    }
    Ok(Some(journal))
}

/// Maps a journal's roots onto this run's: every root it names must be one of them.
fn map_roots(
    root0: &Path,
    roots: &[PathBuf],
    journal: &Journal,
) -> Result<Vec<PathBuf>, WriteError> {
    let mine: BTreeMap<String, &PathBuf> = roots.iter().map(|r| (relative(root0, r), r)).collect();
    journal
        .roots
        .iter()
        .map(|rel| {
            mine.get(rel)
                .map(|p| (*p).clone())
                .ok_or_else(|| WriteError::JournalBroken {
                    journal: root0.join(JOURNAL),
                    message: format!(
                        "it was left by a run that also wrote in `{rel}` (relative to the \
                         output directory), which this run does not: rerun the command that \
                         was interrupted, with the same blueprint"
                    ),
                })
        })
        .collect()
}

/// Finishes or undoes what an interrupted run left (see the module documentation), then
/// removes stray staging files in root 0. Run under the run lock, before reading anything.
pub fn recover(roots: &[&Path]) -> Result<Option<Recovered>, WriteError> {
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| fs::canonicalize(r).map_err(|e| WriteError::io(r, e)))
        .collect::<Result<_, _>>()?;
    let root0 = roots[0].clone();
    let recovered = match read_journal(&root0)? {
        None => None,
        Some(journal) => {
            let mapped = map_roots(&root0, &roots, &journal)?;
            let r = match journal.state {
                State::Prepare => Recovered::RolledBack {
                    files: rollback(&mapped, &journal),
                },
                State::Commit => Recovered::RolledForward {
                    files: roll_forward(&mapped, &journal)?,
                },
            };
            finish(&root0)?;
            Some(r)
        }
    };
    // A journal (or a lone file) being written when a run was killed: a staging file at the
    // top of a root.
    for root in &roots {
        sweep(root);
    }
    Ok(recovered)
}

/// Removes staging files at the top of a folder (not below: those are in journals).
pub fn sweep(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if contain::is_scratch_name(&e.file_name().to_string_lossy()) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Whether an interrupted run left a journal in `root0` (for commands that only read).
pub fn pending(root0: &Path) -> Result<Pending, WriteError> {
    if !root0.exists() {
        return Ok(Pending::None);
    }
    Ok(match read_journal(root0)? {
        None => Pending::None,
        Some(j) if j.state == State::Prepare => Pending::Prepared,
        Some(_) => Pending::Committed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    path_text(e.path().strip_prefix(root).unwrap()),
                    fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn relative_paths_between_roots() {
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b")), ".");
        assert_eq!(relative(Path::new("/a/b/out"), Path::new("/a/b")), "..");
        assert_eq!(relative(Path::new("/a/x"), Path::new("/a/y/z")), "../y/z");
    }

    #[test]
    fn commits_across_roots_and_removes_its_journal() {
        let d = tempfile::tempdir().unwrap();
        let (out, side) = (d.path().join("out"), d.path().to_path_buf());
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.tf"), "old").unwrap();
        let mut t = Transaction::new(&[&out, &side]).unwrap();
        t.put(0, "a/b/c.tf", &b"c"[..]);
        t.put(0, "top.tf", b"top".to_vec());
        t.put(1, "landform.lock", &b"lock"[..]);
        t.delete(0, "old.tf", &hash(b"old"));
        t.commit().unwrap();
        assert_eq!(
            files(&out),
            [
                ("a/b/c.tf".into(), "c".into()),
                ("top.tf".into(), "top".into())
            ]
        );
        assert_eq!(
            fs::read_to_string(side.join("landform.lock")).unwrap(),
            "lock"
        );
        assert_eq!(recover(&[&out, &side]).unwrap(), None);
    }

    #[test]
    fn a_failure_while_staging_changes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir_all(out.join("org")).unwrap();
        fs::write(out.join("org/accounts.tf"), "old").unwrap();
        // `blocked` is a file where the next put needs a folder: staging fails there.
        fs::write(out.join("blocked"), "x").unwrap();
        let before = files(&out);
        let mut t = Transaction::new(&[&out]).unwrap();
        t.put(0, "org/accounts.tf", &b"new"[..]);
        t.put(0, "new/dir/f.tf", &b"f"[..]);
        t.put(0, "blocked/f.tf", &b"f"[..]);
        assert!(matches!(t.commit(), Err(WriteError::NotADirectory(_))));
        assert_eq!(files(&out), before);
        assert!(!out.join("new").exists());
    }

    /// Stops a commit right after its commit point, as a kill would.
    fn committed_but_not_applied(out: &Path) -> Journal {
        let journal = Journal {
            landform_journal: 1,
            state: State::Commit,
            roots: vec![".".into()],
            dirs: vec![(0, "n".into())],
            puts: vec![JournalPut {
                root: 0,
                path: "n/f.tf".into(),
                staged: contain::scratch_name(),
                sha256: hash(b"new"),
            }],
            deletes: vec![JournalDelete {
                root: 0,
                path: "gone.tf".into(),
                sha256: hash(b"gone"),
            }],
            probes: vec![],
        };
        fs::create_dir(out.join("n")).unwrap();
        fs::write(out.join("n").join(&journal.puts[0].staged), "new").unwrap();
        fs::write(out.join("gone.tf"), "gone").unwrap();
        write_journal(out, &journal).unwrap();
        journal
    }

    #[test]
    fn a_committed_journal_is_rolled_forward_once() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path();
        committed_but_not_applied(out);
        assert_eq!(pending(out).unwrap(), Pending::Committed);
        assert_eq!(
            recover(&[out]).unwrap(),
            Some(Recovered::RolledForward { files: 2 })
        );
        assert_eq!(files(out), [("n/f.tf".into(), "new".into())]);
        assert_eq!(recover(&[out]).unwrap(), None);
    }

    #[test]
    fn a_half_applied_journal_is_finished() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path();
        let j = committed_but_not_applied(out);
        // The rename happened, the deletion did not.
        fs::rename(out.join("n").join(&j.puts[0].staged), out.join("n/f.tf")).unwrap();
        assert_eq!(
            recover(&[out]).unwrap(),
            Some(Recovered::RolledForward { files: 1 })
        );
        assert_eq!(files(out), [("n/f.tf".into(), "new".into())]);
    }

    #[test]
    fn a_prepared_journal_is_rolled_back() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path();
        let mut j = committed_but_not_applied(out);
        j.state = State::Prepare;
        write_journal(out, &j).unwrap();
        // A journal being rewritten when the kill came: a stray staging file at the top.
        fs::write(out.join(contain::scratch_name()), "{").unwrap();
        assert_eq!(
            recover(&[out]).unwrap(),
            Some(Recovered::RolledBack { files: 1 })
        );
        assert_eq!(files(out), [("gone.tf".into(), "gone".into())]);
        assert!(!out.join("n").exists());
    }

    #[test]
    fn a_journal_naming_foreign_paths_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(d.path().join("victim"), "v").unwrap();
        let mut j = committed_but_not_applied(&out);
        j.deletes[0].path = "../victim".into();
        write_journal(&out, &j).unwrap();
        assert!(matches!(
            recover(&[&out]),
            Err(WriteError::JournalBroken { .. })
        ));
        j.deletes[0].path = "gone.tf".into();
        j.roots.push("..".into());
        write_journal(&out, &j).unwrap();
        // This run's only root is `out`: the journal also names its parent.
        assert!(matches!(
            recover(&[&out]),
            Err(WriteError::JournalBroken { .. })
        ));
        assert_eq!(fs::read_to_string(d.path().join("victim")).unwrap(), "v");
    }
}
