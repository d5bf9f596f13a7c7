//! The `network` and `dns` stacks: IPAM pools, Transit Gateways and their route tables per
//! isolation domain, RAM shares, zones and the Route 53 Profile.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Serialize, Serializer};

use super::Provider;

/// An IPv4 CIDR block with its host bits clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cidr {
    pub addr: u32,
    pub prefix: u8,
}

/// Why a string is not a CIDR block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    Syntax,
    HostBits(Cidr),
}

impl Cidr {
    /// `10.0.0.0/8`. Host bits set is an error that carries the block meant.
    pub fn parse(text: &str) -> Result<Cidr, CidrError> {
        let (addr, prefix) = text.split_once('/').ok_or(CidrError::Syntax)?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| CidrError::Syntax)?;
        if prefix.is_empty() || prefix.len() > 2 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CidrError::Syntax);
        }
        let prefix: u8 = prefix.parse().map_err(|_| CidrError::Syntax)?;
        if prefix > 32 {
            return Err(CidrError::Syntax);
        }
        let addr = u32::from(addr);
        let block = Cidr {
            addr: addr & Cidr::mask(prefix),
            prefix,
        };
        if block.addr != addr {
            return Err(CidrError::HostBits(block));
        }
        Ok(block)
    }

    fn mask(prefix: u8) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(prefix.min(32)))
        }
    }

    /// Number of addresses.
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix.min(32)))
    }

    /// One past the last address.
    pub fn end(&self) -> u64 {
        u64::from(self.addr) + self.size()
    }

    pub fn contains(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix
            && u64::from(other.addr) >= u64::from(self.addr)
            && other.end() <= self.end()
    }

    pub fn overlaps(&self, other: &Cidr) -> bool {
        u64::from(self.addr) < other.end() && u64::from(other.addr) < self.end()
    }

    /// The block of `prefix` starting `offset` addresses into this one (offset is aligned by
    /// the caller); None when it does not fit.
    pub fn block_at(&self, offset: u64, prefix: u8) -> Option<Cidr> {
        let start = u64::from(self.addr) + offset;
        let block = Cidr {
            addr: u32::try_from(start).ok()?,
            prefix,
        };
        (prefix <= 32 && prefix >= self.prefix && self.contains(&block)).then_some(block)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.addr), self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Bits needed to number `n` things: the smallest b with 2^b >= n.
pub fn bits_for(n: u64) -> u8 {
    let mut b = 0u8;
    while (1u64 << b) < n && b < 63 {
        b += 1;
    }
    b
}

/// A RAM principal: the organization or one OU (looked up by name under its parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// `organization` or the OU key in snake_case: part of resource names.
    pub key: String,
    /// The HCL expression of its ARN.
    pub arn: String,
}

/// A `data "aws_organizations_organizational_unit"` lookup; parents come first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OuLookup {
    /// snake_case OU key: the data source name.
    pub key: String,
    pub name: String,
    /// The HCL expression of the parent id.
    pub parent_id: String,
}

/// The `network` stack.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    pub account: String,
    pub account_email: String,
    /// Lower-case letters, digits and `-` from the organization name: the start of IAM and
    /// log group names.
    pub prefix: String,
    /// The network account's alias in the home region (IPAM and its shares live there).
    pub home_provider: String,
    pub cidr: Cidr,
    pub region_prefix: u8,
    pub vpc_prefix: u8,
    pub vpcs_per_account: u32,
    /// How many regional pools the top-level pool holds.
    pub region_capacity: u64,
    pub regions: Vec<NetworkRegion>,
    /// Isolation domains in order; `shared` last.
    pub domains: Vec<Domain>,
    /// The domains other than `shared`: none reaches another.
    pub isolated: Vec<String>,
    /// One RAM share per environment for its pools, in the home region.
    pub pool_shares: Vec<PoolShare>,
    /// Who the Transit Gateways are shared with.
    pub tgw_principals: Vec<Principal>,
    pub lookups: Vec<OuLookup>,
    pub egress: bool,
    pub egress_azs: u8,
    /// This stack turns on RAM sharing with the organization (management account).
    pub enable_org_sharing: bool,
    pub providers: Vec<Provider>,
}

/// An isolation domain: a route table in every region.
#[derive(Debug, Clone, Serialize)]
pub struct Domain {
    pub name: String,
    pub key: String,
    pub environments: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkRegion {
    pub region: String,
    pub key: String,
    pub provider: String,
    pub asn: u32,
    /// The regional pool.
    pub cidr: Cidr,
    /// False when the top-level pool has no room for this region (validation reports it).
    pub fits: bool,
    pub pools: Vec<Pool>,
    pub tables: Vec<RouteTable>,
    /// The egress VPC and its subnets, when egress is on.
    pub egress: Option<EgressVpc>,
    /// The block reserved for the dns stack's resolver VPC (`dns.resolver`), below the egress VPC.
    pub resolver: Option<Cidr>,
    pub attachments: Vec<Attachment>,
}

/// An environment's pool in one region.
#[derive(Debug, Clone, Serialize)]
pub struct Pool {
    pub environment: String,
    /// snake_case environment key.
    pub key: String,
    pub cidr: Cidr,
    pub domain: String,
    /// False when the regional pool has no room for it (validation reports it).
    pub fits: bool,
    /// How many VPCs of `vpc_prefix` it holds.
    pub capacity: u64,
    /// VPCs its accounts need (accounts × vpcs per account).
    pub needed: u64,
    /// Accounts that allocate from it.
    pub accounts: u64,
}

/// A Transit Gateway route table.
#[derive(Debug, Clone, Serialize)]
pub struct RouteTable {
    /// The domain name, or `egress` for the egress VPC's own table.
    pub domain: String,
    pub key: String,
    /// Other domains' pools (every region): dropped, so domains cannot reach each other even
    /// through the egress VPC.
    pub blackholes: Vec<Blackhole>,
    /// 0.0.0.0/0 to the egress VPC.
    pub default_to_egress: bool,
}

/// A dropped destination: another domain's pool.
#[derive(Debug, Clone, Serialize)]
pub struct Blackhole {
    /// `<region key>_<environment key>` of the pool.
    pub key: String,
    pub cidr: Cidr,
    pub domain: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EgressVpc {
    pub cidr: Cidr,
    pub azs: Vec<EgressAz>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EgressAz {
    pub index: usize,
    pub public: Cidr,
    pub transit: Cidr,
}

/// A workload team's attachment, associated with its domain's table.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub account: String,
    /// `<account>`: resource names.
    pub key: String,
    pub id: String,
    pub domain: String,
    /// Table keys it propagates its routes into.
    pub propagate_to: Vec<String>,
}

/// The RAM share of one environment's pools.
#[derive(Debug, Clone, Serialize)]
pub struct PoolShare {
    pub environment: String,
    pub key: String,
    pub principals: Vec<Principal>,
}

/// The `dns` stack.
#[derive(Debug, Clone, Serialize)]
pub struct Dns {
    pub account: String,
    pub account_email: String,
    pub home_provider: String,
    pub domain: String,
    pub private_domain: String,
    pub subzones: Vec<Subzone>,
    pub delegations: Vec<Delegation>,
    /// Regions with a Route 53 Profile.
    pub regions: Vec<DnsRegion>,
    pub principals: Vec<Principal>,
    pub lookups: Vec<OuLookup>,
    pub enable_org_sharing: bool,
    /// Route 53 Resolver endpoints; None without `dns.resolver`.
    pub resolver: Option<Resolver>,
    pub providers: Vec<Provider>,
}

/// `dns.resolver`: endpoints in a resolver VPC per region.
#[derive(Debug, Clone, Serialize)]
pub struct Resolver {
    pub inbound: bool,
    pub outbound: bool,
    /// Sources allowed to query the endpoints: the organization's block and `allow_from`.
    pub allow_from: Vec<String>,
    /// The forwarding targets' addresses as /32 blocks, for the endpoints' egress rules.
    pub targets: Vec<String>,
    /// Destinations the resolver VPC routes to its Transit Gateway: `allow_from` and targets.
    pub routes: Vec<String>,
    pub rules: Vec<ForwardRule>,
    pub regions: Vec<ResolverRegion>,
    /// Whether a region attaches its resolver VPC to a Transit Gateway.
    pub attached: bool,
    /// Lower-case letters, digits and `-` from the organization name: log group names.
    pub prefix: String,
}

/// A resolver VPC and its endpoints in one region.
#[derive(Debug, Clone, Serialize)]
pub struct ResolverRegion {
    pub region: String,
    pub key: String,
    pub provider: String,
    pub cidr: Cidr,
    /// One subnet per availability zone.
    pub subnets: Vec<Cidr>,
    /// The Transit Gateway the VPC attaches to, once known.
    pub transit_gateway: Option<String>,
    /// Whether this region has a Route 53 Profile the rules join.
    pub profile: bool,
}

/// A FORWARD rule: queries for `domain` go to `targets` through the outbound endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct ForwardRule {
    pub key: String,
    /// `forward-<domain with - for .>`, at most 64 characters (a rule name's limit).
    pub name: String,
    pub domain: String,
    pub targets: Vec<String>,
}

/// `<env>.<domain>`, delegated from the parent zone.
#[derive(Debug, Clone, Serialize)]
pub struct Subzone {
    pub environment: String,
    pub key: String,
    pub name: String,
}

/// `<label>.<env>.<domain>`, owned by a workload account.
#[derive(Debug, Clone, Serialize)]
pub struct Delegation {
    pub account: String,
    pub key: String,
    pub name: String,
    /// The subzone key the NS record goes in.
    pub subzone: String,
    pub name_servers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DnsRegion {
    pub region: String,
    pub key: String,
    pub provider: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert_eq!(c.to_string(), "10.0.0.0/8");
        assert_eq!(c.size(), 1 << 24);
        assert_eq!(
            Cidr::parse("10.1.0.0/8"),
            Err(CidrError::HostBits(Cidr::parse("10.0.0.0/8").unwrap()))
        );
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "10.0.0.0/+8",
            "x/8",
            "10.0.0.0/",
        ] {
            assert_eq!(Cidr::parse(bad), Err(CidrError::Syntax), "{bad}");
        }
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().size(), 1 << 32);
    }

    #[test]
    fn containment_and_overlap() {
        let a = Cidr::parse("10.0.0.0/8").unwrap();
        let b = Cidr::parse("10.64.0.0/10").unwrap();
        let c = Cidr::parse("11.0.0.0/8").unwrap();
        assert!(a.contains(&b) && !b.contains(&a));
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c));
        assert_eq!(a.block_at(1 << 22, 10), Some(b));
        assert_eq!(a.block_at(1 << 24, 10), None);
        assert_eq!(bits_for(1), 0);
        assert_eq!(bits_for(3), 2);
        assert_eq!(bits_for(4), 2);
        assert_eq!(bits_for(5), 3);
    }
}
