use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::load::Loaded;
use crate::write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// The output directory [default: terraform/ beside the blueprint]
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 and list the files that would change (a CI drift gate)
    #[arg(long)]
    check: bool,
    /// Overwrite or delete generated files even if they were edited by hand
    #[arg(long)]
    force: bool,
    /// A folder of templates overriding the built-in ones by name [default: templates/ beside
    /// the blueprint, if present]
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Merge guardrail SCPs/RCPs attached to the same targets into as few documents as the
    /// size limit allows (like `organization.pack_guardrails: true`)
    #[arg(long)]
    pack: bool,
}

/// The output directory for a blueprint: `terraform/` beside it.
pub fn default_out(blueprint: &Path) -> PathBuf {
    blueprint
        .parent()
        .unwrap_or(Path::new(""))
        .join("terraform")
}

/// The template override folder: the flag, or `templates/` beside the blueprint.
fn templates_dir(loaded: &Loaded, flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| {
        let dir = loaded.source.dir().join("templates");
        dir.is_dir().then_some(dir)
    })
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let mut loaded = super::load(&path)?;
    if args.pack {
        loaded.blueprint.organization.pack_guardrails = true;
    }
    let out = args.out.unwrap_or_else(|| default_out(&path));
    let templates = templates_dir(&loaded, args.templates);
    if let Some(dir) = &templates
        && !dir.is_dir()
    {
        return Err(Error::Usage(format!(
            "template folder {} does not exist",
            dir.display()
        )));
    }
    generate_into(&loaded, &out, templates.as_deref(), args.check, args.force)
}

/// Generates and writes (or checks) one tree; shared with `init`.
pub fn generate_into(
    loaded: &Loaded,
    out: &Path,
    templates: Option<&Path>,
    check: bool,
    force: bool,
) -> Result<i32, Error> {
    let output = crate::generate(loaded, templates)?;
    super::print_warnings(&output.warnings);
    for line in pack_report(&output.model, &loaded.blueprint.organization.limits) {
        println!("{line}");
    }
    let plan = write::plan(out, &output.tree).map_err(Error::Write)?;
    if check {
        if !plan.has_changes() {
            println!("{}: up to date ({} files)", out.display(), plan.unchanged);
            return Ok(0);
        }
        for p in &plan.added {
            println!("added    {p}");
        }
        for p in &plan.changed {
            println!("changed  {p}");
        }
        for p in &plan.removed {
            println!("removed  {p}");
        }
        println!(
            "{}: {} file{} would change; run `landform generate`",
            out.display(),
            plan.added.len() + plan.changed.len() + plan.removed.len(),
            if plan.added.len() + plan.changed.len() + plan.removed.len() == 1 {
                ""
            } else {
                "s"
            }
        );
        return Ok(1);
    }
    if !plan.conflicts.is_empty() && !force {
        return Err(Error::Conflicts(plan.conflicts.clone()));
    }
    write::apply(out, &output.tree, &plan).map_err(Error::Write)?;
    println!(
        "{}: {} added, {} changed, {} removed, {} unchanged",
        out.display(),
        plan.added.len(),
        plan.changed.len(),
        plan.removed.len(),
        plan.unchanged
    );
    Ok(0)
}

/// One line per packed document: what it merged, where it is attached, and its size.
fn pack_report(model: &crate::model::Model, limits: &crate::blueprint::Limits) -> Vec<String> {
    model
        .policies
        .iter()
        .filter(|p| !p.packed_from.is_empty())
        .map(|p| {
            format!(
                "packed {} into `{}` on {} ({} of {} characters)",
                crate::diagnostic::list(p.packed_from.iter().map(String::as_str)),
                p.name,
                p.targets
                    .iter()
                    .map(|t| t.describe())
                    .collect::<Vec<_>>()
                    .join(", "),
                p.size(),
                crate::orgpolicy::max_size(p.kind, limits)
            )
        })
        .collect()
}
