use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;
use crate::orgpolicy::placeholders::ORG_ID;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "deny_external_access",
    kind: PolicyType::Rcp,
    summary: "A resource control policy that denies access to S3, SQS, KMS, Secrets Manager, \
              STS, DynamoDB, ECR, CloudWatch Logs and OpenSearch Serverless from principals \
              outside the organization, and AWS services acting for another organization. AWS \
              services acting directly and the AWS-owned ELB log-delivery accounts of the \
              allowed regions are exempt; a resource tagged `dp:exclude:identity=true` (or \
              `dp:exclude:source=true`) opts out, so attach protect_perimeter_tags with it.",
    params: &[
        Param {
            name: "trusted_org_ids",
            help: "more organization ids (a partner's) whose principals may also get in; \
                   default none",
        },
        Param {
            name: "trusted_account_ids",
            help: "more account ids (a third party's, an AWS service account AWS documents) \
                   whose principals may also get in; default the ELB log-delivery accounts \
                   of the allowed regions",
        },
    ],
    build,
};

/// Cognito is left out: its sign-in calls carry no principal, which the identity check would
/// deny.
const IDENTITY_ACTIONS: &[&str] = &[
    "aoss:*",
    "dynamodb:*",
    "ecr:*",
    "kms:*",
    "logs:*",
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
    let org = inputs.organization;
    let regions: Vec<&str> = if org.regions.is_empty() {
        vec![org.home_region.as_str()]
    } else {
        org.regions.iter().map(String::as_str).collect()
    };
    let elb: Vec<String> = super::data_list(
        include_str!("../../data/guardrails/elb-log-delivery-accounts.txt"),
        None,
    )
    .into_iter()
    .filter_map(|l| l.split_once(' '))
    .filter(|(region, _)| regions.contains(region))
    .map(|(_, id)| id.to_string())
    .collect();
    let accounts = inputs.list("trusted_account_ids", elb);
    let mut identity = json!({
        "aws:PrincipalOrgID": orgs,
        "aws:ResourceTag/dp:exclude:identity": "true",
    });
    if !accounts.is_empty() {
        identity["aws:PrincipalAccount"] = json!(accounts);
    }
    document(vec![
        json!({
            "Sid": "EnforceOrgIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": IDENTITY_ACTIONS,
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": identity,
                "BoolIfExists": { "aws:PrincipalIsAWSService": "false" },
            },
        }),
        json!({
            "Sid": "EnforceConfusedDeputyProtection",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["aoss:*", "dynamodb:*", "ecr:*", "kms:*", "logs:*", "s3:*", "secretsmanager:*", "sqs:*", "sts:*"],
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
