//! `network:` and `dns:` → the network and dns stacks. The address plan is computed here,
//! deterministically: regional pools in `network.regions` order, environment pools packed in
//! blueprint order from the start of each regional pool, the egress VPC at its end. Sizes that
//! do not fit are kept (flagged) for the validator to report with the numbers.

use crate::blueprint::Blueprint;
use crate::model::network::{
    Attachment, Blackhole, Cidr, Delegation, Dns, DnsRegion, Domain, EgressAz, EgressVpc,
    ForwardRule, Network, NetworkRegion, OuLookup, Pool, PoolShare, Principal, Resolver,
    ResolverRegion, RouteTable, Subzone, bits_for,
};
use crate::model::{Account, Stack};

use super::allowed_regions;
use super::foundation::{bucket_prefix, provider};
use crate::naming::{key_of, region_key};

/// The default VPC prefix length accounts allocate.
pub const DEFAULT_VPC_PREFIX: u8 = 20;

/// The regions with a Transit Gateway and a regional pool.
pub fn network_regions(bp: &Blueprint) -> Vec<String> {
    match &bp.network {
        Some(n) if !n.regions.is_empty() => n.regions.clone(),
        _ => allowed_regions(bp),
    }
}

/// The regions with Route 53 Resolver endpoints (`dns.resolver`).
pub fn resolver_regions(bp: &Blueprint) -> Vec<String> {
    match bp.dns.as_ref().and_then(|d| d.resolver.as_ref()) {
        Some(r) if !r.regions.is_empty() => r.regions.clone(),
        Some(_) => vec![bp.organization.home_region.clone()],
        None => Vec::new(),
    }
}

/// The prefix of the block the address plan reserves in `region` for the resolver VPC: when
/// the region has endpoints and `dns.resolver.cidrs` does not name its block.
fn resolver_block(bp: &Blueprint, region: &str) -> Option<u8> {
    let r = bp.dns.as_ref()?.resolver.as_ref()?;
    (resolver_regions(bp).iter().any(|x| x == region) && !r.cidrs.contains_key(region))
        .then_some(r.prefix)
}

/// The isolation domains (without `shared`): name → environments.
pub fn domains(bp: &Blueprint) -> Vec<(String, Vec<String>)> {
    let Some(n) = &bp.network else {
        return Vec::new();
    };
    if let Some(d) = &n.domains {
        return d.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    let (prod, nonprod): (Vec<_>, Vec<_>) = bp
        .environments
        .iter()
        .partition(|(k, e)| k.as_str() == "prod" || e.ou == "prod");
    let mut out = Vec::new();
    for (name, envs) in [("prod", prod), ("nonprod", nonprod)] {
        if !envs.is_empty() {
            out.push((
                name.to_string(),
                envs.into_iter().map(|(k, _)| k.clone()).collect(),
            ));
        }
    }
    out
}

/// The default size of each regional pool: room for the regions and as many again.
pub fn default_region_prefix(top: u8, regions: usize) -> u8 {
    top.saturating_add(bits_for(regions as u64 + 1))
        .clamp(top, 32)
}

/// The default size of each environment pool: room for the environments plus one block.
pub fn default_environment_prefix(region: u8, environments: usize) -> u8 {
    region
        .saturating_add(bits_for(environments as u64 + 1))
        .min(32)
}

/// The HCL expression of the organization root's id.
const ROOT_ID: &str = "data.aws_organizations_organization.this.roots[0].id";

/// RAM principals for `root`/OU keys, adding the OU lookups they need (parents first).
fn principals(bp: &Blueprint, targets: &[String], lookups: &mut Vec<OuLookup>) -> Vec<Principal> {
    let mut out: Vec<Principal> = Vec::new();
    for t in targets {
        let p = if t == "root" {
            Principal {
                key: "organization".to_string(),
                arn: "data.aws_organizations_organization.this.arn".to_string(),
            }
        } else {
            lookup(bp, t, lookups, 0);
            Principal {
                key: key_of(t),
                arn: format!(
                    "data.aws_organizations_organizational_unit.{}.arn",
                    key_of(t)
                ),
            }
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn lookup(bp: &Blueprint, ou: &str, lookups: &mut Vec<OuLookup>, depth: usize) {
    let key = key_of(ou);
    if depth > 64 || lookups.iter().any(|l| l.key == key) {
        return;
    }
    let Some(entry) = bp.organizational_units.get(ou) else {
        return;
    };
    let parent_id = match &entry.parent {
        Some(p) => {
            lookup(bp, p, lookups, depth + 1);
            format!(
                "data.aws_organizations_organizational_unit.{}.id",
                key_of(p)
            )
        }
        None => ROOT_ID.to_string(),
    };
    lookups.push(OuLookup {
        key,
        name: entry.name.clone(),
        parent_id,
    });
}

/// Accounts that allocate from an environment's pool in a region.
fn accounts_in(accounts: &[Account], env: &str, per_region: bool, region: &str) -> u64 {
    accounts
        .iter()
        .filter(|a| a.environment.as_deref() == Some(env))
        .filter(|a| !per_region || a.region.as_deref() == Some(region))
        .count() as u64
}

pub fn network(bp: &Blueprint, accounts: &[Account]) -> Option<Network> {
    let n = bp.network.as_ref()?;
    let top = Cidr::parse(&n.cidr).unwrap_or(Cidr { addr: 0, prefix: 8 });
    let regions = network_regions(bp);
    let region_prefix = n
        .sizes
        .region
        .unwrap_or_else(|| default_region_prefix(top.prefix, regions.len()))
        .clamp(top.prefix, 32);
    let env_default = n
        .sizes
        .environment
        .unwrap_or_else(|| default_environment_prefix(region_prefix, bp.environments.len()));
    let vpc_prefix = n.sizes.vpc.unwrap_or(DEFAULT_VPC_PREFIX).min(32);
    let vpcs_per_account = n.sizes.vpcs_per_account.unwrap_or(1);
    let domain_list = domains(bp);
    let domain_of = |env: &str| {
        domain_list
            .iter()
            .find(|(_, envs)| envs.iter().any(|e| e == env))
            .map(|(d, _)| d.clone())
            .unwrap_or_else(|| "shared".to_string())
    };
    let mut domains: Vec<Domain> = domain_list
        .iter()
        .map(|(d, envs)| Domain {
            name: d.clone(),
            key: key_of(d),
            environments: envs.clone(),
        })
        .collect();
    domains.push(Domain {
        name: "shared".to_string(),
        key: "shared".to_string(),
        environments: Vec::new(),
    });
    let region_capacity = 1u64 << (region_prefix - top.prefix).min(40);
    let home = &bp.organization.home_region;
    let mut providers = Vec::new();
    let mut home_provider = String::new();
    let mut out_regions = Vec::new();
    for (i, r) in regions.iter().enumerate() {
        let p = provider(&n.account, accounts, r);
        if r == home {
            home_provider = p.alias.clone();
        }
        let offset = (i as u64).saturating_mul(1u64 << (32 - u32::from(region_prefix)));
        let block = top.block_at(offset, region_prefix);
        let fits = block.is_some();
        let rcidr = block.unwrap_or(Cidr {
            addr: top.addr,
            prefix: region_prefix,
        });
        // The egress VPC takes the last block of the regional pool.
        let egress_cidr = n.egress.enabled.then(|| {
            let prefix = n.egress.prefix.clamp(rcidr.prefix, 32);
            let size = 1u64 << (32 - u32::from(prefix));
            rcidr
                .block_at(rcidr.size().saturating_sub(size), prefix)
                .unwrap_or(rcidr)
        });
        let mut limit = match &egress_cidr {
            Some(e) => u64::from(e.addr) - u64::from(rcidr.addr),
            None => rcidr.size(),
        };
        // The dns stack's resolver VPC takes the block below the egress VPC.
        let resolver = resolver_block(bp, r).map(|prefix| {
            let prefix = prefix.clamp(rcidr.prefix, 32);
            let size = 1u64 << (32 - u32::from(prefix));
            let start = (limit.saturating_sub(size) / size) * size;
            limit = start;
            rcidr.block_at(start, prefix).unwrap_or(rcidr)
        });
        let mut pools = Vec::new();
        let mut cursor = 0u64;
        for (env, e) in &bp.environments {
            let prefix = n
                .environments
                .get(env)
                .copied()
                .unwrap_or(env_default)
                .clamp(rcidr.prefix, 32);
            let size = 1u64 << (32 - u32::from(prefix));
            cursor = cursor.div_ceil(size) * size;
            let fits_here = cursor + size <= limit;
            let cidr = rcidr.block_at(cursor, prefix).unwrap_or(Cidr {
                addr: rcidr.addr,
                prefix,
            });
            cursor += size;
            let count = accounts_in(accounts, env, e.per_region, r);
            pools.push(Pool {
                environment: env.clone(),
                key: key_of(env),
                cidr,
                domain: domain_of(env),
                fits: fits_here,
                capacity: if vpc_prefix >= prefix {
                    1u64 << (vpc_prefix - prefix).min(40)
                } else {
                    0
                },
                needed: count.saturating_mul(u64::from(vpcs_per_account)),
                accounts: count,
            });
        }
        let egress = egress_cidr.map(|c| {
            let azs = usize::from(n.egress.azs.max(1));
            let bits = bits_for(2 * azs as u64);
            let sub = (c.prefix + bits).min(32);
            let step = 1u64 << (32 - u32::from(sub));
            EgressVpc {
                cidr: c,
                azs: (0..azs)
                    .map(|i| EgressAz {
                        index: i,
                        public: c.block_at(i as u64 * step, sub).unwrap_or(c),
                        transit: c.block_at((azs + i) as u64 * step, sub).unwrap_or(c),
                    })
                    .collect(),
            }
        });
        out_regions.push(NetworkRegion {
            key: region_key(r),
            region: r.clone(),
            provider: p.alias.clone(),
            asn: n.asn.saturating_add(i as u32),
            cidr: rcidr,
            fits,
            pools,
            tables: Vec::new(),
            egress,
            resolver,
            attachments: Vec::new(),
        });
        providers.push(p);
    }
    if home_provider.is_empty() {
        // IPAM lives in the home region even when no Transit Gateway does.
        let p = provider(&n.account, accounts, home);
        home_provider = p.alias.clone();
        providers.push(p);
    }
    // Blackholes: every pool of every other non-shared domain, in every region.
    let all_pools: Vec<Blackhole> = out_regions
        .iter()
        .flat_map(|r| {
            r.pools.iter().map(|p| Blackhole {
                key: format!("{}_{}", r.key, p.key),
                cidr: p.cidr,
                domain: p.domain.clone(),
            })
        })
        .collect();
    let mut tables: Vec<RouteTable> = domains
        .iter()
        .map(|d| RouteTable {
            domain: d.name.clone(),
            key: d.key.clone(),
            blackholes: if d.name == "shared" {
                Vec::new()
            } else {
                all_pools
                    .iter()
                    .filter(|b| b.domain != d.name && b.domain != "shared")
                    .cloned()
                    .collect()
            },
            default_to_egress: n.egress.enabled,
        })
        .collect();
    if n.egress.enabled {
        tables.push(RouteTable {
            domain: "egress".to_string(),
            key: "egress".to_string(),
            blackholes: Vec::new(),
            default_to_egress: false,
        });
    }
    for r in &mut out_regions {
        r.tables = tables.clone();
        for (account, by_region) in &n.attachments {
            let Some(id) = by_region.get(&r.region) else {
                continue;
            };
            let key = key_of(account);
            let domain = accounts
                .iter()
                .find(|a| a.key == key)
                .and_then(|a| a.environment.as_deref())
                .map(&domain_of)
                .unwrap_or_else(|| "shared".to_string());
            let propagate_to = tables
                .iter()
                .filter(|t| {
                    domain == "shared"
                        || t.domain == domain
                        || t.domain == "shared"
                        || t.domain == "egress"
                })
                .map(|t| t.key.clone())
                .collect();
            r.attachments.push(Attachment {
                account: account.clone(),
                key,
                id: id.clone(),
                domain: key_of(&domain),
                propagate_to,
            });
        }
    }
    let mut lookups = Vec::new();
    let tgw_principals = principals(bp, &n.share_with, &mut lookups);
    let pool_shares = bp
        .environments
        .iter()
        .map(|(env, e)| PoolShare {
            environment: env.clone(),
            key: key_of(env),
            principals: principals(bp, std::slice::from_ref(&e.ou), &mut lookups),
        })
        .collect();
    Some(Network {
        account: n.account.clone(),
        account_email: provider(&n.account, accounts, home).email,
        prefix: bucket_prefix(&bp.organization.name),
        home_provider,
        cidr: top,
        region_prefix,
        vpc_prefix,
        vpcs_per_account,
        region_capacity,
        regions: out_regions,
        isolated: domain_list.iter().map(|(d, _)| d.clone()).collect(),
        domains,
        pool_shares,
        tgw_principals,
        lookups,
        egress: n.egress.enabled,
        egress_azs: n.egress.azs,
        enable_org_sharing: true,
        providers,
    })
}

/// The DNS name of a workload account's delegated subdomain, and its environment's subzone.
pub fn delegated_name(account: &Account, domain: &str) -> Option<(String, String)> {
    let env = account.environment.as_deref()?;
    let workload = account.workload.as_deref()?;
    let label = match account.region.as_deref() {
        Some(r) => format!("{workload}-{r}"),
        None => workload.to_string(),
    };
    Some((
        format!("{}.{env}.{domain}", label.to_lowercase()),
        key_of(env),
    ))
}

pub fn dns(bp: &Blueprint, accounts: &[Account], network: Option<&Network>) -> Option<Dns> {
    let d = bp.dns.as_ref()?;
    let domain = d.domain.trim_end_matches('.').to_lowercase();
    let envs: Vec<String> = d
        .environments
        .clone()
        .unwrap_or_else(|| bp.environments.keys().cloned().collect());
    let subzones = envs
        .iter()
        .map(|e| Subzone {
            environment: e.clone(),
            key: key_of(e),
            name: format!("{}.{domain}", e.to_lowercase()),
        })
        .collect();
    let delegations = d
        .delegations
        .iter()
        .filter_map(|(k, ns)| {
            let a = accounts.iter().find(|a| a.key == key_of(k))?;
            let (name, subzone) = delegated_name(a, &domain)?;
            Some(Delegation {
                account: k.clone(),
                key: key_of(k),
                name,
                subzone,
                name_servers: ns
                    .iter()
                    .map(|s| s.trim_end_matches('.').to_lowercase())
                    .collect(),
            })
        })
        .collect();
    let share_with = d.share_with.clone().unwrap_or_else(|| {
        let mut ous: Vec<String> = Vec::new();
        for e in &envs {
            if let Some(env) = bp.environments.get(e)
                && !ous.contains(&env.ou)
            {
                ous.push(env.ou.clone());
            }
        }
        ous
    });
    let mut lookups = Vec::new();
    let principals = principals(bp, &share_with, &mut lookups);
    let home = &bp.organization.home_region;
    let mut providers = Vec::new();
    let mut regions = Vec::new();
    for r in allowed_regions(bp) {
        let p = provider(&d.account, accounts, &r);
        regions.push(DnsRegion {
            key: region_key(&r),
            region: r.clone(),
            provider: p.alias.clone(),
        });
        providers.push(p);
    }
    let enable_org_sharing = network.is_none();
    let resolver = d.resolver.as_ref().map(|r| {
        let mut allow_from: Vec<String> = network.map(|n| n.cidr.to_string()).into_iter().collect();
        for c in &r.allow_from {
            if !allow_from.contains(c) {
                allow_from.push(c.clone());
            }
        }
        let mut targets: Vec<String> = Vec::new();
        for ip in r.forward.values().flatten() {
            let t = format!("{ip}/32");
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        let azs = usize::from(r.azs.max(2));
        let regions: Vec<ResolverRegion> = resolver_regions(bp)
            .iter()
            .map(|region| {
                let planned = network
                    .and_then(|n| n.regions.iter().find(|x| &x.region == region))
                    .and_then(|x| x.resolver);
                let cidr = r
                    .cidrs
                    .get(region)
                    .and_then(|c| Cidr::parse(c).ok())
                    .or(planned)
                    .unwrap_or(Cidr {
                        addr: 0,
                        prefix: r.prefix,
                    });
                let sub = (cidr.prefix + bits_for(azs as u64)).min(32);
                let step = 1u64 << (32 - u32::from(sub));
                let p = provider(&d.account, accounts, region);
                if !providers
                    .iter()
                    .any(|x: &crate::model::Provider| x.alias == p.alias)
                {
                    providers.push(p.clone());
                }
                ResolverRegion {
                    key: region_key(region),
                    region: region.clone(),
                    provider: p.alias,
                    subnets: (0..azs)
                        .map(|i| cidr.block_at(i as u64 * step, sub).unwrap_or(cidr))
                        .collect(),
                    cidr,
                    transit_gateway: r.transit_gateways.get(region).cloned(),
                    profile: regions.iter().any(|x: &DnsRegion| &x.region == region),
                }
            })
            .collect();
        let mut routes = allow_from.clone();
        for t in &targets {
            if !routes.contains(t) {
                routes.push(t.clone());
            }
        }
        Resolver {
            inbound: r.inbound,
            outbound: !r.forward.is_empty(),
            allow_from,
            targets,
            routes,
            attached: regions.iter().any(|x| x.transit_gateway.is_some()),
            rules: r.forward.iter().enumerate().fold(
                Vec::new(),
                |mut rules: Vec<ForwardRule>, (i, (domain, ips))| {
                    let domain = domain.trim_end_matches('.').to_lowercase();
                    let mut key = key_of(&domain.replace('.', "_"));
                    if rules.iter().any(|x| x.key == key) {
                        key = format!("{key}_{i}");
                    }
                    let name: String = format!("forward-{}", domain.replace('.', "-"))
                        .chars()
                        .take(64)
                        .collect();
                    rules.push(ForwardRule {
                        key,
                        name: name.trim_end_matches('-').to_string(),
                        domain,
                        targets: ips.clone(),
                    });
                    rules
                },
            ),
            regions,
            prefix: bucket_prefix(&bp.organization.name),
        }
    });
    Some(Dns {
        account: d.account.clone(),
        account_email: provider(&d.account, accounts, home).email,
        home_provider: provider(&d.account, accounts, home).alias,
        private_domain: d
            .private_domain
            .clone()
            .map(|p| p.trim_end_matches('.').to_lowercase())
            .unwrap_or_else(|| format!("internal.{domain}")),
        domain,
        subzones,
        delegations,
        regions,
        principals,
        lookups,
        enable_org_sharing,
        resolver,
        providers,
    })
}

/// Trusted service principals the network and dns stacks need.
pub fn service_principals(bp: &Blueprint) -> Vec<String> {
    let mut out = Vec::new();
    if bp.network.is_some() {
        out.push("ipam.amazonaws.com".to_string());
    }
    if bp.network.is_some() || bp.dns.is_some() {
        out.push("ram.amazonaws.com".to_string());
    }
    out
}

/// The README rows of the two stacks.
pub fn stacks(network: Option<&Network>, dns: Option<&Dns>) -> Vec<Stack> {
    let mut out = Vec::new();
    if let Some(n) = network {
        out.push(Stack {
            name: "network".to_string(),
            runs_in: format!("management and `{}` accounts", n.account),
            holds: format!(
                "IPAM (pools from {}), a Transit Gateway in {} region(s) with route tables for {}{}, shared through RAM",
                n.cidr,
                n.regions.len(),
                n.domains
                    .iter()
                    .map(|d| format!("`{}`", d.name))
                    .collect::<Vec<_>>()
                    .join(", "),
                if n.egress { "; centralized egress" } else { "" }
            ),
        });
    }
    if let Some(d) = dns {
        out.push(Stack {
            name: "dns".to_string(),
            runs_in: if d.enable_org_sharing {
                format!("management and `{}` accounts", d.account)
            } else {
                format!("`{}` account (through the management account)", d.account)
            },
            holds: format!(
                "`{}` with {} delegated subzone(s), the private `{}` zone, a Route 53 Profile per region shared through RAM{}",
                d.domain,
                d.subzones.len(),
                d.private_domain,
                match &d.resolver {
                    Some(r) => format!("; Resolver endpoints in {} region(s)", r.regions.len()),
                    None => String::new(),
                }
            ),
        });
    }
    out
}
