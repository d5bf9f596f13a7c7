//! `landform explain`: what is in force on every account of each preset (snapshots, compact
//! form), the command's formats, and that attaching a guardrail to an OU changes the
//! explanation of exactly the accounts below it.

use std::path::Path;

use landform::model::{Model, Target};

use crate::fixture::{Fixture, preset};

fn model(text: &str) -> Model {
    let loaded = landform::load_str(Path::new("landform.yaml"), text).expect("loads");
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
            let e = landform::explain(model, &t);
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
            let chain = landform::policy_chain(&after, &Target::Account(a.key.clone())).unwrap();
            chain.contains(&Target::Ou("workloads".to_string()))
        })
        .map(|a| a.key.clone())
        .collect();
    assert!(below.len() >= 5, "{below:?}");
    for a in &after.accounts {
        let t = Target::Account(a.key.clone());
        let old = landform::explain(&before, &t).text();
        let new = landform::explain(&after, &t).text();
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
        readme.contains("| Workloads/Prod | 2 | scp: deny-leave-organization, deny-root-user, region-restriction, protect-audit-logging, protect-access-roles<br>declarative\\_ec2: baseline-ec2<br>stack sets: landform-config, landform-password-policy, landform-ebs-encryption, landform-s3-block-public-access, landform-backup |"),
        "{readme}"
    );
    // NonProd has no backup plan: the baseline's stack sets only.
    assert!(
        readme.contains("| Workloads/NonProd | 3 | scp: deny-leave-organization, deny-root-user, region-restriction, protect-audit-logging, protect-access-roles<br>declarative\\_ec2: baseline-ec2<br>stack sets: landform-config, landform-password-policy, landform-ebs-encryption, landform-s3-block-public-access |"),
        "{readme}"
    );
}

/// The accounts whose compact explanation differs between two blueprints, and each one's new
/// explanation.
fn changed(before: &Model, after: &Model) -> Vec<(String, String)> {
    after
        .accounts
        .iter()
        .filter_map(|a| {
            let t = Target::Account(a.key.clone());
            let old = landform::explain(before, &t).text();
            let new = landform::explain(after, &t).text();
            (old != new).then(|| (a.key.clone(), new))
        })
        .collect()
}

/// The accounts below an OU (at any depth).
fn below(model: &Model, ou: &str) -> Vec<String> {
    model
        .accounts
        .iter()
        .filter(|a| {
            landform::policy_chain(model, &Target::Account(a.key.clone()))
                .unwrap()
                .contains(&Target::Ou(ou.to_string()))
        })
        .map(|a| a.key.clone())
        .collect()
}

fn keys(list: &[(String, String)]) -> Vec<String> {
    list.iter().map(|(k, _)| k.clone()).collect()
}

/// Drops the lines of a compact explanation that start with `prefix` (after the indent).
fn without(text: &str, prefix: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with(prefix))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn turning_on_the_baseline_changes_exactly_the_accounts_it_targets() {
    let with = preset("smb");
    let without_baseline = with.replace("baseline: {}", "");
    assert_ne!(with, without_baseline);
    // The sandbox OU is excluded; root access management (organization-wide, so in force in
    // excluded OUs too) is off here and checked below.
    let excluding = with.replace(
        "baseline: {}",
        "baseline: { exclude: [sandbox], root_access_management: { enabled: false } }",
    );
    let (before, after) = (model(&without_baseline), model(&excluding));
    let sandbox = below(&after, "sandbox");
    assert_eq!(sandbox, ["sandbox_alice", "sandbox_bob"]);
    let targeted: Vec<String> = after
        .accounts
        .iter()
        .map(|a| a.key.clone())
        .filter(|k| !sandbox.contains(k))
        .collect();
    let diff = changed(&before, &after);
    // Every account now has a baseline line; only the targeted ones get anything from it.
    assert_eq!(keys(&diff).len(), after.accounts.len());
    for (key, new) in &diff {
        let t = Target::Account(key.clone());
        let old = landform::explain(&before, &t).text();
        if targeted.contains(key) {
            let ou = after.account(key).unwrap().ou.clone().unwrap();
            let top = landform::policy_chain(&after, &Target::Ou(ou))
                .unwrap()
                .into_iter()
                .find_map(|l| match l {
                    Target::Ou(k) => Some(k),
                    _ => None,
                })
                .unwrap();
            assert!(
                new.contains(&format!(
                    "  baseline: via ou:{top}: landform-config, landform-password-policy, \
                     landform-ebs-encryption, landform-s3-block-public-access; \
                     baseline-ec2@ou:{top}; root access management: off\n"
                )),
                "{new}"
            );
            assert!(new.contains("  declarative_ec2: "), "{new}");
            assert!(!old.contains("declarative_ec2"), "{old}");
        } else {
            // Nothing reaches an excluded account: the explanation only says so.
            assert_eq!(without(new, "baseline:"), old, "{key}");
            assert!(
                new.contains(
                    "  baseline: not reached, excluded (`baseline.exclude` holds OU `sandbox`); \
                     root access management: off\n"
                ),
                "{new}"
            );
        }
    }
    // Root access management is organization-wide: turning it on changes every account, by
    // that word alone.
    let on = model(&excluding.replace(", root_access_management: { enabled: false }", ""));
    let diff = changed(&after, &on);
    assert_eq!(keys(&diff).len(), after.accounts.len());
    for (key, new) in &diff {
        let old = landform::explain(&after, &Target::Account(key.clone())).text();
        assert_eq!(
            new.replace("root access management: on", "root access management: off"),
            old
        );
    }
}

#[test]
fn a_budget_changes_exactly_the_accounts_it_targets() {
    let base = preset("smb");
    let budgets = format!("{base}\nbudgets: {{ default: 100 }}\n");
    let (none, on) = (model(base), model(&budgets));
    // Turning budgets on gives every account one budget line and changes nothing else.
    let diff = changed(&none, &on);
    assert_eq!(keys(&diff).len(), on.accounts.len());
    for (key, new) in &diff {
        let old = landform::explain(&none, &Target::Account(key.clone())).text();
        assert_eq!(without(new, "budget:"), old, "{key}");
        assert_eq!(new.matches("  budget: ").count(), 1, "{new}");
        assert!(new.contains(" 100 USD/month (budgets.default); alerts 80%, 100% of actual and 100% of forecast spend; to "), "{new}");
    }
    // An environment's limit reaches that environment's accounts; a workload's overrides it.
    let env = budgets.replace(
        "budgets: { default: 100 }",
        "budgets: { default: 100, environments: { prod: 3000 } }",
    );
    let env = model(&env);
    let diff = changed(&on, &env);
    assert_eq!(keys(&diff), ["payments_prod", "web_prod"]);
    assert!(
        diff[0].1.contains(
            "  budget: payments-prod-monthly 3000 USD/month (budgets.environments.prod); "
        ),
        "{}",
        diff[0].1
    );
    let workload = budgets.replace(
        "budgets: { default: 100 }",
        "budgets: { default: 100, environments: { prod: 3000 }, workloads: { payments: { prod: 9000 } }, notify: [finops@acme.example] }",
    );
    let workload = model(&workload);
    let diff = changed(&env, &workload);
    // `notify` changes where every account's alerts go.
    assert_eq!(keys(&diff).len(), on.accounts.len());
    let payments = &diff.iter().find(|(k, _)| k == "payments_prod").unwrap().1;
    assert!(
        payments.contains(
            "  budget: payments-prod-monthly 9000 USD/month (budgets.workloads.payments.prod); \
             alerts 80%, 100% of actual and 100% of forecast spend; to finops@acme.example\n"
        ),
        "{payments}"
    );
    let web = &diff.iter().find(|(k, _)| k == "web_prod").unwrap().1;
    assert!(
        web.contains(" 3000 USD/month (budgets.environments.prod)"),
        "{web}"
    );
}

#[test]
fn a_backup_plan_changes_exactly_the_accounts_of_the_ou_it_reaches() {
    let base = preset("smb");
    let staging = base.replace(
        "    prod: { schedule: \"cron(0 5 ? * * *)\"",
        "    staging: { schedule: \"rate(12 hours)\", retention_days: 7, copy_region: eu-central-1 }\n    prod: { schedule: \"cron(0 5 ? * * *)\"",
    );
    assert_ne!(base, staging);
    let (before, after) = (model(base), model(&staging));
    let nonprod = below(&after, "nonprod");
    assert_eq!(nonprod, ["payments_dev", "payments_staging", "web_dev"]);
    let diff = changed(&before, &after);
    assert_eq!(keys(&diff), nonprod);
    for (key, new) in &diff {
        // The stack set now reaches the whole OU; the plan only the staging accounts.
        assert!(
            new.contains("; vault landform + role service-role/landform-backup via ou:nonprod; copies to backup/landform in eu-central-1\n"),
            "{new}"
        );
        if key.ends_with("_staging") {
            assert!(
                new.contains(&format!("  backup: plans backup-staging@account:{key};")),
                "{new}"
            );
            assert!(
                new.contains("\"schedule_expression\":\"rate(12 hours)\""),
                "{new}"
            );
        } else {
            assert!(new.contains("  backup: plans -;"), "{new}");
        }
    }
}

#[test]
fn baseline_backup_contacts_and_budget_in_markdown_and_json() {
    // A workload override of the security contact, with a name that holds Markdown and a
    // terminal escape: neither may reach the output as written.
    let text = preset("enterprise").replace(
        "  security: { name: Security operations, email: \"security@globex.example\" }\n",
        "  security: { name: Security operations, email: \"security@globex.example\" }\n  overrides:\n    data: { security: { name: \"Data | sec <b>\\u001b[31m\", email: \"data-sec@globex.example\" } }\n",
    );
    assert_ne!(text, preset("enterprise"));
    let f = Fixture::with_blueprint(&text);
    let json = f.run_ok(&["explain", "data_prod_eu_west_1", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(j["baseline"]["via"], serde_json::json!(["ou:workloads"]));
    assert_eq!(j["baseline"]["administered_by"], "the management account");
    let stack_sets: Vec<&str> = j["baseline"]["stack_sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        stack_sets,
        [
            "landform-config",
            "landform-password-policy",
            "landform-ebs-encryption",
            "landform-s3-block-public-access"
        ]
    );
    assert_eq!(
        j["baseline"]["stack_sets"][0]["regions"],
        serde_json::json!(["eu-west-1", "eu-central-1"])
    );
    assert_eq!(j["baseline"]["policies"][0]["policy"], "baseline-ec2");
    assert_eq!(j["baseline"]["policies"][0]["attached"], "ou:workloads");
    assert_eq!(j["baseline"]["root_access_management"], true);
    assert_eq!(j["backup"]["plans"][0]["policy"], "backup-prod");
    assert_eq!(j["backup"]["member_vault"]["via"], "ou:prod");
    assert_eq!(
        j["backup"]["member_vault"]["role"],
        "service-role/landform-backup"
    );
    assert_eq!(j["backup"]["central_account"], "backup");
    assert_eq!(j["backup"]["vault_lock"], "governance, 7-3650 days");
    assert_eq!(
        j["budgets"],
        serde_json::json!([{
            "name": "data-prod-eu-west-1-monthly",
            "amount": "20000",
            "currency": "USD",
            "actual": [80, 100],
            "forecast": [100],
            "notify": ["aws+data-team@globex.example"],
            "defined_at": "budgets.workloads.data.prod"
        }])
    );
    let security = &j["contacts"][2];
    assert_eq!(security["kind"], "SECURITY");
    assert_eq!(security["defined_at"], "contacts.overrides.data.security");
    assert_eq!(security["email"], "data-sec@globex.example");
    // The phone comes from the organization's default.
    assert_eq!(security["phone"], "+1 555 0100");
    // JSON output is ASCII: the escape is `\u001b`.
    assert!(
        json.stdout.contains("Data | sec <b>\\u001b[31m"),
        "{}",
        json.stdout
    );
    assert!(!json.stdout.contains('\u{1b}'));

    let md = f.run_ok(&["explain", "data_prod_eu_west_1"]);
    for line in [
        "## Baseline\n\n- Stack sets, administered by the management account, deployed to OU `workloads` (new accounts included; never to the management account):\n  - `landform-config` in eu-west-1, eu-central-1: AWS Config recorder and delivery channel (landform baseline)\n",
        "- Organization policy `baseline-ec2` (attached to OU `workloads`): ",
        "- Centralized root access management: on, organization-wide",
        "## Backup\n\n- Plan `backup-prod` (attached to account `data_prod_eu_west_1`): ",
        "- Vault landform and role service-role/landform-backup in eu-west-1, eu-central-1, from the stack set `landform-backup` deployed to OU `prod`\n- Copies go to the vault landform of account `backup` in eu-central-1 (vault lock: governance, 7-3650 days)\n",
        "| billing | Billing team | Billing contact | aws+billing@globex.example | +1 555 0100 | `contacts.billing` |\n",
        // Markdown is escaped and the control character dropped.
        "| security | Data \\| sec \\<b\\>\\[31m | Security contact | data-sec@globex.example | +1 555 0100 | `contacts.overrides.data.security` |\n",
        "## Budget\n\n- data-prod-eu-west-1-monthly: 20000 USD a month (`budgets.workloads.data.prod`); alerts at 80%, 100% of actual and 100% of forecast spend to aws+data-team@globex.example\n",
    ] {
        assert!(md.stdout.contains(line), "{line}\n---\n{}", md.stdout);
    }
    // The compact text escapes the control character for the terminal.
    let t = f.run_ok(&["explain", "data_prod_eu_west_1", "--format", "text"]);
    assert!(t.stdout.contains("security=Data | sec <b>\\u{1b}[31m <data-sec@globex.example> (contacts.overrides.data.security)"), "{}", t.stdout);
    assert!(!t.stdout.contains('\u{1b}'));
    // An excluded OU says why nothing reaches it; the backup account holds the central vault.
    let suspended = f.run_ok(&["explain", "suspended", "--format", "text"]);
    assert!(
        suspended.stdout.contains(
            "  baseline: not reached, excluded (`baseline.exclude` holds OU `suspended`); root access management: on\n"
        ),
        "{}",
        suspended.stdout
    );
    let backup = f.run_ok(&["explain", "backup", "--format", "json"]);
    let b: serde_json::Value = serde_json::from_str(&backup.stdout).unwrap();
    assert_eq!(b["backup"]["holds_central_vaults"], true);
    assert_eq!(
        b["backup"]["central_regions"],
        serde_json::json!(["eu-central-1"])
    );
}
