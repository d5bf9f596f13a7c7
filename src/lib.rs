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

/// [`check`] with the run's options.
pub fn check_with(
    loaded: &Loaded,
    options: RunOptions,
) -> Result<(Model, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diags = validate::blueprint(loaded);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let model = expand::expand(loaded, options);
    diags.extend(validate::model(loaded, &model));
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
    let tree = renderer.render(&model).map_err(Error::Template)?;
    verify::verify(&tree).map_err(Error::Verify)?;
    Ok(Output {
        model,
        tree,
        warnings,
    })
}
