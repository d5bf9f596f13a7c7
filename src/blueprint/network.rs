use indexmap::IndexMap;
use serde::Deserialize;

/// `network:`: IPAM for the organization, a Transit Gateway per region with route tables per
/// isolation domain, and optional centralized egress, all in the network account.
/// Minimal form: `network: { cidr: 10.0.0.0/8 }`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// The account key that owns IPAM and the Transit Gateways.
    #[serde(default = "default_account")]
    pub account: String,
    /// The organization's address space: the top-level IPAM pool.
    pub cidr: String,
    /// Regions with a regional pool and a Transit Gateway; empty: every allowed region.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Pool sizes as prefix lengths; unset ones are derived from the counts.
    #[serde(default)]
    pub sizes: Sizes,
    /// Per-environment pool prefix lengths, overriding `sizes.environment`.
    #[serde(default)]
    pub environments: IndexMap<String, u8>,
    /// Isolation domains: domain → environments. Absent: `prod` (environments in the `prod`
    /// OU or named `prod`) and `nonprod` (the others). `shared` always exists.
    #[serde(default)]
    pub domains: Option<IndexMap<String, Vec<String>>>,
    /// Who may attach to the Transit Gateways: `root` (the organization) or OU keys.
    #[serde(default = "default_share")]
    pub share_with: Vec<String>,
    /// The first Transit Gateway's Amazon-side ASN; the next regions count up from it.
    #[serde(default = "default_asn")]
    pub asn: u32,
    #[serde(default)]
    pub egress: Egress,
    /// Transit Gateway attachments workload teams created: account key → region → attachment
    /// id. Each is associated with its domain's route table and propagated where it may go.
    #[serde(default)]
    pub attachments: IndexMap<String, IndexMap<String, String>>,
}

fn default_account() -> String {
    "network".to_string()
}

fn default_share() -> Vec<String> {
    vec!["root".to_string()]
}

fn default_asn() -> u32 {
    64512
}

/// `network.sizes:` prefix lengths.
#[derive(Debug, Clone, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Sizes {
    /// Each regional pool; default: room for the regions and as many again.
    pub region: Option<u8>,
    /// Each environment's pool in a region; default: room for the environments plus one.
    pub environment: Option<u8>,
    /// The VPC an account allocates (the pools' default netmask); default 20.
    pub vpc: Option<u8>,
    /// VPCs each account allocates per region, for the capacity check; default 1.
    pub vpcs_per_account: Option<u32>,
}

/// `network.egress:`: an egress VPC per region behind the Transit Gateway.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Egress {
    pub enabled: bool,
    /// Availability zones (one NAT gateway each).
    pub azs: u8,
    /// The egress VPC's prefix length; it takes the last block of the regional pool.
    pub prefix: u8,
}

impl Default for Egress {
    fn default() -> Egress {
        Egress {
            enabled: false,
            azs: 2,
            prefix: 24,
        }
    }
}
