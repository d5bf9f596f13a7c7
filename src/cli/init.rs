use std::path::PathBuf;

use crate::error::Error;
use crate::presets;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder for the new landing-zone repo [default: the current directory]
    dir: Option<PathBuf>,
    /// The starter blueprint: minimal, smb or enterprise
    #[arg(long, default_value = "smb")]
    preset: String,
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
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} exists already; landform init never overwrites a blueprint (run `landform generate` instead)",
            path.display()
        )));
    }
    let loaded = crate::load::load_str(&path, text).map_err(Error::Input)?;
    let out = super::generate::default_out(&path);
    // Generate first: if that failed, no half-made repo would be left behind.
    let output = crate::generate(&loaded, None)?;
    drop(output);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Usage(format!("cannot create {}: {e}", dir.display())))?;
    std::fs::write(&path, text)
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", path.display())))?;
    println!("wrote {} (preset {})", path.display(), args.preset);
    super::generate::generate_into(
        &loaded,
        &out,
        None,
        false,
        false,
        crate::lock::RunOptions::default(),
    )
}
