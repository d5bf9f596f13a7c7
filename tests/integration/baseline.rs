//! The baseline stack: service-managed StackSets targeted at OUs, CloudFormation templates that
//! pass cfn-lint, located validation errors, and the scale rule (provider blocks do not grow
//! with accounts).

use std::process::Command;

use crate::fixture::{Fixture, preset};
use crate::tools;

fn generated(text: &str) -> Fixture {
    let f = Fixture::with_blueprint(text);
    f.run_ok(&["generate"]);
    f
}

/// The enterprise preset with every baseline item on and a delegated StackSets admin.
pub fn everything() -> String {
    preset("enterprise").replace(
        "baseline:                      # every member account, through service-managed StackSets\n  exclude: [suspended]",
        "baseline:\n  exclude: [suspended]\n  admin_account: shared_services",
    )
}

/// A synthetic organization of about `n` accounts with every section on: workloads in dev,
/// staging and prod (prod per region, two regions).
pub fn synthetic(n: usize) -> String {
    let mut text = everything();
    let workloads: String = (0..n / 4)
        .map(|i| format!("  app{i}: {{ environments: [dev, staging, prod], owner: team{i} }}\n"))
        .collect();
    let start = text.find("workloads:\n").unwrap();
    let end = text[start..].find("\n\n").unwrap() + start;
    text.replace_range(start..end, &format!("workloads:\n{}", workloads.trim_end()));
    text.replace("  workloads: { data: { prod: 20000 } }\n", "")
}

/// The cfn-lint binary: LANDFORM_CFN_LINT, else `cfn-lint` beside LANDFORM_PYTHON, else on PATH.
fn cfn_lint() -> Option<String> {
    let mut candidates = Vec::new();
    if let Ok(bin) = std::env::var("LANDFORM_CFN_LINT") {
        candidates.push(bin);
    }
    if let Ok(py) = std::env::var("LANDFORM_PYTHON")
        && let Some(dir) = std::path::Path::new(&py).parent()
    {
        candidates.push(dir.join("cfn-lint").display().to_string());
    }
    candidates.push("cfn-lint".to_string());
    candidates.into_iter().find(|bin| {
        Command::new(bin)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Every CloudFormation template of a tree: `<stack>/templates/*.yaml`.
fn templates(f: &Fixture) -> Vec<String> {
    f.tree("terraform")
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.contains("/templates/") && p.ends_with(".yaml"))
        .collect()
}

#[test]
fn every_cloudformation_template_passes_cfn_lint() {
    let Some(bin) = cfn_lint() else {
        return tools::missing(
            "every_cloudformation_template_passes_cfn_lint",
            "cfn-lint (LANDFORM_CFN_LINT, beside LANDFORM_PYTHON, or on PATH)",
        );
    };
    for text in [everything(), preset("smb").to_string()] {
        let f = generated(&text);
        let files = templates(&f);
        assert!(files.len() >= 4, "too few templates: {files:?}");
        let out = Command::new(&bin)
            .args(&files)
            .current_dir(f.join("terraform"))
            .output()
            .expect("run cfn-lint");
        assert!(
            out.status.success(),
            "cfn-lint found problems in {files:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn baseline_targets_the_largest_subtrees_without_excluded_ous() {
    let f = generated(preset("enterprise"));
    let targets = f.read("terraform/baseline/targets.tf");
    for ou in [
        "security",
        "infrastructure",
        "backup",
        "workloads",
        "sandbox",
    ] {
        assert!(
            targets.contains(&format!(
                "data.aws_organizations_organizational_unit.{ou}.id,"
            )),
            "{ou} is not a target:\n{targets}"
        );
    }
    // Children of a target are covered by it; the excluded OU is neither looked up nor targeted.
    assert!(
        !targets.contains("organizational_unit.prod.id,"),
        "{targets}"
    );
    assert!(!targets.contains("\"suspended\""), "{targets}");
    assert!(!targets.contains("    local.root_id,\n"), "{targets}");
    // smb excludes nothing: the root.
    let f = generated(preset("smb"));
    let targets = f.read("terraform/baseline/targets.tf");
    assert!(targets.contains("    local.root_id,\n"), "{targets}");
    let sets = f.read("terraform/baseline/stack_sets.tf");
    assert_eq!(
        sets.matches("permission_model = \"SERVICE_MANAGED\"")
            .count(),
        4
    );
    // Config in both regions, password policy and S3 in the home region, EBS in both.
    assert_eq!(
        sets.matches("resource \"aws_cloudformation_stack_set_instance\"")
            .count(),
        2 + 1 + 2 + 1
    );
    let readme = f.read("terraform/README.md");
    assert!(
        readme.contains("| `baseline/` | management account |"),
        "{readme}"
    );
    let org = f.read("terraform/organization/organization.tf");
    assert!(org.contains("\"member.org.stacksets.cloudformation.amazonaws.com\","));
    assert!(org.contains("\"iam.amazonaws.com\","));
}

#[test]
fn each_baseline_item_turns_off() {
    let text = preset("smb").replace(
        "baseline: {}",
        "baseline:\n  config: { enabled: false }\n  password_policy: { enabled: false }\n  \
         ebs_encryption: { enabled: false }\n  s3_block_public_access: { enabled: false }\n  \
         root_access_management: { enabled: false }\n  ec2: { enabled: false }",
    );
    let f = generated(&text);
    assert!(!f.exists("terraform/baseline/stack_sets.tf"));
    assert!(!f.exists("terraform/baseline/organization.tf"));
    assert!(
        templates(&f).iter().all(|t| !t.starts_with("baseline/")),
        "{:?}",
        templates(&f)
    );
    let org = f.read("terraform/organization/organization.tf");
    assert!(!org.contains("iam.amazonaws.com"), "{org}");
    assert!(!org.contains("DECLARATIVE_POLICY_EC2"), "{org}");
    assert!(!f.exists("terraform/organization/policies/baseline-ec2.json"));
}

#[test]
fn ec2_attributes_are_one_declarative_policy_on_the_baselined_ous() {
    let f = generated(preset("smb"));
    let doc: serde_json::Value =
        serde_json::from_str(&f.read("terraform/organization/policies/baseline-ec2.json")).unwrap();
    let attrs = &doc["ec2_attributes"];
    assert_eq!(
        attrs["image_block_public_access"]["state"]["@@assign"],
        "block_new_sharing"
    );
    assert_eq!(
        attrs["snapshot_block_public_access"]["state"]["@@assign"],
        "block_all_sharing"
    );
    assert_eq!(
        attrs["instance_metadata_defaults"]["http_tokens"]["@@assign"],
        "required"
    );
    assert_eq!(
        attrs["serial_console_access"]["status"]["@@assign"],
        "disabled"
    );
    // VPC Block Public Access cuts internet traffic: off unless asked for.
    assert!(attrs.get("vpc_block_public_access").is_none(), "{doc}");
    let org = f.read("terraform/organization/organization.tf");
    assert!(org.contains("\"DECLARATIVE_POLICY_EC2\","), "{org}");
    let policies = f.read("terraform/organization/policies.tf");
    assert!(
        policies
            .contains("resource \"aws_organizations_policy_attachment\" \"baseline_ec2__root\""),
        "{policies}"
    );

    // Excluded OUs are not reached: the policy goes on the same OUs as the stack sets.
    let text = preset("enterprise").replace(
        "  exclude: [suspended]",
        "  exclude: [suspended]\n  ec2: { require_imdsv2: false, vpc_block_public_access: block_ingress }",
    );
    let f = generated(&text);
    let policies = f.read("terraform/organization/policies.tf");
    for ou in [
        "security",
        "infrastructure",
        "backup",
        "workloads",
        "sandbox",
    ] {
        assert!(
            policies.contains(&format!("\"baseline_ec2__ou_{ou}\"")),
            "{ou}:\n{policies}"
        );
    }
    assert!(
        !policies.contains("baseline_ec2__ou_suspended"),
        "{policies}"
    );
    assert!(!policies.contains("baseline_ec2__root"), "{policies}");
    let doc: serde_json::Value =
        serde_json::from_str(&f.read("terraform/organization/policies/baseline-ec2.json")).unwrap();
    let attrs = &doc["ec2_attributes"];
    assert!(attrs.get("instance_metadata_defaults").is_none(), "{doc}");
    assert_eq!(
        attrs["vpc_block_public_access"]["internet_gateway_block"]["mode"]["@@assign"],
        "block_ingress"
    );
}

#[test]
fn baseline_validation_errors_are_located() {
    let text = preset("minimal").to_string()
        + "\nbaseline:\n  exclude: [suspendd]\n  config: { snapshot_hours: 5 }\n  \
           password_policy: { minimum_length: 4 }\n";
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(!f.exists("terraform"));
    let err = o.stderr;
    for want in [
        "`suspendd` in baseline.exclude is not a key under `organizational_units`",
        "AWS Config cannot deliver snapshots every 5 hours",
        "IAM does not accept a password policy minimum length of 4",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    // Each error points at its line in the blueprint.
    assert!(err.contains("landform.yaml:"), "{err}");
}

#[test]
fn accounts_the_stack_sets_cannot_reach_are_warned() {
    // An account in `workloads` itself, beside the excluded `nonprod`: targeting `workloads`
    // would reach `nonprod`, so only `prod` is targeted and the account is missed.
    let text = preset("enterprise")
        .replace("  exclude: [suspended]", "  exclude: [suspended, nonprod]")
        .replace(
            "  backup:          { ou: backup }\n",
            "  backup:          { ou: backup }\n  tooling:         { ou: workloads }\n",
        );
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["validate"]);
    assert!(
        o.stderr
            .contains("account `tooling` is in OU `workloads`, which holds an excluded OU"),
        "{}",
        o.text()
    );
}

#[test]
fn provider_blocks_do_not_grow_with_accounts() {
    // (provider blocks in the tree, accounts, resources per stack)
    let count = |n: usize| -> (usize, usize, std::collections::BTreeMap<String, usize>) {
        let f = generated(&synthetic(n));
        let tree = f.tree("terraform");
        let tf = || tree.iter().filter(|(p, _)| p.ends_with(".tf"));
        let providers = tf()
            .map(|(_, t)| t.matches("provider \"aws\" {").count())
            .sum();
        let mut resources = std::collections::BTreeMap::new();
        for (p, t) in tf() {
            let stack = p.split('/').next().unwrap_or_default().to_string();
            *resources.entry(stack).or_insert(0) +=
                t.lines().filter(|l| l.starts_with("resource \"")).count();
        }
        let accounts = resources.get("organization").map_or(0, |_| {
            f.read("terraform/organization/accounts.tf")
                .matches("resource \"aws_organizations_account\"")
                .count()
        });
        (providers, accounts, resources)
    };
    let (small, small_accounts, small_resources) = count(100);
    let (large, large_accounts, large_resources) = count(1000);
    assert!(small_accounts >= 100 && large_accounts >= 1000);
    // Reported, not asserted beyond the scale rule: resources per stack at both sizes.
    eprintln!(
        "provider blocks: {small} ({small_accounts} accounts), {large} ({large_accounts} accounts)"
    );
    for (stack, n) in &large_resources {
        eprintln!(
            "resources in {stack}/: {} ({small_accounts} accounts), {n} ({large_accounts} accounts)",
            small_resources.get(stack).copied().unwrap_or(0)
        );
    }
    assert_eq!(
        small, large,
        "{small_accounts} accounts: {small} provider blocks; {large_accounts}: {large}"
    );
    // Only the stacks that hold per-account resources grow; the ones running in named
    // accounts (and the stack sets) stay the same size.
    for stack in ["baseline", "backup", "log-archive", "security"] {
        assert_eq!(
            small_resources.get(stack),
            large_resources.get(stack),
            "{stack} grew with accounts"
        );
    }
}

#[test]
fn every_section_with_delegated_admins_passes_terraform_validate() {
    let f = generated(&everything());
    crate::terraform::fmt_init_validate(
        "every_section_with_delegated_admins_passes_terraform_validate",
        &f,
        "terraform",
    );
    let sets = f.read("terraform/baseline/stack_sets.tf");
    assert!(
        sets.contains("call_as          = \"DELEGATED_ADMIN\""),
        "{sets}"
    );
    assert!(
        sets.contains("provider = aws.shared_services_eu_west_1"),
        "{sets}"
    );
}

#[test]
fn smb_turns_on_baseline_and_backup_and_enterprise_every_section() {
    let f = generated(preset("smb"));
    for file in [
        "baseline/stack_sets.tf",
        "backup/vaults.tf",
        "backup/stack_set.tf",
    ] {
        assert!(f.exists(&format!("terraform/{file}")), "smb: {file}");
    }
    assert!(!f.exists("terraform/organization/contacts.tf"));
    assert!(!f.exists("terraform/organization/budgets.tf"));
    let f = generated(preset("enterprise"));
    for file in [
        "baseline/stack_sets.tf",
        "backup/vaults.tf",
        "backup/stack_set.tf",
        "organization/contacts.tf",
        "organization/budgets.tf",
        "organization/policies/baseline-ec2.json",
    ] {
        assert!(f.exists(&format!("terraform/{file}")), "enterprise: {file}");
    }
    let vaults = f.read("terraform/backup/vaults.tf");
    assert!(
        vaults.contains("aws_backup_vault_lock_configuration"),
        "{vaults}"
    );
}
