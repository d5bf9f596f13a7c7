//! validate: every rule AWS would reject later is rejected now, located in the blueprint; poor
//! practice gets a warning.
//!
//! Two passes: [`blueprint`] checks references and values before expansion (so expansion can
//! trust them), [`model`] checks what only exists after expansion (account names, emails,
//! policy sizes and counts). A new rule is a function in the file of its topic, called from here.

mod accounts;
mod baseline;
mod billing;
mod documents;
mod foundation;
pub mod identity;
mod keys;
pub mod limits;
pub mod network;
mod ous;
mod policies;
mod regions;
mod state;

pub use keys::is_plain_key;

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::Model;

/// Checks the blueprint before expansion. Errors here stop the pipeline.
pub fn blueprint(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    keys::check(loaded, &mut out);
    limits::check(loaded, &mut out);
    regions::check(loaded, &mut out);
    ous::check(loaded, &mut out);
    accounts::check_references(loaded, &mut out);
    policies::check_blueprint(loaded, &mut out);
    documents::check_blueprint(loaded, &mut out);
    identity::check(loaded, &mut out);
    foundation::check(loaded, &mut out);
    baseline::check(loaded, &mut out);
    billing::check(loaded, &mut out);
    network::check(loaded, &mut out);
    state::check(loaded, &mut out);
    out
}

/// Checks the expanded model.
pub fn model(loaded: &Loaded, model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    accounts::check_model(loaded, model, &mut out);
    limits::check_model(loaded, model, &mut out);
    ous::check_model(loaded, model, &mut out);
    policies::check_model(loaded, model, &mut out);
    documents::check_model(loaded, model, &mut out);
    identity::check_model(loaded, model, &mut out);
    baseline::check_model(loaded, model, &mut out);
    baseline::check_unmonitored_regions(loaded, model, &mut out);
    network::check_model(loaded, model, &mut out);
    out.extend(model.lock.diagnostics.iter().cloned());
    out
}
