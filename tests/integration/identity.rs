//! IAM Identity Center: access rules expand into one assignment per (principal, permission set,
//! account), keyed by names, so adding an account only adds its assignments.

use std::path::Path;

use landform::model::Model;

use crate::fixture::{Fixture, preset};

fn model_of(text: &str) -> Model {
    let loaded = landform::load_str(Path::new("landform.yaml"), text).expect("loads");
    let (model, warnings) = landform::check(&loaded).expect("valid");
    assert!(
        warnings.is_empty(),
        "unexpected warnings: {}",
        warnings.iter().map(|w| w.to_string()).collect::<String>()
    );
    model
}

fn assignment_keys(model: &Model) -> Vec<String> {
    model
        .identity_center
        .as_ref()
        .expect("identity center")
        .assignments
        .iter()
        .map(|a| a.key.clone())
        .collect()
}

#[test]
fn presets_expand_to_pinned_assignments() {
    for (name, count) in [("minimal", 6), ("smb", 27), ("enterprise", 93)] {
        let keys = assignment_keys(&model_of(preset(name)));
        assert_eq!(keys.len(), count, "preset {name}: {keys:#?}");
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "preset {name}: duplicate keys");
        insta::assert_snapshot!(format!("assignments_{name}"), keys.join("\n"));
    }
}

#[test]
fn seed_004_rules_hold_in_the_smb_and_enterprise_presets() {
    for name in ["smb", "enterprise"] {
        let model = model_of(preset(name));
        let ic = model.identity_center.as_ref().unwrap();
        for a in &ic.assignments {
            let account = model.account(&a.account).unwrap();
            let env = account.environment.as_deref();
            let group = a.group.as_deref().unwrap();
            let writes = a.permission_set == "poweruser" || a.permission_set == "admin";
            if env == Some("prod") && writes {
                assert!(
                    ["seniors", "devops", "platform_admins"].contains(&group),
                    "preset {name}: {} writes in prod",
                    a.key
                );
            }
        }
        // Developers: PowerUser in every dev account, ReadOnly in every prod account.
        for account in model.accounts.iter().filter(|a| a.environment.is_some()) {
            let want = match account.environment.as_deref() {
                Some("dev") => "poweruser",
                _ => "readonly",
            };
            let key = format!("developers/{want}/{}", account.key);
            assert!(
                ic.assignments.iter().any(|a| a.key == key),
                "preset {name}: missing {key}"
            );
        }
    }
}

#[test]
fn model_json_has_the_shape_the_emulator_checks() {
    let model = model_of(preset("smb"));
    let json = serde_json::to_value(&model).unwrap();
    let ic = &json["identity_center"];
    assert_eq!(ic["groups"][1]["key"], "developers");
    assert_eq!(ic["groups"][0]["name"], "platform-admins");
    let ps = &ic["permission_sets"][3];
    assert_eq!(ps["key"], "audit");
    assert_eq!(ps["name"], "audit");
    assert_eq!(ps["session_duration"], "PT8H");
    assert_eq!(
        ps["managed"],
        serde_json::json!([
            "arn:aws:iam::aws:policy/SecurityAudit",
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        ])
    );
    let a = &ic["assignments"][0];
    assert_eq!(a["key"], "platform_admins/admin/security");
    assert_eq!(a["group"], "platform_admins");
    assert_eq!(a["permission_set"], "admin");
    assert_eq!(a["account"], "security");
}

/// The identity-center `.tf` files of a generated tree.
fn stack(f: &Fixture) -> Vec<(String, String)> {
    f.tree("terraform/identity-center")
        .into_iter()
        .filter(|(p, _)| p.ends_with(".tf"))
        .collect()
}

#[test]
fn adding_a_workload_only_adds_its_assignments() {
    for name in ["smb", "enterprise"] {
        let f = Fixture::with_blueprint(preset(name));
        f.run_ok(&["generate"]);
        let before = stack(&f);
        let text = preset(name).replace(
            "\nworkloads:\n",
            "\nworkloads:\n  shop: { environments: [dev, staging, prod] }\n",
        );
        assert_ne!(text, preset(name));
        f.write("landform.yaml", &text);
        f.run_ok(&["generate"]);
        let after = stack(&f);
        assert_eq!(
            before.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            after.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        let mut added = 0;
        for ((path, old), (_, new)) in before.iter().zip(&after) {
            let diff = similar::TextDiff::from_lines(old, new);
            for change in diff.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Delete => {
                        panic!("preset {name}: {path} lost a line: {change}")
                    }
                    similar::ChangeTag::Insert => {
                        assert!(
                            change.value().contains("shop"),
                            "preset {name}: {path} gained an unrelated line: {change}"
                        );
                        added += 1;
                    }
                    similar::ChangeTag::Equal => {}
                }
            }
        }
        // smb: 3 accounts, each admin + developers + (seniors, devops in staging/prod) and the
        // account list line; enterprise: prod per region, so 4 accounts.
        let want = if name == "smb" {
            3 + 3 + 3 + 2 * 2
        } else {
            4 + 4 + 4 + 3 * 2 + 4
        };
        assert_eq!(added, want, "preset {name}");
    }
}

const BASE: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: eu-west-1
environments:
  dev:  { ou: nonprod }
  prod: { ou: prod }
workloads:
  app: { environments: [dev, prod] }
accounts:
  security: { ou: security }
organizational_units:
  security:  { name: Security }
  workloads: { name: Workloads }
  prod:      { name: Prod, parent: workloads }
  nonprod:   { name: NonProd, parent: workloads }
"#;

fn validate(identity: &str) -> String {
    let f = Fixture::with_blueprint(&format!("{BASE}{identity}"));
    let o = f.run(&["validate"]);
    o.stderr
}

#[test]
fn bad_sessions_names_and_references_are_located_errors() {
    let out = validate(
        r#"identity_center:
  groups: [admins, developers, admins]
  permission_sets:
    admin: { managed: [AdministratorAccess], session: 13h }
    quick: { managed: [ReadOnlyAccess], session: 30m }
    weird: { managed: [ReadOnlyAccess], session: 1 hour }
    a-permission-set-name-longer-than-32: { managed: [ReadOnlyAccess] }
    spaced: { managed: ["Read Only"], boundary: { managed: A, customer_managed: B } }
    inl: { inline: missing.json }
  access:
    - { group: developerz, permission_set: admin, accounts: all }
    - { group: developers, permission_set: admni, environments: [dev] }
    - { group: developers, permission_set: quick }
    - { group: developers, user: bob, permission_set: quick, accounts: all }
    - { group: developers, permission_set: quick, environments: [stagin] }
"#,
    );
    insta::assert_snapshot!("identity_errors", out);
}

#[test]
fn unknown_accounts_in_rules_are_located_errors() {
    let out = validate(
        r#"identity_center:
  groups: [admins]
  permission_sets:
    admin: { managed: [AdministratorAccess] }
  access:
    - { group: admins, permission_set: admin, accounts: [app_prd, security] }
    - { group: admins, permission_set: admin, accounts: all, exclude: [nonprd] }
"#,
    );
    insta::assert_snapshot!("identity_account_errors", out);
}

#[test]
fn lints_warn_about_broad_write_access_management_and_unused_sets() {
    let f = Fixture::with_blueprint(&format!(
        "{BASE}{}",
        r#"identity_center:
  groups: [admins, developers, seniors]
  permission_sets:
    admin:    { managed: [AdministratorAccess] }
    readonly: { managed: [ReadOnlyAccess, job-function/ViewOnlyAccess] }
    spare:    { managed: [ReadOnlyAccess] }
  access:
    - { group: admins,     permission_set: admin,    accounts: [management] }
    - { group: developers, permission_set: readonly, accounts: [management] }
    - { group: developers, permission_set: admin,    environments: [prod] }
    - { group: seniors,    permission_set: admin,    environments: [prod] }
    - { group: developers, permission_set: readonly, workloads: [app], ous: [security] }
    - { group: developers, permission_set: readonly, ous: [workloads] }
"#
    ));
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 0, "{}", o.text());
    insta::assert_snapshot!("identity_lints", o.stderr);
}

#[test]
fn duplicate_rules_merge_into_one_assignment() {
    let model = model_of(&format!(
        "{BASE}{}",
        r#"identity_center:
  groups: [admins]
  permission_sets:
    admin: { managed: [AdministratorAccess] }
  access:
    - { group: admins, permission_set: admin, accounts: all }
    - { group: admins, permission_set: admin, ous: [workloads] }
    - { group: admins, permission_set: admin, accounts: [app_dev] }
"#
    ));
    let keys = assignment_keys(&model);
    assert_eq!(
        keys,
        [
            "admins/admin/security",
            "admins/admin/app_dev",
            "admins/admin/app_prod"
        ]
    );
}

#[test]
fn rule_matching_nothing_is_a_warning() {
    let f = Fixture::with_blueprint(&format!(
        "{BASE}{}",
        r#"identity_center:
  groups: [admins]
  permission_sets:
    admin: { managed: [AdministratorAccess] }
  access:
    - { group: admins, permission_set: admin, accounts: all }
    - { group: admins, permission_set: admin, accounts: all, exclude: [workloads, security] }
"#
    ));
    let o = f.run_ok(&["validate"]);
    assert!(
        o.stderr.contains("warning: access rule matches no account"),
        "{}",
        o.text()
    );
    assert!(o.stderr.contains("landform.yaml:24:7"), "{}", o.text());
}

#[test]
fn full_permission_set_external_groups_and_users_generate() {
    let f = Fixture::with_blueprint(&format!(
        "{BASE}{}",
        r#"identity_center:
  groups:
    - admins
    - { name: developers, external: true, display_name: "AWS Developers" }
  users:
    alice: { email: alice@acme.example, given_name: Alice, family_name: Smith, groups: [admins] }
  permission_sets:
    dev:
      managed: [job-function/ViewOnlyAccess]
      customer_managed: [/team/DeployApp]
      inline: policies/dev.json
      boundary: { managed: PowerUserAccess }
      session: 90m
      relay_state: https://console.aws.amazon.com/cloudwatch/home
      description: Developers' day-to-day access
      tags: { tier: dev }
  access:
    - { group: developers, permission_set: dev, environments: [dev] }
    - { user: alice, permission_set: dev, accounts: [app_prod] }
"#
    ));
    f.write(
        "policies/dev.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:Get*", "Resource": "*"}]}"#,
    );
    f.run_ok(&["generate"]);
    let ps = f.read("terraform/identity-center/permission_sets.tf");
    for want in [
        "session_duration = \"PT1H30M\"",
        "relay_state      = \"https://console.aws.amazon.com/cloudwatch/home\"",
        "managed_policy_arn = \"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess\"",
        "path = \"/team/\"",
        "file(\"${path.module}/policies/dev.json\")",
        "resource \"aws_ssoadmin_permissions_boundary_attachment\" \"dev\"",
    ] {
        assert!(ps.contains(want), "missing {want}:\n{ps}");
    }
    assert!(f.exists("terraform/identity-center/policies/dev.json"));
    let groups = f.read("terraform/identity-center/groups.tf");
    assert!(
        groups.contains("data \"aws_identitystore_group\" \"developers\""),
        "{groups}"
    );
    assert!(
        groups.contains("attribute_value = \"AWS Developers\""),
        "{groups}"
    );
    assert!(
        groups.contains("resource \"aws_identitystore_group_membership\" \"admins__alice\""),
        "{groups}"
    );
    let assignments = f.read("terraform/identity-center/assignments.tf");
    assert!(
        assignments
            .contains("{ user = \"alice\", permission_set = \"dev\", account = \"app_prod\" },"),
        "{assignments}"
    );
}

#[test]
fn oversized_inline_policy_is_an_error() {
    let f = Fixture::with_blueprint(&format!(
        "{BASE}{}",
        r#"identity_center:
  groups: [admins]
  permission_sets:
    big: { inline: big.json }
  access:
    - { group: admins, permission_set: big, accounts: all }
"#
    ));
    let actions: Vec<String> = (0..3000)
        .map(|i| format!("\"s3:GetObject{i:05}\""))
        .collect();
    f.write(
        "big.json",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
            actions.join(",")
        ),
    );
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("AWS allows 32768"), "{}", o.text());
    assert!(o.stderr.contains("landform.yaml:21:20"), "{}", o.text());
}

#[test]
fn access_matrix_for_the_smb_preset() {
    let f = Fixture::with_blueprint(preset("smb"));
    let md = f.run_ok(&["access"]);
    insta::assert_snapshot!("access_smb_markdown", md.stdout);
    let csv = f.run_ok(&["access", "--format", "csv"]);
    insta::assert_snapshot!("access_smb_csv", csv.stdout.replace("\r\n", "\n"));
    // The README carries the same matrix.
    f.run_ok(&["generate"]);
    let readme = f.read("terraform/README.md");
    assert!(readme.contains(&md.stdout), "{readme}");
}

#[test]
fn access_without_identity_center_is_a_usage_error() {
    let f = Fixture::with_blueprint(BASE);
    let o = f.run(&["access"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("no `identity_center:` section"),
        "{}",
        o.text()
    );
    f.run_ok(&["generate"]);
    assert!(!f.exists("terraform/identity-center"));
}

#[test]
fn hostile_strings_stay_inside_their_hcl_strings() {
    let f = Fixture::with_blueprint(&format!(
        "{BASE}{}",
        r#"identity_center:
  groups:
    - { name: "ops ${evil}", display_name: "Ops \" ${var.x} %{if true}", description: "line\nbreak \\ end" }
  users:
    "bob${x}": { email: bob@acme.example, given_name: "B\"ob", family_name: "%{x}", groups: ["ops ${evil}"] }
  permission_sets:
    ro:
      managed: [ReadOnlyAccess]
      description: "say \"${hi}\""
      relay_state: "https://console.aws.amazon.com/?q=${x}"
  access:
    - { group: "ops ${evil}", permission_set: ro, accounts: all }
"#
    ));
    f.run_ok(&["generate"]);
    let groups = f.read("terraform/identity-center/groups.tf");
    assert!(
        groups.contains(r#"display_name      = "Ops \" $${var.x} %%{if true}""#),
        "{groups}"
    );
    assert!(
        groups.contains(r#"description       = "line\nbreak \\ end""#),
        "{groups}"
    );
    assert!(
        groups.contains(r#"resource "aws_identitystore_group" "ops_evil""#),
        "{groups}"
    );
    assert!(
        groups.contains(r#"user_name         = "bob$${x}""#),
        "{groups}"
    );
    let ps = f.read("terraform/identity-center/permission_sets.tf");
    assert!(
        ps.contains(r#"relay_state      = "https://console.aws.amazon.com/?q=$${x}""#),
        "{ps}"
    );
    for (path, text) in f.tree("terraform/identity-center") {
        for line in text
            .lines()
            .filter(|l| l.starts_with("resource") || l.starts_with("data"))
        {
            assert!(
                !line.contains('$') && !line.contains('%'),
                "{path}: label {line}"
            );
        }
    }
}
