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

/// The repository's `.gitignore`: Terraform's working folders, state and plan files stay out;
/// `.terraform.lock.hcl` (the provider versions and checksums) is committed.
pub const GITIGNORE: &str = "\
# Written by `landform init`; yours to edit.
# Terraform's working folders (providers, modules, backend cache):
.terraform/
# Local state and its backups (state lives in the backend; bootstrap/ holds local state only
# until its migration):
*.tfstate
*.tfstate.*
# Plan files (they can hold secrets):
*.tfplan
*.tfplan.json
tfplan
# Crash logs and local overrides:
crash.log
crash.*.log
*_override.tf
*_override.tf.json
# Keep .terraform.lock.hcl committed: it pins the provider builds every run uses.
!.terraform.lock.hcl
";

/// Writes a file that must not exist yet; an existing one is left as it is.
fn write_new(path: &std::path::Path, content: &str) -> Result<(), Error> {
    use std::io::Write;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => {
            f.write_all(content.as_bytes())
                .map_err(|e| Error::Usage(format!("cannot write {}: {e}", path.display())))?;
            println!("wrote {}", path.display());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            println!("kept {} (it exists already)", path.display());
            Ok(())
        }
        Err(e) => Err(Error::Usage(format!(
            "cannot write {}: {e}",
            path.display()
        ))),
    }
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
    let blueprint = format!("{}{text}", super::schema::modeline());
    std::fs::write(&path, blueprint)
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", path.display())))?;
    println!("wrote {} (preset {})", path.display(), args.preset);
    for (name, content) in [
        (super::schema::FILE, super::schema::text()),
        (".gitignore", GITIGNORE.to_string()),
    ] {
        write_new(&dir.join(name), &content)?;
    }
    super::generate::generate_into(
        &loaded,
        &out,
        None,
        false,
        false,
        crate::lock::RunOptions::default(),
    )
}
