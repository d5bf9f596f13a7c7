use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_s3_public_access_changes",
    kind: PolicyType::Scp,
    summary: "Denies changing or removing the account-level S3 Block Public Access settings, so \
              no bucket in the account can be made public by accident.",
    params: &[Param {
        name: "exempt_roles",
        help: "role ARN patterns that may still change the setting; default the organization \
               access role and the role the baseline sets it with \
               (`landform-s3-block-public-access`)",
    }],
    build,
};

fn build(inputs: &Inputs) -> Value {
    let exempt = inputs.list(
        "exempt_roles",
        vec![
            format!("arn:aws:iam::*:role/{}", inputs.organization.access_role),
            // The baseline's Systems Manager Automation role sets the block in every account.
            "arn:aws:iam::*:role/landform-s3-block-public-access".to_string(),
        ],
    );
    let mut statement = json!({
        "Sid": "DenyS3AccountPublicAccessChanges",
        "Effect": "Deny",
        "Action": ["s3:PutAccountPublicAccessBlock"],
        "Resource": "*",
    });
    if !exempt.is_empty() {
        statement["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
    }
    document(vec![statement])
}
