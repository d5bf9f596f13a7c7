use std::path::PathBuf;

use similar::TextDiff;

use crate::app::Session;
use crate::error::Error;
use crate::lock;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// The options `generate` would run with
    #[command(flatten)]
    run: super::RunArgs,
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

/// A unified diff on stdout, coloured when colour is on.
fn painted(diff: &str) {
    crate::output::write_painted(crate::output::Stream::Out, diff, crate::output::Paint::Diff);
}

/// What `generate` would refuse: errors of the run to come, printed even with `-q`.
fn print_refusals(refusals: &[crate::diagnostic::Diagnostic]) {
    if refusals.is_empty() {
        return;
    }
    for d in refusals {
        crate::output::write_painted(
            crate::output::Stream::Err,
            &format!("{d}\n"),
            crate::output::Paint::Diagnostics,
        );
    }
    eprintln!("`landform generate` would refuse this change (see above)");
}

pub fn run(args: Args) -> Result<i32, Error> {
    let paths = args.run.paths(super::blueprint_path(args.blueprint))?;
    let out = paths.out.clone();
    let session = Session::open(paths, false, args.run.options(), crate::app::load)?;
    let (output, plan) = (&session.output, &session.plan);
    super::print_warnings(&output.warnings);
    if !args.run.force {
        for c in &plan.conflicts {
            super::warn(&format!(
                "warning: `{}` {}: `landform generate` would refuse to overwrite it (--force \
                 overwrites)",
                c.path, c.reason
            ));
        }
    }
    let model = &output.model;
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

    let lock_old = match crate::write::contain::read(&session.paths.blueprint_dir(), lock::FILE)? {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => String::new(),
    };
    let lock_new = session.lock_text.clone();
    let files = plan.added.len() + plan.changed.len() + plan.removed.len();
    let unchanged = files == 0 && lock_old == lock_new && summary.is_empty();
    if args.format == super::validate::Format::Json {
        let refusals = if unchanged {
            Vec::new()
        } else {
            session.refused.clone()
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
        info!("no changes: {} is up to date", out.display());
        return Ok(0);
    }
    let refusals = &session.refused;
    if crate::output::quiet() {
        // Like `git diff --quiet`: the exit code says it; only errors are printed.
        print_refusals(refusals);
        return Ok(1);
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
    let read = |rel: &str| match crate::write::contain::read(&out, rel) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    for p in plan.added.iter().chain(&plan.changed) {
        painted(&unified(p, &read(p), &output.tree[p]));
    }
    for p in &plan.removed {
        painted(&unified(p, &read(p), ""));
    }
    if lock_old != lock_new {
        painted(&unified(lock::FILE, &lock_old, &lock_new));
    }
    print_refusals(refusals);
    // Like `git diff --exit-code`: 1 when anything would change.
    Ok(1)
}
