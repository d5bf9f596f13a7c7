use serde_json::json;

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_leave_organization",
    kind: PolicyType::Scp,
    summary: "Denies organizations:LeaveOrganization, so no member account can take itself \
              (and its guardrails, logs and bills) out of the organization.",
    params: &[],
    build,
};

fn build(_: &Inputs) -> serde_json::Value {
    document(vec![json!({
        "Sid": "DenyLeaveOrganization",
        "Effect": "Deny",
        "Action": ["organizations:LeaveOrganization"],
        "Resource": "*",
    })])
}
