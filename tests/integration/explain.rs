//! `landform explain`: what is in force on every account of each preset (snapshots, compact
//! form), the command's formats, and that attaching a guardrail to an OU changes the
//! explanation of exactly the accounts below it.

use std::path::Path;

use landform::model::{Model, Target};

use crate::fixture::{Fixture, preset};

fn model(text: &str) -> Model {
    let loaded = landform::load::load_str(Path::new("landform.yaml"), text).expect("loads");
    let (model, _) = landform::check(&loaded).expect("valid");
    model
}

/// The compact explanation of every account (and the root and each OU), in model order.
fn explain_all(model: &Model) -> Vec<(String, String)> {
    let targets = std::iter::once(Target::Root)
        .chain(model.ous.iter().map(|o| Target::Ou(o.key.clone())))
        .chain(
            model
                .accounts
                .iter()
                .map(|a| Target::Account(a.key.clone())),
        );
    targets
        .map(|t| {
            let e = landform::explain::explain(model, &t);
            (t.slug(), e.text())
        })
        .collect()
}

#[test]
fn every_account_of_each_preset() {
    for name in ["minimal", "smb", "enterprise"] {
        let m = model(preset(name));
        let all: String = explain_all(&m).into_iter().map(|(_, t)| t).collect();
        insta::assert_snapshot!(format!("explain_{name}"), all);
        // Every account explains without problems.
        assert!(!all.contains("problem:"), "{name}:\n{all}");
    }
}

#[test]
fn formats_and_names() {
    let f = Fixture::with_blueprint(preset("smb"));
    // By key and by name, the same account.
    let by_key = f.run_ok(&["explain", "payments_prod", "--format", "json"]);
    let by_name = f.run_ok(&["explain", "payments-prod", "--format", "json"]);
    assert_eq!(by_key.stdout, by_name.stdout);
    let j: serde_json::Value = serde_json::from_str(&by_key.stdout).unwrap();
    assert_eq!(j["kind"], "account");
    assert_eq!(j["path"], serde_json::json!(["Root", "Workloads", "Prod"]));
    let scps: Vec<&str> = j["scps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policy"].as_str().unwrap())
        .collect();
    assert!(scps.contains(&"deny-root-user"), "{scps:?}");
    assert_eq!(
        j["regions"]["allowed"],
        serde_json::json!(["eu-west-1", "eu-central-1"])
    );
    assert!(
        j["access"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["principal"] == "seniors" && a["permission_set"] == "poweruser"),
        "{}",
        by_key.stdout
    );
    // Markdown is the default.
    let md = f.run_ok(&["explain", "log_archive"]);
    assert!(
        md.stdout
            .starts_with("# What is in force on account `log_archive` (log-archive)\n"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("`protect-log-archive` (guardrail, attached to account `log_archive`)"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("## Who can sign in"), "{}", md.stdout);
    // An OU and the root.
    let ou = f.run_ok(&["explain", "workloads", "--format", "text"]);
    assert!(
        ou.stdout.starts_with("OU workloads (Workloads) in Root\n"),
        "{}",
        ou.stdout
    );
    f.run_ok(&["explain", "root"]);
    // Unknown targets fail with a suggestion.
    let o = f.run(&["explain", "payments_prd"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("did you mean `payments_prod`?"),
        "{}",
        o.stderr
    );
}

#[test]
fn attaching_a_guardrail_to_an_ou_changes_exactly_the_accounts_below_it() {
    let before_text = preset("smb");
    let after_text = before_text.replace(
        "  deny_leave_organization: [root]\n",
        "  deny_leave_organization: [root]\n  deny_iam_users: [workloads]\n",
    );
    assert_ne!(before_text, after_text);
    let (before, after) = (model(before_text), model(&after_text));
    let below: Vec<String> = after
        .accounts
        .iter()
        .filter(|a| {
            let chain =
                landform::orgpolicy::effective::chain(&after, &Target::Account(a.key.clone()))
                    .unwrap();
            chain.contains(&Target::Ou("workloads".to_string()))
        })
        .map(|a| a.key.clone())
        .collect();
    assert!(below.len() >= 5, "{below:?}");
    for a in &after.accounts {
        let t = Target::Account(a.key.clone());
        let old = landform::explain::explain(&before, &t).text();
        let new = landform::explain::explain(&after, &t).text();
        if below.contains(&a.key) {
            assert_ne!(old, new, "{} is below workloads", a.key);
            assert!(new.contains("deny-iam-users@ou:workloads"), "{new}");
        } else {
            assert_eq!(old, new, "{} is not below workloads", a.key);
        }
    }
}

#[test]
fn the_readme_summarises_what_is_in_force_per_ou() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    let readme = f.read("terraform/README.md");
    assert!(readme.contains("### In force per OU"), "{readme}");
    assert!(
        readme.contains("| Workloads/Prod | 2 | scp: deny-leave-organization, deny-root-user, region-restriction, protect-audit-logging, protect-access-roles<br>declarative\\_ec2: baseline-ec2 |"),
        "{readme}"
    );
}
