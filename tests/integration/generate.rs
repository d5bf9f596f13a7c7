//! Writing the tree: deterministic, minimal, owned, and safe against hostile strings.

use std::time::{Duration, SystemTime};

use hcl::eval::{Context, Evaluate};

use crate::fixture::{Fixture, preset};

fn mtime(f: &Fixture, rel: &str) -> SystemTime {
    std::fs::metadata(f.join(rel)).unwrap().modified().unwrap()
}

#[test]
fn same_input_gives_byte_identical_trees() {
    for name in ["minimal", "smb", "enterprise"] {
        let f = Fixture::with_blueprint(preset(name));
        f.run_ok(&["generate", "-o", "a"]);
        f.run_ok(&["generate", "-o", "b"]);
        let (a, b) = (f.tree("a"), f.tree("b"));
        assert!(a.len() > 8, "{name}: {} files", a.len());
        assert_eq!(a, b, "{name}: two runs differ");
    }
}

#[test]
fn rerun_writes_nothing_and_keeps_mtimes() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    let before = mtime(&f, "terraform/organization/accounts.tf");
    std::thread::sleep(Duration::from_millis(20));
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stdout.contains("0 added, 0 changed, 0 removed"),
        "{}",
        o.stdout
    );
    assert_eq!(mtime(&f, "terraform/organization/accounts.tf"), before);
}

#[test]
fn only_changed_files_are_rewritten() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    let ous = mtime(&f, "terraform/organization/organizational_units.tf");
    std::thread::sleep(Duration::from_millis(20));
    f.write(
        "landform.yaml",
        &preset("smb").replace("web-team", "frontend-team"),
    );
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stdout.contains("0 added, 1 changed, 0 removed"),
        "{}",
        o.stdout
    );
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("frontend-team")
    );
    assert_eq!(
        mtime(&f, "terraform/organization/organizational_units.tf"),
        ous
    );
}

#[test]
fn hand_written_files_survive_regeneration() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    f.write("terraform/organization/custom.tf", "# ours\n");
    f.write("terraform/notes.txt", "keep me\n");
    f.write(
        "landform.yaml",
        &preset("minimal").replace("app: {", "shop: { renamed_from: app,"),
    );
    f.run_ok(&["generate"]);
    assert_eq!(f.read("terraform/organization/custom.tf"), "# ours\n");
    assert_eq!(f.read("terraform/notes.txt"), "keep me\n");
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("shop-dev")
    );
}

#[test]
fn removed_guardrail_removes_its_document() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    let doc = "terraform/organization/policies/region-restriction.json";
    assert!(f.exists(doc));
    f.write(
        "landform.yaml",
        &preset("minimal").replace("  region_restriction: [root]\n", ""),
    );
    let o = f.run_ok(&["generate"]);
    assert!(o.stdout.contains("1 removed"), "{}", o.stdout);
    assert!(!f.exists(doc));
    assert!(
        !f.read("terraform/organization/policies.tf")
            .contains("region_restriction")
    );
    assert!(f.exists("terraform/organization/policies/deny-root-user.json"));
}

#[test]
fn removing_every_policy_removes_the_folder() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    let text = preset("minimal");
    let start = text.find("guardrails:").unwrap();
    let end = text.find("identity_center:").unwrap();
    f.write(
        "landform.yaml",
        &format!("{}{}", &text[..start], &text[end..]),
    );
    f.run_ok(&["generate"]);
    assert!(!f.exists("terraform/organization/policies"));
    assert!(!f.exists("terraform/organization/policies.tf"));
}

#[test]
fn hand_edited_generated_file_is_reported_not_overwritten() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    let path = "terraform/organization/accounts.tf";
    let edited = format!("{}# a hand edit\n", f.read(path));
    f.write(path, &edited);
    f.write(
        "landform.yaml",
        &preset("minimal").replace("app: {", "shop: { renamed_from: app,"),
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr
            .contains("organization/accounts.tf` was edited by hand"),
        "{}",
        o.stderr
    );
    assert_eq!(f.read(path), edited, "the hand edit was overwritten");
    // Nothing else was written either.
    assert!(!f.read("terraform/organization/outputs.tf").contains("shop"));
    f.run_ok(&["generate", "--force"]);
    assert!(!f.read(path).contains("a hand edit"));
    assert!(f.read(path).contains("shop-dev"));
}

#[test]
fn a_file_landform_did_not_write_is_never_overwritten() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.write("terraform/README.md", "our readme\n");
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("exists but was not written by landform"),
        "{}",
        o.stderr
    );
    assert_eq!(f.read("terraform/README.md"), "our readme\n");
    assert!(!f.exists("terraform/organization"));
}

#[test]
fn manifest_entries_cannot_point_outside_the_output() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    f.write("victim.txt", "precious\n");
    let manifest = f.read("terraform/.landform-manifest");
    f.write(
        "terraform/.landform-manifest",
        &format!("{manifest}0000  ../victim.txt\n"),
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("would leave the output directory"),
        "{}",
        o.stderr
    );
    assert_eq!(f.read("victim.txt"), "precious\n");
}

/// Blueprint strings with every HCL-significant character. AWS takes any character in an OU
/// name or a policy description, so these go there (one OU each).
const HOSTILE: &[&str] = &[
    r#"quote " inside"#,
    r#"back\slash and \n literal"#,
    "${jsonencode(\"x\")}",
    "%{ if true }yes%{ endif }",
    "$${already} and %%{doubled}",
    "new\nline and\ttab",
    "unicode: Zürich — 東京 🚀",
    "trailing backslash \\",
];

/// Tag values as odd as AWS's tag alphabet (`[\p{L}\p{Z}\p{N}_.:/=+\-@]`) allows.
const ODD_TAGS: &[&str] = &[
    "Zürich 東京 ㈠",
    "a=b+c@d:e/f.g_h-i",
    "  leading and trailing  ",
    "",
    "1/2=½",
];

pub fn hostile_blueprint() -> String {
    let mut tags = String::new();
    for (i, v) in ODD_TAGS.iter().enumerate() {
        tags.push_str(&format!(
            "    t{i}: {}\n",
            serde_json::to_string(v).unwrap()
        ));
    }
    let mut ous = String::new();
    for (i, v) in HOSTILE.iter().enumerate().skip(1) {
        ous.push_str(&format!(
            "  h{i}: {{ name: {} }}\n",
            serde_json::to_string(v).unwrap()
        ));
    }
    format!(
        r#"version: 1
organization:
  name: "acme \"${{x}}\""
  email: "aws+{{account}}@acme.example"
  home_region: eu-west-1
  regions: [eu-west-1]
  tags:
{tags}environments:
  dev: {{ ou: nonprod }}
workloads:
  app:
    environments: [dev]
    owner: {owner}
    tags:
      "odd key: a/b=c": {value}
organizational_units:
  nonprod: {{ name: {ou} }}
{ous}policies:
  hostile-doc:
    type: scp
    file: policies/hostile.json
    description: {description}
    attach: [nonprod]
"#,
        owner = serde_json::to_string(ODD_TAGS[1]).unwrap(),
        value = serde_json::to_string(ODD_TAGS[0]).unwrap(),
        ou = serde_json::to_string(HOSTILE[0]).unwrap(),
        description = serde_json::to_string(HOSTILE[3]).unwrap(),
    )
}

/// The custom policy the hostile blueprint attaches, with hostile strings in its conditions.
pub fn hostile_policy() -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Hostile",
            "Effect": "Deny",
            "Action": ["s3:DeleteBucket"],
            "Resource": "*",
            "Condition": { "StringEquals": { "aws:PrincipalTag/team": HOSTILE } }
        }]
    }))
    .unwrap()
}

/// A fixture holding the hostile blueprint and its policy file.
pub fn hostile_fixture() -> Fixture {
    let f = Fixture::with_blueprint(&hostile_blueprint());
    f.write("policies/hostile.json", &hostile_policy());
    f
}

/// The attribute `name` of the block with these labels, evaluated.
fn attribute(body: &hcl::Body, kind: &str, labels: &[&str], name: &str) -> hcl::Value {
    let block = body
        .blocks()
        .find(|b| {
            b.identifier() == kind
                && b.labels().iter().map(|l| l.as_str()).collect::<Vec<_>>() == labels
        })
        .unwrap_or_else(|| panic!("no {kind} {labels:?}"));
    let attr = block
        .body()
        .attributes()
        .find(|a| a.key() == name)
        .unwrap_or_else(|| panic!("no {name} in {kind} {labels:?}"));
    attr.expr().evaluate(&Context::new()).expect("evaluate")
}

fn get(map: &hcl::Value, key: &str) -> hcl::Value {
    map.as_object()
        .and_then(|m| m.get(key))
        .cloned()
        .unwrap_or_else(|| panic!("no key {key:?} in {map:?}"))
}

fn nested_tags(body: &hcl::Body) -> hcl::Value {
    let provider = body
        .blocks()
        .find(|b| b.identifier() == "provider")
        .unwrap();
    let default_tags = provider
        .body()
        .blocks()
        .find(|b| b.identifier() == "default_tags")
        .unwrap();
    let attr = default_tags
        .body()
        .attributes()
        .find(|a| a.key() == "tags")
        .unwrap();
    attr.expr().evaluate(&Context::new()).unwrap()
}

#[test]
fn hostile_strings_reach_hcl_intact() {
    let f = hostile_fixture();
    f.run_ok(&["generate"]);
    let providers = hcl::parse(&f.read("terraform/organization/providers.tf")).unwrap();
    let tags = nested_tags(&providers);
    for (i, v) in ODD_TAGS.iter().enumerate() {
        assert_eq!(
            get(&tags, &format!("t{i}")),
            hcl::Value::from(*v),
            "tag t{i}"
        );
    }
    let accounts = hcl::parse(&f.read("terraform/organization/accounts.tf")).unwrap();
    let tags = attribute(
        &accounts,
        "resource",
        &["aws_organizations_account", "app_dev"],
        "tags",
    );
    assert_eq!(get(&tags, "owner"), hcl::Value::from(ODD_TAGS[1]));
    assert_eq!(get(&tags, "odd key: a/b=c"), hcl::Value::from(ODD_TAGS[0]));
    let ous = hcl::parse(&f.read("terraform/organization/organizational_units.tf")).unwrap();
    for (i, v) in HOSTILE.iter().enumerate() {
        let key = if i == 0 {
            "nonprod".to_string()
        } else {
            format!("h{i}")
        };
        let name = attribute(
            &ous,
            "resource",
            &["aws_organizations_organizational_unit", &key],
            "name",
        );
        assert_eq!(name, hcl::Value::from(*v), "OU {key}");
    }
    let policies = hcl::parse(&f.read("terraform/organization/policies.tf")).unwrap();
    let description = attribute(
        &policies,
        "resource",
        &["aws_organizations_policy", "hostile_doc"],
        "description",
    );
    assert_eq!(description, hcl::Value::from(HOSTILE[3]));
    let doc: serde_json::Value =
        serde_json::from_str(&f.read("terraform/organization/policies/hostile-doc.json")).unwrap();
    let written: serde_json::Value = serde_json::from_str(&hostile_policy()).unwrap();
    assert_eq!(doc, written);
    // And the README keeps the organization name on one line.
    assert!(f.read("terraform/README.md").starts_with("# acme"));
}

#[test]
fn user_templates_override_built_ins_by_name() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.write(
        "templates/organization/outputs.tf.tera",
        "output \"org\" {\n  value = {{ model.organization.name | q }}\n}\n",
    );
    f.run_ok(&["generate"]);
    assert_eq!(
        f.read("terraform/organization/outputs.tf"),
        "output \"org\" {\n  value = \"example\"\n}\n"
    );
    // The other templates are still the built-in ones.
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("app-dev")
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.write(
        "templates/organization/outputs.tf.tera",
        "# line 1\n{{ model.organization.nope | q }}\n",
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("organization/outputs.tf.tera"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains(":2:"), "{}", o.stderr);
    assert!(!f.exists("terraform"));
}

#[test]
fn generated_hcl_that_does_not_parse_is_never_written() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.write(
        "templates/organization/outputs.tf.tera",
        "output \"x\" {\n  value = \n",
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr
            .contains("generated file `organization/outputs.tf` does not parse"),
        "{}",
        o.stderr
    );
    assert!(!f.exists("terraform"));
}
