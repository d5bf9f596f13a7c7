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
    /// Route 53 Resolver endpoints for hybrid DNS; absent: none.
    #[serde(default)]
    pub resolver: Option<Resolver>,
}

/// `dns.resolver:`: per region a resolver VPC in the DNS account with an inbound endpoint
/// (on-premises resolves the private zone) and, for `forward:`, an outbound endpoint with
/// forwarding rules that every VPC associated with the Route 53 Profile follows.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolver {
    /// Regions with endpoints; default: the home region.
    #[serde(default)]
    pub regions: Vec<String>,
    /// The resolver VPC's block per region; default: a block of that region's pool in the
    /// `network:` address plan (just below the egress VPC).
    #[serde(default)]
    pub cidrs: IndexMap<String, String>,
    /// The prefix length of the block taken from the address plan (default 24).
    #[serde(default = "default_prefix")]
    pub prefix: u8,
    /// Availability zones: one endpoint address and one subnet each (default 2, at least 2).
    #[serde(default = "default_azs")]
    pub azs: u8,
    /// An inbound endpoint (default true).
    #[serde(default = "default_true")]
    pub inbound: bool,
    /// Domains resolved by other resolvers (on premises): domain → their IPv4 addresses
    /// (port 53). Any entry adds an outbound endpoint.
    #[serde(default)]
    pub forward: IndexMap<String, Vec<String>>,
    /// Networks that may query the inbound endpoint besides `network.cidr` (on premises).
    #[serde(default)]
    pub allow_from: Vec<String>,
    /// The Transit Gateway to attach the resolver VPC to, per region (known once the network
    /// stack is applied: its `transit_gateway_ids` output).
    #[serde(default)]
    pub transit_gateways: IndexMap<String, String>,
}

fn default_prefix() -> u8 {
    24
}

fn default_azs() -> u8 {
    2
}

fn default_true() -> bool {
    true
}

fn default_account() -> String {
    "shared_services".to_string()
}
