use indexmap::IndexMap;
use serde::Deserialize;

use super::AccountSelector;

/// `identity_center:`: groups, permission sets and who gets what where.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenter {
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub permission_sets: IndexMap<String, PermissionSet>,
    #[serde(default)]
    pub access: Vec<AccessRule>,
}

/// `identity_center.permission_sets.<name>:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// AWS managed policy names (`AdministratorAccess`, `job-function/ViewOnlyAccess`).
    #[serde(default)]
    pub managed: Vec<String>,
    /// Session duration: `1h`, `90m`, `12h`.
    #[serde(default)]
    pub session: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One entry of `identity_center.access:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRule {
    pub group: String,
    pub permission_set: String,
    #[serde(default)]
    pub accounts: Option<AccountSelector>,
    #[serde(default)]
    pub environments: Option<Vec<String>>,
}
