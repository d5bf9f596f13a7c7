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
    let old_lock = loaded.lock.clone().unwrap_or_default();
    let r = &model.lock;

    // The summary, in Terraform terms.
    let mut summary: Vec<String> = Vec::new();
    if loaded.lock.is_some() {
        for a in &model.accounts {
            let prev = r.renamed.get(&a.key).unwrap_or(&a.key);
            match old_lock.accounts.get(prev) {
                None => summary.push(format!("+ account {} ({}) will be created", a.key, a.email)),
                Some(l) if l.ou != a.ou => summary.push(format!(
                    "~ account {} moves from OU {} to OU {}",
                    a.key,
                    l.ou.as_deref().unwrap_or("root"),
                    a.ou.as_deref().unwrap_or("root")
                )),
                Some(_) => {}
            }
        }
    }
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
    let lock_old = std::fs::read_to_string(&lock_path).unwrap_or_default();
    let lock_new = r.next.to_text();
    let files = plan.added.len() + plan.changed.len() + plan.removed.len();
    if files == 0 && lock_old == lock_new && summary.is_empty() {
        println!("no changes: {} is up to date", out.display());
        return Ok(0);
    }
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
    Ok(0)
}
