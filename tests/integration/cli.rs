//! Commands and exit codes: 0 ok, 1 `--check` drift, 2 bad input or usage.

use crate::fixture::{Fixture, preset};

#[test]
fn init_writes_blueprint_and_tree_and_refuses_to_overwrite() {
    let f = Fixture::new();
    let o = f.run_ok(&["init", "--preset", "minimal"]);
    assert!(o.stdout.contains("wrote"), "{}", o.text());
    let written = format!(
        "# yaml-language-server: $schema=./landform.schema.json\n{}",
        preset("minimal")
    );
    assert_eq!(f.read("landform.yaml"), written);
    assert!(f.exists("terraform/organization/accounts.tf"));
    let again = f.run(&["init", "--preset", "smb"]);
    assert_eq!(again.code, 2, "{}", again.text());
    assert!(
        again.stderr.contains("never overwrites"),
        "{}",
        again.text()
    );
    assert_eq!(f.read("landform.yaml"), written);
}

#[test]
fn init_into_a_new_folder() {
    let f = Fixture::new();
    f.run_ok(&["init", "repo", "--preset", "enterprise"]);
    assert!(f.exists("repo/landform.yaml"));
    assert!(f.exists("repo/terraform/organization/organization.tf"));
}

#[test]
fn unknown_preset_is_a_usage_error() {
    let f = Fixture::new();
    let o = f.run(&["init", "--preset", "huge"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("minimal, smb, enterprise"),
        "{}",
        o.text()
    );
    assert!(!f.exists("landform.yaml"));
}

#[test]
fn bad_usage_exits_2() {
    let f = Fixture::new();
    assert_eq!(f.run(&["frobnicate"]).code, 2);
    assert_eq!(f.run(&["generate", "--no-such-flag"]).code, 2);
    assert_eq!(f.run(&["--version"]).code, 0);
}

#[test]
fn missing_blueprint_exits_2_and_says_what_to_do() {
    let f = Fixture::new();
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("landform.yaml"), "{}", o.text());
    assert!(o.stderr.contains("landform init"), "{}", o.text());
}

#[test]
fn check_exits_1_on_drift_and_0_when_up_to_date() {
    let f = Fixture::with_blueprint(preset("minimal"));
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("added    organization/accounts.tf"),
        "{}",
        o.text()
    );
    assert!(!f.exists("terraform"), "--check wrote files");
    f.run_ok(&["generate"]);
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 0, "{}", o.text());
    // A declared rename (an undeclared one is an error: see lock.rs).
    f.write(
        "landform.yaml",
        &preset("minimal").replace("app: {", "shop: { renamed_from: app,"),
    );
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("changed  organization/accounts.tf"),
        "{}",
        o.text()
    );
}

#[test]
fn validate_reports_ok_with_counts() {
    let f = Fixture::with_blueprint(preset("smb"));
    let o = f.run_ok(&["validate"]);
    assert!(
        o.stdout.contains("12 accounts in 7 OUs, 8 policies"),
        "{}",
        o.text()
    );
}

#[test]
fn output_directory_flag_and_default() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate", "-o", "elsewhere"]);
    assert!(f.exists("elsewhere/organization/accounts.tf"));
    assert!(!f.exists("terraform"));
    f.write("sub/landform.yaml", preset("minimal"));
    f.run_ok(&["generate", "sub/landform.yaml"]);
    assert!(f.exists("sub/terraform/organization/accounts.tf"));
}

#[test]
fn guardrails_lists_the_library() {
    let f = Fixture::new();
    let o = f.run_ok(&["guardrails"]);
    for name in [
        "deny_leave_organization",
        "region_restriction",
        "exempt_roles",
    ] {
        assert!(o.stdout.contains(name), "{}", o.stdout);
    }
}

/// The README's blueprint reference is a blueprint that validates, so the docs stay true.
#[test]
fn readme_blueprint_reference_validates() {
    let readme = include_str!("../../README.md");
    let section = readme
        .find("## The blueprint")
        .expect("the blueprint section");
    let start =
        section + readme[section..].find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let f = Fixture::with_blueprint(&readme[start..end]);
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": "{{ allowed_regions }}"}}}]}"#;
    f.write("policies/deny-large-instances.json", deny);
    f.write(
        "policies/deployer.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 0, "{}", o.text());
    f.run_ok(&["generate"]);
}

#[test]
fn diff_takes_generates_options_and_refuses_a_missing_template_folder() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate", "--pack"]);
    let o = f.run_ok(&["diff", "--pack"]);
    assert!(o.stdout.starts_with("no changes"), "{}", o.text());
    let o = f.run(&["diff"]);
    assert!(!o.stdout.starts_with("no changes"), "{}", o.text());
    assert!(o.stdout.contains("policies"), "{}", o.text());
    let o = f.run(&["diff", "--pack", "--templates", "missing"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("template folder missing does not exist"),
        "{}",
        o.stderr
    );
    // The flag never reaches the blueprint.
    assert_eq!(f.read("landform.yaml"), preset("smb"));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let f = Fixture::with_blueprint(preset("enterprise"));
    for args in [&["guardrails"][..], &["diff"], &["generate"]] {
        // A pipe whose reader has already gone: every write to it fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_landform"))
            .args(args)
            .current_dir(f.path())
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        // 0, or 1 for a diff that finds changes: never 101 (a panic).
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
    }
    // The generate went through although nobody read what it printed.
    assert!(f.exists("terraform/organization/accounts.tf"));
}
