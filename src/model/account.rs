use indexmap::IndexMap;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// From `accounts:`.
    Named,
    /// A workload in one environment (and region).
    Workload,
    /// From `sandboxes:`.
    Sandbox,
}

/// One AWS member account.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    /// Stable identifier: the Terraform resource name and the lock-file key (snake_case).
    pub key: String,
    /// The account name AWS shows (kebab-case by default).
    pub name: String,
    /// The root user's email: the account's identity in AWS.
    pub email: String,
    /// The OU key; None for the root.
    pub ou: Option<String>,
    pub kind: AccountKind,
    pub workload: Option<String>,
    pub environment: Option<String>,
    pub region: Option<String>,
    pub owner: Option<String>,
    /// Every tag AWS ends up with (organization tags included).
    pub tags: IndexMap<String, String>,
    /// The tags the resource declares: `tags` minus what `default_tags` already sets.
    pub resource_tags: IndexMap<String, String>,
    /// Terraform closes the account when it is destroyed (listed in `close_on_removal:`).
    pub close_on_deletion: bool,
    /// The stack that declares it: `organization`, or a shard (`accounts-<ou>`).
    pub stack: String,
    /// Where in the blueprint this account comes from (a source path), for diagnostics.
    #[serde(skip)]
    pub origin: String,
}
