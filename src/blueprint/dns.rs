use indexmap::IndexMap;
use serde::Deserialize;

/// `dns:`: the public parent zone, delegated per-environment subzones, a private namespace
/// resolved in every account through a shared Route 53 Profile. Minimal form:
/// `dns: { domain: acme.example }`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dns {
    /// The account key that owns the zones (default `shared_services`).
    #[serde(default = "default_account")]
    pub account: String,
    /// The public parent domain.
    pub domain: String,
    /// Environments with a delegated subzone `<env>.<domain>`; absent: all of them.
    #[serde(default)]
    pub environments: Option<Vec<String>>,
    /// The private namespace; default `internal.<domain>`.
    #[serde(default)]
    pub private_domain: Option<String>,
    /// Who gets the Route 53 Profile: `root` or OU keys; default: the environments' OUs.
    #[serde(default)]
    pub share_with: Option<Vec<String>>,
    /// Subdomains owned by workload accounts: account key → the name servers of the zone the
    /// account created (`<workload>.<env>.<domain>`).
    #[serde(default)]
    pub delegations: IndexMap<String, Vec<String>>,
}

fn default_account() -> String {
    "shared_services".to_string()
}
