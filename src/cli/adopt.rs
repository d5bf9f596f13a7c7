use std::path::PathBuf;

use crate::app::{Paths, Session};
use crate::error::Error;
use crate::lock;
use crate::write::WriteError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder of AWS CLI JSON exports (see "Adopting an existing organization" in the README)
    #[arg(long)]
    from: PathBuf,
    /// The blueprint to write [default: landform.yaml]; must not exist
    blueprint: Option<PathBuf>,
    /// The region Terraform runs in (the export does not say)
    #[arg(long, default_value = "us-east-1")]
    home_region: String,
}

/// Creates a new file (never over an existing one, never through a link).
fn write(path: &std::path::Path, text: &str) -> Result<(), Error> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| WriteError::io(dir, e))?;
    }
    let mut f = crate::write::contain::create_exclusive(path).map_err(|e| match e {
        WriteError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            Error::Exists(path.to_path_buf())
        }
        e => Error::Write(e),
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::Write(WriteError::io(path, e)))
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let lock_path = lock::path_for(&path);
    for p in [&path, &lock_path] {
        if p.exists() || p.is_symlink() {
            return Err(Error::Exists(p.clone()));
        }
    }
    let adopted = crate::adopt::adopt(&args.from, &args.home_region)?;
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    for (rel, text) in &adopted.documents {
        write(&dir.join(rel), text)?;
    }
    write(&path, &adopted.blueprint)?;
    write(&lock_path, &adopted.lock.to_text())?;
    for n in &adopted.notes {
        info!("note: {n}");
    }
    info!(
        "wrote {} and {}: {} accounts, {} OUs, {} policies to import",
        path.display(),
        lock_path.display(),
        adopted.lock.accounts.len(),
        adopted.lock.organizational_units.len(),
        adopted.lock.policies.len()
    );
    let paths = Paths {
        out: super::generate::default_out(&path),
        blueprint: path,
        templates: None,
    };
    let session = Session::open(
        paths,
        true,
        crate::lock::RunOptions::default(),
        crate::app::load,
    )?;
    super::generate::generate_into(&session, false, false)
}
