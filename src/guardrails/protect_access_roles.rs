use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param, document};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "protect_access_roles",
    kind: PolicyType::Scp,
    summary: "Denies creating, changing or deleting the organization access role \
              (organization.access_role), the roles landform manages (named `landform-*`) and \
              the StackSets execution roles (`stacksets-exec-*`), so nobody in a member account \
              can lock the management account out, widen those roles, or edit their trust to act \
              as a principal other guardrails exempt; only the exempt roles may change them.",
    params: &[
        Param {
            name: "extra_roles",
            help: "more role names (or name patterns) to protect the same way",
        },
        Param {
            name: "exempt_roles",
            help: "role ARN patterns that may still change the protected roles; default the \
                   organization access role itself",
        },
    ],
    build,
};

const ACTIONS: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
];

/// The name pattern of roles landform itself creates in member accounts.
pub const MANAGED_ROLES: &str = "landform-*";

/// The name pattern of the roles service-managed StackSets run as in member accounts.
pub const STACKSET_ROLES: &str = "stacksets-exec-*";

fn build(inputs: &Inputs) -> Value {
    let access_role = &inputs.organization.access_role;
    let mut roles = vec![
        access_role.clone(),
        MANAGED_ROLES.to_string(),
        STACKSET_ROLES.to_string(),
    ];
    for extra in inputs.list("extra_roles", Vec::new()) {
        if !roles.contains(&extra) {
            roles.push(extra);
        }
    }
    let resources: Vec<String> = roles
        .iter()
        .map(|r| format!("arn:aws:iam::*:role/{r}"))
        .collect();
    let exempt = inputs.list(
        "exempt_roles",
        vec![format!("arn:aws:iam::*:role/{access_role}")],
    );
    let mut statement = json!({
        "Sid": "ProtectAccessRoles",
        "Effect": "Deny",
        "Action": ACTIONS,
        "Resource": resources,
    });
    if !exempt.is_empty() {
        statement["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalARN": exempt } });
    }
    document(vec![statement])
}
