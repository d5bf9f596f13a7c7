use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "protect_audit_logging",
    kind: PolicyType::Scp,
    summary: "Denies stopping, deleting or weakening CloudTrail, AWS Config, GuardDuty, Security \
              Hub and IAM Access Analyzer, so an intruder or a mistake cannot blind the audit \
              trail. The organization access role that manages them stays exempt.",
    params: &[Param {
        name: "exempt_roles",
        help: "role ARN patterns that may still change audit services; default the \
               organization access role in every account",
    }],
    build,
};

const ACTIONS: &[&str] = &[
    "cloudtrail:DeleteTrail",
    "cloudtrail:PutEventSelectors",
    "cloudtrail:StopLogging",
    "cloudtrail:UpdateTrail",
    "config:DeleteConfigRule",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:StopConfigurationRecorder",
    "guardduty:CreateFilter",
    "guardduty:DeleteDetector",
    "guardduty:DeleteMembers",
    "guardduty:DisassociateFromAdministratorAccount",
    "guardduty:DisassociateFromMasterAccount",
    "guardduty:StopMonitoringMembers",
    "guardduty:UpdateDetector",
    "securityhub:BatchDisableStandards",
    "securityhub:DeleteInvitations",
    "securityhub:DisableSecurityHub",
    "securityhub:DisassociateFromAdministratorAccount",
    "securityhub:DisassociateFromMasterAccount",
    "access-analyzer:DeleteAnalyzer",
];

fn build(inputs: &Inputs) -> Value {
    let default_role = format!("arn:aws:iam::*:role/{}", inputs.organization.access_role);
    let exempt = inputs.list("exempt_roles", vec![default_role]);
    let mut statement = json!({
        "Sid": "ProtectAuditLogging",
        "Effect": "Deny",
        "Action": ACTIONS,
        "Resource": "*",
    });
    if !exempt.is_empty() {
        statement["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
    }
    document(vec![statement])
}
