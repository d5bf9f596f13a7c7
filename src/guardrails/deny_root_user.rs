use serde_json::json;

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_root_user",
    kind: PolicyType::Scp,
    summary: "Denies every action to the root user of member accounts: people sign in through \
              IAM Identity Center, and root credentials are kept for recovery only.",
    params: &[],
    build,
};

fn build(_: &Inputs) -> serde_json::Value {
    document(vec![json!({
        "Sid": "DenyRootUser",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {
            "StringLike": { "aws:PrincipalArn": ["arn:aws:iam::*:root"] }
        },
    })])
}
