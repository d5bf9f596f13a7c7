use std::path::PathBuf;

use crate::app::Session;
use crate::error::Error;
use crate::presets;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder for the new landing-zone repo [default: the current directory]
    dir: Option<PathBuf>,
    /// The starter blueprint: minimal, smb or enterprise
    #[arg(long, default_value = "smb")]
    preset: String,
    #[command(flatten)]
    run: super::RunArgs,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let Some(text) = presets::find(&args.preset) else {
        let names: Vec<&str> = presets::PRESETS.iter().map(|(n, _, _)| *n).collect();
        return Err(Error::Usage(format!(
            "unknown preset `{}`; presets: {}",
            args.preset,
            names.join(", ")
        )));
    };
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let path = dir.join("landform.yaml");
    if path.exists() || path.is_symlink() {
        return Err(Error::Usage(format!(
            "{} exists already; landform init never overwrites a blueprint (run `landform generate` instead)",
            path.display()
        )));
    }
    let created_dir = !dir.exists();
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Write(crate::write::WriteError::io(&dir, e)))?;
    let paths = match args.run.paths(path.clone()) {
        Ok(p) => p,
        Err(e) => {
            if created_dir {
                let _ = std::fs::remove_dir(&dir);
            }
            return Err(e);
        }
    };
    // One pipeline run, one transaction: the blueprint, the lock and the tree together.
    let result = Session::open(paths, true, args.run.options(), |p| {
        crate::load::load_str(p, text).map_err(Error::Input)
    })
    .and_then(|session| {
        session.commit_with(args.run.force, &[("landform.yaml", text.as_bytes())])?;
        Ok(session)
    });
    let session = match result {
        Ok(s) => s,
        Err(e) => {
            if created_dir {
                let _ = std::fs::remove_dir(&dir);
            }
            return Err(e);
        }
    };
    super::print_warnings(&session.output.warnings);
    println!("wrote {} (preset {})", path.display(), args.preset);
    super::generate::report_written(&session);
    Ok(0)
}
