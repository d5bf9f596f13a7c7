//! landform: one YAML blueprint of an AWS landing zone → a Terraform tree.
//!
//! The pipeline, one module each:
//! [`load`] → [`validate`] → [`expand`] → [`render`] → [`verify`] → [`write`].
//! The [`model::Model`] that `expand` builds is the only thing templates and reports read.
//! [`naming`] (keys, names, emails) sits below every stage; [`lock::reconcile`] runs once, in
//! `expand`, and its [`lock::LockPlan`] travels in `model.lock`.

// First, so its `print!` family (escaped, quiet on a closed pipe) shadows the standard macros in
// every module below.
#[macro_use]
pub mod output;

pub mod adopt;
pub mod app;
pub mod blueprint;
pub mod ci;
pub mod cli;
pub mod diagnostic;
pub mod error;
pub mod expand;
pub mod explain;
pub mod gate;
pub mod guardrails;
pub mod load;
pub mod lock;
pub mod model;
pub mod naming;
pub mod orgpolicy;
pub mod presets;
pub mod regions;
pub mod render;
pub mod source;
pub mod validate;
pub mod verify;
pub mod write;

use std::path::Path;

use diagnostic::Diagnostic;
use error::Error;
use load::Loaded;
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
pub fn check_with(
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
pub fn generate_with(
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
