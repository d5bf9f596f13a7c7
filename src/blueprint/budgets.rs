use indexmap::IndexMap;
use serde::Deserialize;

/// `budgets:`: a monthly cost budget per account, filtered to that account, with alerts.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Budgets {
    /// Monthly limit for accounts without a more specific one.
    pub default: u64,
    pub currency: String,
    /// Monthly limit by environment key.
    pub environments: IndexMap<String, u64>,
    /// Per workload: limit by environment key (replaces the environment's).
    pub workloads: IndexMap<String, IndexMap<String, u64>>,
    /// Per named account or sandbox account key.
    pub accounts: IndexMap<String, u64>,
    /// Percentages of the limit that alert on actual spend.
    pub actual: Vec<u32>,
    /// Percentages of the limit that alert on forecast spend.
    pub forecast: Vec<u32>,
    /// Alert addresses; empty: the account owner's address (the owner itself when it is an
    /// address, else the organization's email pattern with `{account}` = the owner), or the
    /// pattern with `billing` for accounts without an owner.
    pub notify: Vec<String>,
    /// Activate cost-allocation tags for workload, environment, owner and the organization's
    /// tag keys.
    pub cost_allocation_tags: bool,
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets {
            default: 100,
            currency: "USD".to_string(),
            environments: IndexMap::new(),
            workloads: IndexMap::new(),
            accounts: IndexMap::new(),
            actual: vec![80, 100],
            forecast: vec![100],
            notify: Vec::new(),
            cost_allocation_tags: true,
        }
    }
}
