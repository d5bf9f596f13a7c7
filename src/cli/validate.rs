use std::path::PathBuf;

use crate::error::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// Check as `generate --pack` would generate
    #[arg(long)]
    pack: bool,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let loaded = super::load(&path)?;
    let options = crate::lock::RunOptions {
        pack: args.pack,
        ..Default::default()
    };
    let (model, warnings) = crate::check_with(&loaded, options).map_err(Error::Input)?;
    super::print_warnings(&warnings);
    println!(
        "{}: ok: {} accounts in {} OUs, {} policies ({} warning{})",
        path.display(),
        model.accounts.len(),
        model.ous.len(),
        model.policies.len(),
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    );
    Ok(0)
}
