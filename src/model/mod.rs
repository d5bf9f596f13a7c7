//! The Model: the expanded landing zone. Everything downstream (templates, reports, checks)
//! reads this and nothing else; nothing downstream re-derives it from the blueprint.

mod account;
pub mod backup;
pub mod baseline;
pub mod billing;
mod blocks;
mod foundation;
pub mod identity_center;
pub mod network;
mod ou;
mod policy;
pub mod shard;
mod state;

pub use account::{Account, AccountKind};
pub use blocks::{Import, Moved, Removed};
pub use foundation::{
    GuardDutyFeature, Logging, Provider, Security, SecurityRegion, Stack, Standard,
};
pub use ou::Ou;
pub use shard::{ORGANIZATION, OuLookup, Shard};

pub use policy::{Policy, PolicySource, Target};
pub use state::{BOOTSTRAP, State};

use indexmap::IndexMap;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub organization: Organization,
    /// In tree order (depth first, blueprint order among siblings).
    pub ous: Vec<Ou>,
    /// Named accounts, then workload accounts, then sandboxes.
    pub accounts: Vec<Account>,
    pub policies: Vec<Policy>,
    /// Renames carried over from the lock and this edit (see `lock`), for `moved.tf`.
    pub moved: Vec<Moved>,
    /// Accounts removed on purpose that stay in AWS, for `removed.tf`.
    pub removed: Vec<Removed>,
    /// Existing objects with ids in the lock, for `imports.tf`.
    pub imports: Vec<Import>,
    /// The `identity-center` stack, when the blueprint has `identity_center:`.
    pub identity_center: Option<identity_center::IdentityCenter>,
    /// The log-archive stack; None without `logging:`.
    pub logging: Option<Logging>,
    /// The security stack (services and the trail); None without `security:` and `logging:`.
    pub security: Option<Security>,
    /// The baseline stack; None without `baseline:`.
    pub baseline: Option<baseline::Baseline>,
    /// The backup stack; None without `backup:`.
    pub backup: Option<backup::Backup>,
    /// Alternate contacts of every account (organization stack), from `contacts:`.
    pub contacts: Vec<billing::AlternateContact>,
    /// Monthly budgets per account (organization stack), from `budgets:`.
    pub budgets: Vec<billing::Budget>,
    /// Cost-allocation tags to activate, sorted by key.
    pub cost_allocation_tags: Vec<billing::CostAllocationTag>,
    /// Account shard stacks (empty unless `organization.shard_above` is passed or an account
    /// still leaves a shard), in apply order: after `organization`.
    pub shards: Vec<Shard>,
    /// How many accounts the organization stack declares (all of them without shards).
    pub organization_accounts: usize,
    /// The network stack; None without `network:`.
    pub network: Option<network::Network>,
    /// The dns stack; None without `dns:`.
    pub dns: Option<network::Dns>,
    /// The foundation stacks, in the order to apply after organization/ and identity-center/.
    pub stacks: Vec<Stack>,
    /// The S3 backend and the `bootstrap/` stack; None without `state:`.
    pub state: Option<State>,
    /// Every stack folder of the tree, in the order to apply (`bootstrap`, `organization`,
    /// `identity-center`, then `stacks`): the README, backends and CI files follow it.
    pub stack_order: Vec<String>,
    /// What reconciling with `landform.lock` decided (computed once, in `expand`).
    #[serde(skip)]
    pub lock: crate::lock::LockPlan,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub name: String,
    pub home_region: String,
    pub regions: Vec<String>,
    /// Tags on every account, set through the provider's `default_tags`.
    pub tags: IndexMap<String, String>,
    pub feature_set: String,
    /// Organizations policy types used by the blueprint, in API names, sorted.
    pub enabled_policy_types: Vec<String>,
    /// Service principals trusted by the organization, sorted.
    pub service_access_principals: Vec<String>,
    pub access_role: String,
    /// Delegated administrators registered in the organization stack, by account key.
    pub delegated_administrators: Vec<DelegatedAdministrator>,
}

/// `aws_organizations_delegated_administrator` in the organization stack.
#[derive(Debug, Clone, Serialize)]
pub struct DelegatedAdministrator {
    /// Terraform name: `sso`.
    pub key: String,
    /// The account key.
    pub account: String,
    pub service_principal: String,
}

impl Model {
    pub fn account(&self, key: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.key == key)
    }

    /// The stack folders in apply order, from what the model holds.
    pub fn apply_order(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.state.is_some() {
            out.push(BOOTSTRAP.to_string());
        }
        out.push(ORGANIZATION.to_string());
        out.extend(self.shards.iter().map(|s| s.stack.clone()));
        if self.identity_center.is_some() {
            out.push("identity-center".to_string());
        }
        out.extend(self.stacks.iter().map(|s| s.name.clone()));
        out
    }

    pub fn ou(&self, key: &str) -> Option<&Ou> {
        self.ous.iter().find(|o| o.key == key)
    }
}
