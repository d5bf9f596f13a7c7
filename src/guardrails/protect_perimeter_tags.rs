use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, default_exempt_roles, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "protect_perimeter_tags",
    kind: PolicyType::Scp,
    summary: "Denies adding, changing or removing the data perimeter's `dp:` tags (such as \
              `dp:exclude:identity`, which takes a resource out of deny_external_access) on any \
              resource or principal, so only the exempt roles can opt something out of the \
              perimeter. AWS pairs its perimeter RCPs with this governance SCP.",
    params: &[Param {
        name: "exempt_roles",
        help: "role ARN patterns that may still set `dp:` tags; default the organization \
               access role and the StackSets execution roles",
    }],
    build,
};

fn build(inputs: &Inputs) -> Value {
    // AWS's data perimeter example "ProtectDataPerimeterTags"
    // (service_control_policies/data_perimeter_governance_scp.json), keyed on roles instead of
    // a `team` principal tag.
    let exempt = inputs.list("exempt_roles", default_exempt_roles(inputs.organization));
    let mut condition = json!({ "ForAnyValue:StringLike": { "aws:TagKeys": ["dp:*"] } });
    if !exempt.is_empty() {
        condition["ArnNotLike"] = json!({ "aws:PrincipalARN": exempt });
    }
    document(vec![json!({
        "Sid": "ProtectDataPerimeterTags",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": condition,
    })])
}
