//! landform: one YAML blueprint of an AWS landing zone → a Terraform tree.
//!
//! The pipeline, one module each:
//! `load` → `validate` → `expand` → `render` → `verify` → `write`.
//! The [`model::Model`] that `expand` builds is the only thing templates and reports read.
//! `naming` (keys, names, emails) sits below every stage; `lock::reconcile` runs once, in
//! `expand`, and its `LockPlan` travels in `model.lock`.
//!
//! The public API is small: [`run`] (the command line), [`load_file`]/[`load_str`], [`check`]
//! and [`generate`] (the pipeline short of writing), the [`model`], [`explain`], and the
//! output directory's [`transaction`]; every other module is crate-private.

// First, so its `print!` family (escaped, quiet on a closed pipe) shadows the standard macros in
// every module below.
#[macro_use]
mod output;

pub(crate) mod adopt;
pub(crate) mod app;
pub(crate) mod blueprint;
pub(crate) mod ci;
pub(crate) mod cli;
pub(crate) mod diagnostic;
pub(crate) mod error;
pub(crate) mod expand;
pub(crate) mod explain;
pub(crate) mod gate;
pub(crate) mod guardrails;
pub(crate) mod load;
pub(crate) mod lock;
pub mod model;
pub(crate) mod naming;
pub(crate) mod orgpolicy;
pub(crate) mod presets;
pub(crate) mod regions;
pub(crate) mod render;
pub(crate) mod source;
pub(crate) mod validate;
pub(crate) mod verify;
pub(crate) mod write;

// The public API: what the binary, the integration tests, the benchmarks and the fuzz targets
// use. Every other module is crate-private, so the compiler reports code nothing uses.
pub use blueprint::PolicyType;
/// The CI pipeline files `landform ci` may write, one per provider, relative to the repository.
pub use ci::PATHS as CI_PATHS;
pub use cli::run;
pub use error::Error;
pub use explain::{Explanation, explain};
pub use load::{Loaded, load_file, load_str};
/// The targets whose policies reach a target, from the root down to it (None if unknown).
pub use orgpolicy::effective::chain as policy_chain;
/// The checks `validate` runs on an Organizations policy document, and what they find.
pub use orgpolicy::lint::{Finding as LintFinding, lint as lint_policy};
/// A shipped starter blueprint's text by name (`minimal`, `smb`, `enterprise`).
pub use presets::find as preset;

/// The output directory's transaction: writing a generated tree (every file or none) and what
/// the next run finds and does after an interrupted one.
pub mod transaction {
    pub use crate::write::txn::{JOURNAL, pending, recover};
    pub use crate::write::{Pending, Recovered, apply, plan};
}

use std::path::Path;

use diagnostic::Diagnostic;
use lock::RunOptions;
use model::Model;
use render::{Renderer, Tree};

/// A generated tree and what was learned on the way.
#[derive(Debug)]
pub struct Output {
    pub model: Model,
    pub tree: Tree,
    pub warnings: Vec<Diagnostic>,
}

/// validate → expand → validate the model. Errors (with any warnings) or the model with its
/// warnings. A run with default options (no removal allowed).
pub fn check(loaded: &Loaded) -> Result<(Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_with(loaded, RunOptions::default())
}

/// `1 diagnostic`, `2 diagnostics`.
fn diagnostics(n: usize) -> String {
    format!("{n} diagnostic{}", if n == 1 { "" } else { "s" })
}

/// [`check`] with the run's options.
pub(crate) fn check_with(
    loaded: &Loaded,
    options: RunOptions,
) -> Result<(Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    let t = std::time::Instant::now();
    let mut diags = validate::blueprint(loaded);
    output::stage("validate", t, format_args!("{}", diagnostics(diags.len())));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let t = std::time::Instant::now();
    let model = expand::expand(loaded, options);
    output::stage(
        "expand",
        t,
        format_args!(
            "{} accounts, {} OUs, {} policies, {} stacks",
            model.accounts.len(),
            model.ous.len(),
            model.policies.len(),
            model.stack_order.len()
        ),
    );
    let t = std::time::Instant::now();
    let before = diags.len();
    diags.extend(validate::model(loaded, &model));
    output::stage(
        "check model",
        t,
        format_args!("{}", diagnostics(diags.len() - before)),
    );
    if diags.iter().any(Diagnostic::is_error) {
        diags.sort_by_key(|d| d.severity);
        return Err(diags);
    }
    Ok((model, diags))
}

/// The whole pipeline short of writing: check, render, verify. Default options.
pub fn generate(loaded: &Loaded, templates: Option<&Path>) -> Result<Output, Error> {
    generate_with(loaded, templates, RunOptions::default())
}

/// [`generate`] with the run's options.
pub(crate) fn generate_with(
    loaded: &Loaded,
    templates: Option<&Path>,
    options: RunOptions,
) -> Result<Output, Error> {
    let (model, mut warnings) = check_with(loaded, options).map_err(Error::Input)?;
    let renderer = Renderer::new(templates).map_err(Error::Template)?;
    warnings.extend(renderer.warnings().iter().cloned());
    let t = std::time::Instant::now();
    let tree = renderer.render(&model).map_err(Error::Template)?;
    output::stage(
        "render",
        t,
        format_args!(
            "{} files, {} bytes",
            tree.len(),
            tree.values().map(String::len).sum::<usize>()
        ),
    );
    let t = std::time::Instant::now();
    verify::verify(&tree).map_err(Error::Verify)?;
    output::stage("verify", t, format_args!("{} files", tree.len()));
    Ok(Output {
        model,
        tree,
        warnings,
    })
}
