//! Account shards: with more accounts than `organization.shard_above`, the accounts live in
//! stacks of their own (`accounts-<ou>/`), one per top-level OU (or per OU), so a plan reads
//! only the accounts of the stacks an edit changes. See `expand::shards`.

use serde::Serialize;

use super::billing::{AlternateContact, Budget};
use super::{Account, Import, Moved, Removed};

/// The stack that holds the organization, its OUs and policies (and the accounts when they
/// are not sharded).
pub const ORGANIZATION: &str = "organization";

/// Shard stacks are named `accounts-<OU key>`.
pub const SHARD_PREFIX: &str = "accounts-";

/// The shard stack named after an OU key.
pub fn shard_stack(ou: &str) -> String {
    format!("{SHARD_PREFIX}{ou}")
}

/// A stack name landform writes accounts into: `organization` or `accounts-<identifier>`.
pub fn is_account_stack(s: &str) -> bool {
    s == ORGANIZATION
        || s.strip_prefix(SHARD_PREFIX)
            .is_some_and(crate::lock::is_identifier)
}

/// One shard stack: its accounts and everything that follows them.
#[derive(Debug, Clone, Serialize)]
pub struct Shard {
    /// The stack folder: `accounts-<ou>`.
    pub stack: String,
    /// The OU key it is named after.
    pub ou: String,
    /// OUs whose ids the stack looks up (by name under their parent), parents first.
    pub lookups: Vec<OuLookup>,
    /// Its accounts, in model order.
    pub accounts: Vec<Account>,
    pub moved: Vec<Moved>,
    /// Accounts that left this stack (for another shard, or the blueprint) and stay in AWS.
    pub removed: Vec<Removed>,
    pub imports: Vec<Import>,
    pub contacts: Vec<AlternateContact>,
    pub budgets: Vec<Budget>,
}

/// `data "aws_organizations_organizational_unit" "<key>"`: an OU's id, by name under its parent.
#[derive(Debug, Clone, Serialize)]
pub struct OuLookup {
    pub key: String,
    pub name: String,
    /// The parent OU key; None under the root.
    pub parent: Option<String>,
}
