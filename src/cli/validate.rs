use std::path::PathBuf;

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// Check as `generate --pack` would generate
    #[arg(long)]
    pack: bool,
    /// Output format: `json` prints one object (`ok`, `summary`, `diagnostics`) on stdout,
    /// errors included, and still exits 2 when the blueprint has errors
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let options = crate::lock::RunOptions {
        pack: args.pack,
        ..Default::default()
    };
    let checked = super::load(&path)
        .and_then(|loaded| crate::check_with(&loaded, options).map_err(Error::Input));
    if args.format == Format::Json {
        let (code, summary, diagnostics) = match checked {
            Ok((model, warnings)) => (
                0,
                serde_json::json!({
                    "accounts": model.accounts.len(),
                    "organizational_units": model.ous.len(),
                    "policies": model.policies.len(),
                }),
                warnings,
            ),
            Err(Error::Input(diagnostics)) => (2, serde_json::Value::Null, diagnostics),
            Err(e) => return Err(e),
        };
        let report = serde_json::json!({
            "blueprint": path.display().to_string(),
            "ok": code == 0,
            "summary": summary,
            "diagnostics": diagnostics.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
        });
        print!("{}", crate::output::json(&report));
        return Ok(code);
    }
    let (model, warnings) = checked?;
    super::print_warnings(&warnings);
    info!(
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
