use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;
use crate::orgpolicy::placeholders::ORG_ID;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_external_access",
    kind: PolicyType::Rcp,
    summary: "A resource control policy that denies access to S3, SQS, KMS, Secrets Manager and \
              STS from principals outside the organization, and AWS services acting for \
              another organization, whatever a resource policy says. AWS services acting \
              directly are exempt, as AWS documents; a resource tagged \
              `dp:exclude:identity=true` (or `dp:exclude:source=true`) opts out.",
    params: &[Param {
        name: "trusted_org_ids",
        help: "more organization ids (a partner's) whose principals may also get in; default \
               none",
    }],
    build,
};

const IDENTITY_ACTIONS: &[&str] = &[
    "kms:*",
    "s3:*",
    "secretsmanager:*",
    "sqs:*",
    "sts:AssumeRole",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetContext",
];

fn build(inputs: &Inputs) -> Value {
    // AWS's data perimeter examples (resource_control_policies/identity_perimeter_rcp.json):
    // the org id comes from Terraform when it applies, through the `{{org_id}}` token.
    let mut orgs = vec![ORG_ID.to_string()];
    orgs.extend(inputs.list("trusted_org_ids", Vec::new()));
    document(vec![
        json!({
            "Sid": "EnforceOrgIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": IDENTITY_ACTIONS,
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {
                    "aws:PrincipalOrgID": orgs,
                    "aws:ResourceTag/dp:exclude:identity": "true",
                },
                "BoolIfExists": { "aws:PrincipalIsAWSService": "false" },
            },
        }),
        json!({
            "Sid": "EnforceConfusedDeputyProtection",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["kms:*", "s3:*", "secretsmanager:*", "sqs:*", "sts:*"],
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {
                    "aws:SourceOrgID": orgs,
                    "aws:ResourceTag/dp:exclude:source": "true",
                },
                "Null": { "aws:SourceAccount": "false" },
                "Bool": { "aws:PrincipalIsAWSService": "true" },
            },
        }),
    ])
}
