//! The blueprint: what the user writes, as typed structs. Schema version 1 (see the README's
//! blueprint reference). Every struct denies unknown keys so a typo is an error, not a no-op.
//!
//! A new top-level section is a new file here plus a field on [`Blueprint`].

mod account;
mod backup;
mod baseline;
mod budgets;
mod ci;
mod contacts;
mod dns;
mod environment;
mod guardrail;
mod identity_center;
mod logging;
mod network;
mod organization;
mod ou;
mod policy;
mod security;
mod selector;
mod state;
mod tagging;
mod workload;

pub use account::NamedAccount;
pub use backup::{Backup, BackupPlan, LockMode};
pub use baseline::{Baseline, Ec2Attributes, VpcBlockPublicAccess};
pub use budgets::Budgets;
pub use ci::{Ci, CiProvider};
pub use contacts::{Contact, Contacts};
pub use dns::{Dns, Resolver};
pub use environment::Environment;
pub use guardrail::GuardrailUse;
pub use identity_center::{AccessRule, Group, IdentityCenter, PermissionSet};
pub use logging::{Logging, StorageClass};
pub use network::Network;
pub use organization::{Limits, Organization, ShardBy};
pub use ou::OrganizationalUnit;
pub use policy::{CustomPolicy, PolicyType};
pub use security::{STANDARDS, Security, standard};
pub use selector::AccountSelector;
pub use state::State;
pub use tagging::Tagging;
pub use workload::Workload;

use indexmap::IndexMap;
use serde::Deserialize;

/// The whole blueprint file.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Blueprint {
    /// Schema version; only 1 exists.
    pub version: u32,
    pub organization: Organization,
    /// Ordered: the order is the order of accounts in the output.
    #[serde(default)]
    pub environments: IndexMap<String, Environment>,
    #[serde(default)]
    pub workloads: IndexMap<String, Workload>,
    /// Foundation and other named accounts.
    #[serde(default)]
    pub accounts: IndexMap<String, NamedAccount>,
    /// Per-engineer accounts, placed in the `sandbox` OU.
    #[serde(default)]
    pub sandboxes: Vec<String>,
    #[serde(default)]
    pub organizational_units: IndexMap<String, OrganizationalUnit>,
    /// Built-in guardrails by name, with their attach targets.
    #[serde(default)]
    pub guardrails: IndexMap<String, GuardrailUse>,
    /// The team's own policy documents.
    #[serde(default)]
    pub policies: IndexMap<String, CustomPolicy>,
    #[serde(default)]
    pub identity_center: Option<IdentityCenter>,
    /// The organization's tag policy.
    #[serde(default)]
    pub tagging: Option<Tagging>,
    /// Backup policies, one per environment.
    #[serde(default)]
    pub backup: Option<Backup>,
    /// Account keys Terraform closes (instead of forgetting) once they leave the blueprint
    /// with `--allow-removal`; see `landform.lock` in the README.
    #[serde(default)]
    pub close_on_removal: Vec<String>,
    /// The organization trail and the log archive bucket; absent: neither.
    #[serde(default)]
    pub logging: Option<Logging>,
    /// Organization-wide security services; absent: none.
    #[serde(default)]
    pub security: Option<Security>,
    /// What every member account gets (Config, password policy, account settings) through
    /// service-managed StackSets; absent: nothing.
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// Alternate contacts for every account; absent: none.
    #[serde(default)]
    pub contacts: Option<Contacts>,
    /// Monthly budgets per account; absent: none.
    #[serde(default)]
    pub budgets: Option<Budgets>,
    /// IPAM, Transit Gateways and egress in the network account; absent: none.
    #[serde(default)]
    pub network: Option<Network>,
    /// Zones and cross-account resolution in the DNS account; absent: none.
    #[serde(default)]
    pub dns: Option<Dns>,
    /// Where the stacks keep their state: an S3 backend per stack and a `bootstrap/` stack for
    /// the bucket; absent: no backend is written.
    #[serde(default)]
    pub state: Option<State>,
    /// A CI pipeline for GitHub Actions, GitLab or Atlantis, written beside the blueprint.
    #[serde(default)]
    pub ci: Option<Ci>,
}

/// The OU key that holds sandbox accounts.
pub const SANDBOX_OU: &str = "sandbox";
