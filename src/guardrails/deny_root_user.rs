use serde_json::json;

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_root_user",
    kind: PolicyType::Scp,
    summary: "Denies every action to the root user of member accounts: people sign in through \
              IAM Identity Center, and root credentials are kept for recovery only. Centralized \
              root access sessions (sts:AssumeRoot from the management account) stay possible, \
              as in AWS's own control.",
    params: &[],
    build,
};

fn build(_: &Inputs) -> serde_json::Value {
    document(vec![json!({
        "Sid": "DenyRootUser",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        // AWS Control Tower's AWS-GR_RESTRICT_ROOT_USER with ExemptAssumeRoot: a root session
        // opened with sts:AssumeRoot carries aws:AssumedRoot and is left alone.
        "Condition": {
            "ArnLike": { "aws:PrincipalArn": ["arn:*:iam::*:root"] },
            "Null": { "aws:AssumedRoot": "true" },
        },
    })])
}
