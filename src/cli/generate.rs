use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::load::Loaded;
use crate::lock::{self, RunOptions};
use crate::model::Model;
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
    /// Let accounts that are in landform.lock leave the blueprint: Terraform forgets them
    /// (`removed` blocks) and they stay in AWS, unless listed in `close_on_removal:`
    #[arg(long)]
    allow_removal: bool,
}

/// The output directory for a blueprint: `terraform/` beside it.
pub fn default_out(blueprint: &Path) -> PathBuf {
    blueprint
        .parent()
        .unwrap_or(Path::new(""))
        .join("terraform")
}

/// The template override folder: the flag, or `templates/` beside the blueprint.
pub(super) fn templates_dir(loaded: &Loaded, flag: Option<PathBuf>) -> Option<PathBuf> {
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
    let options = RunOptions {
        allow_removal: args.allow_removal,
    };
    generate_into(
        &loaded,
        &out,
        templates.as_deref(),
        args.check,
        args.force,
        options,
    )
}

/// Generates and writes (or checks) one tree; shared with `init`.
pub fn generate_into(
    loaded: &Loaded,
    out: &Path,
    templates: Option<&Path>,
    check: bool,
    force: bool,
    options: RunOptions,
) -> Result<i32, Error> {
    let output = crate::generate_with(loaded, templates, options)?;
    super::print_warnings(&output.warnings);
    for line in pack_report(&output.model, &loaded.blueprint.organization.limits) {
        println!("{line}");
    }
    crate::gate::check_dir(out, &output.tree, &output.model.lock).map_err(Error::Input)?;
    let plan = write::plan(out, &output.tree).map_err(Error::Write)?;
    let ci = ci_plan(loaded, &output, out)?;
    let lock_path = lock::path_for(&loaded.source.path);
    let lock_text = output.model.lock.next.to_text();
    let lock_old = std::fs::read_to_string(&lock_path).ok();
    let lock_stale = lock_old.as_deref() != Some(lock_text.as_str());
    if check {
        if lock_stale {
            let verb = if lock_old.is_some() {
                "changed"
            } else {
                "added"
            };
            println!("{verb}  {} (beside the blueprint)", lock::FILE);
        }
        let ci_changes = ci.as_ref().map_or(0, |(root, _, p)| {
            for (verb, list) in [
                ("added", &p.added),
                ("changed", &p.changed),
                ("removed", &p.removed),
            ] {
                for f in list {
                    println!(
                        "{verb:<8} {} (beside the blueprint)",
                        root.join(f).display()
                    );
                }
            }
            p.added.len() + p.changed.len() + p.removed.len()
        });
        if !plan.has_changes() && !lock_stale && ci_changes == 0 {
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
        let n = plan.added.len()
            + plan.changed.len()
            + plan.removed.len()
            + usize::from(lock_stale)
            + ci_changes;
        println!(
            "{}: {n} file{} would change; run `landform generate`",
            out.display(),
            if n == 1 { "" } else { "s" }
        );
        return Ok(1);
    }
    let mut conflicts = plan.conflicts.clone();
    if let Some((root, _, p)) = &ci {
        conflicts.extend(p.conflicts.iter().map(|c| write::Conflict {
            path: root.join(&c.path).display().to_string(),
            reason: c.reason,
        }));
    }
    if !conflicts.is_empty() && !force {
        return Err(Error::Conflicts(conflicts));
    }
    write::apply(out, &output.tree, &plan).map_err(Error::Write)?;
    if let Some((root, files, p)) = &ci {
        write::apply(root, files, p).map_err(Error::Write)?;
        for f in p.added.iter().chain(&p.changed) {
            println!("{}: written (CI)", root.join(f).display());
        }
        for f in &p.removed {
            println!("{}: removed (CI)", root.join(f).display());
        }
    }
    print_lock_changes(&output.model);
    if lock_stale {
        std::fs::write(&lock_path, &lock_text).map_err(|source| {
            Error::Write(write::WriteError::Io {
                path: lock_path.clone(),
                source,
            })
        })?;
        println!("{}: updated", lock_path.display());
    }
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

/// The CI pipeline `ci:` asks for, beside the blueprint: its root (the blueprint's folder), its
/// files and what writing them would do. Owned like the tree: a manifest in that folder records
/// what landform wrote, so a hand-written pipeline is never overwritten and a pipeline landform
/// wrote goes when `ci:` goes. None when there is nothing to do.
// The one place CI files are planned; writing them joins the tree's transaction when it has one.
fn ci_plan(
    loaded: &Loaded,
    output: &crate::Output,
    out: &Path,
) -> Result<Option<(PathBuf, crate::render::Tree, write::Plan)>, Error> {
    let root = loaded.source.dir().to_path_buf();
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let files =
        crate::ci::for_blueprint(loaded, &output.model, &output.tree, out).map_err(Error::Usage)?;
    // A manifest there that lists anything but pipeline files belongs to a tree generated into
    // this folder: it is not the pipeline's to change.
    let manifest = std::fs::read_to_string(root.join(write::MANIFEST)).unwrap_or_default();
    let foreign = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
        .any(|p| !crate::ci::PATHS.contains(&p));
    let tree: crate::render::Tree = match files {
        Some(_) if foreign => {
            return Err(Error::Usage(format!(
                "`ci:` writes the pipeline beside the blueprint, but {} records a tree \
                 generated into that folder; generate the tree into a subfolder (`-o terraform`)",
                root.join(write::MANIFEST).display()
            )));
        }
        Some(files) => files.into_iter().collect(),
        None => {
            // No `ci:`: only a pipeline landform wrote before is removed, and only when the
            // blueprint's folder is not the output directory (whose manifest is the tree's).
            let same = std::path::absolute(&root).ok() == std::path::absolute(out).ok();
            if same || foreign || manifest.is_empty() {
                return Ok(None);
            }
            crate::render::Tree::new()
        }
    };
    let plan = write::plan(&root, &tree).map_err(Error::Write)?;
    Ok(Some((root, tree, plan)))
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
        println!("moved    {} -> {} (renamed in place)", m.from, m.to);
    }
    for k in &plan.newly_removed {
        println!("removed  aws_organizations_account.{k} (Terraform forgets it; it stays in AWS)");
    }
    for k in &plan.closed {
        println!("closing  aws_organizations_account.{k} (the next apply closes the account)");
    }
}
