//! `landform explain TARGET`: the guardrails, regions, effective policies and sign-ins in force
//! on an account, an OU or the root (see [`crate::explain`]). Reads only the blueprint.

use std::path::PathBuf;

use crate::diagnostic::unknown_help;
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An account key or name, an OU key or name, or `root`
    target: String,
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let loaded = super::load(&path)?;
    let (model, warnings) = crate::check(&loaded).map_err(Error::Input)?;
    super::print_warnings(&warnings);
    let Some(target) = crate::explain::resolve(&model, &args.target) else {
        return Err(Error::Usage(format!(
            "no account, OU or root named `{}` in {}; {}",
            args.target,
            path.display(),
            unknown_help(
                &args.target,
                "targets",
                crate::explain::names(&model).into_iter()
            )
        )));
    };
    let e = crate::explain::explain(&model, &target);
    print!(
        "{}",
        match args.format {
            Format::Markdown => e.markdown(),
            Format::Text => e.text(),
            Format::Json => e.json(),
        }
    );
    Ok(0)
}
