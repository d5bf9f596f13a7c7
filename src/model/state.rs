//! Where the stacks keep their state (`state:`), and the order they are applied in.

use serde::Serialize;

/// The S3 backend every stack gets, and the `bootstrap/` stack that creates its bucket.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    pub bucket: String,
    pub region: String,
    /// Prepended to each stack's key: empty, or ending in `/`.
    pub key_prefix: String,
    /// Whether `bootstrap/` keeps its own state in the bucket yet (step 2 of the migration).
    pub bootstrapped: bool,
}

impl State {
    /// The state key of a stack.
    pub fn key(&self, stack: &str) -> String {
        format!("{}{stack}/terraform.tfstate", self.key_prefix)
    }
}

/// The stack that creates the state bucket, applied first.
pub const BOOTSTRAP: &str = "bootstrap";
