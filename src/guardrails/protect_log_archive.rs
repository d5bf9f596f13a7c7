use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, data_list, default_exempt_roles, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "protect_log_archive",
    kind: PolicyType::Scp,
    summary: "Denies deleting or weakening the organization's log buckets and their KMS key in \
              the account that holds them: no deleting logs or buckets, no bucket policy, \
              lifecycle, versioning, encryption or Object Lock changes, no governance-mode \
              bypass, no disabling, re-keying or scheduling deletion of the log key. Attach it \
              to the log archive account. The organization access role and the StackSets \
              execution roles stay exempt.",
    params: &[
        Param {
            name: "exempt_roles",
            help: "role ARN patterns that may still change the log buckets and key; default the \
                   organization access role and the StackSets execution roles",
        },
        Param {
            name: "extra_buckets",
            help: "more bucket names (or name patterns) to protect the same way",
        },
    ],
    build,
};

const ACTIONS: &str = include_str!("../../data/guardrails/log-archive-actions.txt");

fn build(inputs: &Inputs) -> Value {
    // The buckets landform creates in the log archive account: `<prefix>-logs-<id>` and
    // `<prefix>-access-logs-<id>`; the key's alias is `alias/<prefix>-logs`.
    let prefix = crate::expand::bucket_prefix(&inputs.organization.name);
    let mut buckets = vec![
        format!("{prefix}-logs-*"),
        format!("{prefix}-access-logs-*"),
    ];
    for extra in inputs.list("extra_buckets", Vec::new()) {
        if !buckets.contains(&extra) {
            buckets.push(extra);
        }
    }
    let resources: Vec<String> = buckets
        .iter()
        .flat_map(|b| [format!("arn:aws:s3:::{b}"), format!("arn:aws:s3:::{b}/*")])
        .collect();
    let exempt = inputs.list("exempt_roles", default_exempt_roles(inputs.organization));
    let mut bucket = json!({
        "Sid": "ProtectLogBuckets",
        "Effect": "Deny",
        "Action": data_list(ACTIONS, Some("bucket")),
        "Resource": resources,
    });
    let mut key = json!({
        "Sid": "ProtectLogKey",
        "Effect": "Deny",
        "Action": data_list(ACTIONS, Some("key")),
        "Resource": "*",
        "Condition": {
            "ForAnyValue:StringEquals": { "kms:ResourceAliases": [format!("alias/{prefix}-logs")] },
        },
    });
    if !exempt.is_empty() {
        bucket["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
        key["Condition"]["ArnNotLike"] = json!({ "aws:PrincipalARN": exempt });
    }
    document(vec![bucket, key])
}
