use serde_json::json;

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_all",
    kind: PolicyType::Scp,
    summary: "Denies everything: for the Suspended OU, where accounts wait to be closed and \
              nothing in them may run.",
    params: &[],
    build,
};

fn build(_: &Inputs) -> serde_json::Value {
    document(vec![json!({
        "Sid": "DenyAll",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
    })])
}
