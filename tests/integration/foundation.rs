//! The foundation stacks (log-archive, security): provider aliases per account and region,
//! region additions that only add, located validation errors, trusted service principals and
//! checkov over every preset.

use std::process::Command;

use crate::fixture::{Fixture, preset};
use crate::tools;

const PRESETS: &[&str] = &["minimal", "smb", "enterprise"];

/// The minimal preset with these allowed regions.
fn with_regions(regions: &[&str]) -> String {
    preset("minimal").replace(
        "regions: [eu-west-1]",
        &format!("regions: [{}]", regions.join(", ")),
    )
}

fn generated(text: &str) -> Fixture {
    let f = Fixture::with_blueprint(text);
    f.run_ok(&["generate"]);
    f
}

/// `alias  = ...` and `role_arn = ...` lines of a providers.tf, in order.
fn aliases(providers_tf: &str) -> String {
    providers_tf
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("alias") || l.starts_with("region") || l.starts_with("role_arn"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn provider_aliases_for_three_regions() {
    let f = generated(&with_regions(&["eu-west-1", "eu-central-1", "us-east-1"]));
    let security = f.read("terraform/security/providers.tf");
    let log_archive = f.read("terraform/log-archive/providers.tf");
    insta::assert_snapshot!("security_providers_three_regions", aliases(&security));
    insta::assert_snapshot!("log_archive_providers_three_regions", aliases(&log_archive));
    // Every alias a resource uses is declared, and every declared alias is used.
    let tree = f.tree("terraform/security");
    let uses: String = tree
        .iter()
        .filter(|(p, _)| p != "providers.tf")
        .map(|(_, t)| t.as_str())
        .collect();
    for line in security.lines().filter(|l| l.trim().starts_with("alias")) {
        let alias = line.split('"').nth(1).unwrap();
        assert!(
            uses.contains(&format!("provider = aws.{alias}\n")),
            "alias {alias} is declared but no resource uses it"
        );
    }
}

#[test]
fn adding_a_region_only_adds_that_regions_providers_and_resources() {
    let before = generated(&with_regions(&["eu-west-1", "eu-central-1", "us-east-1"]));
    let after = generated(&with_regions(&[
        "eu-west-1",
        "eu-central-1",
        "us-east-1",
        "eu-north-1",
    ]));
    for stack in ["log-archive", "security"] {
        let old = before.tree(&format!("terraform/{stack}"));
        let new = after.tree(&format!("terraform/{stack}"));
        let names = |t: &[(String, String)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(names(&old), names(&new), "{stack}: files differ");
        let mut added_somewhere = false;
        for ((path, a), (_, b)) in old.iter().zip(&new) {
            let diff = similar::TextDiff::from_lines(a, b);
            let mut hunk = String::new();
            let mut hunks = Vec::new();
            for change in diff.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Delete => {
                        panic!("{stack}/{path}: adding a region removed a line: {change}")
                    }
                    similar::ChangeTag::Insert => hunk.push_str(change.value()),
                    similar::ChangeTag::Equal => {
                        if !hunk.is_empty() {
                            hunks.push(std::mem::take(&mut hunk));
                        }
                    }
                }
            }
            if !hunk.is_empty() {
                hunks.push(hunk);
            }
            for h in &hunks {
                added_somewhere = true;
                assert!(
                    h.contains("eu-north-1") || h.contains("eu_north_1"),
                    "{stack}/{path}: an added hunk does not mention the new region:\n{h}"
                );
            }
        }
        if stack == "security" {
            assert!(added_somewhere, "the security stack did not change");
            let providers = after.read("terraform/security/providers.tf");
            assert!(providers.contains("alias  = \"security_eu_north_1\""));
            assert!(providers.contains("alias  = \"management_eu_north_1\""));
            let guardduty = after.read("terraform/security/guardduty.tf");
            assert!(guardduty.contains("resource \"aws_guardduty_detector\" \"eu_north_1\""));
        } else {
            assert!(
                !added_somewhere,
                "the log archive does not depend on regions"
            );
        }
    }
}

#[test]
fn organization_trusts_exactly_the_services_in_use() {
    let f = generated(preset("enterprise"));
    let org = f.read("terraform/organization/organization.tf");
    for p in [
        "access-analyzer.amazonaws.com",
        "cloudtrail.amazonaws.com",
        "config-multiaccountsetup.amazonaws.com",
        "config.amazonaws.com",
        "guardduty.amazonaws.com",
        "malware-protection.guardduty.amazonaws.com",
        "securityhub.amazonaws.com",
        "sso.amazonaws.com",
    ] {
        assert!(org.contains(&format!("\"{p}\"")), "missing {p}:\n{org}");
    }
    // Switching services off removes their principals and their files.
    let text = preset("minimal")
        .replace(
            "guardduty: { enabled: true }",
            "guardduty: { enabled: false }",
        )
        .replace(
            "config: { enabled: true, aggregator: true }",
            "config: { enabled: false }",
        );
    let f = generated(&text);
    let org = f.read("terraform/organization/organization.tf");
    assert!(!org.contains("guardduty"), "{org}");
    assert!(!org.contains("config"), "{org}");
    assert!(org.contains("\"securityhub.amazonaws.com\""), "{org}");
    assert!(!f.exists("terraform/security/guardduty.tf"));
    assert!(!f.exists("terraform/security/config.tf"));
    assert!(f.exists("terraform/security/securityhub.tf"));
    let logs = f.read("terraform/log-archive/logs.tf");
    assert!(!logs.contains("config.amazonaws.com"), "{logs}");
}

#[test]
fn without_the_sections_there_are_no_foundation_stacks() {
    let text = preset("minimal");
    let cut = text
        .find("\nlogging:")
        .expect("minimal preset has logging:");
    let f = generated(&text[..cut]);
    assert!(!f.exists("terraform/log-archive"));
    assert!(!f.exists("terraform/security"));
    let org = f.read("terraform/organization/organization.tf");
    assert!(!org.contains("cloudtrail"), "{org}");
    let readme = f.read("terraform/README.md");
    assert!(!readme.contains("security/"), "{readme}");
}

#[test]
fn readme_lists_the_stacks_in_apply_order() {
    let f = generated(preset("smb"));
    let readme = f.read("terraform/README.md");
    let pos = |s: &str| {
        readme
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{readme}"))
    };
    assert!(pos("| 1 | `organization/`") < pos("`identity-center/`"));
    assert!(pos("`identity-center/`") < pos("| 3 | `log-archive/`"));
    assert!(
        pos("| 3 | `log-archive/`") < pos("| 4 | `security/` | management and `security` accounts")
    );
    assert!(pos("cd ../log-archive") < pos("cd ../security"));
}

#[test]
fn foundation_validation_errors_are_located() {
    let text = preset("minimal")
        .replace("  account: log_archive\n", "  account: log_archiv\n")
        .replace("retention_days: 2555", "retention_days: 40000")
        .replace("glacier_after_days: 90", "glacier_after_days: 0")
        .replace("retention_days: 365 }", "retention_days: 100 }")
        .replace("admin_account: security", "admin_account: securty")
        .replace(
            "cis-aws-foundations-benchmark-v3.0.0]",
            "cis-aws-foundations-benchmark-v3]",
        );
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(!f.exists("terraform"));
    insta::assert_snapshot!("foundation_validation_errors", o.stderr);
}

/// The checkov binary: LANDFORM_CHECKOV, else `checkov` on PATH.
fn checkov() -> Option<String> {
    let bin = std::env::var("LANDFORM_CHECKOV").unwrap_or_else(|_| "checkov".to_string());
    let ok = Command::new(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(bin)
}

#[test]
fn presets_pass_checkov() {
    let Some(bin) = checkov() else {
        return tools::missing(
            "presets_pass_checkov",
            "checkov (set LANDFORM_CHECKOV or put it on PATH)",
        );
    };
    for name in PRESETS {
        assert_checkov_clean(&bin, name, &generated(preset(name)));
    }
    // The bootstrap stack and the backends `state:` adds.
    let with_state = format!("{}\nstate: {{ bucket: acme-tfstate }}\n", preset("smb"));
    assert_checkov_clean(&bin, "smb with state", &generated(&with_state));
}

/// checkov over the fixture's `terraform/`: no failure, and every skip with a reason.
fn assert_checkov_clean(bin: &str, name: &str, f: &Fixture) {
    let out = Command::new(bin)
        .args([
            "-d",
            "terraform",
            "--framework",
            "terraform",
            "--skip-download",
        ])
        .args(["--quiet", "--compact", "-o", "json"])
        .current_dir(f.path())
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "preset {name}: checkov output is not JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let summary = &report["summary"];
    let passed = summary["passed"].as_u64().unwrap_or(0);
    let failed = summary["failed"].as_u64().unwrap_or(u64::MAX);
    assert!(
        passed > 50,
        "preset {name}: checkov passed only {passed}:\n{stdout}"
    );
    assert_eq!(failed, 0, "preset {name}: checkov failures:\n{stdout}");
    // Every skip carries a reason in the resource.
    let skips = report["results"]["skipped_checks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for s in skips {
        let comment = s["check_result"]["suppress_comment"].as_str().unwrap_or("");
        assert!(
            comment.len() > 20,
            "preset {name}: skip without a reason: {s}"
        );
    }
    assert!(
        out.status.success(),
        "preset {name}: checkov exit {:?}",
        out.status
    );
}

#[test]
fn logging_without_security_puts_only_the_trail_in_the_security_stack() {
    let text = preset("minimal");
    let cut = text
        .find("\nsecurity:")
        .expect("minimal preset has security:");
    let f = generated(&text[..cut]);
    let files: Vec<String> = f
        .tree("terraform/security")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(files, ["providers.tf", "terraform.tf", "trail.tf"]);
    let providers = f.read("terraform/security/providers.tf");
    assert!(!providers.contains("security_"), "{providers}");
    let org = f.read("terraform/organization/organization.tf");
    assert!(org.contains("\"cloudtrail.amazonaws.com\""), "{org}");
    assert!(!org.contains("guardduty"), "{org}");
}

#[test]
fn the_management_account_is_not_a_foundation_account_key() {
    let text = preset("minimal").replace("admin_account: security", "admin_account: management");
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr
            .contains("delegated administrator account cannot be `management`"),
        "{}",
        o.text()
    );
}

/// Fixes from a review of the generated security stacks and translated peer configurations.
mod review {
    use super::generated;
    use crate::fixture::{Fixture, preset};

    #[test]
    fn log_archive_as_security_admin_declares_each_alias_once() {
        let text = preset("minimal").replace("account: log_archive", "account: security");
        let f = generated(&text);
        let providers = f.read("terraform/security/providers.tf");
        let mut aliases: Vec<&str> = providers
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("alias"))
            .collect();
        let n = aliases.len();
        aliases.sort();
        aliases.dedup();
        assert_eq!(aliases.len(), n, "an alias declared twice:\n{providers}");
        assert!(n >= 1);
    }

    #[test]
    fn an_account_can_sit_directly_under_the_root() {
        let text = preset("minimal").replace(
            "  log_archive: { ou: security }\n",
            "  log_archive: { ou: security }\n  tooling:     { ou: root }\n",
        );
        let f = generated(&text);
        let accounts = f.read("terraform/organization/accounts.tf");
        let start = accounts
            .find("resource \"aws_organizations_account\" \"tooling\"")
            .expect("tooling account");
        let block = &accounts[start..start + accounts[start..].find("\n}\n").unwrap()];
        assert!(
            block.contains("parent_id         = local.root_id"),
            "{block}"
        );
    }

    #[test]
    fn a_parking_ou_under_the_teams_own_deny_all_scp_is_not_warned_empty() {
        let text = preset("minimal").replace(
            "  nonprod:   { name: NonProd, parent: workloads }\n",
            "  nonprod:   { name: NonProd, parent: workloads }\n  parked:    { name: Parked }\n",
        ) + "\npolicies:\n  park:\n    type: scp\n    file: park.json\n    attach: [parked]\n";
        let f = Fixture::with_blueprint(&text);
        f.write(
            "park.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
        );
        let o = f.run(&["validate"]);
        assert_eq!(o.code, 0, "{}", o.text());
        assert!(!o.stderr.contains("`parked`"), "{}", o.text());
        // Without the SCP, the empty OU is warned.
        let f = Fixture::with_blueprint(
            &text.replace("    attach: [parked]\n", "    attach: [nonprod]\n"),
        );
        f.write(
            "park.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#,
        );
        let o = f.run(&["validate"]);
        assert!(o.stderr.contains("`parked`"), "{}", o.text());
    }

    #[test]
    fn the_log_transition_storage_class_is_a_choice() {
        let text = preset("minimal").replace(
            "  glacier_after_days: 90\n",
            "  glacier_after_days: 90\n  transition_storage_class: DEEP_ARCHIVE\n",
        );
        let logs = generated(&text).read("terraform/log-archive/logs.tf");
        assert!(logs.contains("storage_class = \"DEEP_ARCHIVE\""), "{logs}");
        assert!(logs.contains("noncurrent_days = 30"), "{logs}");
        let f = Fixture::with_blueprint(&text.replace("DEEP_ARCHIVE", "TAPE"));
        let o = f.run(&["validate"]);
        assert_eq!(o.code, 2, "{}", o.text());
        assert!(o.stderr.contains("TAPE"), "{}", o.stderr);
    }

    #[test]
    fn guardduty_protection_plans_follow_the_blueprint() {
        let gd = generated(preset("minimal")).read("terraform/security/guardduty.tf");
        for on in [
            "S3_DATA_EVENTS",
            "EKS_AUDIT_LOGS",
            "EBS_MALWARE_PROTECTION",
            "RDS_LOGIN_EVENTS",
            "LAMBDA_NETWORK_LOGS",
        ] {
            assert!(
                gd.contains(&format!("name        = \"{on}\"")),
                "{on}:\n{gd}"
            );
        }
        assert!(!gd.contains("RUNTIME_MONITORING"), "{gd}");
        let text = preset("minimal").replace(
            "guardduty: { enabled: true }",
            "guardduty: { enabled: true, s3_protection: false, runtime_monitoring: true }",
        );
        let gd = generated(&text).read("terraform/security/guardduty.tf");
        assert!(!gd.contains("S3_DATA_EVENTS"), "{gd}");
        assert!(gd.contains("\"RUNTIME_MONITORING\""), "{gd}");
        assert!(
            gd.contains("name        = \"EC2_AGENT_MANAGEMENT\""),
            "{gd}"
        );
    }

    #[test]
    fn security_hub_uses_central_configuration_on_the_root() {
        let text =
            preset("minimal").replace("regions: [eu-west-1]", "regions: [eu-west-1, eu-central-1]");
        let sh = generated(&text).read("terraform/security/securityhub.tf");
        assert!(sh.contains("configuration_type = \"CENTRAL\""), "{sh}");
        assert!(sh.contains("resource \"aws_securityhub_finding_aggregator\" \"this\""));
        assert!(sh.contains("linking_mode = \"SPECIFIED_REGIONS\""), "{sh}");
        assert!(sh.contains("\"eu-central-1\","), "{sh}");
        assert!(
            sh.contains("target_id = data.aws_organizations_organization.this.roots[0].id"),
            "{sh}"
        );
        assert!(
            sh.contains("arn:aws:securityhub:eu-west-1::standards/"),
            "{sh}"
        );
        assert!(!sh.contains("auto_enable           = true"), "{sh}");
    }

    #[test]
    fn the_trail_key_lets_cloudtrail_decrypt_for_the_bucket_key() {
        let kms = generated(preset("minimal")).read("terraform/log-archive/kms.tf");
        let start = kms
            .find("Sid       = \"CloudTrailDecryptsForTheBucketKey\"")
            .expect(&kms);
        let stmt = &kms[start..start + kms[start..].find("},\n      {").unwrap()];
        assert!(
            stmt.contains("Service = \"cloudtrail.amazonaws.com\""),
            "{stmt}"
        );
        assert!(stmt.contains("Action    = \"kms:Decrypt\""), "{stmt}");
        assert!(
            stmt.contains("\"aws:SourceArn\" = local.trail_arn"),
            "{stmt}"
        );
        assert!(kms.contains("\"kms:EncryptionContext:aws:cloudtrail:arn\" = \"false\""));
    }

    #[test]
    fn ous_outside_the_region_guardrail_are_warned_unmonitored() {
        let text = preset("minimal").replace(
            "  region_restriction: [root]\n",
            "  region_restriction: [workloads]\n",
        );
        let o = Fixture::with_blueprint(&text).run(&["validate"]);
        assert_eq!(o.code, 0, "{}", o.text());
        assert!(
            o.stderr
                .contains("the region guardrail does not cover `security`"),
            "{}",
            o.text()
        );
        let o = Fixture::with_blueprint(preset("minimal")).run(&["validate"]);
        assert!(
            !o.stderr.contains("region guardrail does not cover"),
            "{}",
            o.text()
        );
    }

    #[test]
    fn assumed_roles_name_their_session() {
        let f = generated(preset("smb"));
        for stack in ["security", "log-archive", "baseline", "backup"] {
            let p = f.read(&format!("terraform/{stack}/providers.tf"));
            assert_eq!(
                p.matches("role_arn").count(),
                p.matches(&format!("session_name = \"landform-{stack}\""))
                    .count(),
                "{stack}:\n{p}"
            );
        }
        let cfg = f.read("terraform/security/config.tf");
        assert!(cfg.contains("\"aws:SourceAccount\""), "{cfg}");
    }
}
