//! The error type of the pipeline; every variant is the user's to fix (exit code 2).

use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::render::TemplateError;
use crate::verify::VerifyError;
use crate::write::{Conflict, WriteError};

#[derive(Debug)]
pub enum Error {
    /// The blueprint (or a file it names) is wrong.
    Input(Vec<Diagnostic>),
    Template(TemplateError),
    Verify(Vec<VerifyError>),
    /// Files landform would overwrite or delete that it does not own as written.
    Conflicts(Vec<Conflict>),
    Write(WriteError),
    Usage(String),
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
            Error::Write(e) => write!(f, "error: cannot write the tree: {e}"),
            Error::Usage(m) => write!(f, "error: {m}"),
        }
    }
}

impl std::error::Error for Error {}
