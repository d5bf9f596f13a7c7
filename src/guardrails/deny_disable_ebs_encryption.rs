use serde_json::{Value, json};

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_disable_ebs_encryption",
    kind: PolicyType::Scp,
    summary: "Denies turning off EBS encryption by default, so every new volume and snapshot in \
              the account stays encrypted.",
    params: &[],
    build,
};

fn build(_: &Inputs) -> Value {
    document(vec![json!({
        "Sid": "DenyDisableEbsEncryptionByDefault",
        "Effect": "Deny",
        "Action": ["ec2:DisableEbsEncryptionByDefault"],
        "Resource": "*",
    })])
}
