//! `landform access`: the access matrix (accounts by OU × groups and users → permission sets),
//! for audits.

use std::path::PathBuf;

use crate::error::Error;
use crate::model::identity_center::Matrix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
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
    let Some(ic) = &model.identity_center else {
        return Err(Error::Usage(format!(
            "{} has no `identity_center:` section, so nobody has access through Identity Center",
            path.display()
        )));
    };
    print!(
        "{}",
        match args.format {
            Format::Markdown => markdown(&ic.matrix),
            Format::Csv => csv(&ic.matrix),
            Format::Json => crate::output::json(&ic.matrix),
        }
    );
    Ok(0)
}

/// The matrix as a Markdown table.
pub fn markdown(m: &Matrix) -> String {
    let cell = |s: &str| crate::render::markdown_cell(s);
    let mut out = String::from("| OU | account |");
    for c in &m.columns {
        out.push_str(&format!(" {} |", cell(c)));
    }
    out.push_str("\n|----|---------|");
    for _ in &m.columns {
        out.push_str("---|");
    }
    out.push('\n');
    for r in &m.rows {
        out.push_str(&format!("| {} | {} |", cell(&r.ou), cell(&r.account)));
        for c in &r.cells {
            if c.is_empty() {
                out.push_str(" |");
            } else {
                out.push_str(&format!(" {} |", cell(c)));
            }
        }
        out.push('\n');
    }
    out
}

/// The matrix as CSV (RFC 4180), permission sets in a cell separated by `; `.
pub fn csv(m: &Matrix) -> String {
    fn field(s: &str) -> String {
        // A leading = + - @ would be a formula in a spreadsheet.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::new();
    let header: Vec<String> = ["ou", "account"]
        .iter()
        .map(|s| s.to_string())
        .chain(m.columns.iter().map(|c| field(c)))
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in &m.rows {
        let row: Vec<String> = [field(&r.ou), field(&r.account)]
            .into_iter()
            .chain(r.cells.iter().map(|c| field(&c.replace(", ", "; "))))
            .collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
