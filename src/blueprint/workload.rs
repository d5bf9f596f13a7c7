use indexmap::IndexMap;
use serde::Deserialize;

/// `workloads.<key>:`: an application or team, with one account per environment it runs in.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    pub environments: Vec<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The key this workload had before a rename.
    #[serde(default)]
    pub renamed_from: Option<String>,
}
