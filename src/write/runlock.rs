//! The run lock: an advisory lock (`flock`) on each folder a run writes in (the output
//! directory, the blueprint's folder), so two runs on one output or one blueprint never
//! interleave. A second run does not wait: it stops with a message naming the folder.

use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use super::WriteError;

/// Held for the whole run; dropping it releases every lock.
#[derive(Debug)]
pub struct RunLock {
    _held: Vec<File>,
}

/// Locks these folders (which must exist), in a fixed order so two runs never deadlock.
/// A shared lock (for commands that only read) excludes writers but not other readers.
pub fn acquire(dirs: &[&Path], shared: bool) -> Result<RunLock, WriteError> {
    let mut canon: Vec<PathBuf> = dirs
        .iter()
        .map(|d| fs::canonicalize(d).map_err(|e| WriteError::io(d, e)))
        .collect::<Result<_, _>>()?;
    canon.sort();
    canon.dedup();
    let mut held = Vec::new();
    for dir in canon {
        let f = File::open(&dir).map_err(|e| WriteError::io(&dir, e))?;
        match try_flock(&f, shared) {
            Ok(true) => held.push(f),
            Ok(false) => return Err(WriteError::Busy(dir)),
            Err(e) => return Err(WriteError::io(&dir, e)),
        }
    }
    Ok(RunLock { _held: held })
}

/// `flock` without waiting: Ok(false) when another holder excludes this one. (`File::try_lock`
/// needs Rust 1.89; the crate supports 1.88.)
pub fn try_flock(f: &File, shared: bool) -> std::io::Result<bool> {
    let op = if shared { libc::LOCK_SH } else { libc::LOCK_EX } | libc::LOCK_NB;
    loop {
        // SAFETY: flock on a file descriptor this `File` owns and keeps open.
        if unsafe { libc::flock(f.as_raw_fd(), op) } == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_on_a_shared_folder_is_refused_until_the_first_ends() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        let first = acquire(&[&a, &b, &a], false).unwrap();
        assert!(matches!(acquire(&[&b], true), Err(WriteError::Busy(p)) if p.ends_with("b")));
        drop(first);
        let r1 = acquire(&[&b, &a], true).unwrap();
        let r2 = acquire(&[&a], true).unwrap();
        assert!(matches!(acquire(&[&a], false), Err(WriteError::Busy(_))));
        drop((r1, r2));
        acquire(&[&a], false).unwrap();
    }
}
