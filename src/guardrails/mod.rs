//! The built-in guardrail library: parameterised policy documents a blueprint attaches by name.
//!
//! A new guardrail is one file in this folder defining a [`Guardrail`] constant, plus one line in
//! [`ALL`]. Its document is built with `serde_json::json!`, so blueprint strings (regions, role
//! patterns) reach the JSON through serde and can never break out of it.

mod ai_opt_out;
mod deny_all;
mod deny_disable_ebs_encryption;
mod deny_external_access;
mod deny_iam_users;
mod deny_leave_organization;
mod deny_root_user;
mod deny_s3_public_access_changes;
mod enforce_tls;
mod protect_access_roles;
mod protect_audit_logging;
mod protect_log_archive;
mod protect_perimeter_tags;
mod region_restriction;

use indexmap::IndexMap;
use serde_json::Value;

use crate::blueprint::{Organization, PolicyType};

/// One guardrail of the library.
pub struct Guardrail {
    /// The blueprint key under `guardrails:`.
    pub name: &'static str,
    pub kind: PolicyType,
    /// What it prevents and why, in a sentence or two (also the policy description in AWS).
    pub summary: &'static str,
    pub params: &'static [Param],
    pub build: fn(&Inputs) -> Value,
}

/// A parameter a guardrail takes from the blueprint (always a list of strings).
pub struct Param {
    pub name: &'static str,
    pub help: &'static str,
}

/// What a guardrail's document is built from.
pub struct Inputs<'a> {
    pub organization: &'a Organization,
    params: &'a IndexMap<String, serde_yaml::Value>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        organization: &'a Organization,
        params: &'a IndexMap<String, serde_yaml::Value>,
    ) -> Inputs<'a> {
        Inputs {
            organization,
            params,
        }
    }

    /// A list-of-strings parameter, or `default` when the blueprint does not set it.
    pub fn list(&self, name: &str, default: Vec<String>) -> Vec<String> {
        match self.params.get(name) {
            Some(value) => strings(value).unwrap_or_default(),
            None => default,
        }
    }
}

/// A parameter value as a list of strings; None when it is not one.
pub fn strings(value: &serde_yaml::Value) -> Option<Vec<String>> {
    value
        .as_sequence()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Every guardrail, in the order `landform guardrails` lists them.
pub const ALL: &[&Guardrail] = &[
    &deny_leave_organization::GUARDRAIL,
    &deny_root_user::GUARDRAIL,
    &region_restriction::GUARDRAIL,
    &protect_audit_logging::GUARDRAIL,
    &protect_access_roles::GUARDRAIL,
    &protect_log_archive::GUARDRAIL,
    &deny_s3_public_access_changes::GUARDRAIL,
    &deny_iam_users::GUARDRAIL,
    &deny_disable_ebs_encryption::GUARDRAIL,
    &deny_all::GUARDRAIL,
    &enforce_tls::GUARDRAIL,
    &deny_external_access::GUARDRAIL,
    &protect_perimeter_tags::GUARDRAIL,
    &ai_opt_out::GUARDRAIL,
];

pub fn find(name: &str) -> Option<&'static Guardrail> {
    ALL.iter().copied().find(|g| g.name == name)
}

/// The policy name in AWS for a guardrail key: `deny_root_user` → `deny-root-user`.
pub fn policy_name(key: &str) -> String {
    key.replace('_', "-")
}

/// An IAM policy document with these statements.
fn document(statements: Vec<Value>) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": statements,
    })
}

/// The entries of a list under `data/guardrails/`: one per line; `#` comments and blank lines
/// skipped. With `section`, only the lines after `[section]` up to the next `[...]`.
pub fn data_list(text: &'static str, section: Option<&str>) -> Vec<&'static str> {
    let mut current: Option<&str> = None;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name);
            continue;
        }
        if section.is_none() || section == current {
            out.push(line);
        }
    }
    out
}

/// The roles every protecting guardrail exempts by default: the organization access role
/// (landform's own stacks run through it) and the execution roles of service-managed
/// StackSets (how per-account baselines reach member accounts).
pub fn default_exempt_roles(organization: &Organization) -> Vec<String> {
    vec![
        format!("arn:aws:iam::*:role/{}", organization.access_role),
        STACKSET_EXECUTION_ROLES.to_string(),
    ]
}

/// The execution roles AWS CloudFormation StackSets creates in member accounts for
/// service-managed stack sets.
pub const STACKSET_EXECUTION_ROLES: &str = "arn:aws:iam::*:role/stacksets-exec-*";

#[cfg(test)]
mod tests {
    /// The summary is the policy's description in AWS, which takes at most 512 characters.
    #[test]
    fn every_summary_fits_an_aws_policy_description() {
        for g in super::ALL {
            let description = g.summary.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                description.chars().count() <= 512,
                "{}: {} characters",
                g.name,
                description.chars().count()
            );
        }
    }
}
