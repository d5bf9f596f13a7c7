//! The error type of every command. The exit code comes from the error ([`Error::exit_code`]):
//! every variant today is the user's to fix or retry (2); 1 is reserved for drift found by
//! `--check` and `diff`, which is not an error.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::adopt::AdoptError;
use crate::diagnostic::Diagnostic;
use crate::render::TemplateError;
use crate::verify::VerifyError;
use crate::write::contain::shown;
use crate::write::{Conflict, WriteError};

#[derive(Debug)]
pub enum Error {
    /// The blueprint (or a file it names, or the lock) is wrong.
    Input(Vec<Diagnostic>),
    Template(TemplateError),
    Verify(Vec<VerifyError>),
    /// Files landform would overwrite or delete that it does not own as written.
    Conflicts(Vec<Conflict>),
    Write(WriteError),
    /// A file the user named (other than the blueprint) cannot be read.
    Read {
        path: PathBuf,
        source: io::Error,
    },
    /// A file landform only ever creates exists already.
    Exists(PathBuf),
    /// `landform adopt`: the export folder is incomplete or wrong.
    Adopt(AdoptError),
    /// An argument that names nothing usable (an unknown preset, a missing folder...).
    Usage(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_)
            | Error::Template(_)
            | Error::Verify(_)
            | Error::Conflicts(_)
            | Error::Write(_)
            | Error::Read { .. }
            | Error::Exists(_)
            | Error::Adopt(_)
            | Error::Usage(_) => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(ds) => {
                for d in ds {
                    writeln!(f, "{d}")?;
                }
                let n = ds.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{n} error{}; nothing was written",
                    if n == 1 { "" } else { "s" }
                )
            }
            Error::Template(e) => write!(f, "error: {e}"),
            Error::Verify(es) => {
                for e in es {
                    writeln!(f, "error: {e}")?;
                }
                write!(f, "this is a template bug; nothing was written")
            }
            Error::Conflicts(cs) => {
                for c in cs {
                    writeln!(f, "error: `{}` {}", c.path, c.reason)?;
                }
                write!(
                    f,
                    "nothing was written: move your changes into the blueprint (or another \
                     file), or rerun with --force to overwrite"
                )
            }
            Error::Write(e) if e.nothing_written() => {
                write!(f, "error: {e}\nnothing was written")
            }
            Error::Write(e) => write!(f, "error: {e}"),
            Error::Read { path, source } => {
                write!(f, "error: cannot read {}: {source}", shown(path))
            }
            Error::Exists(path) => write!(
                f,
                "error: {} exists already; landform never overwrites it\nnothing was written",
                shown(path)
            ),
            Error::Adopt(e) => write!(f, "error: {e}"),
            Error::Usage(m) => write!(f, "error: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Write(e) => Some(e),
            Error::Read { source, .. } => Some(source),
            Error::Adopt(e) => Some(e),
            Error::Template(e) => Some(e),
            _ => None,
        }
    }
}

impl std::error::Error for TemplateError {}

impl From<WriteError> for Error {
    fn from(e: WriteError) -> Error {
        Error::Write(e)
    }
}

impl From<TemplateError> for Error {
    fn from(e: TemplateError) -> Error {
        Error::Template(e)
    }
}

impl From<AdoptError> for Error {
    fn from(e: AdoptError) -> Error {
        Error::Adopt(e)
    }
}

impl From<Vec<Diagnostic>> for Error {
    fn from(ds: Vec<Diagnostic>) -> Error {
        Error::Input(ds)
    }
}

impl From<Vec<VerifyError>> for Error {
    fn from(es: Vec<VerifyError>) -> Error {
        Error::Verify(es)
    }
}
