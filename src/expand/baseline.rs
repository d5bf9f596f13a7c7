//! `baseline:` → the baseline stack: which OUs the stack sets target (the largest subtrees
//! holding no excluded OU, or the root when nothing is excluded), the stack sets with their
//! parameters and regions, and the provider aliases (a constant number, whatever the number of
//! accounts).

use std::collections::BTreeSet;

use crate::blueprint::Blueprint;
use crate::model::baseline::{Baseline, InstanceRegion, OuLookup, OuTarget, Parameter, StackSet};
use crate::model::{Logging, Ou, Stack};

use super::foundation::provider;
use super::{allowed_regions, key_of};
use crate::naming::region_key;

/// The OU keys excluded from the baseline: the listed ones and every OU below them.
pub fn excluded(bp: &Blueprint, ous: &[Ou]) -> BTreeSet<String> {
    let Some(b) = &bp.baseline else {
        return BTreeSet::new();
    };
    let mut out: BTreeSet<String> = b.exclude.iter().cloned().collect();
    // `ous` is depth first, parents before children.
    for ou in ous {
        if ou.parent.as_ref().is_some_and(|p| out.contains(p)) {
            out.insert(ou.key.clone());
        }
    }
    out
}

/// Whether an OU's subtree holds an excluded OU.
fn holds_excluded(key: &str, ous: &[Ou], excluded: &BTreeSet<String>) -> bool {
    excluded.contains(key)
        || ous
            .iter()
            .filter(|o| o.parent.as_deref() == Some(key))
            .any(|o| holds_excluded(&o.key, ous, excluded))
}

/// The OU keys the stack sets target; `["root"]` when nothing is excluded.
pub fn target_keys(ous: &[Ou], excluded: &BTreeSet<String>) -> Vec<String> {
    if excluded.is_empty() {
        return vec!["root".to_string()];
    }
    ous.iter()
        .filter(|o| !holds_excluded(&o.key, ous, excluded))
        .filter(|o| {
            o.parent
                .as_deref()
                .is_none_or(|p| holds_excluded(p, ous, excluded))
        })
        .map(|o| o.key.clone())
        .collect()
}

fn ou_id(key: &str) -> String {
    if key == "root" {
        "local.root_id".to_string()
    } else {
        format!("data.aws_organizations_organizational_unit.{key}.id")
    }
}

fn literal(name: &str, value: impl ToString) -> Parameter {
    Parameter {
        name: name.to_string(),
        value: value.to_string(),
        literal: true,
    }
}

fn expression(name: &str, value: &str) -> Parameter {
    Parameter {
        name: name.to_string(),
        value: value.to_string(),
        literal: false,
    }
}

fn snapshot_frequency(hours: u32) -> &'static str {
    match hours {
        1 => "One_Hour",
        3 => "Three_Hours",
        6 => "Six_Hours",
        12 => "Twelve_Hours",
        _ => "TwentyFour_Hours",
    }
}

/// The targets (root or OU keys) as ids, and the OU lookups they need: every OU on the way
/// from the root to a target, parents first.
pub fn lookups_for(keys: &[String], ous: &[Ou]) -> (Vec<OuTarget>, Vec<OuLookup>) {
    let mut needed: BTreeSet<&str> = BTreeSet::new();
    for k in keys {
        let mut cur = ous.iter().find(|o| &o.key == k);
        while let Some(o) = cur {
            needed.insert(o.key.as_str());
            cur = o
                .parent
                .as_deref()
                .and_then(|p| ous.iter().find(|x| x.key == p));
        }
    }
    let lookups = ous
        .iter()
        .filter(|o| needed.contains(o.key.as_str()))
        .map(|o| OuLookup {
            key: o.key.clone(),
            name: o.name.clone(),
            parent_id: ou_id(o.parent.as_deref().unwrap_or("root")),
        })
        .collect();
    let targets = keys
        .iter()
        .map(|k| OuTarget {
            key: k.clone(),
            id: ou_id(k),
        })
        .collect();
    (targets, lookups)
}

pub fn expand(
    bp: &Blueprint,
    accounts: &[crate::model::Account],
    ous: &[Ou],
    logging: Option<&Logging>,
) -> Option<Baseline> {
    let b = bp.baseline.as_ref()?;
    let home = &bp.organization.home_region;
    let regions = allowed_regions(bp);
    let excluded = excluded(bp, ous);
    let keys = target_keys(ous, &excluded);

    let (targets, lookups) = lookups_for(&keys, ous);

    let mut providers = Vec::new();
    let (admin_account, admin_account_email, stack_set_provider, call_as) = match &b.admin_account {
        Some(a) => {
            let p = provider(a, accounts, home);
            let out = (
                Some(key_of(a)),
                p.email.clone(),
                format!("aws.{}", p.alias),
                "DELEGATED_ADMIN".to_string(),
            );
            providers.push(p);
            out
        }
        None => (None, String::new(), "aws".to_string(), "SELF".to_string()),
    };

    let every = || -> Vec<InstanceRegion> {
        regions
            .iter()
            .map(|r| InstanceRegion {
                region: r.clone(),
                key: region_key(r),
            })
            .collect()
    };
    let home_only = || {
        vec![InstanceRegion {
            region: home.clone(),
            key: region_key(home),
        }]
    };

    let mut stack_sets = Vec::new();
    if b.config.enabled {
        let l = logging.expect("validated: baseline.config needs logging");
        let key = if l.kms {
            providers.extend(l.providers.iter().cloned());
            expression("LogKeyArn", "data.aws_kms_alias.logs.target_key_arn")
        } else {
            literal("LogKeyArn", "")
        };
        stack_sets.push(StackSet {
            key: "config".to_string(),
            name: "landform-config".to_string(),
            description: "AWS Config recorder and delivery channel (landform baseline)".to_string(),
            template: "templates/config.yaml".to_string(),
            parameters: vec![
                literal("HomeRegion", home),
                expression("LogBucket", "local.log_bucket"),
                key,
                literal(
                    "SnapshotFrequency",
                    snapshot_frequency(b.config.snapshot_hours),
                ),
            ],
            regions: every(),
        });
    }
    if b.password_policy.enabled {
        let p = &b.password_policy;
        stack_sets.push(StackSet {
            key: "password_policy".to_string(),
            name: "landform-password-policy".to_string(),
            description: "IAM account password policy, re-applied daily (landform baseline)"
                .to_string(),
            template: "templates/password-policy.yaml".to_string(),
            parameters: vec![
                literal("MinimumPasswordLength", p.minimum_length),
                literal("MaxPasswordAge", p.max_age_days),
                literal("PasswordReusePrevention", p.reuse_prevention),
            ],
            regions: home_only(),
        });
    }
    if b.ebs_encryption.enabled {
        stack_sets.push(StackSet {
            key: "ebs_encryption".to_string(),
            name: "landform-ebs-encryption".to_string(),
            description: "EBS encryption by default, re-applied daily (landform baseline)"
                .to_string(),
            template: "templates/ebs-encryption.yaml".to_string(),
            parameters: Vec::new(),
            regions: every(),
        });
    }
    if b.s3_block_public_access.enabled {
        stack_sets.push(StackSet {
            key: "s3_block_public_access".to_string(),
            name: "landform-s3-block-public-access".to_string(),
            description:
                "S3 Block Public Access for the account, re-applied daily (landform baseline)"
                    .to_string(),
            template: "templates/s3-block-public-access.yaml".to_string(),
            parameters: Vec::new(),
            regions: home_only(),
        });
    }

    Some(Baseline {
        admin_account,
        admin_account_email,
        stack_set_provider,
        call_as,
        targets,
        lookups,
        excluded: excluded.into_iter().collect(),
        stack_sets,
        config: b.config.enabled,
        root_access_management: b.root_access_management.enabled,
        providers,
    })
}

/// Trusted service principals the baseline needs, unsorted.
pub fn service_principals(bp: &Blueprint) -> Vec<String> {
    let Some(b) = &bp.baseline else {
        return Vec::new();
    };
    let mut out = vec!["member.org.stacksets.cloudformation.amazonaws.com"];
    if b.root_access_management.enabled {
        out.push("iam.amazonaws.com");
    }
    out.into_iter().map(str::to_string).collect()
}

/// The baseline stack's row in the README.
pub fn stack(b: &Baseline) -> Stack {
    let mut holds: Vec<String> = Vec::new();
    if !b.stack_sets.is_empty() {
        let names: Vec<&str> = b.stack_sets.iter().map(|s| s.name.as_str()).collect();
        let whom = if b.targets.iter().any(|t| t.key == "root") {
            "every member account".to_string()
        } else {
            format!(
                "the member accounts of OUs {}",
                b.targets
                    .iter()
                    .map(|t| format!("`{}`", t.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        holds.push(format!(
            "service-managed StackSets {} for {whom}, new accounts included",
            names.join(", ")
        ));
    }
    if b.root_access_management {
        holds.push("centralized root access management".to_string());
    }
    Stack {
        name: "baseline".to_string(),
        runs_in: match &b.admin_account {
            Some(a) => format!("management and `{a}` (delegated StackSets admin) accounts"),
            None => "management account".to_string(),
        },
        holds: holds.join("; "),
    }
}
