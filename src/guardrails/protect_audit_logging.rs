use std::sync::OnceLock;

use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, data_list, default_exempt_roles, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "protect_audit_logging",
    kind: PolicyType::Scp,
    summary: "Denies stopping, deleting or weakening CloudTrail, AWS Config, GuardDuty, Security \
              Hub and IAM Access Analyzer (recorders, delivery channels, detectors, filters, \
              IP sets, publishing destinations, members, archive rules), so an intruder or a \
              mistake cannot blind the audit trail. The organization access role and the \
              StackSets execution roles that manage them stay exempt; attach \
              protect_access_roles too, so nobody can take those roles over.",
    params: &[Param {
        name: "exempt_roles",
        help: "role ARN patterns that may still change audit services; default the \
               organization access role and the StackSets execution roles in every account",
    }],
    build,
};

/// The protected actions (`data/guardrails/audit-logging-actions.txt`, with its sources).
pub fn actions() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        data_list(
            include_str!("../../data/guardrails/audit-logging-actions.txt"),
            None,
        )
    })
}

fn build(inputs: &Inputs) -> Value {
    let exempt = inputs.list("exempt_roles", default_exempt_roles(inputs.organization));
    let mut statement = json!({
        "Sid": "ProtectAuditLogging",
        "Effect": "Deny",
        "Action": actions(),
        "Resource": "*",
    });
    if !exempt.is_empty() {
        statement["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
    }
    document(vec![statement])
}
