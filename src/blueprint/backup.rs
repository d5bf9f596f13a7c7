use indexmap::IndexMap;
use serde::Deserialize;

/// `backup:`: backup policies, one per environment.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// The account holding the central vault copies go to.
    #[serde(default = "default_account")]
    pub account: String,
    /// The vault name, in every member account and in the backup account.
    #[serde(default = "default_vault")]
    pub vault: String,
    /// The role AWS Backup uses in each account (path and name), created there by the
    /// backup stack's stack set.
    #[serde(default = "default_role")]
    pub role: String,
    /// A vault lock on the central vaults; absent: none.
    #[serde(default)]
    pub vault_lock: Option<VaultLock>,
    /// Resources carrying this tag key (with one of `tag_values`) are backed up.
    #[serde(default = "default_tag_key")]
    pub tag_key: String,
    #[serde(default = "default_tag_values")]
    pub tag_values: Vec<String>,
    /// Plans by environment key.
    pub plans: IndexMap<String, BackupPlan>,
}

/// `backup.plans.<environment>:`
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupPlan {
    /// A `cron(...)` or `rate(...)` expression.
    pub schedule: String,
    /// Days a recovery point is kept.
    pub retention_days: u32,
    /// The region of the backup account's vault that receives a copy.
    pub copy_region: String,
    /// Days the copy is kept; default `retention_days`.
    #[serde(default)]
    pub copy_retention_days: Option<u32>,
}

fn default_account() -> String {
    "backup".to_string()
}
fn default_vault() -> String {
    "landform".to_string()
}
fn default_role() -> String {
    "service-role/landform-backup".to_string()
}
fn default_tag_key() -> String {
    "backup".to_string()
}
fn default_tag_values() -> Vec<String> {
    vec!["true".to_string()]
}

/// `backup.vault_lock:`: AWS Backup Vault Lock on the central vaults.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VaultLock {
    /// `governance` (removable by privileged users) or `compliance` (immutable once the
    /// grace period ends).
    pub mode: LockMode,
    /// Recovery points are kept at least this many days.
    pub min_retention_days: u32,
    /// And at most this many days.
    pub max_retention_days: u32,
    /// Compliance mode only: days before the lock becomes immutable (at least 3).
    #[serde(default)]
    pub changeable_for_days: Option<u32>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LockMode {
    Governance,
    Compliance,
}
