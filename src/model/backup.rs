//! The `backup` stack: central vaults in the backup account (one per copy region) with their
//! KMS keys, access policy and optional lock; cross-account backup in the management account;
//! and the stack set that gives every account the backup plans reach its vault and role.

use serde::Serialize;

use super::Provider;
use super::baseline::{OuLookup, OuTarget, StackSet};
use crate::blueprint::LockMode;

#[derive(Debug, Clone, Serialize)]
pub struct Backup {
    /// The backup account key.
    pub account: String,
    pub account_email: String,
    /// The vault name, in the backup account and in every member account.
    pub vault: String,
    /// Central vaults, one per region the plans copy to.
    pub regions: Vec<VaultRegion>,
    pub vault_lock: Option<Lock>,
    /// The member vault + role stack set.
    pub stack_set: StackSet,
    /// The OUs holding the environments that have a plan.
    pub targets: Vec<OuTarget>,
    pub lookups: Vec<OuLookup>,
    pub providers: Vec<Provider>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VaultRegion {
    pub region: String,
    pub key: String,
    /// The backup account's alias in this region.
    pub provider: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lock {
    pub mode: LockMode,
    pub min_retention_days: u32,
    pub max_retention_days: u32,
    /// Compliance mode: the grace period; None in governance mode.
    pub changeable_for_days: Option<u32>,
}
