use serde::{Deserialize, Serialize};

/// `ci:`: a pipeline for an existing CI engine, written beside the blueprint by `generate`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ci {
    /// The engine: `github` (`.github/workflows/landform.yml`), `gitlab` (`.gitlab-ci.yml`) or
    /// `atlantis` (`atlantis.yaml`).
    pub provider: CiProvider,
    /// The branch whose pushes apply; default `main`.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// The protected environment apply jobs run in (GitHub, GitLab); default `production`.
    #[serde(default = "default_environment")]
    pub environment: String,
    /// The IAM role CI assumes through OIDC (GitHub, GitLab); absent: the runner's own
    /// credentials (repository secrets, instance role).
    #[serde(default)]
    pub role_arn: Option<String>,
    /// The Terraform version CI installs; default `1.11`.
    #[serde(default = "default_terraform")]
    pub terraform_version: String,
    /// The shell command that installs landform on a runner; default `cargo install --locked
    /// landform --version <this version>`.
    #[serde(default)]
    pub install: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CiProvider {
    Github,
    Gitlab,
    Atlantis,
}

fn default_branch() -> String {
    "main".to_string()
}
fn default_environment() -> String {
    "production".to_string()
}
fn default_terraform() -> String {
    "1.11".to_string()
}
