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
    let blueprint = format!("{}{text}", super::schema::modeline());
    let schema = super::schema::text();
    // One pipeline run, one transaction: the blueprint, its schema, the .gitignore, the lock and
    // the tree together. The schema and the .gitignore are written only where missing.
    let mut kept = Vec::new();
    let result = Session::open(paths, true, args.run.options(), |p| {
        crate::load::load_str(p, &blueprint).map_err(Error::Input)
    })
    .and_then(|session| {
        let mut beside: Vec<(&str, &[u8])> = vec![("landform.yaml", blueprint.as_bytes())];
        for (name, content) in [
            (super::schema::FILE, schema.as_bytes()),
            (".gitignore", GITIGNORE.as_bytes()),
        ] {
            match crate::write::contain::inspect(&dir, name).map_err(Error::Write)? {
                crate::write::contain::Found::Missing { .. } => beside.push((name, content)),
                _ => kept.push(name),
            }
        }
        session.commit_with(args.run.force, &beside)?;
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
    info!("wrote {} (preset {})", path.display(), args.preset);
    for name in [super::schema::FILE, ".gitignore"] {
        if kept.contains(&name) {
            info!("kept {} (it exists already)", dir.join(name).display());
        } else {
            info!("wrote {}", dir.join(name).display());
        }
    }
    super::generate::report_written(&session);
    Ok(0)
}
