use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_iam_users",
    kind: PolicyType::Scp,
    summary: "Denies creating IAM users, their access keys, service-specific credentials and \
              console passwords (and changing those passwords or the account password policy): \
              people sign in through IAM Identity Center and workloads use roles, so no \
              long-lived credentials exist to leak.",
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
        "Action": super::data_list(include_str!("../../data/guardrails/iam-user-actions.txt"), None),
        "Resource": "*",
    });
    if !exempt.is_empty() {
        statement["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
    }
    document(vec![statement])
}
