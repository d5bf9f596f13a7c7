//! `network:` and `dns:`: CIDR syntax, sizes and overlaps (a pool too small for its accounts is
//! an error with the numbers), isolation domains, Transit Gateway regions, ASNs, attachment
//! ids, and domain names (RFC 1035 lengths).

use crate::diagnostic::{Diagnostic, unknown_help};
use crate::expand::allowed_regions;
use crate::expand::network::{delegated_name, network_regions, resolver_regions};
use crate::load::Loaded;
use crate::model::Model;
use crate::model::network::{Cidr, CidrError};
use crate::naming::key_of;

use super::foundation::account_ref;

/// Why `name` is not a DNS name under RFC 1035 (at most 253 characters, labels of 1 to 63
/// letters, digits and hyphens, not starting or ending with a hyphen).
pub fn dns_name_problem(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    if name.len() > 253 {
        return Some(format!(
            "it is {} characters long; a DNS name has at most 253",
            name.len()
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Some("it has an empty label (`..`)".to_string());
        }
        if label.len() > 63 {
            return Some(format!(
                "the label `{label}` is {} characters long; a label has at most 63",
                label.len()
            ));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(format!(
                "the label `{label}` holds a character other than letters, digits and `-`"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!("the label `{label}` starts or ends with `-`"));
        }
    }
    None
}

/// Private ASNs a Transit Gateway accepts.
fn asn_ok(asn: u64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

fn is_attachment_id(id: &str) -> bool {
    id.strip_prefix("tgw-attach-").is_some_and(|h| {
        (8..=17).contains(&h.len())
            && h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

fn targets(loaded: &Loaded, list: &[String], path: &str, out: &mut Vec<Diagnostic>) {
    let ous = &loaded.blueprint.organizational_units;
    for (i, t) in list.iter().enumerate() {
        if t != "root" && !ous.contains_key(t) {
            out.push(
                Diagnostic::error(format!("`{t}` is neither `root` nor an OU key"))
                    .at_value(&loaded.source, &format!("{path}[{i}]"))
                    .with_help(unknown_help(t, "OUs", ous.keys().map(String::as_str))),
            );
        }
    }
    if list.is_empty() {
        out.push(
            Diagnostic::error("nothing to share with")
                .at_value(&loaded.source, path)
                .with_help("write `[root]` for the whole organization, or OU keys"),
        );
    }
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    check_network(loaded, out);
    check_dns(loaded, out);
    check_resolver(loaded, out);
}

fn check_network(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let Some(n) = &bp.network else { return };
    account_ref(
        loaded,
        &n.account,
        "network.account",
        "network account",
        out,
    );
    match Cidr::parse(&n.cidr) {
        Err(CidrError::Syntax) => out.push(
            Diagnostic::error(format!("`{}` is not an IPv4 CIDR block", n.cidr))
                .at_value(src, "network.cidr")
                .with_help("write an address and a prefix length, such as `10.0.0.0/8`"),
        ),
        Err(CidrError::HostBits(meant)) => out.push(
            Diagnostic::error(format!(
                "`{}` has bits set after its /{} prefix",
                n.cidr, meant.prefix
            ))
            .at_value(src, "network.cidr")
            .with_help(format!("did you mean `{meant}`?")),
        ),
        Ok(c) if c.prefix > 24 => out.push(
            Diagnostic::error(format!(
                "`{c}` is too small to hold an organization's networks"
            ))
            .at_value(src, "network.cidr")
            .with_help("use a /24 or larger block, such as `10.0.0.0/8`"),
        ),
        Ok(_) => {}
    }
    let allowed = allowed_regions(bp);
    for (i, r) in n.regions.iter().enumerate() {
        let path = format!("network.regions[{i}]");
        if !allowed.contains(r) {
            out.push(
                Diagnostic::error(format!("`{r}` is not an allowed region"))
                    .at_value(src, &path)
                    .with_help(unknown_help(
                        r,
                        "allowed regions",
                        allowed.iter().map(String::as_str),
                    )),
            );
        } else if n.regions[..i].contains(r) {
            out.push(
                Diagnostic::error(format!("region `{r}` is listed twice"))
                    .at_value(src, &path)
                    .with_help("remove the repeated entry"),
            );
        }
    }
    if !n.regions.is_empty() {
        for (key, env) in bp.environments.iter().filter(|(_, e)| e.per_region) {
            let _ = env;
            if let Some(missing) = allowed.iter().find(|r| !n.regions.contains(r)) {
                let used = bp
                    .workloads
                    .values()
                    .any(|w| w.environments.iter().any(|e| e == key));
                if used {
                    out.push(
                        Diagnostic::error(format!(
                            "environment `{key}` has an account in `{missing}`, which has no Transit Gateway"
                        ))
                        .at_value(src, "network.regions")
                        .with_help(format!(
                            "`{key}` is per-region: add `{missing}` to `network.regions`, or leave \
                             `network.regions` out to have a Transit Gateway in every allowed region"
                        )),
                    );
                    break;
                }
            }
        }
    }
    for env in n.environments.keys() {
        if !bp.environments.contains_key(env) {
            out.push(
                Diagnostic::error(format!("`{env}` is not an environment"))
                    .at_key(src, &format!("network.environments.{env}"))
                    .with_help(unknown_help(
                        env,
                        "environments",
                        bp.environments.keys().map(String::as_str),
                    )),
            );
        }
    }
    if let Some(domains) = &n.domains {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for (d, envs) in domains {
            if matches!(d.as_str(), "shared" | "egress") {
                out.push(
                    Diagnostic::error(format!("`{d}` is a reserved domain name"))
                        .at_key(src, &format!("network.domains.{d}"))
                        .with_help(
                            "`shared` (reached by every domain) and `egress` are always there; \
                             name the isolated domain differently",
                        ),
                );
            } else if !super::is_plain_key(d) {
                out.push(
                    Diagnostic::error(format!("`{d}` is not a valid domain key"))
                        .at_key(src, &format!("network.domains.{d}"))
                        .with_help("start with a letter, then letters, digits, `-` and `_`"),
                );
            }
            for (i, e) in envs.iter().enumerate() {
                let path = format!("network.domains.{d}[{i}]");
                if !bp.environments.contains_key(e) {
                    out.push(
                        Diagnostic::error(format!("`{e}` is not an environment"))
                            .at_value(src, &path)
                            .with_help(unknown_help(
                                e,
                                "environments",
                                bp.environments.keys().map(String::as_str),
                            )),
                    );
                } else if let Some((other, _)) = seen.iter().find(|(_, x)| x == e) {
                    out.push(
                        Diagnostic::error(format!(
                            "environment `{e}` is in domain `{other}` and in `{d}`"
                        ))
                        .at_value(src, &path)
                        .with_help("an environment belongs to one isolation domain"),
                    );
                } else {
                    seen.push((d.as_str(), e.as_str()));
                }
            }
        }
        for e in bp.environments.keys() {
            if !seen.iter().any(|(_, x)| x == e) {
                out.push(
                    Diagnostic::error(format!("environment `{e}` is in no isolation domain"))
                        .at_value(src, "network.domains")
                        .with_help(format!(
                            "list `{e}` under one of the domains; unlisted, its networks could \
                             reach every domain"
                        )),
                );
            }
        }
    }
    targets(loaded, &n.share_with, "network.share_with", out);
    let regions = network_regions(bp);
    let last = u64::from(n.asn) + regions.len().saturating_sub(1) as u64;
    if !asn_ok(u64::from(n.asn)) || !asn_ok(last) {
        out.push(
            Diagnostic::error(format!(
                "ASNs {}–{last} are not all private ASNs a Transit Gateway accepts",
                n.asn
            ))
            .at_value(src, "network.asn")
            .with_help(
                "each region's Transit Gateway takes the next ASN from `network.asn`; use \
                 64512–65534 or 4200000000–4294967294",
            ),
        );
    }
    if n.egress.enabled {
        if !(1..=6).contains(&n.egress.azs) {
            out.push(
                Diagnostic::error(format!("{} availability zones for egress", n.egress.azs))
                    .at_value(src, "network.egress.azs")
                    .with_help("use 1 to 6 (one NAT gateway each); 2 or 3 is usual"),
            );
        }
        if !(16..=26).contains(&n.egress.prefix) {
            out.push(
                Diagnostic::error(format!(
                    "an egress VPC of /{} is out of range",
                    n.egress.prefix
                ))
                .at_value(src, "network.egress.prefix")
                .with_help("use /16 to /26: it is cut into two subnets per availability zone"),
            );
        }
    }
    for (account, by_region) in &n.attachments {
        for (region, id) in by_region {
            let path = format!("network.attachments.{account}.{region}");
            if !regions.contains(region) {
                out.push(
                    Diagnostic::error(format!("`{region}` has no Transit Gateway"))
                        .at_key(src, &path)
                        .with_help(unknown_help(
                            region,
                            "network regions",
                            regions.iter().map(String::as_str),
                        )),
                );
            }
            if !is_attachment_id(id) {
                out.push(
                    Diagnostic::error(format!("`{id}` is not a Transit Gateway attachment id"))
                        .at_value(src, &path)
                        .with_help("attachment ids look like `tgw-attach-0123456789abcdef0`"),
                );
            }
        }
    }
}

fn check_dns(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let Some(d) = &bp.dns else { return };
    account_ref(loaded, &d.account, "dns.account", "DNS account", out);
    let domain_ok = match dns_name_problem(&d.domain) {
        Some(why) => {
            out.push(
                Diagnostic::error(format!("`{}` is not a valid domain name: {why}", d.domain))
                    .at_value(src, "dns.domain")
                    .with_help("write a domain such as `acme.example` (RFC 1035)"),
            );
            false
        }
        None if !d.domain.trim_end_matches('.').contains('.') => {
            out.push(
                Diagnostic::error(format!("`{}` is a top-level domain", d.domain))
                    .at_value(src, "dns.domain")
                    .with_help("use a domain you own, such as `acme.example`"),
            );
            false
        }
        None => true,
    };
    if let Some(p) = &d.private_domain
        && let Some(why) = dns_name_problem(p)
    {
        out.push(
            Diagnostic::error(format!("`{p}` is not a valid domain name: {why}"))
                .at_value(src, "dns.private_domain")
                .with_help("write a domain such as `internal.acme.example` (RFC 1035)"),
        );
    }
    let envs: Vec<(String, String)> = match &d.environments {
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, e)| (e.clone(), format!("dns.environments[{i}]")))
            .collect(),
        None => bp
            .environments
            .keys()
            .map(|e| (e.clone(), format!("environments.{e}")))
            .collect(),
    };
    for (e, path) in &envs {
        if d.environments.is_some() && !bp.environments.contains_key(e) {
            out.push(
                Diagnostic::error(format!("`{e}` is not an environment"))
                    .at_value(src, path)
                    .with_help(unknown_help(
                        e,
                        "environments",
                        bp.environments.keys().map(String::as_str),
                    )),
            );
            continue;
        }
        if !domain_ok {
            continue;
        }
        let name = format!("{}.{}", e.to_lowercase(), d.domain.trim_end_matches('.'));
        if let Some(why) = dns_name_problem(&name) {
            let diag = Diagnostic::error(format!(
                "environment `{e}` cannot have the subzone `{name}`: {why}"
            ));
            let diag = if d.environments.is_some() {
                diag.at_value(src, path)
            } else {
                diag.at_key(src, path)
            };
            out.push(diag.with_help(
                "list the environments that get a subzone under `dns.environments`, or rename \
                 the environment to a DNS label (letters, digits, `-`)",
            ));
        }
    }
    if let Some(list) = &d.share_with {
        targets(loaded, list, "dns.share_with", out);
    }
    for (account, servers) in &d.delegations {
        let path = format!("dns.delegations.{account}");
        if servers.is_empty() {
            out.push(
                Diagnostic::error(format!("no name servers for `{account}`"))
                    .at_value(src, &path)
                    .with_help("list the name servers of the zone the account created"),
            );
        }
        for (i, ns) in servers.iter().enumerate() {
            if let Some(why) = dns_name_problem(ns) {
                out.push(
                    Diagnostic::error(format!("`{ns}` is not a name server name: {why}"))
                        .at_value(src, &format!("{path}[{i}]"))
                        .with_help("name servers look like `ns-1234.awsdns-56.org`"),
                );
            }
        }
    }
}

fn is_transit_gateway_id(id: &str) -> bool {
    id.strip_prefix("tgw-").is_some_and(|h| {
        (8..=17).contains(&h.len())
            && h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

fn cidr_problem(text: &str) -> Option<String> {
    match Cidr::parse(text) {
        Ok(_) => None,
        Err(CidrError::Syntax) => Some(format!(
            "`{text}` is not an IPv4 CIDR block (an address and a prefix length, such as `10.0.0.0/24`)"
        )),
        Err(CidrError::HostBits(meant)) => Some(format!(
            "`{text}` has bits set after its /{} prefix: did you mean `{meant}`?",
            meant.prefix
        )),
    }
}

/// `dns.resolver`: regions, sizes, forwarding rules, sources and Transit Gateway ids.
fn check_resolver(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let Some(r) = bp.dns.as_ref().and_then(|d| d.resolver.as_ref()) else {
        return;
    };
    let allowed = allowed_regions(bp);
    for (i, region) in r.regions.iter().enumerate() {
        let path = format!("dns.resolver.regions[{i}]");
        if !allowed.contains(region) {
            out.push(
                Diagnostic::error(format!("`{region}` is not an allowed region"))
                    .at_value(src, &path)
                    .with_help(unknown_help(
                        region,
                        "allowed regions",
                        allowed.iter().map(String::as_str),
                    )),
            );
        } else if r.regions[..i].contains(region) {
            out.push(
                Diagnostic::error(format!("region `{region}` is listed twice"))
                    .at_value(src, &path)
                    .with_help("remove the repeated entry"),
            );
        }
    }
    let regions = resolver_regions(bp);
    if !(2..=6).contains(&r.azs) {
        out.push(
            Diagnostic::error(format!(
                "the resolver endpoints need 2 to 6 availability zones, not {}",
                r.azs
            ))
            .at_value(src, "dns.resolver.azs")
            .with_help("an endpoint needs addresses in at least two zones; 2 or 3 is usual"),
        );
    }
    let sub_bits = crate::model::network::bits_for(u64::from(r.azs.clamp(2, 6)));
    if !(16..=28).contains(&r.prefix) || r.prefix + sub_bits > 28 {
        out.push(
            Diagnostic::error(format!(
                "a resolver VPC of /{} cannot hold {} subnets of at least /28",
                r.prefix, r.azs
            ))
            .at_value(src, "dns.resolver.prefix")
            .with_help(format!("use /16 to /{}", 28 - sub_bits)),
        );
    }
    if !r.inbound && r.forward.is_empty() {
        out.push(
            Diagnostic::error("the resolver has neither an inbound endpoint nor forwarding rules")
                .at_value(src, "dns.resolver.inbound")
                .with_help(
                    "set `inbound: true`, list domains under `forward:`, or remove `dns.resolver`",
                ),
        );
    }
    for (domain, ips) in &r.forward {
        let path = format!("dns.resolver.forward.{domain}");
        if let Some(why) = dns_name_problem(domain) {
            out.push(
                Diagnostic::error(format!("`{domain}` is not a valid domain name: {why}"))
                    .at_key(src, &path)
                    .with_help("write the on-premises domain, such as `corp.acme.example`"),
            );
        }
        if ips.is_empty() {
            out.push(
                Diagnostic::error(format!("no resolver addresses for `{domain}`"))
                    .at_value(src, &path)
                    .with_help("list the IPv4 addresses of the resolvers that answer for it"),
            );
        }
        for (i, ip) in ips.iter().enumerate() {
            if ip.parse::<std::net::Ipv4Addr>().is_err() {
                out.push(
                    Diagnostic::error(format!("`{ip}` is not an IPv4 address"))
                        .at_value(src, &format!("{path}[{i}]"))
                        .with_help("write the resolver's address, such as `10.200.0.2`"),
                );
            }
        }
    }
    for (i, c) in r.allow_from.iter().enumerate() {
        if let Some(why) = cidr_problem(c) {
            out.push(
                Diagnostic::error(why)
                    .at_value(src, &format!("dns.resolver.allow_from[{i}]"))
                    .with_help("list the networks that query the inbound endpoint"),
            );
        }
    }
    for (region, c) in &r.cidrs {
        let path = format!("dns.resolver.cidrs.{region}");
        if !regions.contains(region) {
            out.push(
                Diagnostic::error(format!("`{region}` has no resolver endpoints"))
                    .at_key(src, &path)
                    .with_help(unknown_help(
                        region,
                        "resolver regions",
                        regions.iter().map(String::as_str),
                    )),
            );
        }
        match Cidr::parse(c) {
            Ok(b) if b.prefix + sub_bits > 28 || b.prefix < 16 => out.push(
                Diagnostic::error(format!(
                    "`{b}` cannot hold {} subnets of at least /28",
                    r.azs
                ))
                .at_value(src, &path)
                .with_help(format!("use a /16 to /{} block", 28 - sub_bits)),
            ),
            Ok(_) => {}
            Err(_) => out.push(
                Diagnostic::error(cidr_problem(c).unwrap_or_default())
                    .at_value(src, &path)
                    .with_help("the resolver VPC's block, routable from on premises"),
            ),
        }
    }
    for (region, id) in &r.transit_gateways {
        let path = format!("dns.resolver.transit_gateways.{region}");
        if !regions.contains(region) {
            out.push(
                Diagnostic::error(format!("`{region}` has no resolver endpoints"))
                    .at_key(src, &path)
                    .with_help(unknown_help(
                        region,
                        "resolver regions",
                        regions.iter().map(String::as_str),
                    )),
            );
        }
        if !is_transit_gateway_id(id) {
            out.push(
                Diagnostic::error(format!("`{id}` is not a Transit Gateway id"))
                    .at_value(src, &path)
                    .with_help(
                        "Transit Gateway ids look like `tgw-0123456789abcdef0` (the network \
                         stack's `transit_gateway_ids` output)",
                    ),
            );
        }
    }
}

/// Checks that need the expanded accounts: pool sizes against the accounts allocating from
/// them, attachment and delegation accounts.
pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    if let (Some(n), Some(net)) = (&bp.network, &model.network) {
        let sizes = &n.sizes;
        let region_path = if sizes.region.is_some() {
            "network.sizes.region"
        } else {
            "network.cidr"
        };
        if !(16..=28).contains(&net.vpc_prefix) {
            out.push(
                Diagnostic::error(format!("VPCs of /{} are out of range", net.vpc_prefix))
                    .at_value(src, "network.sizes.vpc")
                    .with_help("a VPC is /16 to /28"),
            );
        }
        if let Some(r) = net.regions.iter().find(|r| !r.fits) {
            out.push(
                Diagnostic::error(format!(
                    "{} holds {} regional pool(s) of /{}, but {} regions need one each (`{}` has none)",
                    net.cidr,
                    net.region_capacity,
                    net.region_prefix,
                    net.regions.len(),
                    r.region
                ))
                .at_value(src, region_path)
                .with_help(format!(
                    "use a larger `network.cidr`, or smaller regional pools \
                     (`network.sizes.region: {}`)",
                    net.cidr.prefix + crate::model::network::bits_for(net.regions.len() as u64)
                )),
            );
        }
        let first = net.regions.iter().find(|r| r.fits);
        if let Some(r) = first
            && let Some(p) = r.pools.iter().find(|p| !p.fits)
        {
            let used: u64 = r.pools.iter().map(|p| p.cidr.size()).sum();
            let egress = r.egress.as_ref().map(|e| e.cidr.size()).unwrap_or(0);
            let path = if n.environments.contains_key(&p.environment) {
                format!("network.environments.{}", p.environment)
            } else if sizes.environment.is_some() {
                "network.sizes.environment".to_string()
            } else {
                region_path.to_string()
            };
            out.push(
                Diagnostic::error(format!(
                    "the environment pools do not fit in the regional pool {}: `{}` (/{}) has no room",
                    r.cidr, p.environment, p.cidr.prefix
                ))
                .at_value(src, &path)
                .with_help(format!(
                    "the regional pool has {} addresses; the environment pools take {used}{}, \
                     packed in blueprint order, each starting at a multiple of its own size. \
                     Use smaller environment pools, list larger ones first, or a larger regional pool",
                    r.cidr.size(),
                    if egress > 0 {
                        format!(" and the egress VPC {egress}")
                    } else {
                        String::new()
                    }
                )),
            );
        }
        // The first pool short of room is enough to act on.
        let short = net.regions.iter().filter(|r| r.fits).find_map(|r| {
            r.pools
                .iter()
                .find(|p| p.fits && p.needed > p.capacity)
                .map(|p| (r, p))
        });
        if let Some((r, p)) = short {
            let path = if n.environments.contains_key(&p.environment) {
                format!("network.environments.{}", p.environment)
            } else if sizes.environment.is_some() {
                "network.sizes.environment".to_string()
            } else if sizes.vpc.is_some() {
                "network.sizes.vpc".to_string()
            } else {
                "network.cidr".to_string()
            };
            out.push(
                    Diagnostic::error(format!(
                        "the `{}` pool in {} ({}) holds {} VPC(s) of /{}, but its {} account(s) need {}",
                        p.environment, r.region, p.cidr, p.capacity, net.vpc_prefix, p.accounts, p.needed
                    ))
                    .at_value(src, &path)
                    .with_help(format!(
                        "give `{}` a larger pool (`network.environments: {{ {}: {} }}`) or allocate \
                         smaller VPCs (`network.sizes.vpc`)",
                        p.environment,
                        p.environment,
                        p.cidr.prefix.saturating_sub(crate::model::network::bits_for(
                            p.needed.div_ceil(p.capacity.max(1))
                        ))
                    )),
                );
        }
        if let Some(e) = net.regions.iter().find_map(|r| r.egress.as_ref())
            && let Some(az) = e.azs.first()
            && az.public.prefix > 28
        {
            out.push(
                Diagnostic::error(format!(
                    "the egress VPC {} is too small for {} availability zones (subnets of /{})",
                    e.cidr,
                    e.azs.len(),
                    az.public.prefix
                ))
                .at_value(src, "network.egress.prefix")
                .with_help("a subnet is at least /28: use a larger egress VPC or fewer zones"),
            );
        }
        for account in n.attachments.keys() {
            if model.account(&key_of(account)).is_none() {
                out.push(
                    Diagnostic::error(format!("`{account}` is not an account key"))
                        .at_key(src, &format!("network.attachments.{account}"))
                        .with_help(unknown_help(
                            account,
                            "accounts",
                            model.accounts.iter().map(|a| a.key.as_str()),
                        )),
                );
            }
        }
    }
    if let (Some(r), Some(dns)) = (
        bp.dns.as_ref().and_then(|d| d.resolver.as_ref()),
        &model.dns,
    ) {
        check_resolver_blocks(loaded, r, dns, model, out);
    }
    if let (Some(d), Some(dns)) = (&bp.dns, &model.dns) {
        for account in d.delegations.keys() {
            let path = format!("dns.delegations.{account}");
            let Some(a) = model.account(&key_of(account)) else {
                out.push(
                    Diagnostic::error(format!("`{account}` is not an account key"))
                        .at_key(src, &path)
                        .with_help(unknown_help(
                            account,
                            "accounts",
                            model.accounts.iter().map(|a| a.key.as_str()),
                        )),
                );
                continue;
            };
            let Some((name, subzone)) = delegated_name(a, &dns.domain) else {
                out.push(
                    Diagnostic::error(format!("`{account}` is not a workload account"))
                        .at_key(src, &path)
                        .with_help(
                            "delegated subdomains are `<workload>.<environment>.<domain>`: name \
                             a workload account such as `payments_prod`",
                        ),
                );
                continue;
            };
            if !dns.subzones.iter().any(|s| s.key == subzone) {
                out.push(
                    Diagnostic::error(format!(
                        "`{account}` is in an environment without a subzone"
                    ))
                    .at_key(src, &path)
                    .with_help("add its environment to `dns.environments`"),
                );
            } else if let Some(why) = dns_name_problem(&name) {
                out.push(
                    Diagnostic::error(format!("`{name}` is not a valid domain name: {why}"))
                        .at_key(src, &path)
                        .with_help("shorten the workload key or the domain"),
                );
            }
        }
    }
}

/// Each resolver region has a block (from `dns.resolver.cidrs` or the network plan) that no
/// environment pool overlaps.
fn check_resolver_blocks(
    loaded: &Loaded,
    r: &crate::blueprint::Resolver,
    dns: &crate::model::network::Dns,
    model: &Model,
    out: &mut Vec<Diagnostic>,
) {
    let src = &loaded.source;
    let Some(res) = &dns.resolver else { return };
    for region in &res.regions {
        let at = |d: Diagnostic| match r.regions.iter().position(|x| *x == region.region) {
            Some(i) => d.at_value(src, &format!("dns.resolver.regions[{i}]")),
            None => d.at_key(src, "dns.resolver"),
        };
        let planned = model
            .network
            .as_ref()
            .and_then(|n| n.regions.iter().find(|x| x.region == region.region));
        match (r.cidrs.get(&region.region), planned) {
            (None, None) => out.push(
                at(Diagnostic::error(format!(
                    "the resolver VPC in `{}` has no address block",
                    region.region
                )))
                .with_help(format!(
                    "name one under `dns.resolver.cidrs` (`{}: 10.255.0.0/24`), or add `{}` to \
                     the `network:` address plan",
                    region.region, region.region
                )),
            ),
            (Some(c), Some(plan)) => {
                let Ok(block) = Cidr::parse(c) else { continue };
                let hit = plan
                    .pools
                    .iter()
                    .map(|p| (p.environment.as_str(), p.cidr))
                    .chain(plan.egress.as_ref().map(|e| ("egress VPC", e.cidr)))
                    .find(|(_, p)| p.overlaps(&block));
                if let Some((what, pool)) = hit {
                    out.push(
                        Diagnostic::error(format!(
                            "`{block}` overlaps the `{what}` block {pool} of the address plan"
                        ))
                        .at_value(src, &format!("dns.resolver.cidrs.{}", region.region))
                        .with_help(
                            "leave it out to take a block of the regional pool, or use a block \
                             outside the environment pools",
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert_eq!(dns_name_problem("acme.example"), None);
        assert_eq!(dns_name_problem("acme.example."), None);
        assert!(dns_name_problem("").is_some());
        assert!(dns_name_problem("a..b").is_some());
        assert!(dns_name_problem("-a.b").is_some());
        assert!(dns_name_problem("a_b.c").is_some());
        let long = format!("{}.example", "a".repeat(64));
        assert!(dns_name_problem(&long).unwrap().contains("at most 63"));
        let ok63 = format!("{}.example", "a".repeat(63));
        assert_eq!(dns_name_problem(&ok63), None);
        let total = vec!["a".repeat(63); 4].join(".");
        assert_eq!(total.len(), 255);
        assert!(dns_name_problem(&total).unwrap().contains("at most 253"));
    }

    #[test]
    fn attachment_ids_and_asns() {
        assert!(is_attachment_id("tgw-attach-0123456789abcdef0"));
        assert!(!is_attachment_id("tgw-attach-XYZ"));
        assert!(!is_attachment_id("tgw-0123456789abcdef0"));
        assert!(asn_ok(64512) && asn_ok(65534) && !asn_ok(65535) && !asn_ok(100));
    }
}
