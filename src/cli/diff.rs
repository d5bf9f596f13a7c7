use std::path::PathBuf;

use similar::TextDiff;

use crate::error::Error;
use crate::lock::{self, RunOptions};
use crate::write;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// The output directory [default: terraform/ beside the blueprint]
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Show the diff as if `generate --allow-removal` were run
    #[arg(long)]
    allow_removal: bool,
    /// A folder of templates overriding the built-in ones by name
    #[arg(long)]
    templates: Option<PathBuf>,
    /// Output format: `json` prints one object (`changes`, `summary`, `files`, `lock_changed`,
    /// `refusals`) instead of the summary and unified diffs; the exit code is the same
    #[arg(long, value_enum, default_value = "text")]
    format: super::validate::Format,
}

fn unified(path: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let loaded = super::load(&path)?;
    let out = args
        .out
        .unwrap_or_else(|| super::generate::default_out(&path));
    let templates = super::generate::templates_dir(&loaded, args.templates);
    let options = RunOptions {
        allow_removal: args.allow_removal,
    };
    let output = crate::generate_with(&loaded, templates.as_deref(), options)?;
    super::print_warnings(&output.warnings);
    let model = &output.model;
    let plan = write::plan(&out, &output.tree).map_err(Error::Write)?;
    let r = &model.lock;

    // The summary, in Terraform terms: what the trees say (replacements and destroys first,
    // loudly), then what the lock plan says.
    let old_tf = crate::gate::read_tf(&out);
    let mut summary: Vec<String> = crate::gate::describe(&old_tf, &output.tree);
    for m in &r.new_moves {
        summary.push(format!(
            "~ {} is renamed to {} (moved, in place)",
            m.from, m.to
        ));
    }
    for k in &r.newly_removed {
        summary.push(format!(
            "- account {k} leaves Terraform's state (removed; it stays in AWS)"
        ));
    }
    for k in &r.closed {
        summary.push(format!("- account {k} will be closed"));
    }
    let policy_files = plan
        .added
        .iter()
        .map(|p| ('+', p))
        .chain(plan.changed.iter().map(|p| ('~', p)))
        .chain(plan.removed.iter().map(|p| ('-', p)))
        .filter(|(_, p)| p.starts_with("organization/policies/"));
    for (sign, p) in policy_files {
        let verb = match sign {
            '+' => "is new",
            '~' => "changes",
            _ => "is deleted",
        };
        summary.push(format!("{sign} policy document {p} {verb}"));
    }
    // TODO(identity center): assignments added/removed, once its model is on main.

    let lock_path = lock::path_for(&path);
    let lock_old = match std::fs::read_to_string(&lock_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::Usage(format!(
                "cannot read {}: {e}",
                lock_path.display()
            )));
        }
    };
    let lock_new = r.next.to_text();
    let files = plan.added.len() + plan.changed.len() + plan.removed.len();
    let unchanged = files == 0 && lock_old == lock_new && summary.is_empty();
    if args.format == super::validate::Format::Json {
        let refusals = if unchanged {
            Vec::new()
        } else {
            crate::gate::check(&old_tf, &output.tree, r, &out.display().to_string())
        };
        let report = serde_json::json!({
            "out": out.display().to_string(),
            "changes": !unchanged,
            "summary": summary,
            "files": {
                "added": plan.added,
                "changed": plan.changed,
                "removed": plan.removed,
            },
            "lock_changed": lock_old != lock_new,
            "refusals": refusals.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
        });
        print!("{}", crate::output::json(&report));
        return Ok(if unchanged { 0 } else { 1 });
    }
    if unchanged {
        println!("no changes: {} is up to date", out.display());
        return Ok(0);
    }
    let refusals = crate::gate::check(&old_tf, &output.tree, r, &out.display().to_string());
    if summary.is_empty() {
        println!("No change to AWS objects; files change:");
    } else {
        println!("Terraform will see:");
        for s in &summary {
            println!("  {s}");
        }
    }
    println!();
    for p in &plan.added {
        println!("added    {p}");
    }
    for p in &plan.changed {
        println!("changed  {p}");
    }
    for p in &plan.removed {
        println!("removed  {p}");
    }
    if lock_old != lock_new {
        println!("changed  {} (beside the blueprint)", lock::FILE);
    }
    println!();
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_default();
    for p in plan.added.iter().chain(&plan.changed) {
        print!("{}", unified(p, &read(p), &output.tree[p]));
    }
    for p in &plan.removed {
        print!("{}", unified(p, &read(p), ""));
    }
    if lock_old != lock_new {
        print!("{}", unified(lock::FILE, &lock_old, &lock_new));
    }
    if !refusals.is_empty() {
        super::print_warnings(&refusals);
        eprintln!("`landform generate` would refuse this change (see above)");
    }
    // Like `git diff --exit-code`: 1 when anything would change.
    Ok(1)
}
