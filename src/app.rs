//! The application layer: what a command does, between parsing its arguments and printing.
//!
//! A run that writes is one [`Session`]: it locks the output directory and the blueprint's
//! folder ([`write::runlock`]), finishes or undoes whatever an interrupted run left
//! ([`write::txn::recover`]), loads and generates, and commits the tree, its manifest and
//! `landform.lock` as one transaction ([`write::Transaction`]). Commands that only read take
//! the same locks shared and refuse a half-written tree.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::load::{self, Loaded};
use crate::lock::{self, RunOptions};
use crate::write::{self, Pending, Plan, Recovered, Transaction, runlock::RunLock};

/// Where a run reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    pub blueprint: PathBuf,
    pub out: PathBuf,
    /// A folder of template overrides (already checked to exist).
    pub templates: Option<PathBuf>,
}

impl Paths {
    /// The blueprint's folder (the lock lives there).
    pub fn blueprint_dir(&self) -> PathBuf {
        let dir = self.blueprint.parent().unwrap_or(Path::new(""));
        if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.to_path_buf()
        }
    }

    pub fn lock(&self) -> PathBuf {
        lock::path_for(&self.blueprint)
    }
}

/// How the lock file compares with what this run computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockChange {
    Unchanged,
    Added,
    Changed,
}

/// One generated run, loaded and planned under the run lock; nothing written yet.
#[derive(Debug)]
pub struct Session {
    pub paths: Paths,
    pub loaded: Loaded,
    pub output: crate::Output,
    pub plan: Plan,
    /// The lock text this run would write (computed by the lock reconciliation).
    pub lock_text: String,
    pub lock_change: LockChange,
    /// The replacement gate's errors ([`crate::gate`]): accounts on disk whose email would
    /// change or that would vanish without the blueprint asking. A session with any never
    /// commits.
    pub refused: Vec<Diagnostic>,
    /// The CI pipeline `ci:` asks for, beside the blueprint; committed in the same transaction.
    pub ci: Option<CiFiles>,
    /// What an interrupted earlier run left and this session finished or undid.
    pub recovered: Option<Recovered>,
    created_out: bool,
    _lock: RunLock,
}

/// What a session computes once it holds the lock.
struct Generated {
    loaded: Loaded,
    output: crate::Output,
    plan: Plan,
    lock_text: String,
    lock_change: LockChange,
    refused: Vec<Diagnostic>,
    ci: Option<CiFiles>,
}

/// The CI pipeline files beside the blueprint, and what writing them would do. Owned like the
/// tree: a manifest in that folder records what landform wrote, so a hand-written pipeline is
/// never overwritten and a pipeline landform wrote goes when `ci:` goes.
#[derive(Debug)]
pub struct CiFiles {
    /// The blueprint's folder.
    pub root: PathBuf,
    pub files: crate::render::Tree,
    pub plan: Plan,
}

impl CiFiles {
    /// The files `ci:` asks for (None when there is nothing to do).
    fn plan(
        paths: &Paths,
        loaded: &Loaded,
        output: &crate::Output,
    ) -> Result<Option<CiFiles>, Error> {
        let root = paths.blueprint_dir();
        let files = crate::ci::for_blueprint(loaded, &output.model, &output.tree, &paths.out)
            .map_err(Error::Usage)?;
        // A manifest there that lists anything but pipeline files belongs to a tree generated
        // into this folder: it is not the pipeline's to change.
        let manifest = write::contain::read(&root, write::MANIFEST)?
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let foreign = manifest
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
            .any(|p| !crate::ci::PATHS.contains(&p));
        let same = std::path::absolute(&root).ok() == std::path::absolute(&paths.out).ok();
        let files: crate::render::Tree = match files {
            Some(_) if foreign || same => {
                return Err(Error::Usage(format!(
                    "`ci:` writes the pipeline beside the blueprint, but {} is where the tree                      is generated; generate the tree into a subfolder (`-o terraform`)",
                    write::contain::shown(&root)
                )));
            }
            Some(files) => files.into_iter().collect(),
            None => {
                // No `ci:`: only a pipeline landform wrote before is removed, and only when the
                // blueprint's folder is not the output directory (whose manifest is the tree's).
                if same || foreign || manifest.is_empty() {
                    return Ok(None);
                }
                crate::render::Tree::new()
            }
        };
        let plan = write::plan(&root, &files)?;
        Ok(Some(CiFiles { root, files, plan }))
    }
}

impl Generated {
    fn new(paths: &Paths, loaded: Loaded, options: RunOptions) -> Result<Generated, Error> {
        let output = crate::generate_with(&loaded, paths.templates.as_deref(), options)?;
        let t = std::time::Instant::now();
        let plan = write::plan(&paths.out, &output.tree)?;
        crate::output::stage(
            "plan",
            t,
            format_args!(
                "{} added, {} changed, {} removed, {} unchanged",
                plan.added.len(),
                plan.changed.len(),
                plan.removed.len(),
                plan.unchanged
            ),
        );
        let refused = crate::gate::check_dir(&paths.out, &output.tree, &output.model.lock)
            .err()
            .unwrap_or_default();
        // The lock text is what the reconciliation decided (carried by the model).
        let ci = CiFiles::plan(paths, &loaded, &output)?;
        let lock_text = output.model.lock.next.to_text();
        let lock_old = write::contain::read(&paths.blueprint_dir(), lock::FILE)?;
        let lock_change = match lock_old {
            None => LockChange::Added,
            Some(old) if old == lock_text.as_bytes() => LockChange::Unchanged,
            Some(_) => LockChange::Changed,
        };
        Ok(Generated {
            loaded,
            output,
            plan,
            lock_text,
            lock_change,
            refused,
            ci,
        })
    }
}

/// What committing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub lock_written: bool,
}

/// A session's lock and recovery, before anything is read.
struct Opened {
    created_out: bool,
    lock: RunLock,
    recovered: Option<Recovered>,
}

/// Locks (creating the output directory if needed) and recovers, for a run that writes.
fn open_for_writing(paths: &Paths) -> Result<Opened, Error> {
    let out = &paths.out;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| write::WriteError::io(parent, e))?;
    }
    // Created by this run (not by a concurrent one): only then may a failure remove it.
    let created_out = match std::fs::create_dir(out) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
        Err(e) => return Err(write::WriteError::io(out, e).into()),
    };
    let bp_dir = paths.blueprint_dir();
    // A run that finds another one writing leaves everything, the folder too, to that one.
    let lock = write::runlock::acquire(&[out, &bp_dir], false)?;
    let result = (|| {
        let recovered = write::txn::recover(&[out, &bp_dir])?;
        // landform.lock is read and written by name: never through a link.
        write::contain::inspect(&bp_dir, lock::FILE)?;
        Ok::<_, write::WriteError>(recovered)
    })();
    match result {
        Ok(recovered) => Ok(Opened {
            created_out,
            lock,
            recovered,
        }),
        Err(e) => {
            if created_out {
                let _ = std::fs::remove_dir(out);
            }
            Err(Error::Write(e))
        }
    }
}

/// Shared locks on the folders that exist, and a refusal to read a half-written tree.
fn open_for_reading(paths: &Paths) -> Result<RunLock, Error> {
    let bp_dir = paths.blueprint_dir();
    let dirs: Vec<&Path> = [paths.out.as_path(), bp_dir.as_path()]
        .into_iter()
        .filter(|d| d.is_dir())
        .collect();
    let lock = write::runlock::acquire(&dirs, true).map_err(Error::Write)?;
    if write::txn::pending(&paths.out).map_err(Error::Write)? == Pending::Committed {
        return Err(Error::Write(write::WriteError::Unfinished(
            paths.out.join(write::txn::JOURNAL),
        )));
    }
    if bp_dir.is_dir() {
        write::contain::inspect(&bp_dir, lock::FILE).map_err(Error::Write)?;
    }
    Ok(lock)
}

/// Loads a blueprint (and its lock) from disk.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let t = std::time::Instant::now();
    let loaded = load::load_file(path).map_err(Error::Input)?;
    crate::output::stage(
        "load",
        t,
        format_args!(
            "{} bytes, {} referenced files, lock {}",
            loaded.source.text.len(),
            loaded.files.len(),
            if loaded.lock.is_some() {
                "read"
            } else {
                "absent"
            }
        ),
    );
    Ok(loaded)
}

impl Session {
    /// Locks, recovers, loads (with `load`, once the lock is held), generates and plans.
    /// `write` false: only reads (for `--check` and `diff`), under shared locks.
    pub fn open(
        paths: Paths,
        write: bool,
        options: RunOptions,
        load: impl FnOnce(&Path) -> Result<Loaded, Error>,
    ) -> Result<Session, Error> {
        let (created_out, lock, recovered) = if write {
            let o = open_for_writing(&paths)?;
            (o.created_out, o.lock, o.recovered)
        } else {
            (false, open_for_reading(&paths)?, None)
        };
        let generated =
            load(&paths.blueprint).and_then(|loaded| Generated::new(&paths, loaded, options));
        match generated {
            Ok(g) => Ok(Session {
                paths,
                loaded: g.loaded,
                output: g.output,
                plan: g.plan,
                lock_text: g.lock_text,
                lock_change: g.lock_change,
                refused: g.refused,
                ci: g.ci,
                recovered,
                created_out,
                _lock: lock,
            }),
            Err(e) => {
                // Still under the run lock: no other run can be using the folder.
                if created_out {
                    let _ = std::fs::remove_dir(&paths.out);
                }
                drop(lock);
                Err(e)
            }
        }
    }

    /// Commits the tree, its manifest and the lock as one transaction. Refuses (writing
    /// nothing) when files were edited by hand, unless `force`.
    pub fn commit(&self, force: bool) -> Result<Committed, Error> {
        self.commit_with(force, &[])
    }

    /// [`Session::commit`], with new files beside the blueprint (`init` writes the blueprint
    /// itself in the same transaction). Each must not exist yet.
    pub fn commit_with(&self, force: bool, beside: &[(&str, &[u8])]) -> Result<Committed, Error> {
        let result = self.commit_inner(force, beside);
        if result.is_err() && self.created_out {
            let _ = std::fs::remove_dir(&self.paths.out);
        }
        result
    }

    fn commit_inner(&self, force: bool, beside: &[(&str, &[u8])]) -> Result<Committed, Error> {
        if !self.refused.is_empty() {
            return Err(Error::Input(self.refused.clone()));
        }
        let mut conflicts = self.plan.conflicts.clone();
        if let Some(ci) = &self.ci {
            conflicts.extend(ci.plan.conflicts.iter().map(|c| write::Conflict {
                path: ci.root.join(&c.path).display().to_string(),
                reason: c.reason,
            }));
        }
        if !conflicts.is_empty() && !force {
            return Err(Error::Conflicts(conflicts));
        }
        let bp_dir = self.paths.blueprint_dir();
        let mut txn = Transaction::new(&[&self.paths.out, &bp_dir]).map_err(Error::Write)?;
        self.plan.stage(&mut txn, 0, &self.output.tree);
        if let Some(ci) = &self.ci {
            ci.plan.stage(&mut txn, 1, &ci.files);
        }
        let lock_written = self.lock_change != LockChange::Unchanged;
        if lock_written {
            txn.put(1, lock::FILE, self.lock_text.as_bytes());
        }
        for (rel, content) in beside {
            let found = write::contain::inspect(&bp_dir, rel).map_err(Error::Write)?;
            if !matches!(found, write::contain::Found::Missing { .. }) {
                return Err(Error::Exists(bp_dir.join(rel)));
            }
            txn.put(1, rel, *content);
        }
        let t = std::time::Instant::now();
        txn.commit().map_err(Error::Write)?;
        crate::output::stage(
            "write",
            t,
            format_args!(
                "{} files written, {} removed{}",
                self.plan.added.len() + self.plan.changed.len(),
                self.plan.removed.len(),
                if lock_written { ", lock written" } else { "" }
            ),
        );
        Ok(Committed { lock_written })
    }
}

/// Rewrites the lock beside a blueprint under the run lock: `update` reads it (once the lock
/// is held) and returns the new text, which replaces it atomically.
pub fn update_lock<T>(
    blueprint: &Path,
    update: impl FnOnce(&Path) -> Result<(String, T), Error>,
) -> Result<T, Error> {
    let paths = Paths {
        blueprint: blueprint.to_path_buf(),
        out: PathBuf::new(),
        templates: None,
    };
    let dir = paths.blueprint_dir();
    let _lock = write::runlock::acquire(&[&dir], false)?;
    write::txn::sweep(&dir);
    write::contain::inspect(&dir, lock::FILE)?;
    let (text, value) = update(&paths.lock())?;
    let mut txn = Transaction::new(&[&dir])?;
    txn.put(0, lock::FILE, text.as_bytes());
    txn.commit()?;
    Ok(value)
}
