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
    /// The role AWS Backup uses in each account (path and name).
    #[serde(default = "default_role")]
    pub role: String,
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
    "service-role/AWSBackupDefaultServiceRole".to_string()
}
fn default_tag_key() -> String {
    "backup".to_string()
}
fn default_tag_values() -> Vec<String> {
    vec!["true".to_string()]
}
