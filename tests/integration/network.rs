//! The network and dns stacks: isolation between domains in the generated route tables, pool
//! sizing and the other located validation errors, the delegation of a subdomain to a workload
//! account, and provider blocks that do not grow with the number of accounts.

use std::collections::BTreeMap;

use landform::model::network::Cidr;

use crate::fixture::{Fixture, preset};

fn generated(text: &str) -> Fixture {
    let f = Fixture::with_blueprint(text);
    f.run_ok(&["generate"]);
    f
}

/// A resource block of a generated file: type, name, attributes as HCL text.
struct Resource {
    kind: String,
    name: String,
    attrs: BTreeMap<String, String>,
}

fn resources(text: &str) -> Vec<Resource> {
    let body: hcl::Body = hcl::from_str(text).expect("generated HCL parses");
    body.blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| Resource {
            kind: b.labels()[0].as_str().to_string(),
            name: b.labels()[1].as_str().to_string(),
            attrs: b
                .body()
                .attributes()
                .map(|a| {
                    (
                        a.key().to_string(),
                        hcl::format::to_string(a.expr()).unwrap().trim().to_string(),
                    )
                })
                .collect(),
        })
        .collect()
}

const PROD_ATTACH: &str = "tgw-attach-0aaaaaaaaaaaaaaa1";
const DEV_ATTACH: &str = "tgw-attach-0bbbbbbbbbbbbbbb2";
const SHARED_ATTACH: &str = "tgw-attach-0ccccccccccccccc3";

/// The resources of one type.
fn of<'a>(tf: &'a [Resource], kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
    tf.iter().filter(move |r| r.kind == kind)
}

fn smb_with_attachments() -> String {
    preset("smb").replace(
        "  cidr: 10.0.0.0/8             # in the `network` account; see the README's network section\n",
        &format!(
            "  cidr: 10.0.0.0/8\n  attachments:\n    payments_prod: {{ eu-west-1: {PROD_ATTACH} }}\n    \
             payments_dev: {{ eu-west-1: {DEV_ATTACH}, eu-central-1: tgw-attach-0ddddddddddddddd4 }}\n    \
             shared_services: {{ eu-west-1: {SHARED_ATTACH} }}\n"
        ),
    )
}

/// In every region, the prod and nonprod route tables have no route to each other: no
/// propagation from the other domain's attachments, no association of them, and every pool of
/// the other domain (in any region) is a blackhole, so even the default route cannot reach it.
#[test]
fn prod_and_nonprod_route_tables_have_no_route_to_each_other() {
    let text = smb_with_attachments();
    assert!(
        text.contains(PROD_ATTACH),
        "the preset's network block moved"
    );
    let f = generated(&text);
    let loaded = landform::load_file(&f.join("landform.yaml")).unwrap();
    let (model, _) = landform::check(&loaded).unwrap();
    let net = model.network.as_ref().unwrap();
    let pools = |domain: &str| -> Vec<Cidr> {
        net.regions
            .iter()
            .flat_map(|r| r.pools.iter())
            .filter(|p| p.domain == domain)
            .map(|p| p.cidr)
            .collect()
    };
    let (prod_pools, nonprod_pools) = (pools("prod"), pools("nonprod"));
    assert_eq!(prod_pools.len(), 2);
    assert_eq!(nonprod_pools.len(), 4);
    let tf = resources(&f.read("terraform/network/transit_gateway.tf"));
    let attachment_domain = |id: &str| match id.trim_matches('"') {
        PROD_ATTACH => "prod",
        SHARED_ATTACH => "shared",
        _ => "nonprod",
    };
    for region in ["eu_west_1", "eu_central_1"] {
        for (domain, other, other_pools) in [
            ("prod", "nonprod", &nonprod_pools),
            ("nonprod", "prod", &prod_pools),
        ] {
            let table = format!("aws_ec2_transit_gateway_route_table.{region}_{domain}.id");
            assert!(
                of(&tf, "aws_ec2_transit_gateway_route_table")
                    .any(|r| r.name == format!("{region}_{domain}")),
                "no {domain} table in {region}"
            );
            for p in of(&tf, "aws_ec2_transit_gateway_route_table_propagation")
                .filter(|p| p.attrs["transit_gateway_route_table_id"] == table)
            {
                let from = attachment_domain(&p.attrs["transit_gateway_attachment_id"]);
                assert_ne!(
                    from, other,
                    "{}: {other} routes propagate into {table}",
                    p.name
                );
            }
            for a in of(&tf, "aws_ec2_transit_gateway_route_table_association")
                .filter(|a| a.attrs["transit_gateway_route_table_id"] == table)
            {
                let from = attachment_domain(&a.attrs["transit_gateway_attachment_id"]);
                assert_eq!(from, domain, "{}: a {from} attachment uses {table}", a.name);
            }
            let routes: Vec<&Resource> = of(&tf, "aws_ec2_transit_gateway_route")
                .filter(|r| r.attrs["transit_gateway_route_table_id"] == table)
                .collect();
            for route in &routes {
                let dest =
                    Cidr::parse(route.attrs["destination_cidr_block"].trim_matches('"')).unwrap();
                let reaches_other = other_pools.iter().any(|p| p.overlaps(&dest));
                if reaches_other {
                    assert_eq!(
                        route.attrs.get("blackhole").map(String::as_str),
                        Some("true"),
                        "{}: {dest} in {table} leads into the {other} domain",
                        route.name
                    );
                }
            }
            for pool in other_pools.iter() {
                assert!(
                    routes.iter().any(|r| {
                        r.attrs["destination_cidr_block"] == format!("\"{pool}\"")
                            && r.attrs.get("blackhole").map(String::as_str) == Some("true")
                    }),
                    "{table}: the {other} pool {pool} is not dropped"
                );
            }
        }
    }
    // The shared table hears every domain, so shared services answer both.
    let shared = "aws_ec2_transit_gateway_route_table.eu_west_1_shared.id";
    let heard: Vec<&str> = of(&tf, "aws_ec2_transit_gateway_route_table_propagation")
        .filter(|p| p.attrs["transit_gateway_route_table_id"] == shared)
        .map(|p| attachment_domain(&p.attrs["transit_gateway_attachment_id"]))
        .collect();
    for d in ["prod", "nonprod", "shared"] {
        assert!(
            heard.contains(&d),
            "the shared table does not hear {d}: {heard:?}"
        );
    }
}

/// With egress on, each isolated domain's default route leaves through the egress VPC, and the
/// blackholes still keep prod and nonprod apart (longest prefix wins over 0.0.0.0/0).
#[test]
fn egress_sends_the_default_route_through_the_egress_vpc() {
    let f = generated(preset("enterprise"));
    let tf = resources(&f.read("terraform/network/transit_gateway.tf"));
    for domain in ["prod", "nonprod", "shared"] {
        let r = tf
            .iter()
            .find(|r| r.name == format!("eu_west_1_{domain}_default"))
            .unwrap_or_else(|| panic!("no default route for {domain}"));
        assert_eq!(r.attrs["destination_cidr_block"], "\"0.0.0.0/0\"");
        assert_eq!(
            r.attrs["transit_gateway_attachment_id"],
            "aws_ec2_transit_gateway_vpc_attachment.egress_eu_west_1.id"
        );
    }
    let egress = f.read("terraform/network/egress.tf");
    assert!(egress.contains("resource \"aws_nat_gateway\" \"egress_eu_central_1_1\""));
    assert!(egress.contains("Inspection hook"));
    // The egress VPC takes the last /24 of the regional pool, clear of the environment pools.
    let loaded =
        landform::load_str(std::path::Path::new("landform.yaml"), preset("enterprise")).unwrap();
    let (model, _) = landform::check(&loaded).unwrap();
    for r in &model.network.unwrap().regions {
        let e = r.egress.as_ref().unwrap();
        assert!(r.cidr.contains(&e.cidr));
        assert_eq!(e.cidr.end(), r.cidr.end());
        for p in &r.pools {
            assert!(
                !p.cidr.overlaps(&e.cidr),
                "{} overlaps the egress VPC",
                p.cidr
            );
        }
    }
}

#[test]
fn network_and_dns_validation_errors_are_located() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "pool_too_small",
            "  cidr: 10.0.0.0/8\n  sizes: { vpc: 16 }\n  environments: { dev: 16 }\n",
            "",
        ),
        ("host_bits", "  cidr: 10.1.0.0/8\n", ""),
        (
            "too_many_regions",
            "  cidr: 10.0.0.0/8\n  sizes: { region: 8 }\n",
            "",
        ),
        (
            "domains",
            "  cidr: 10.0.0.0/8\n  domains: { prod: [prod, dev], shared: [staging], pci: [dev] }\n  share_with: [workload]\n  asn: 65534\n",
            "",
        ),
        (
            "environments_do_not_fit",
            "  cidr: 10.0.0.0/8\n  sizes: { environment: 11 }\n  egress: { enabled: true }\n",
            "",
        ),
        (
            "attachment_ids",
            "  cidr: 10.0.0.0/8\n  attachments: { payments_dev: { us-east-1: tgw-0123 } }\n",
            "",
        ),
        (
            "attachment_accounts",
            "  cidr: 10.0.0.0/8\n  attachments: { payments_prd: { eu-west-1: tgw-attach-0123456789abcdef0 } }\n",
            "",
        ),
        (
            "dns_names",
            "  cidr: 10.0.0.0/8\n",
            "  delegations: { payments_prod: [\"ns_1.example\"] }\n  private_domain: \"internal..acme.example\"\n",
        ),
        (
            "resolver",
            "  cidr: 10.0.0.0/8\n",
            "  resolver:\n    regions: [eu-west-1, us-east-1]\n    azs: 1\n    forward: { \"corp..example\": [10.200.0.300] }\n    allow_from: [10.200.0.1/16]\n    transit_gateways: { eu-central-1: tgw-XYZ }\n",
        ),
        (
            "resolver_does_nothing",
            "  cidr: 10.0.0.0/8\n",
            "  resolver:\n    inbound: false\n",
        ),
        (
            "resolver_blocks",
            "  cidr: 10.0.0.0/8\n  regions: [eu-west-1]\n",
            "  resolver:\n    regions: [eu-west-1, eu-central-1]\n    cidrs: { eu-west-1: 10.0.0.0/24 }\n",
        ),
        (
            "delegation_accounts",
            "  cidr: 10.0.0.0/8\n",
            "  delegations: { security: [ns-1.awsdns-01.org], web_staging: [ns-1.awsdns-01.org] }\n",
        ),
    ];
    let mut all = String::new();
    for (name, network, dns_extra) in cases {
        let text = preset("smb")
            .replace(
                "  cidr: 10.0.0.0/8             # in the `network` account; see the README's network section\n",
                network,
            )
            .replace(
                "  domain: acme.example         # in the `shared_services` account, resolved everywhere\n",
                &format!("  domain: acme.example\n{dns_extra}"),
            );
        let f = Fixture::with_blueprint(&text);
        let o = f.run(&["generate"]);
        assert_eq!(o.code, 2, "{name}: {}", o.text());
        assert!(!f.exists("terraform"), "{name}: something was written");
        all.push_str(&format!("== {name}\n{}\n", o.stderr));
    }
    insta::assert_snapshot!("network_validation_errors", all);
}

#[test]
fn a_long_domain_label_is_an_error_with_the_length() {
    let long = format!("{}.example", "a".repeat(64));
    let text = preset("smb").replace(
        "  domain: acme.example         # in the `shared_services` account, resolved everywhere\n",
        &format!("  domain: {long}\n"),
    );
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr
            .contains("is 64 characters long; a label has at most 63"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_per_region_environment_needs_a_transit_gateway_in_each_region() {
    let text = preset("enterprise").replace(
        "  cidr: 10.0.0.0/8\n",
        "  cidr: 10.0.0.0/8\n  regions: [eu-west-1]\n",
    );
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains(
            "environment `prod` has an account in `eu-central-1`, which has no Transit Gateway"
        ),
        "{}",
        o.stderr
    );
}

/// A workload account owns `<workload>.<env>.<domain>`: it creates the zone in its own account,
/// the blueprint lists the zone's name servers, and the dns stack writes the NS record in the
/// environment's subzone, with no provider for the workload account.
#[test]
fn a_workload_account_owns_its_delegated_subdomain() {
    let text = preset("smb").replace(
        "  domain: acme.example         # in the `shared_services` account, resolved everywhere\n",
        "  domain: acme.example\n  delegations:\n    payments_prod: [ns-1.awsdns-01.org, ns-2.awsdns-02.net.]\n",
    );
    let f = generated(&text);
    let zones = resources(&f.read("terraform/dns/zones.tf"));
    let r = zones
        .iter()
        .find(|r| r.name == "account_payments_prod")
        .expect("the delegation's NS record");
    assert_eq!(r.kind, "aws_route53_record");
    assert_eq!(r.attrs["zone_id"], "aws_route53_zone.prod.zone_id");
    assert_eq!(r.attrs["name"], "\"payments.prod.acme.example\"");
    assert_eq!(r.attrs["type"], "\"NS\"");
    assert!(
        r.attrs["records"].contains("\"ns-2.awsdns-02.net\""),
        "{}",
        r.attrs["records"]
    );
    let providers = f.read("terraform/dns/providers.tf");
    assert!(!providers.contains("payments"), "{providers}");
    // The subzone itself is delegated from the parent.
    let ns = zones.iter().find(|r| r.name == "prod_delegation").unwrap();
    assert_eq!(ns.attrs["zone_id"], "aws_route53_zone.public.zone_id");
    assert_eq!(ns.attrs["records"], "aws_route53_zone.prod.name_servers");
}

/// `dns.resolver`: the resolver VPC takes a block of the regional pool below the egress VPC,
/// clear of every environment pool; the inbound endpoint's VPC resolves the private zone; the
/// forwarding rule joins the Route 53 Profile (so every VPC associated with it forwards, with no
/// wiring in its account); the attachment and its routes appear once the Transit Gateway id is
/// known; and the stack gains no provider block.
#[test]
fn resolver_endpoints_forward_through_the_profile() {
    let text = preset("enterprise").replace(
        "  resolver:                    # hybrid DNS: Route 53 Resolver endpoints (home region)\n",
        "  resolver:\n    regions: [eu-west-1, eu-central-1]\n    \
         transit_gateways: { eu-west-1: tgw-0123456789abcdef0 }\n",
    );
    assert_ne!(
        text,
        preset("enterprise"),
        "the enterprise preset has a resolver"
    );
    let f = generated(&text);
    let loaded = landform::load_str(std::path::Path::new("landform.yaml"), &text).unwrap();
    let (model, _) = landform::check(&loaded).unwrap();
    let net = model.network.as_ref().unwrap();
    let res = model.dns.as_ref().unwrap().resolver.as_ref().unwrap();
    assert_eq!(res.regions.len(), 2);
    for r in &res.regions {
        let plan = net.regions.iter().find(|x| x.region == r.region).unwrap();
        let egress = plan.egress.as_ref().unwrap().cidr;
        assert_eq!(plan.resolver, Some(r.cidr));
        assert!(plan.cidr.contains(&r.cidr), "{} in {}", r.cidr, plan.cidr);
        assert_eq!(
            r.cidr.end(),
            u64::from(egress.addr),
            "just below the egress VPC"
        );
        for p in &plan.pools {
            assert!(!p.cidr.overlaps(&r.cidr), "{} overlaps {}", p.cidr, r.cidr);
        }
        assert_eq!(r.subnets.len(), 2);
        assert!(r.subnets.iter().all(|s| r.cidr.contains(s)));
        assert!(!r.subnets[0].overlaps(&r.subnets[1]));
    }
    let tf = resources(&f.read("terraform/dns/resolver.tf"));
    let inbound = of(&tf, "aws_route53_resolver_endpoint")
        .find(|r| r.name == "inbound_eu_west_1")
        .unwrap();
    assert_eq!(inbound.attrs["direction"], "\"INBOUND\"");
    let assoc = of(&tf, "aws_route53_zone_association")
        .find(|r| r.name == "resolver_eu_central_1")
        .unwrap();
    assert_eq!(assoc.attrs["zone_id"], "aws_route53_zone.private.zone_id");
    let rule = of(&tf, "aws_route53_resolver_rule")
        .find(|r| r.name == "eu_west_1_corp_globex_example")
        .unwrap();
    assert_eq!(rule.attrs["rule_type"], "\"FORWARD\"");
    assert_eq!(rule.attrs["domain_name"], "\"corp.globex.example\"");
    assert_eq!(
        rule.attrs["resolver_endpoint_id"],
        "aws_route53_resolver_endpoint.outbound_eu_west_1.id"
    );
    let joined = of(&tf, "aws_route53profiles_resource_association")
        .find(|r| r.name == "eu_west_1_corp_globex_example")
        .unwrap();
    assert_eq!(
        joined.attrs["profile_id"],
        "aws_route53profiles_profile.eu_west_1.id"
    );
    assert_eq!(
        joined.attrs["resource_arn"],
        "aws_route53_resolver_rule.eu_west_1_corp_globex_example.arn"
    );
    // Attached (and routed to on premises) only where the Transit Gateway id is known.
    let attachments: Vec<_> = of(&tf, "aws_ec2_transit_gateway_vpc_attachment")
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(attachments, ["resolver_eu_west_1"]);
    let routes: Vec<_> = of(&tf, "aws_route")
        .map(|r| r.attrs["destination_cidr_block"].as_str())
        .collect();
    assert_eq!(
        routes,
        [
            "\"10.0.0.0/8\"",
            "\"10.200.0.0/16\"",
            "\"10.200.0.2/32\"",
            "\"10.200.0.3/32\""
        ]
    );
    // DNS in from the organization and on premises, out only to the forwarding targets.
    let sg = f.read("terraform/dns/resolver.tf");
    assert!(sg.contains("cidr_blocks = [\"10.200.0.0/16\"]"), "{sg}");
    assert!(!sg.contains("0.0.0.0/0"), "{sg}");
    // The default provider and one alias per allowed region of the DNS account, as without it.
    let providers = f.read("terraform/dns/providers.tf");
    assert_eq!(
        providers.matches("provider \"aws\" {").count(),
        3,
        "{providers}"
    );
    assert!(
        f.read("terraform/dns/outputs.tf")
            .contains("output \"resolver_inbound_ips\"")
    );
}

/// A synthetic blueprint: `workloads` workloads in dev, staging and per-region prod across two
/// regions (four accounts each), with network and dns.
fn synthetic(workloads: usize) -> String {
    let mut s = String::from(
        "version: 1\norganization:\n  name: big\n  email: \"aws+{account}@big.example\"\n  \
         home_region: eu-west-1\n  regions: [eu-west-1, eu-central-1]\n\
         environments:\n  dev: { ou: nonprod }\n  staging: { ou: nonprod }\n  prod: { ou: prod, per_region: true }\n\
         accounts:\n  network: { ou: infrastructure }\n  shared_services: { ou: infrastructure }\n\
         organizational_units:\n  infrastructure: { name: Infrastructure }\n  workloads: { name: Workloads }\n  \
         prod: { name: Prod, parent: workloads }\n  nonprod: { name: NonProd, parent: workloads }\n\
         network: { cidr: 10.0.0.0/8, sizes: { vpc: 22 } }\ndns: { domain: big.example }\nworkloads:\n",
    );
    for i in 0..workloads {
        s.push_str(&format!(
            "  w{i:04}: {{ environments: [dev, staging, prod] }}\n"
        ));
    }
    s
}

#[test]
fn network_and_dns_provider_blocks_do_not_grow_with_the_account_count() {
    let count = |f: &Fixture, stack: &str| {
        let text = f.read(&format!("terraform/{stack}/providers.tf"));
        text.matches("provider \"aws\" {").count()
    };
    let small = generated(&synthetic(2));
    let big = generated(&synthetic(250));
    let loaded = landform::load_file(&big.join("landform.yaml")).unwrap();
    let (model, _) = landform::check(&loaded).unwrap();
    assert_eq!(model.accounts.len(), 1002);
    for stack in ["network", "dns"] {
        let (s, b) = (count(&small, stack), count(&big, stack));
        // The default (management) provider and one alias per region of the stack's account.
        assert_eq!(s, 3, "{stack}");
        assert_eq!(
            b, s,
            "{stack}: {s} provider blocks for 10 accounts, {b} for 1,002"
        );
        let tree: String = big
            .tree(&format!("terraform/{stack}"))
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert!(!tree.contains("w0249"), "{stack} names a workload account");
    }
}
