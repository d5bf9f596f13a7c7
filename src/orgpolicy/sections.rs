//! The tag policy built from `tagging:` and the backup policies built from `backup:`.

use serde_json::{Map, Value, json};

use super::placeholders;
use crate::blueprint::{Backup, BackupPlan, Ec2Attributes, Tagging, VpcBlockPublicAccess};

/// What the tag policy does, for its AWS description and the listing.
pub const TAG_SUMMARY: &str = "Tag policy from the blueprint's `tagging:` section: tag keys in \
                               the required case, their allowed values, and the resource types \
                               where they are enforced or required.";

/// The tag policy document: one entry per key, the policy key lowercased and `tag_key` in the
/// case the blueprint wrote.
pub fn tag_policy(tagging: &Tagging) -> Value {
    let mut tags = Map::new();
    for (key, rule) in &tagging.tags {
        let mut entry = Map::new();
        entry.insert("tag_key".into(), json!({ "@@assign": key }));
        if !rule.values.is_empty() {
            entry.insert("tag_value".into(), json!({ "@@assign": rule.values }));
        }
        if !rule.enforced_for.is_empty() {
            entry.insert(
                "enforced_for".into(),
                json!({ "@@assign": rule.enforced_for }),
            );
        }
        if !rule.required_for.is_empty() {
            entry.insert(
                "report_required_tag_for".into(),
                json!({ "@@assign": rule.required_for }),
            );
        }
        tags.insert(key.to_lowercase(), Value::Object(entry));
    }
    json!({ "tags": tags })
}

/// The description of an environment's backup policy.
pub fn backup_summary(env: &str, plan: &BackupPlan, backup: &Backup) -> String {
    format!(
        "Backup policy for the {env} environment: {} kept {} days, copied to the {} account's \
         vault in {}.",
        plan.schedule, plan.retention_days, backup.account, plan.copy_region
    )
}

/// The backup policy of one environment: a plan over the allowed regions, backing up resources
/// tagged `tag_key` into the account's own vault and copying each recovery point to the backup
/// account's vault in `copy_region`. The backup account's id is filled in by Terraform.
pub fn backup_policy(
    env: &str,
    plan: &BackupPlan,
    backup: &Backup,
    backup_account_key: &str,
    regions: &[String],
) -> Value {
    let copy_vault = format!(
        "arn:aws:backup:{}:{}:backup-vault:{}",
        plan.copy_region,
        placeholders::account_id(backup_account_key),
        backup.vault
    );
    let copy_days = plan.copy_retention_days.unwrap_or(plan.retention_days);
    let mut copy_actions = Map::new();
    copy_actions.insert(
        copy_vault.clone(),
        json!({
            "target_backup_vault_arn": { "@@assign": copy_vault },
            "lifecycle": { "delete_after_days": { "@@assign": copy_days.to_string() } },
        }),
    );
    json!({
        "plans": {
            env: {
                "regions": { "@@assign": regions },
                "rules": {
                    "scheduled": {
                        "schedule_expression": { "@@assign": plan.schedule },
                        "target_backup_vault_name": { "@@assign": backup.vault },
                        "lifecycle": {
                            "delete_after_days": { "@@assign": plan.retention_days.to_string() },
                        },
                        "copy_actions": copy_actions,
                    }
                },
                "selections": {
                    "tags": {
                        "tagged": {
                            "iam_role_arn": {
                                "@@assign": format!("arn:aws:iam::$account:role/{}", backup.role),
                            },
                            "tag_key": { "@@assign": backup.tag_key },
                            "tag_value": { "@@assign": backup.tag_values },
                        }
                    }
                },
            }
        }
    })
}

pub const EC2_SUMMARY: &str = "EC2 declarative policy from the blueprint's `baseline.ec2:` \
     section: account attributes AWS enforces in every baselined account";

/// The EC2 declarative policy of `baseline.ec2:`; `None` when it sets nothing.
pub fn ec2_declarative_policy(ec2: &Ec2Attributes) -> Option<Value> {
    if !ec2.enabled {
        return None;
    }
    let assign = |v: &str| json!({ "@@assign": v });
    let mut attrs = Map::new();
    if ec2.image_block_public_access {
        attrs.insert(
            "image_block_public_access".into(),
            json!({ "state": assign("block_new_sharing") }),
        );
    }
    if ec2.snapshot_block_public_access {
        attrs.insert(
            "snapshot_block_public_access".into(),
            json!({ "state": assign("block_all_sharing") }),
        );
    }
    if ec2.require_imdsv2 {
        attrs.insert(
            "instance_metadata_defaults".into(),
            json!({
                "http_tokens": assign("required"),
                "http_put_response_hop_limit": assign("2"),
                "http_endpoint": assign("enabled"),
                "instance_metadata_tags": assign("no_preference"),
            }),
        );
    }
    if ec2.block_serial_console {
        attrs.insert(
            "serial_console_access".into(),
            json!({ "status": assign("disabled") }),
        );
    }
    if ec2.vpc_block_public_access != VpcBlockPublicAccess::Off {
        attrs.insert(
            "vpc_block_public_access".into(),
            json!({
                "internet_gateway_block": {
                    "mode": assign(ec2.vpc_block_public_access.policy_value()),
                    "exclusions_allowed": assign("enabled"),
                }
            }),
        );
    }
    (!attrs.is_empty()).then(|| json!({ "ec2_attributes": attrs }))
}
