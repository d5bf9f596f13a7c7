use std::path::{Path, PathBuf};

use crate::app::{LockChange, Session};
use crate::error::Error;
use crate::lock;
use crate::model::Model;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint [default: landform.yaml]
    blueprint: Option<PathBuf>,
    #[command(flatten)]
    run: super::RunArgs,
    /// Write nothing; exit 1 and list the files that would change (a CI drift gate)
    #[arg(long)]
    check: bool,
}

/// The output directory for a blueprint: `terraform/` beside it.
pub fn default_out(blueprint: &Path) -> PathBuf {
    blueprint
        .parent()
        .unwrap_or(Path::new(""))
        .join("terraform")
}

/// The template override folder: the flag (which must name a folder), or `templates/`
/// beside the blueprint if there is one.
pub(super) fn templates_dir(
    blueprint: &Path,
    flag: Option<PathBuf>,
) -> Result<Option<PathBuf>, Error> {
    match flag {
        Some(dir) if dir.is_dir() => Ok(Some(dir)),
        Some(dir) => Err(Error::Usage(format!(
            "template folder {} does not exist",
            crate::write::contain::shown(&dir)
        ))),
        None => {
            let dir = blueprint
                .parent()
                .unwrap_or(Path::new(""))
                .join("templates");
            Ok(dir.is_dir().then_some(dir))
        }
    }
}

pub fn run(args: Args) -> Result<i32, Error> {
    let paths = args.run.paths(super::blueprint_path(args.blueprint))?;
    let session = Session::open(paths, !args.check, args.run.options(), crate::app::load)?;
    generate_into(&session, args.check, args.run.force)
}

/// Writes (or checks) one generated session; shared with `init` and `adopt`.
pub fn generate_into(session: &Session, check: bool, force: bool) -> Result<i32, Error> {
    if let Some(r) = &session.recovered {
        info!("{}: {r}", session.paths.out.display());
    }
    let (loaded, output, plan, out) = (
        &session.loaded,
        &session.output,
        &session.plan,
        &session.paths.out,
    );
    super::print_warnings(&output.warnings);
    for line in pack_report(&output.model, &loaded.blueprint.organization.limits) {
        info!("{line}");
    }
    if !session.refused.is_empty() {
        return Err(Error::Input(session.refused.clone()));
    }
    let lock_stale = session.lock_change != LockChange::Unchanged;
    if check {
        if lock_stale {
            let verb = if session.lock_change == LockChange::Added {
                "added"
            } else {
                "changed"
            };
            info!("{verb}  {} (beside the blueprint)", lock::FILE);
        }
        let ci_changes = session.ci.as_ref().map_or(0, |ci| {
            let p = &ci.plan;
            for (verb, list) in [
                ("added", &p.added),
                ("changed", &p.changed),
                ("removed", &p.removed),
            ] {
                for f in list {
                    info!(
                        "{verb:<8} {} (beside the blueprint)",
                        ci.root.join(f).display()
                    );
                }
            }
            p.added.len() + p.changed.len() + p.removed.len()
        });
        if !plan.has_changes() && !lock_stale && ci_changes == 0 {
            info!("{}: up to date ({} files)", out.display(), plan.unchanged);
            return Ok(0);
        }
        for p in &plan.added {
            info!("added    {p}");
        }
        for p in &plan.changed {
            info!("changed  {p}");
        }
        for p in &plan.removed {
            info!("removed  {p}");
        }
        let n = plan.added.len()
            + plan.changed.len()
            + plan.removed.len()
            + usize::from(lock_stale)
            + ci_changes;
        info!(
            "{}: {n} file{} would change; run `landform generate`",
            out.display(),
            if n == 1 { "" } else { "s" }
        );
        return Ok(1);
    }
    session.commit(force)?;
    report_written(session);
    Ok(0)
}

/// What a committed session changed, for the terminal.
pub fn report_written(session: &Session) {
    let (plan, out) = (&session.plan, &session.paths.out);
    if let Some(ci) = &session.ci {
        for f in ci.plan.added.iter().chain(&ci.plan.changed) {
            info!("{}: written (CI)", ci.root.join(f).display());
        }
        for f in &ci.plan.removed {
            info!("{}: removed (CI)", ci.root.join(f).display());
        }
    }
    print_lock_changes(&session.output.model);
    if session.lock_change != LockChange::Unchanged {
        info!("{}: updated", session.paths.lock().display());
    }
    info!(
        "{}: {} added, {} changed, {} removed, {} unchanged",
        out.display(),
        plan.added.len(),
        plan.changed.len(),
        plan.removed.len(),
        plan.unchanged
    );
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

/// Says what the lock changed in Terraform terms: renames (moved), removals.
fn print_lock_changes(model: &Model) {
    let plan = &model.lock;
    for m in &plan.new_moves {
        info!("moved    {} -> {} (renamed in place)", m.from, m.to);
    }
    for k in &plan.newly_removed {
        info!("removed  aws_organizations_account.{k} (Terraform forgets it; it stays in AWS)");
    }
    for k in &plan.closed {
        info!("closing  aws_organizations_account.{k} (the next apply closes the account)");
    }
    for m in &plan.stack_moves {
        println!(
            "stack    aws_organizations_account.{} {} -> {} (forgotten there, imported here)",
            m.key, m.from, m.to
        );
    }
}
