use serde::Deserialize;

/// `state:`: where every stack keeps its Terraform state. Present: each stack gets a
/// `backend.tf` (S3, one key per stack, native S3 locking, encryption) and a `bootstrap/`
/// stack creates the bucket. Absent: no backend is written and the team brings its own.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The S3 bucket for the state files (created by `bootstrap/`).
    pub bucket: String,
    /// The bucket's region; default `organization.home_region`.
    #[serde(default)]
    pub region: Option<String>,
    /// Prepended to each stack's state key (`<prefix>/<stack>/terraform.tfstate`); default none.
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// Set to `true` once `bootstrap/` has been applied with local state: `bootstrap/` then gets
    /// its own `backend.tf` and `terraform init -migrate-state` moves its state into the bucket.
    #[serde(default)]
    pub bootstrapped: bool,
}
