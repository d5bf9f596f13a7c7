use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_iam_users",
    kind: PolicyType::Scp,
    summary: "Denies creating IAM users, their console passwords and access keys: people sign in \
              through IAM Identity Center and workloads use roles, so no long-lived credentials \
              exist to leak.",
    params: &[Param {
        name: "exempt_roles",
        help: "role ARN patterns that may still create users and keys (a legacy integration); \
               default none",
    }],
    build,
};

fn build(inputs: &Inputs) -> Value {
    let exempt = inputs.list("exempt_roles", Vec::new());
    let mut statement = json!({
        "Sid": "DenyIamUsersAndAccessKeys",
        "Effect": "Deny",
        "Action": ["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreateUser"],
        "Resource": "*",
    });
    if !exempt.is_empty() {
        statement["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
    }
    document(vec![statement])
}
