use indexmap::IndexMap;
use serde::Deserialize;

/// `environments.<key>:`: a stage every workload can have an account in.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The OU key its accounts go to.
    pub ou: String,
    /// One account per allowed region instead of one in all.
    #[serde(default)]
    pub per_region: bool,
    /// Tags on this environment's accounts.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The key this environment had before a rename.
    #[serde(default)]
    pub renamed_from: Option<String>,
}
