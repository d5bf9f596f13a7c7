use serde_json::{Value, json};

use super::{Guardrail, Inputs, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "enforce_tls",
    kind: PolicyType::Rcp,
    summary: "A resource control policy that denies any request made without TLS, whoever makes \
              it, to every service RCPs cover (S3, STS, KMS, SQS, Secrets Manager, Cognito, \
              CloudWatch Logs, DynamoDB, ECR, OpenSearch Serverless), so data never travels in \
              clear text.",
    params: &[],
    build,
};

/// Every service resource control policies apply to (AWS's RCP example
/// Restrict-access-to-only-HTTPS-connections-to-your-resources.json, MIT-0).
pub const RCP_SERVICES: &[&str] = &[
    "aoss:*",
    "cognito-identity:*",
    "cognito-idp:*",
    "dynamodb:*",
    "ecr:*",
    "kms:*",
    "logs:*",
    "s3:*",
    "secretsmanager:*",
    "sqs:*",
    "sts:*",
];

fn build(_: &Inputs) -> Value {
    // AWS's data perimeter example "EnforceSecureTransport".
    document(vec![json!({
        "Sid": "EnforceSecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": RCP_SERVICES,
        "Resource": "*",
        "Condition": { "BoolIfExists": { "aws:SecureTransport": "false" } },
    })])
}
