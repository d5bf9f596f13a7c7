use serde_json::{Value, json};

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "enforce_tls",
    kind: PolicyType::Rcp,
    summary: "A resource control policy that denies any request to S3, SQS, KMS, Secrets Manager \
              and STS made without TLS, whoever makes it, so data never travels in clear text.",
    params: &[],
    build,
};

fn build(_: &Inputs) -> Value {
    // AWS's data perimeter example "EnforceSecureTransport".
    document(vec![json!({
        "Sid": "EnforceSecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": ["kms:*", "s3:*", "secretsmanager:*", "sqs:*", "sts:*"],
        "Resource": "*",
        "Condition": { "BoolIfExists": { "aws:SecureTransport": "false" } },
    })])
}
