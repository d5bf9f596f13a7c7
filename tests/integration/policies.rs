//! Organizations policies: the guardrail library, tag and backup sections, custom documents with
//! placeholders, and every check that keeps a document inside AWS's quotas and grammar.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::fixture::Fixture;
use crate::tools;

/// An organization with a few OUs and accounts; tests append their own sections.
const BASE: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: eu-west-1
  regions: [eu-west-1, eu-central-1]
environments:
  dev: { ou: nonprod }
  prod: { ou: prod }
workloads:
  shop: { environments: [dev, prod] }
accounts:
  network: { ou: infrastructure }
  backup: { ou: backup }
  old: { ou: suspended }
sandboxes: [alice]
organizational_units:
  infrastructure: { name: Infrastructure }
  backup: { name: Backup }
  workloads: { name: Workloads }
  prod: { name: Prod, parent: workloads }
  nonprod: { name: NonProd, parent: workloads }
  sandbox: { name: Sandbox }
  suspended: { name: Suspended }
"#;

/// Every guardrail, tagging, backup and a custom document with placeholders.
pub const EVERYTHING: &str = r#"guardrails:
  deny_leave_organization: [root]
  deny_root_user: [root]
  region_restriction: [workloads, sandbox]
  protect_audit_logging: [root]
  protect_access_roles: [root]
  deny_s3_public_access_changes: [root]
  deny_iam_users: [workloads]
  deny_disable_ebs_encryption: [root]
  deny_all: [suspended]
  enforce_tls: [root]
  deny_external_access: [workloads]
  ai_opt_out: [root]
tagging:
  tags:
    CostCenter: { values: ["100", "200"], enforced_for: ["ec2:instance"], required_for: ["ec2:instance"] }
    Owner: {}
backup:
  plans:
    prod: { schedule: "cron(0 5 ? * * *)", retention_days: 35, copy_region: eu-north-1, copy_retention_days: 90 }
policies:
  network-perimeter:
    type: scp
    file: policies/network.json
    attach: [prod]
  prod-tags:
    type: tag
    file: policies/prod-tags.json
    attach: [prod]
"#;

/// A child tag policy with inheritance operators: prod adds a cost center to the root's list and
/// keeps its children from changing the key (valid without `tag_key`: it is inherited).
pub const PROD_TAGS_JSON: &str = r#"{
  "tags": {
    "costcenter": {
      "tag_key": { "@@operators_allowed_for_child_policies": ["@@none"] },
      "tag_value": { "@@append": ["300"] }
    }
  }
}
"#;

/// Writes the documents EVERYTHING refers to.
pub fn write_documents(f: &Fixture) {
    f.write("policies/network.json", NETWORK_JSON);
    f.write("policies/prod-tags.json", PROD_TAGS_JSON);
}

pub const NETWORK_JSON: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OnlyNetworkMakesVpcs",
      "Effect": "Deny",
      "Action": "ec2:CreateVpc",
      "Resource": "*",
      "Condition": {
        "StringNotEquals": {
          "aws:RequestedRegion": "{{ allowed_regions }}",
          "aws:PrincipalAccount": ["{{ account_id.network }}"],
          "aws:ResourceOrgID": "{{ org_id }}"
        }
      }
    }
  ]
}
"#;

pub fn fixture(sections: &str) -> Fixture {
    Fixture::with_blueprint(&format!("{BASE}{sections}"))
}

/// Runs `validate` and returns stderr, asserting it failed with exit code 2.
fn fails(f: &Fixture, args: &[&str]) -> String {
    let o = f.run(args);
    assert_eq!(o.code, 2, "expected failure:\n{}", o.text());
    o.stderr
}

/// The first line of each error and its location.
fn headlines(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("error: ") {
            let at = lines
                .get(i + 1)
                .map(|n| n.trim().trim_start_matches("--> ").to_string())
                .unwrap_or_default();
            out.push(format!("{l} @ {at}"));
        }
    }
    out
}

fn json(f: &Fixture, rel: &str) -> Value {
    serde_json::from_str(&f.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn statements(doc: &Value) -> Vec<Value> {
    match &doc["Statement"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

#[test]
fn guardrails_listing_snapshot() {
    let f = Fixture::new();
    let o = f.run_ok(&["guardrails"]);
    insta::assert_snapshot!(o.stdout);
}

#[test]
fn the_whole_library_generates_valid_terraform() {
    let f = fixture(EVERYTHING);
    write_documents(&f);
    f.run_ok(&["generate"]);
    let org = f.read("terraform/organization/organization.tf");
    for t in [
        "AISERVICES_OPT_OUT_POLICY",
        "BACKUP_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "SERVICE_CONTROL_POLICY",
        "TAG_POLICY",
        "backup.amazonaws.com",
        "tagpolicies.tag.amazonaws.com",
    ] {
        assert!(org.contains(&format!("\"{t}\"")), "{t} missing:\n{org}");
    }
    let tf = f.read("terraform/organization/policies.tf");
    assert!(
        tf.contains(
            r#"content     = replace(jsonencode(jsondecode(file("${path.module}/policies/deny-external-access.json"))), "{{org_id}}", aws_organizations_organization.this.id)"#
        ),
        "{tf}"
    );
    assert!(
        tf.contains(
            r#"content     = replace(replace(jsonencode(jsondecode(file("${path.module}/policies/network-perimeter.json"))), "{{account_id.network}}", aws_organizations_account.network.id), "{{org_id}}", aws_organizations_organization.this.id)"#
        ),
        "{tf}"
    );
    assert!(
        tf.contains(r#"aws_organizations_policy_attachment" "backup_prod__account_shop_prod""#)
    );
    // The custom document: regions filled in, apply-time tokens canonical, still valid JSON.
    let custom = json(&f, "terraform/organization/policies/network-perimeter.json");
    assert_eq!(
        custom["Statement"][0]["Condition"]["StringNotEquals"],
        serde_json::json!({
            "aws:RequestedRegion": ["eu-west-1", "eu-central-1"],
            "aws:PrincipalAccount": ["{{account_id.network}}"],
            "aws:ResourceOrgID": "{{org_id}}",
        })
    );
    let backup = json(&f, "terraform/organization/policies/backup-prod.json");
    let rule = &backup["plans"]["prod"]["rules"]["scheduled"];
    assert_eq!(
        rule["copy_actions"]["arn:aws:backup:eu-north-1:{{account_id.backup}}:backup-vault:landform"]
            ["lifecycle"]["delete_after_days"]["@@assign"],
        "90"
    );
    let tags = json(&f, "terraform/organization/policies/tagging.json");
    assert_eq!(
        tags["tags"]["costcenter"]["tag_key"]["@@assign"],
        "CostCenter"
    );

    crate::terraform::fmt_init_validate(
        "the_whole_library_generates_valid_terraform",
        &f,
        "terraform",
    );
}

#[test]
fn lint_findings_in_a_custom_document_are_located() {
    let f =
        fixture("policies:\n  custom:\n    type: scp\n    file: custom.json\n    attach: [prod]\n");
    f.write(
        "custom.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Permit", "Principal": "*",
 "Action": ["ec2:RunInstance", "s4:GetObject"], "Resource": "*",
 "Condition": {"StringEqualz": {"aws:RequestedRegion": "{{ regions }}"}}}]}"#,
    );
    let err = fails(&f, &["validate"]);
    let expected = "\
error: policy `custom` at Statement[0].Condition.StringEqualz.aws:RequestedRegion: unknown placeholder `{{ regions }}`
  --> landform.yaml:28:11
   |
28 |     file: custom.json
   |           ^^^^^^^^^^^
   = help: placeholders are `{{ allowed_regions }}`, `{{ org_id }}` and `{{ account_id.KEY }}`

error: policy `custom` at Statement[0].Effect: `Effect` must be \"Allow\" or \"Deny\", found \"Permit\"
  --> landform.yaml:28:11
   |
28 |     file: custom.json
   |           ^^^^^^^^^^^
   = help: fix the document in `custom.json`

error: policy `custom` at Statement[0].Principal: `Principal` is not allowed in an SCP
  --> landform.yaml:28:11
   |
28 |     file: custom.json
   |           ^^^^^^^^^^^
   = help: fix the document in `custom.json`

error: policy `custom` at Statement[0].Action[0]: unknown action `ec2:RunInstance` in service ec2; did you mean `ec2:RunInstances`?
  --> landform.yaml:28:11
   |
28 |     file: custom.json
   |           ^^^^^^^^^^^
   = help: fix the document in `custom.json`

error: policy `custom` at Statement[0].Action[1]: unknown service prefix `s4`; did you mean `s3`?
  --> landform.yaml:28:11
   |
28 |     file: custom.json
   |           ^^^^^^^^^^^
   = help: fix the document in `custom.json`

error: policy `custom` at Statement[0].Condition.StringEqualz: unknown condition operator `StringEqualz`
  --> landform.yaml:28:11
   |
28 |     file: custom.json
   |           ^^^^^^^^^^^
   = help: fix the document in `custom.json`

6 errors; nothing was written
";
    assert_eq!(err, expected);
}

#[test]
fn rcp_structure_is_checked() {
    let f =
        fixture("policies:\n  perimeter:\n    type: rcp\n    file: rcp.json\n    attach: [root]\n");
    f.write(
        "rcp.json",
        r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
  {"Sid": "B", "Effect": "Deny", "Principal": "*", "NotPrincipal": {"AWS": "*"}, "NotAction": "s3:GetObjekt", "Resource": "*"},
  {"Sid": "C", "Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}"#,
    );
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: policy `perimeter` at Statement[0]: missing `Principal`; RCP statements need `\"Principal\": \"*\"` @ landform.yaml:28:11",
            "error: policy `perimeter` at Statement[1].NotPrincipal: `NotPrincipal` is not allowed in an RCP @ landform.yaml:28:11",
            "error: policy `perimeter` at Statement[1].NotAction: unknown action `s3:GetObjekt` in service s3; did you mean `s3:GetObject`? @ landform.yaml:28:11",
            "error: policy `perimeter` at Statement[2].Effect: RCP statements must use `\"Effect\": \"Deny\"` (only the AWS-managed RCPFullAWSAccess may Allow) @ landform.yaml:28:11",
        ]
    );
}

#[test]
fn a_misspelt_action_in_a_guardrail_parameter_points_at_the_guardrail() {
    let f = fixture(
        "guardrails:\n  region_restriction:\n    attach: [root]\n    extra_global_actions: [\"organisations:ListAccounts\", \"ec2:DescribeRegion\"]\n",
    );
    let err = fails(&f, &["validate"]);
    assert_eq!(
        err,
        "\
error: policy `region-restriction` at Statement[0].NotAction[50]: unknown service prefix `organisations`; did you mean `organizations`?
  --> landform.yaml:26:3
   |
26 |   region_restriction:
   |   ^^^^^^^^^^^^^^^^^^
   = help: check the guardrail's parameters (`landform guardrails` lists them)

error: policy `region-restriction` at Statement[0].NotAction[51]: unknown action `ec2:DescribeRegion` in service ec2; did you mean `ec2:DescribeRegions`?
  --> landform.yaml:26:3
   |
26 |   region_restriction:
   |   ^^^^^^^^^^^^^^^^^^
   = help: check the guardrail's parameters (`landform guardrails` lists them)

2 errors; nothing was written
"
    );
}

/// A custom document of `kind` with `n` statements (or `n` tag values), to blow a size limit.
fn big_document(kind: &str, n: usize) -> String {
    match kind {
        "scp" | "rcp" => {
            let principal = if kind == "rcp" {
                r#""Principal": "*", "#
            } else {
                ""
            };
            let st: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        r#"{{"Sid": "S{i}", "Effect": "Deny", {principal}"Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-number-{i}/*"}}"#
                    )
                })
                .collect();
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                st.join(",")
            )
        }
        "tag" => {
            let values: Vec<String> = (0..n).map(|i| format!("\"value-{i:05}\"")).collect();
            format!(
                r#"{{"tags": {{"team": {{"tag_key": {{"@@assign": "Team"}}, "tag_value": {{"@@assign": [{}]}}}}}}}}"#,
                values.join(",")
            )
        }
        "ai_opt_out" => {
            let services: Vec<String> = (0..n)
                .map(|i| format!(r#""service{i}": {{"opt_out_policy": {{"@@assign": "optOut"}}}}"#))
                .collect();
            format!(r#"{{"services": {{{}}}}}"#, services.join(","))
        }
        _ => unreachable!(),
    }
}

#[test]
fn document_sizes_per_type() {
    for (kind, n, label, max) in [
        ("scp", 120, "SCPs", "10240 (`organization.limits.scp_size`)"),
        ("rcp", 110, "RCPs", "5120 (`organization.limits.rcp_size`)"),
        ("tag", 800, "tag policies", "10000"),
        ("ai_opt_out", 60, "AI services opt-out policies", "2500"),
    ] {
        let f = fixture(&format!(
            "policies:\n  big:\n    type: {kind}\n    file: big.json\n    attach: [root]\n"
        ));
        let text = big_document(kind, n);
        let minified = serde_json::from_str::<Value>(&text)
            .unwrap()
            .to_string()
            .chars()
            .count();
        f.write("big.json", &text);
        let err = fails(&f, &["validate"]);
        assert_eq!(
            headlines(&err),
            [format!(
                "error: policy `big` is {minified} characters as sent to AWS; the limit for {label} is {max} @ landform.yaml:26:3"
            )],
            "{kind}:\n{err}"
        );
    }
    // A backup policy over 10,000 characters: many complete plans.
    let plans: Vec<String> = (0..100)
        .map(|i| format!(r#""plan{i}": {{"regions": {{"@@assign": ["eu-west-1", "eu-central-1"]}}, "rules": {{"r": {{"schedule_expression": {{"@@assign": "cron(0 5 ? * * *)"}}, "target_backup_vault_name": {{"@@assign": "Default"}}}}}}, "selections": {{"tags": {{"t": {{"iam_role_arn": {{"@@assign": "arn:aws:iam::$account:role/Backup"}}, "tag_key": {{"@@assign": "backup"}}}}}}}}}}"#))
        .collect();
    let text = format!(r#"{{"plans": {{{}}}}}"#, plans.join(","));
    let minified = serde_json::from_str::<Value>(&text)
        .unwrap()
        .to_string()
        .len();
    let f =
        fixture("policies:\n  big:\n    type: backup\n    file: big.json\n    attach: [root]\n");
    f.write("big.json", &text);
    assert_eq!(
        headlines(&fails(&f, &["validate"])),
        [format!(
            "error: policy `big` is {minified} characters as sent to AWS; the limit for backup policies is 10000 @ landform.yaml:26:3"
        )]
    );
}

#[test]
fn size_limit_is_settable_and_counts_apply_time_ids_at_their_longest() {
    // deny_external_access carries `{{org_id}}` (10 characters) twice; AWS will see an org id
    // of up to 34, so the check counts 48 more than the file.
    let f = fixture("guardrails:\n  deny_external_access: [root]\n");
    f.run_ok(&["generate"]);
    let file_size = json(
        &f,
        "terraform/organization/policies/deny-external-access.json",
    )
    .to_string()
    .chars()
    .count();
    let limit = file_size + 20;
    let text = format!("{BASE}guardrails:\n  deny_external_access: [root]\n").replace(
        "  regions:",
        &format!("  limits: {{ rcp_size: {limit} }}\n  regions:"),
    );
    f.write("landform.yaml", &text);
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [format!(
            "error: policy `deny-external-access` is {} characters as sent to AWS; the limit for RCPs is {limit} (`organization.limits.rcp_size`) @ landform.yaml:27:3",
            file_size + 48
        )]
    );
}

#[test]
fn policies_per_target_with_settable_limits() {
    let text = format!("{BASE}guardrails:\n  enforce_tls: [root]\n  deny_external_access: [root]\n  deny_root_user: [root]\n  deny_iam_users: [root]\n")
        .replace(
            "  regions:",
            "  limits: { rcps_per_target: 2, scps_per_target: 2 }\n  regions:",
        );
    let f = Fixture::with_blueprint(&text);
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: the root would have 3 SCPs attached (counting AWS's FullAWSAccess); the limit is 2 (`organization.limits.scps_per_target`) @ landform.yaml:30:3",
            "error: the root would have 3 RCPs attached (counting AWS's RCPFullAWSAccess); the limit is 2 (`organization.limits.rcps_per_target`) @ landform.yaml:28:3",
        ]
    );
}

/// Nine SCP guardrails and a custom SCP on the sandbox OU: with FullAWSAccess, 11.
const ELEVEN_SCPS: &str = r#"guardrails:
  deny_leave_organization: [sandbox]
  deny_root_user: [sandbox]
  region_restriction: [sandbox]
  protect_audit_logging: [sandbox]
  protect_access_roles: [sandbox]
  deny_s3_public_access_changes: [sandbox]
  deny_iam_users: [sandbox]
  deny_disable_ebs_encryption: [sandbox]
  deny_all: [sandbox]
policies:
  no-big-instances:
    type: scp
    file: custom.json
    attach: [sandbox]
"#;

const CUSTOM_SCP: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "NoBigInstances",
  "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:*:instance/*",
  "Condition": {"StringLike": {"ec2:InstanceType": ["*.8xlarge", "*.16xlarge"]}}}]}"#;

/// Every statement of every SCP file attached to the sandbox OU, by policy file.
fn sandbox_statements(f: &Fixture, out: &str) -> (BTreeSet<String>, Vec<(String, usize)>) {
    let tf = f.read(&format!("{out}/organization/policies.tf"));
    let mut set = BTreeSet::new();
    let mut files = Vec::new();
    for (path, text) in f.tree(&format!("{out}/organization/policies")) {
        let key = path.trim_end_matches(".json").replace('-', "_");
        if !tf.contains(&format!("\"{key}__ou_sandbox\"")) {
            continue;
        }
        let doc: Value = serde_json::from_str(&text).unwrap();
        files.push((path, doc.to_string().chars().count()));
        for mut st in statements(&doc) {
            st.as_object_mut().unwrap().remove("Sid");
            set.insert(st.to_string());
        }
    }
    (set, files)
}

#[test]
fn eleven_scps_on_one_ou_fail_and_pass_when_packed() {
    let f = fixture(ELEVEN_SCPS);
    f.write("custom.json", CUSTOM_SCP);
    let err = fails(&f, &["generate"]);
    assert_eq!(
        err,
        "\
error: OU `sandbox` would have 11 SCPs attached (counting AWS's FullAWSAccess); the limit is 10 (`organization.limits.scps_per_target`)
  --> landform.yaml:36:3
   |
36 |   no-big-instances:
   |   ^^^^^^^^^^^^^^^^
   = help: attach some of them higher up the tree, or pack guardrails into fewer documents with `landform generate --pack` (or `organization.pack_guardrails: true`)

1 error; nothing was written
"
    );
    assert!(!f.exists("terraform"));

    // The reference: the same documents unpacked, with the count limit raised.
    let raised = format!("{BASE}{ELEVEN_SCPS}").replace(
        "  regions:",
        "  limits: { scps_per_target: 20 }\n  regions:",
    );
    f.write("landform.yaml", &raised);
    f.run_ok(&["generate", "-o", "unpacked"]);
    let (reference, unpacked) = sandbox_statements(&f, "unpacked");
    assert_eq!(unpacked.len(), 10);

    f.write("landform.yaml", &format!("{BASE}{ELEVEN_SCPS}"));
    let o = f.run_ok(&["generate", "--pack"]);
    assert!(
        o.stdout.starts_with(
            "packed `deny-leave-organization`, `deny-root-user`, `region-restriction`, \
             `protect-audit-logging`, `protect-access-roles`, `deny-s3-public-access-changes`, \
             `deny-iam-users`, `deny-disable-ebs-encryption` and `deny-all` into \
             `packed-scp-ou-sandbox` on OU `sandbox` ("
        ),
        "{}",
        o.stdout
    );
    let (packed_set, packed) = sandbox_statements(&f, "terraform");
    assert_eq!(
        packed.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["no-big-instances.json", "packed-scp-ou-sandbox.json"]
    );
    assert!(packed.iter().all(|(_, size)| *size <= 10_240), "{packed:?}");
    assert_eq!(packed_set, reference, "packing changed the statements");

    // The blueprint setting does the same as the flag.
    let setting =
        format!("{BASE}{ELEVEN_SCPS}").replace("  regions:", "  pack_guardrails: true\n  regions:");
    f.write("landform.yaml", &setting);
    f.run_ok(&["generate", "-o", "by-setting"]);
    assert_eq!(f.tree("by-setting"), f.tree("terraform"));
}

#[test]
fn packing_splits_documents_to_stay_under_the_size_limit() {
    let text = format!("{BASE}{ELEVEN_SCPS}").replace(
        "  regions:",
        "  limits: { scp_size: 2500 }\n  pack_guardrails: true\n  regions:",
    );
    let f = Fixture::with_blueprint(&text);
    f.write("custom.json", CUSTOM_SCP);
    f.run_ok(&["generate"]);
    let (set, files) = sandbox_statements(&f, "terraform");
    assert!(files.len() > 2, "{files:?}");
    assert!(files.iter().all(|(_, size)| *size <= 2500), "{files:?}");
    let reference = format!("{BASE}{ELEVEN_SCPS}").replace(
        "  regions:",
        "  limits: { scps_per_target: 20 }\n  regions:",
    );
    f.write("landform.yaml", &reference);
    f.run_ok(&["generate", "-o", "unpacked"]);
    assert_eq!(set, sandbox_statements(&f, "unpacked").0);
}

#[test]
fn placeholders_must_be_known() {
    let f =
        fixture("policies:\n  custom:\n    type: scp\n    file: custom.json\n    attach: [prod]\n");
    f.write(
        "custom.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*",
  "Resource": "arn:aws:s3:::{{ allowed_regions }}-logs",
  "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "{{ account_id.netwrk }}"}}}]}"#,
    );
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: policy `custom` at Statement[0].Resource: `{{ allowed_regions }}` must be a whole JSON string (it becomes a list of regions) @ landform.yaml:28:11",
            "error: policy `custom` at Statement[0].Condition.StringNotEquals.aws:PrincipalAccount: unknown account `netwrk` in `{{ account_id.netwrk }}` @ landform.yaml:28:11",
        ]
    );
    assert!(err.contains("did you mean `network`?"), "{err}");
}

#[test]
fn tagging_and_backup_sections_are_checked() {
    let f = fixture(
        r#"tagging:
  attach: [roots]
  tags:
    CostCenter: { enforced_for: ["instance"] }
    costcenter: {}
backup:
  account: backups
  vault: "my vault"
  plans:
    prd: { schedule: "daily", retention_days: 0, copy_region: eu-west-1 }
    prod: { schedule: "cron(0 5 ? * * *)", retention_days: 7, copy_region: eu-nowhere-1 }
"#,
    );
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: `instance` is not a resource type @ landform.yaml:28:34",
            "error: tag key `costcenter` repeats `CostCenter` in another case @ landform.yaml:29:5",
            "error: `my vault` is not a backup vault name @ landform.yaml:32:10",
            "error: unknown environment `prd` in `backup.plans` @ landform.yaml:34:5",
            "error: `daily` is not a backup schedule @ landform.yaml:34:22",
            "error: `retention_days` must be at least 1 @ landform.yaml:34:47",
            "error: backup copies for `prd` go to `eu-west-1`, the home region @ landform.yaml:34:63",
            "error: `eu-nowhere-1` is not an AWS region @ landform.yaml:35:76",
        ]
    );
    // Once those are fixed, the model pass finds the unknown target and account.
    let f = fixture(
        r#"tagging:
  attach: [roots]
  tags:
    CostCenter: {}
backup:
  account: backups
  plans:
    prod: { schedule: "cron(0 5 ? * * *)", retention_days: 7, copy_region: eu-north-1 }
"#,
    );
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: unknown attach target `roots` @ landform.yaml:26:12",
            "error: unknown backup account `backups` @ landform.yaml:30:12",
        ]
    );
    assert!(err.contains("did you mean `backup`?"), "{err}");
}

/// Every shipped guardrail document through parliament, the IAM policy linter.
#[test]
fn guardrail_documents_pass_parliament() {
    let python = std::env::var("LANDFORM_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let has = std::process::Command::new(&python)
        .args(["-c", "import parliament"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        return tools::missing(
            "guardrail_documents_pass_parliament",
            "parliament (pip install parliament; point LANDFORM_PYTHON at that python)",
        );
    }
    let f = fixture(EVERYTHING);
    write_documents(&f);
    f.run_ok(&["generate"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/parliament_check.py");
    let mut files: Vec<String> = Vec::new();
    for (path, text) in f.tree("terraform/organization/policies") {
        // IAM-grammar documents only: tag, backup and AI opt-out policies are not IAM policies.
        let doc: Value = serde_json::from_str(&text).unwrap();
        if doc.get("Statement").is_none() {
            continue;
        }
        let rcp = statements(&doc)
            .iter()
            .any(|s| s.get("Principal").is_some());
        files.push(format!(
            "{}={}",
            if rcp { "rcp" } else { "scp" },
            f.join(&format!("terraform/organization/policies/{path}"))
                .display()
        ));
    }
    assert_eq!(files.len(), 12, "{files:?}");
    let out = std::process::Command::new(&python)
        .arg(script)
        .args(&files)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "parliament findings:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("12 documents, 0 findings"), "{stdout}");
}

/// What `terraform console` says `length(jsonencode(jsondecode(file(...))))` is for `text`.
fn terraform_sent_length(test: &str, text: &str) -> Option<usize> {
    tools::terraform().or_else(|| {
        tools::missing(test, "terraform");
        None
    })?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.json"), text).unwrap();
    let mut cmd = tools::terraform_cmd(dir.path());
    cmd.arg("console")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"length(jsonencode(jsondecode(file(\"doc.json\"))))\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().parse().unwrap())
}

#[test]
fn sizes_count_what_terraform_sends() {
    // `<`, `>` and `&` reach AWS as `\u003c`, `\u003e`, `\u0026` (6 characters each); `é`
    // and `ü` stay one character each.
    let text = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyOutsideCorpRanges",
    "Effect": "Deny",
    "Action": "s3:*",
    "Resource": "arn:aws:s3:::a&b-<bucket>/*",
    "Condition": {"StringNotLike": {"aws:userid": ["AROA<id>:*&x", "é>ü"]}}
  }]
}"#;
    let minified = serde_json::from_str::<Value>(text)
        .unwrap()
        .to_string()
        .chars()
        .count();
    let f = fixture(
        "  limits: { scp_size: 10 }\npolicies:\n  big:\n    type: scp\n    file: big.json\n    attach: [root]\n",
    );
    // The limits go under `organization:`.
    let bp = f
        .read("landform.yaml")
        .replace("  limits: { scp_size: 10 }\npolicies:", "policies:");
    f.write(
        "landform.yaml",
        &bp.replace("  regions: [", "  limits: { scp_size: 10 }\n  regions: ["),
    );
    f.write("big.json", text);
    let err = fails(&f, &["validate"]);
    let counted: usize = err
        .split("is ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    // Seven escaped characters, five more characters each: 246, what `terraform console`
    // printed for `length(jsonencode(jsondecode(file("doc.json"))))` over this text
    // (terraform 1.11); checked again below wherever terraform is installed.
    assert_eq!(counted, minified + 7 * 5, "{err}");
    assert_eq!(counted, 246, "{err}");
    assert!(
        err.contains("characters as sent to AWS; the limit for SCPs is 10"),
        "{err}"
    );
    let Some(sent) = terraform_sent_length("sizes_count_what_terraform_sends", text) else {
        return;
    };
    assert_eq!(
        counted, sent,
        "landform counts {counted}, terraform sends {sent}"
    );
}

#[test]
fn rcp_limits_default_to_aws_quotas() {
    // 5,120 characters per RCP and 5 per target (counting RCPFullAWSAccess): the 2026 SCP
    // increases did not raise them.
    let actions: Vec<String> = (0..480).map(|_| "\"s3:GetObject\"".to_string()).collect();
    let doc = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": [{}], "Resource": "*"}}]}}"#,
        actions.join(",")
    );
    let mut sections = String::from("policies:\n");
    for i in 0..4 {
        sections.push_str(&format!(
            "  rcp{i}:\n    type: rcp\n    file: rcp{i}.json\n    attach: [root]\n"
        ));
    }
    let f = fixture(&sections);
    for i in 0..4 {
        let small = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}"#;
        f.write(&format!("rcp{i}.json"), if i == 0 { &doc } else { small });
    }
    let err = fails(&f, &["validate"]);
    let size = serde_json::from_str::<Value>(&doc)
        .unwrap()
        .to_string()
        .len();
    assert!(size > 5_120 && size < 10_240, "{size}");
    assert_eq!(
        headlines(&err),
        [format!(
            "error: policy `rcp0` is {size} characters as sent to AWS; the limit for RCPs is 5120 (`organization.limits.rcp_size`) @ landform.yaml:26:3"
        )]
    );
    // A fifth RCP makes six with RCPFullAWSAccess.
    let f = fixture(&format!(
        "{sections}  rcp4:\n    type: rcp\n    file: rcp1.json\n    attach: [root]\n"
    ));
    let small = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#;
    for i in 0..4 {
        f.write(&format!("rcp{i}.json"), small);
    }
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: the root would have 6 RCPs attached (counting AWS's RCPFullAWSAccess); the limit is 5 (`organization.limits.rcps_per_target`) @ landform.yaml:42:3"
        ]
    );
}

#[test]
fn retired_actions_warn_and_typos_fail() {
    let f =
        fixture("policies:\n  legacy:\n    type: scp\n    file: legacy.json\n    attach: [root]\n");
    f.write(
        "legacy.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Resource": "*",
  "Action": ["account:PutChallengeQuestions", "aws-marketplace:StartPrivateMarketplace", "macie:*", "awsbillingconsole:*"]}]}"#,
    );
    let o = f.run_ok(&["validate"]);
    let warnings: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 4, "{}", o.text());
    assert!(
        warnings[0].contains(
            "policy `legacy` at Statement[0].Action[0]: `account:PutChallengeQuestions` was retired by AWS"
        ) && warnings[0].contains("matches nothing"),
        "{}",
        o.text()
    );
    f.write(
        "legacy.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Resource": "*", "Action": ["account:PutChallengeQuestion"]}]}"#,
    );
    let err = fails(&f, &["validate"]);
    assert!(
        err.contains("error: policy `legacy` at Statement[0].Action[0]: unknown action `account:PutChallengeQuestion` in service account"),
        "{err}"
    );
}

#[test]
fn adopting_an_organization_with_a_retired_action_never_fails() {
    let export = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adopt");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        if entry.file_name() == "policy-p-abcd1234.json" {
            text = text.replace(
                r#"\"Action\": \"organizations:LeaveOrganization\""#,
                r#"\"Action\": [\"organizations:LeaveOrganization\", \"account:PutChallengeQuestions\", \"macie:*\"]"#,
            );
            assert!(text.contains("PutChallengeQuestions"));
        }
        std::fs::write(export.path().join(entry.file_name()), text).unwrap();
    }
    let f = Fixture::new();
    f.run_ok(&[
        "adopt",
        "--from",
        export.path().to_str().unwrap(),
        "--home-region",
        "eu-west-1",
    ]);
    let o = f.run_ok(&["generate"]);
    assert_eq!(
        o.stderr.matches("was retired by AWS").count(),
        2,
        "{}",
        o.text()
    );
}

#[test]
fn custom_policies_attached_nowhere_warn() {
    let f = fixture("policies:\n  idle:\n    type: scp\n    file: idle.json\n    attach: []\n");
    f.write(
        "idle.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    let o = f.run_ok(&["validate"]);
    assert!(
        o.stderr
            .contains("warning: policy `idle` is attached nowhere"),
        "{}",
        o.text()
    );
}

#[test]
fn management_policies_are_checked_as_part_of_each_effective_policy() {
    // The root's tag policy defines the key and locks it; an OU's child policy only appends
    // values (valid on its own, without `tag_key`); an account policy tries to reassign the
    // locked key, which AWS would silently ignore.
    let f = fixture(
        "policies:\n  root-tags:\n    type: tag\n    file: root.json\n    attach: [root]\n  \
         prod-tags:\n    type: tag\n    file: prod.json\n    attach: [prod]\n  \
         shop-tags:\n    type: tag\n    file: shop.json\n    attach: [shop_prod]\n",
    );
    f.write(
        "root.json",
        r#"{"tags": {"costcenter": {"tag_key": {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["100"]}}}}"#,
    );
    f.write(
        "prod.json",
        r#"{"tags": {"costcenter": {"tag_value": {"@@append": ["200"]}}}}"#,
    );
    f.write(
        "shop.json",
        r#"{"tags": {"costcenter": {"tag_key": {"@@assign": "COSTCENTER"}}}}"#,
    );
    let err = fails(&f, &["validate"]);
    assert_eq!(
        headlines(&err),
        [
            "error: policy `shop-tags` at tags.costcenter.tag_key.@@assign: `@@assign` is not allowed here: a policy above allows no operator (`@@none`) at `tags.costcenter.tag_key`, so AWS ignores this change (in the effective policy of account `shop_prod`) @ landform.yaml:36:11"
        ]
    );
    // Without the account policy everything passes; a child policy alone on an OU whose
    // parents set no `tag_key` passes too (AWS then expects the key in lowercase), with a
    // warning that says so.
    f.write(
        "shop.json",
        r#"{"tags": {"costcenter": {"tag_value": {"@@remove": ["100"]}}}}"#,
    );
    f.run_ok(&["validate"]);
    f.write(
        "root.json",
        r#"{"tags": {"owner": {"tag_key": {"@@assign": "Owner"}}}}"#,
    );
    let o = f.run_ok(&["validate"]);
    let warnings: Vec<String> =
        headlines(&format!("\n{}", o.stderr).replace("\nwarning: ", "\nerror: "))
            .into_iter()
            .map(|l| l.replacen("error: ", "warning: ", 1))
            .collect();
    assert_eq!(
        warnings,
        [
            "warning: `tags.costcenter` has no `tag_key` once inherited policies are merged, so AWS expects the tag key in lowercase, `costcenter` (in the effective policy of OU `prod` (and 1 more)) @ landform.yaml:32:11"
        ]
    );
}

/// Two policies attached to one target that assign a setting different values: AWS keeps the
/// one attached first (Organizations inheritance example 6), and Terraform attaches in no fixed
/// order, so landform refuses to leave the result to chance.
#[test]
fn two_policies_on_one_target_assigning_one_setting_differently_fail() {
    let f = fixture(
        "policies:\n  tags-a:\n    type: tag\n    file: a.json\n    attach: [prod]\n  \
         tags-b:\n    type: tag\n    file: b.json\n    attach: [prod]\n",
    );
    f.write(
        "a.json",
        r#"{"tags": {"project": {"tag_key": {"@@assign": "PROJECT"}, "tag_value": {"@@append": ["Maintenance"]}}}}"#,
    );
    f.write(
        "b.json",
        r#"{"tags": {"project": {"tag_key": {"@@assign": "project"}}}}"#,
    );
    let err = fails(&f, &["validate"]);
    let lines = headlines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with(
            "error: policy `tags-b` at tags.project.tag_key.@@assign: `tags.project.tag_key` is \
             also assigned by policy `tags-a`, attached to the same target with another value"
        ) && lines[0].contains("(in the effective policy of OU `prod` (and "),
        "{err}"
    );
    // The same value in both is no conflict.
    f.write(
        "b.json",
        r#"{"tags": {"project": {"tag_key": {"@@assign": "PROJECT"}}}}"#,
    );
    f.run_ok(&["validate"]);
}

#[test]
fn declarative_ec2_policies_are_a_policy_type() {
    let f = fixture(
        "policies:\n  ec2-baseline:\n    type: declarative_ec2\n    file: ec2.json\n    attach: [root]\n",
    );
    f.write(
        "ec2.json",
        r#"{"ec2_attributes": {
  "serial_console_access": {"status": {"@@assign": "disabled"}},
  "image_block_public_access": {"state": {"@@assign": "block_new_sharing"}},
  "instance_metadata_defaults": {"http_tokens": {"@@assign": "required"}, "http_put_response_hop_limit": {"@@assign": "2"}}
}}"#,
    );
    f.run_ok(&["generate"]);
    let org = f.read("terraform/organization/organization.tf");
    assert!(org.contains("\"DECLARATIVE_POLICY_EC2\""), "{org}");
    let tf = f.read("terraform/organization/policies.tf");
    assert!(
        tf.contains("type        = \"DECLARATIVE_POLICY_EC2\""),
        "{tf}"
    );
    crate::terraform::fmt_init_validate(
        "declarative_ec2_policies_are_a_policy_type",
        &f,
        "terraform",
    );
    f.write(
        "ec2.json",
        r#"{"ec2_attributes": {"serial_console_access": {"status": "disabled"}}}"#,
    );
    let err = fails(&f, &["validate"]);
    assert!(
        err.contains("error: policy `ec2-baseline` at ec2_attributes.serial_console_access.status: `status` is a string; a setting is an object with an operator"),
        "{err}"
    );
}
