use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "region_restriction",
    kind: PolicyType::Scp,
    summary: "Denies requests outside the organization's allowed regions (organization.regions), \
              except for global services that only answer in us-east-1, so data stays where the \
              organization says and unused regions cannot be abused.",
    params: &[
        Param {
            name: "exempt_roles",
            help: "role ARN patterns that may act in any region (break-glass, automation); \
                   default none",
        },
        Param {
            name: "extra_global_actions",
            help: "more actions exempt from the region check, added to the built-in list of \
                   global services",
        },
    ],
    build,
};

/// Global services: their API lives in one region (mostly us-east-1), so a region-deny must
/// leave them alone or it breaks IAM, billing and DNS. The list is data, with its sources:
/// `data/guardrails/global-actions.txt`.
pub fn global_actions() -> &'static [&'static str] {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        super::data_list(
            include_str!("../../data/guardrails/global-actions.txt"),
            None,
        )
    })
}

fn build(inputs: &Inputs) -> Value {
    let org = inputs.organization;
    let regions: Vec<String> = if org.regions.is_empty() {
        vec![org.home_region.clone()]
    } else {
        org.regions.clone()
    };
    let mut not_action: Vec<String> = global_actions().iter().map(|s| s.to_string()).collect();
    for extra in inputs.list("extra_global_actions", Vec::new()) {
        if !not_action.contains(&extra) {
            not_action.push(extra);
        }
    }
    let mut condition = json!({
        "StringNotEquals": { "aws:RequestedRegion": regions },
    });
    let exempt = inputs.list("exempt_roles", Vec::new());
    if !exempt.is_empty() {
        condition["ArnNotLike"] = json!({ "aws:PrincipalARN": exempt });
    }
    document(vec![json!({
        "Sid": "DenyOutsideAllowedRegions",
        "Effect": "Deny",
        "NotAction": not_action,
        "Resource": "*",
        "Condition": condition,
    })])
}
