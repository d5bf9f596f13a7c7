//! Every validation rule has a failing blueprint whose located message is pinned.

use crate::fixture::Fixture;

/// A small valid blueprint that each case breaks in one place.
const BASE: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: eu-west-1
  regions: [eu-west-1, eu-central-1]
  tags: { cost-center: platform }
environments:
  dev:  { ou: nonprod }
  prod: { ou: prod, per_region: true }
workloads:
  payments: { environments: [dev, prod], owner: payments-team }
accounts:
  security: { ou: security }
organizational_units:
  security:  { name: Security }
  workloads: { name: Workloads }
  prod:      { name: Prod, parent: workloads }
  nonprod:   { name: NonProd, parent: workloads }
guardrails:
  deny_leave_organization: [root]
"#;

/// Runs `validate` on BASE with `from` replaced by `to` (which must occur), returns the output.
fn validate_with(from: &str, to: &str) -> (i32, String) {
    assert!(BASE.contains(from), "case does not apply: {from}");
    let f = Fixture::with_blueprint(&BASE.replacen(from, to, 1));
    let o = f.run(&["validate"]);
    (o.code, o.text())
}

fn fails(from: &str, to: &str) -> String {
    let (code, text) = validate_with(from, to);
    assert_eq!(code, 2, "expected a validation error:\n{text}");
    assert!(text.contains("landform.yaml:"), "not located:\n{text}");
    text
}

#[test]
fn base_blueprint_is_valid() {
    let (code, text) = validate_with("version: 1", "version: 1");
    assert_eq!(code, 0, "{text}");
}

macro_rules! case {
    ($name:ident, $from:expr, $to:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(fails($from, $to));
        }
    };
}

// load: YAML shape
case!(
    unknown_key_suggests,
    "  home_region: eu-west-1",
    "  home_regoin: eu-west-1"
);
case!(unknown_top_level_key, "guardrails:", "guardrail:");
case!(
    section_indented_under_another,
    "environments:\n",
    "  environments:\n"
);
case!(
    section_key_at_the_top_level,
    "guardrails:",
    "home_region: eu-west-1\nguardrails:"
);
case!(
    key_indented_out_of_its_mapping,
    "  home_region: eu-west-1",
    " home_region: eu-west-1"
);
case!(
    sibling_indented_one_space_more,
    "  prod: { ou: prod, per_region: true }",
    "   prod: { ou: prod, per_region: true }"
);
case!(tab_indentation, "  name: acme", "\tname: acme");
case!(
    unknown_email_placeholder,
    "aws+{account}@acme.example",
    "aws+{acount}@acme.example"
);
case!(missing_version, "version: 1\n", "");
case!(wrong_version, "version: 1", "version: 2");
case!(
    bad_yaml,
    "  dev:  { ou: nonprod }",
    "  dev:  { ou: nonprod "
);
case!(wrong_type, "per_region: true", "per_region: sometimes");

// references
case!(
    unknown_environment,
    "environments: [dev, prod]",
    "environments: [dev, prd]"
);
case!(
    unknown_ou_of_environment,
    "dev:  { ou: nonprod }",
    "dev:  { ou: nonprd }"
);
case!(
    unknown_ou_of_account,
    "security: { ou: security }",
    "security: { ou: secrity }"
);
case!(
    unknown_parent_ou,
    "parent: workloads }\n  nonprod",
    "parent: workload }\n  nonprod"
);
case!(
    unknown_guardrail,
    "deny_leave_organization: [root]",
    "deny_leave_organisation: [root]"
);
case!(
    unknown_attach_target,
    "deny_leave_organization: [root]",
    "deny_leave_organization: [nonprd]"
);
case!(
    unknown_guardrail_parameter,
    "deny_leave_organization: [root]",
    "region_restriction: { attach: [root], exempt_role: [x] }"
);
case!(
    sandboxes_without_sandbox_ou,
    "organizational_units:",
    "sandboxes: [alice]\norganizational_units:"
);
case!(bad_key, "  payments: {", "  pay.ments: {");

// names and emails
case!(
    account_name_too_long,
    "  payments: {",
    "  payments-platform-for-the-whole-enterprise-group: {"
);
case!(
    pattern_without_account,
    "aws+{account}@acme.example",
    "aws@acme.example"
);
case!(
    email_too_long,
    "aws+{account}@acme.example",
    "aws+{account}@a-very-long-domain-name-for-root-emails.acme.example"
);
case!(
    invalid_email,
    "aws+{account}@acme.example",
    "aws+{account}-acme.example"
);
case!(
    duplicate_account_name,
    "accounts:\n  security: { ou: security }",
    "accounts:\n  security: { ou: security }\n  payments_dev: { ou: security }"
);
case!(
    duplicate_email,
    "  security: { ou: security }",
    "  security: { ou: security }\n  audit: { ou: security, email: \"aws+security@acme.example\" }"
);

// OUs
case!(
    ou_cycle,
    "  workloads: { name: Workloads }",
    "  workloads: { name: Workloads, parent: prod }"
);
case!(
    ou_too_deep,
    "  workloads: { name: Workloads }",
    "  workloads: { name: Workloads, parent: l4 }\n  l4: { name: L4, parent: l3 }\n  l3: { name: L3, parent: l2 }\n  l2: { name: L2, parent: l1 }\n  l1: { name: L1 }"
);
case!(
    duplicate_ou_name,
    "  security:  { name: Security }",
    "  security:  { name: Security }\n  audit: { name: Security }"
);

// regions
case!(
    unknown_region,
    "regions: [eu-west-1, eu-central-1]",
    "regions: [eu-west-1, eu-centrl-1]"
);
case!(
    unknown_home_region,
    "home_region: eu-west-1",
    "home_region: eu-west-9"
);
case!(
    home_region_not_allowed,
    "regions: [eu-west-1, eu-central-1]",
    "regions: [eu-central-1]"
);
case!(
    per_region_without_regions,
    "  regions: [eu-west-1, eu-central-1]\n",
    ""
);

#[test]
fn warnings_do_not_fail_validation() {
    // A third level of OUs and an empty OU: warnings, exit 0.
    let (code, text) = validate_with(
        "  nonprod:   { name: NonProd, parent: workloads }",
        "  nonprod:   { name: NonProd, parent: workloads }\n  deep: { name: Deep, parent: nonprod }",
    );
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn every_error_is_reported_at_once() {
    let f = Fixture::with_blueprint(
        &BASE
            .replace("environments: [dev, prod]", "environments: [dev, prd]")
            .replace("security: { ou: security }", "security: { ou: secrity }"),
    );
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("unknown environment `prd`"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("unknown OU `secrity`"), "{}", o.stderr);
    assert!(
        o.stderr.contains("2 errors; nothing was written"),
        "{}",
        o.stderr
    );
}

#[test]
fn bad_input_writes_nothing() {
    let f = Fixture::with_blueprint(
        &BASE.replace("environments: [dev, prod]", "environments: [dev, prd]"),
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(!f.exists("terraform"), "a failed generate wrote files");
}
