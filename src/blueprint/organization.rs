use indexmap::IndexMap;
use serde::Deserialize;

/// `organization:`: the organization itself and defaults for every account.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub name: String,
    /// Root email pattern; `{account}` is replaced by the account name.
    pub email: String,
    pub home_region: String,
    /// Allowed regions; drive the region guardrail and per-region environments.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Tags on every account (through the provider's `default_tags`).
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The role Organizations creates in each new account for the management account.
    #[serde(default = "default_access_role")]
    pub access_role: String,
    /// AWS Organizations quotas, for organizations that must stay on other figures.
    #[serde(default)]
    pub limits: Limits,
    /// Merge the SCP/RCP guardrails attached to the same targets into as few documents as the
    /// size limit allows (like `landform generate --pack`).
    #[serde(default)]
    pub pack_guardrails: bool,
    /// With more accounts than this, the accounts are split across stacks (`accounts-<ou>/`)
    /// so a plan reads only the accounts of the stacks an edit changes. Unset: one
    /// organization stack, however many accounts.
    #[serde(default)]
    pub shard_above: Option<usize>,
    /// How accounts are split once `shard_above` is passed: by the top-level OU above each
    /// account (`top_level_ou`, the default) or by the OU each account is in (`ou`).
    #[serde(default)]
    pub shard_by: ShardBy,
}

/// `organization.shard_by:`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShardBy {
    /// One stack per top-level OU (an account's OU and the OUs below it).
    #[default]
    TopLevelOu,
    /// One stack per OU holding accounts.
    Ou,
}

fn default_access_role() -> String {
    "OrganizationAccountAccessRole".to_string()
}

/// `organization.limits:`: the quotas the validator enforces.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Characters in an SCP document after minification.
    pub scp_size: usize,
    /// Characters in an RCP document after minification.
    pub rcp_size: usize,
    /// SCPs attached to one target, counting the default FullAWSAccess.
    pub scps_per_target: usize,
    /// RCPs attached to one target, counting the default RCPFullAWSAccess.
    pub rcps_per_target: usize,
    /// OU levels below the root.
    pub ou_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            scp_size: 10_240,
            // AWS's quotas page: the 2026 increases raised SCPs only; RCPs stay at 5,120
            // characters and 5 per target.
            rcp_size: 5_120,
            scps_per_target: 10,
            rcps_per_target: 5,
            ou_depth: 5,
        }
    }
}
