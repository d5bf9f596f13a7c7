//! Structural checks on AWS Organizations policy documents.
//!
//! SCPs and RCPs use the IAM policy grammar and are checked in depth (elements,
//! effects, principals, actions against the catalogue, condition operators).
//! Tag, backup, AI opt-out and declarative policies use the management-policy grammar
//! (`@@assign` etc.), checked against each type's fields by [`super::management`].

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use super::catalogue::{check_action, is_condition_operator};
use crate::blueprint::PolicyType as PolicyKind;

/// One problem found in a document. `path` locates it, e.g. `Statement[2].Action[0]`
/// (empty for the document itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub message: String,
    /// AWS accepts the document anyway (a retired action name, an unlisted AI service).
    pub warning: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The only policy language version AWS Organizations accepts for SCPs/RCPs.
pub const IAM_POLICY_VERSION: &str = "2012-10-17";

const TOP_LEVEL_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Lint `doc` as a policy of type `kind`. An empty result means no problems found.
pub fn lint(kind: PolicyKind, doc: &Value) -> Vec<Finding> {
    let mut out = Findings::default();
    let Some(obj) = doc.as_object() else {
        out.push("", "policy document must be a JSON object".to_string());
        return out.0;
    };
    if kind.is_authorization() {
        lint_iam(kind, obj, &mut out);
    } else {
        for p in super::management::lint(kind, obj) {
            out.0.push(Finding {
                path: p.path,
                message: p.message,
                warning: p.warning,
            });
        }
    }
    out.0
}

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn push(&mut self, path: impl Into<String>, message: String) {
        self.0.push(Finding {
            path: path.into(),
            message,
            warning: false,
        });
    }

    fn warn(&mut self, path: impl Into<String>, message: String) {
        self.0.push(Finding {
            path: path.into(),
            message,
            warning: true,
        });
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Short rendering of a JSON value for messages.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------- SCP / RCP

fn lint_iam(kind: PolicyKind, doc: &Map<String, Value>, out: &mut Findings) {
    for key in doc.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            out.push(
                key.as_str(),
                format!("unknown top-level element `{key}`; expected Version, Id or Statement"),
            );
        }
    }

    match doc.get("Version") {
        None => out.push(
            "",
            format!("missing `Version`; expected \"{IAM_POLICY_VERSION}\""),
        ),
        Some(Value::String(v)) if v == IAM_POLICY_VERSION => {}
        Some(v) => out.push(
            "Version",
            format!(
                "`Version` must be \"{IAM_POLICY_VERSION}\", found {}",
                show(v)
            ),
        ),
    }

    let mut sids = HashSet::new();
    match doc.get("Statement") {
        None => out.push("", "missing `Statement`".to_string()),
        Some(Value::Object(st)) => lint_statement(kind, "Statement", st, &mut sids, out),
        Some(Value::Array(list)) if list.is_empty() => {
            out.push("Statement", "`Statement` must not be empty".to_string())
        }
        Some(Value::Array(list)) => {
            for (i, st) in list.iter().enumerate() {
                let path = format!("Statement[{i}]");
                match st {
                    Value::Object(st) => lint_statement(kind, &path, st, &mut sids, out),
                    other => out.push(
                        path,
                        format!("statement must be an object, found {}", type_name(other)),
                    ),
                }
            }
        }
        Some(other) => out.push(
            "Statement",
            format!(
                "`Statement` must be an object or an array, found {}",
                type_name(other)
            ),
        ),
    }
}

fn lint_statement<'a>(
    kind: PolicyKind,
    path: &str,
    st: &'a Map<String, Value>,
    sids: &mut HashSet<&'a str>,
    out: &mut Findings,
) {
    for key in st.keys() {
        if !STATEMENT_KEYS.contains(&key.as_str()) {
            out.push(
                join(path, key),
                format!("unknown statement element `{key}`"),
            );
        }
    }

    // Sid
    match st.get("Sid") {
        None => {}
        Some(Value::String(sid)) => {
            if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push(
                    join(path, "Sid"),
                    format!("`Sid` must contain only letters and digits, found \"{sid}\""),
                );
            }
            if !sids.insert(sid.as_str()) {
                out.push(join(path, "Sid"), format!("duplicate `Sid` \"{sid}\""));
            }
        }
        Some(other) => out.push(
            join(path, "Sid"),
            format!("`Sid` must be a string, found {}", type_name(other)),
        ),
    }

    // Effect
    match st.get("Effect") {
        None => out.push(path, "missing `Effect`".to_string()),
        Some(Value::String(e)) if e == "Deny" => {}
        Some(Value::String(e)) if e == "Allow" => {
            if kind == PolicyKind::Rcp {
                out.push(
                    join(path, "Effect"),
                    "RCP statements must use `\"Effect\": \"Deny\"` \
                     (only the AWS-managed RCPFullAWSAccess may Allow)"
                        .to_string(),
                );
            }
        }
        Some(v) => out.push(
            join(path, "Effect"),
            format!("`Effect` must be \"Allow\" or \"Deny\", found {}", show(v)),
        ),
    }

    // Principal / NotPrincipal
    match kind {
        PolicyKind::Scp => {
            for key in ["Principal", "NotPrincipal"] {
                if st.contains_key(key) {
                    out.push(join(path, key), format!("`{key}` is not allowed in an SCP"));
                }
            }
        }
        PolicyKind::Rcp => {
            match st.get("Principal") {
                None => out.push(
                    path,
                    "missing `Principal`; RCP statements need `\"Principal\": \"*\"`".to_string(),
                ),
                Some(Value::String(p)) if p == "*" => {}
                Some(v) => out.push(
                    join(path, "Principal"),
                    format!("`Principal` in an RCP must be \"*\", found {}", show(v)),
                ),
            }
            if st.contains_key("NotPrincipal") {
                out.push(
                    join(path, "NotPrincipal"),
                    "`NotPrincipal` is not allowed in an RCP".to_string(),
                );
            }
        }
        _ => {}
    }

    // Action / NotAction
    match (st.get("Action"), st.get("NotAction")) {
        (None, None) => out.push(path, "missing `Action` or `NotAction`".to_string()),
        (Some(_), Some(_)) => out.push(
            path,
            "`Action` and `NotAction` cannot both be present".to_string(),
        ),
        (Some(v), None) => lint_actions(&join(path, "Action"), "Action", v, out),
        (None, Some(v)) => lint_actions(&join(path, "NotAction"), "NotAction", v, out),
    }

    // Resource / NotResource
    match (st.get("Resource"), st.get("NotResource")) {
        (Some(_), Some(_)) => out.push(
            path,
            "`Resource` and `NotResource` cannot both be present".to_string(),
        ),
        (Some(v), None) => lint_resources(&join(path, "Resource"), "Resource", v, out),
        (None, Some(v)) => lint_resources(&join(path, "NotResource"), "NotResource", v, out),
        (None, None) => {}
    }

    if let Some(c) = st.get("Condition") {
        lint_condition(&join(path, "Condition"), c, out);
    }
}

/// Apply `each` to the string entries of a string-or-array-of-strings element.
fn for_each_string(
    path: &str,
    element: &str,
    v: &Value,
    out: &mut Findings,
    mut each: impl FnMut(&str, &str, &mut Findings),
) {
    match v {
        Value::String(s) => each(path, s, out),
        Value::Array(items) if items.is_empty() => {
            out.push(path, format!("`{element}` must not be empty"))
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                match item {
                    Value::String(s) => each(&p, s, out),
                    other => out.push(
                        p,
                        format!(
                            "`{element}` entries must be strings, found {}",
                            type_name(other)
                        ),
                    ),
                }
            }
        }
        other => out.push(
            path,
            format!(
                "`{element}` must be a string or an array of strings, found {}",
                type_name(other)
            ),
        ),
    }
}

fn lint_actions(path: &str, element: &str, v: &Value, out: &mut Findings) {
    for_each_string(path, element, v, out, |p, action, out| {
        match check_action(action) {
            Ok(()) => {}
            Err(problem) if problem.is_warning() => out.warn(p, problem.to_string()),
            Err(problem) => out.push(p, problem.to_string()),
        }
    });
}

fn lint_resources(path: &str, element: &str, v: &Value, out: &mut Findings) {
    for_each_string(path, element, v, out, |p, r, out| {
        if r != "*" && !r.starts_with("arn:") {
            out.push(
                p,
                format!("`{element}` entries must be \"*\" or an ARN, found \"{r}\""),
            );
        }
    });
}

fn lint_condition(path: &str, v: &Value, out: &mut Findings) {
    let Value::Object(ops) = v else {
        out.push(
            path,
            format!("`Condition` must be an object, found {}", type_name(v)),
        );
        return;
    };
    for (op, block) in ops {
        let p = join(path, op);
        if !is_condition_operator(op) {
            out.push(p.clone(), format!("unknown condition operator `{op}`"));
        }
        match block {
            Value::Object(keys) if keys.is_empty() => out.push(
                p,
                format!("condition operator `{op}` has no condition keys"),
            ),
            Value::Object(keys) => {
                for (key, value) in keys {
                    let ok = match value {
                        Value::String(_) | Value::Bool(_) | Value::Number(_) => true,
                        Value::Array(items) => items.iter().all(|i| {
                            matches!(i, Value::String(_) | Value::Bool(_) | Value::Number(_))
                        }),
                        _ => false,
                    };
                    if !ok {
                        out.push(
                            join(&p, key),
                            format!(
                                "condition value for `{key}` must be a string, number, boolean \
                                 or an array of them, found {}",
                                type_name(value)
                            ),
                        );
                    }
                }
            }
            other => out.push(
                p,
                format!(
                    "condition operator `{op}` must map to an object of condition keys, found {}",
                    type_name(other)
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::catalogue::{ActionProblem, catalogue};
    use super::*;
    use serde_json::json;

    fn good_scp() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyLeaveOrg",
                "Effect": "Deny",
                "Action": "organizations:LeaveOrganization",
                "Resource": "*"
            }, {
                "Sid": "DenyOutsideRegions",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "s3:GetAccountPublicAccessBlock"],
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]},
                    "ArnNotLikeIfExists": {"aws:PrincipalARN": "arn:aws:iam::*:role/Admin"},
                    "ForAnyValue:StringLike": {"aws:TagKeys": "team*"},
                    "Bool": {"aws:ViaAWSService": false}
                }
            }]
        })
    }

    fn good_rcp() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": {
                "Sid": "EnforceTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:*", "sqs:*", "kms:*", "sts:*", "secretsmanager:*"],
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}
            }
        })
    }

    /// Lint `doc` and return the findings rendered as `path: message`.
    fn run(kind: PolicyKind, doc: &Value) -> Vec<String> {
        lint(kind, doc).iter().map(Finding::to_string).collect()
    }

    /// Apply `edit` to statement 0 of the good SCP and lint it.
    fn scp_with(edit: impl FnOnce(&mut Map<String, Value>)) -> Vec<String> {
        let mut doc = good_scp();
        edit(doc["Statement"][0].as_object_mut().unwrap());
        run(PolicyKind::Scp, &doc)
    }

    fn rcp_with(edit: impl FnOnce(&mut Map<String, Value>)) -> Vec<String> {
        let mut doc = good_rcp();
        edit(doc["Statement"].as_object_mut().unwrap());
        run(PolicyKind::Rcp, &doc)
    }

    #[test]
    fn good_documents_have_no_findings() {
        assert_eq!(run(PolicyKind::Scp, &good_scp()), Vec::<String>::new());
        assert_eq!(run(PolicyKind::Rcp, &good_rcp()), Vec::<String>::new());
        // AWS's default SCP.
        let full_access = json!({"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert!(lint(PolicyKind::Scp, &full_access).is_empty());
    }

    #[test]
    fn document_must_be_object() {
        for kind in [
            PolicyKind::Scp,
            PolicyKind::Rcp,
            PolicyKind::Tag,
            PolicyKind::Backup,
            PolicyKind::AiOptOut,
        ] {
            assert_eq!(
                lint(kind, &json!([])),
                vec![Finding {
                    path: String::new(),
                    message: "policy document must be a JSON object".into(),
                    warning: false,
                }]
            );
        }
    }

    #[test]
    fn version() {
        let mut doc = good_scp();
        doc["Version"] = json!("2008-10-17");
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            ["Version: `Version` must be \"2012-10-17\", found \"2008-10-17\""]
        );
        doc.as_object_mut().unwrap().shift_remove("Version");
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            ["missing `Version`; expected \"2012-10-17\""]
        );
    }

    #[test]
    fn unknown_top_level_element() {
        let mut doc = good_scp();
        doc["Statements"] = json!([]);
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            [
                "Statements: unknown top-level element `Statements`; expected Version, Id or Statement"
            ]
        );
    }

    #[test]
    fn statement_shape() {
        let mut doc = good_scp();
        doc["Statement"] = json!("nope");
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            ["Statement: `Statement` must be an object or an array, found a string"]
        );
        doc["Statement"] = json!([]);
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            ["Statement: `Statement` must not be empty"]
        );
        doc["Statement"] = json!([42]);
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            ["Statement[0]: statement must be an object, found a number"]
        );
        doc.as_object_mut().unwrap().shift_remove("Statement");
        assert_eq!(run(PolicyKind::Scp, &doc), ["missing `Statement`"]);
    }

    #[test]
    fn unknown_statement_element() {
        assert_eq!(
            scp_with(|s| {
                s.insert("Actions".into(), json!("s3:*"));
            }),
            ["Statement[0].Actions: unknown statement element `Actions`"]
        );
    }

    #[test]
    fn effect() {
        assert_eq!(
            scp_with(|s| {
                s.insert("Effect".into(), json!("deny"));
            }),
            ["Statement[0].Effect: `Effect` must be \"Allow\" or \"Deny\", found \"deny\""]
        );
        assert_eq!(
            scp_with(|s| {
                s.shift_remove("Effect");
            }),
            ["Statement[0]: missing `Effect`"]
        );
        assert_eq!(
            rcp_with(|s| {
                s.insert("Effect".into(), json!("Allow"));
            }),
            [
                "Statement.Effect: RCP statements must use `\"Effect\": \"Deny\"` \
                 (only the AWS-managed RCPFullAWSAccess may Allow)"
            ]
        );
    }

    #[test]
    fn scp_principals() {
        assert_eq!(
            scp_with(|s| {
                s.insert("Principal".into(), json!("*"));
            }),
            ["Statement[0].Principal: `Principal` is not allowed in an SCP"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("NotPrincipal".into(), json!({"AWS": "*"}));
            }),
            ["Statement[0].NotPrincipal: `NotPrincipal` is not allowed in an SCP"]
        );
    }

    #[test]
    fn rcp_principals() {
        assert_eq!(
            rcp_with(|s| {
                s.shift_remove("Principal");
            }),
            ["Statement: missing `Principal`; RCP statements need `\"Principal\": \"*\"`"]
        );
        assert_eq!(
            rcp_with(|s| {
                s.insert("Principal".into(), json!({"AWS": "*"}));
            }),
            ["Statement.Principal: `Principal` in an RCP must be \"*\", found {\"AWS\":\"*\"}"]
        );
        assert_eq!(
            rcp_with(|s| {
                s.insert("NotPrincipal".into(), json!({"AWS": "*"}));
            }),
            ["Statement.NotPrincipal: `NotPrincipal` is not allowed in an RCP"]
        );
    }

    #[test]
    fn action_presence() {
        assert_eq!(
            scp_with(|s| {
                s.shift_remove("Action");
            }),
            ["Statement[0]: missing `Action` or `NotAction`"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("NotAction".into(), json!("s3:*"));
            }),
            ["Statement[0]: `Action` and `NotAction` cannot both be present"]
        );
    }

    #[test]
    fn action_entries() {
        assert_eq!(
            scp_with(|s| {
                s.insert(
                    "Action".into(),
                    json!([
                        "s3:GetObjectz",
                        "GetObject",
                        "s4:GetObject",
                        "s3:Frob*",
                        7,
                        "ec2:*"
                    ]),
                );
            }),
            [
                "Statement[0].Action[0]: unknown action `s3:GetObjectz` in service s3; did you mean `s3:GetObject`?",
                "Statement[0].Action[1]: action `GetObject` has no service prefix; expected `service:Action` or `*`",
                "Statement[0].Action[2]: unknown service prefix `s4`; did you mean `s3`?",
                "Statement[0].Action[3]: `s3:Frob*` matches no action in service s3",
                "Statement[0].Action[4]: `Action` entries must be strings, found a number",
            ]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Action".into(), json!([]));
            }),
            ["Statement[0].Action: `Action` must not be empty"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Action".into(), json!({"s3": "*"}));
            }),
            [
                "Statement[0].Action: `Action` must be a string or an array of strings, found an object"
            ]
        );
        let mut doc = good_scp();
        doc["Statement"][1]["NotAction"][1] = json!("stss:*");
        assert_eq!(
            run(PolicyKind::Scp, &doc),
            ["Statement[1].NotAction[1]: unknown service prefix `stss`; did you mean `sts`?"]
        );
    }

    #[test]
    fn resources() {
        assert_eq!(
            scp_with(|s| {
                s.insert("NotResource".into(), json!("*"));
            }),
            ["Statement[0]: `Resource` and `NotResource` cannot both be present"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Resource".into(), json!(["arn:aws:s3:::b/*", "my-bucket"]));
            }),
            [
                "Statement[0].Resource[1]: `Resource` entries must be \"*\" or an ARN, found \"my-bucket\""
            ]
        );
        // Resource is optional.
        assert_eq!(
            scp_with(|s| {
                s.shift_remove("Resource");
            }),
            Vec::<String>::new()
        );
    }

    #[test]
    fn conditions() {
        assert_eq!(
            scp_with(|s| {
                s.insert(
                    "Condition".into(),
                    json!({"StringEqualz": {"aws:PrincipalTag/team": "x"}}),
                );
            }),
            ["Statement[0].Condition.StringEqualz: unknown condition operator `StringEqualz`"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert(
                    "Condition".into(),
                    json!({"NullIfExists": {"aws:TagKeys": true}}),
                );
            }),
            ["Statement[0].Condition.NullIfExists: unknown condition operator `NullIfExists`"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Condition".into(), json!(["StringEquals"]));
            }),
            ["Statement[0].Condition: `Condition` must be an object, found an array"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Condition".into(), json!({"StringEquals": "x"}));
            }),
            [
                "Statement[0].Condition.StringEquals: condition operator `StringEquals` must map to an object of condition keys, found a string"
            ]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Condition".into(), json!({"StringEquals": {}}));
            }),
            [
                "Statement[0].Condition.StringEquals: condition operator `StringEquals` has no condition keys"
            ]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert(
                    "Condition".into(),
                    json!({"StringEquals": {"aws:PrincipalTag/team": {"a": 1}}}),
                );
            }),
            [
                "Statement[0].Condition.StringEquals.aws:PrincipalTag/team: condition value for `aws:PrincipalTag/team` must be a string, number, boolean or an array of them, found an object"
            ]
        );
    }

    #[test]
    fn sid() {
        assert_eq!(
            scp_with(|s| {
                s.insert("Sid".into(), json!("deny-leave_org"));
            }),
            [
                "Statement[0].Sid: `Sid` must contain only letters and digits, found \"deny-leave_org\""
            ]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Sid".into(), json!(1));
            }),
            ["Statement[0].Sid: `Sid` must be a string, found a number"]
        );
        assert_eq!(
            scp_with(|s| {
                s.insert("Sid".into(), json!("DenyOutsideRegions"));
            }),
            ["Statement[1].Sid: duplicate `Sid` \"DenyOutsideRegions\""]
        );
    }

    #[test]
    fn tag_policies() {
        let good = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["100", "200"]},
            "enforced_for": {"@@assign": ["ec2:instance"]}
        }}});
        assert_eq!(run(PolicyKind::Tag, &good), Vec::<String>::new());
        // A child policy: values for a tag without `tag_key` (AWS's own inheritance examples).
        let child = json!({"tags": {"costcenter": {"tag_value": {"@@append": ["Sales"]},
            "enforced_for": {"@@remove": ["redshift:*"]}}}});
        assert_eq!(run(PolicyKind::Tag, &child), Vec::<String>::new());

        assert_eq!(
            run(PolicyKind::Tag, &json!({"tags": {}, "tag": {}})),
            ["tag: unknown field `tag` in a tag policy; did you mean `tags`?"]
        );
        assert_eq!(
            run(PolicyKind::Tag, &json!({"x": {}})),
            [
                "missing `tags`",
                "x: unknown field `x` in a tag policy; expected `tags`"
            ]
        );
        assert_eq!(
            run(PolicyKind::Tag, &json!({"tags": []})),
            ["tags: `tags` must be an object, found an array"]
        );
        assert_eq!(
            run(PolicyKind::Tag, &json!({"tags": {"owner": "x"}})),
            ["tags.owner: `owner` must be an object, found a string"]
        );
        assert_eq!(
            run(
                PolicyKind::Tag,
                &json!({"tags": {"owner": {"tag_key": "Owner"}}})
            ),
            [
                "tags.owner.tag_key: `tag_key` is a string; a setting is an object with an operator, such as `{\"@@assign\": \"Owner\"}` (an effective-policy rendering is not a policy)"
            ]
        );
        assert_eq!(
            run(
                PolicyKind::Tag,
                &json!({"tags": {"owner": {"tag_key": {"@@assign": ["Owner"]}}}})
            ),
            ["tags.owner.tag_key.@@assign: the value must be a string, found an array"]
        );
        assert_eq!(
            run(
                PolicyKind::Tag,
                &json!({"tags": {"owner": {"tag_key": {"@@append": "Owner"}}}})
            ),
            [
                "tags.owner.tag_key.@@append: `@@append` works on lists; this setting takes one value, so use `@@assign`"
            ]
        );
        assert_eq!(
            run(
                PolicyKind::Tag,
                &json!({"tags": {"owner": {"tag_key": {"@@assign": "Team"}}}})
            ),
            [
                "tags.owner.tag_key.@@assign: `tag_key` assigns \"Team\", which must match the policy key `owner` (ignoring case)"
            ]
        );
        assert_eq!(
            run(
                PolicyKind::Tag,
                &json!({"tags": {"owner": {"tag_value": {"@@asign": ["a"]}}}})
            ),
            [
                "tags.owner.tag_value.@@asign: unknown operator `@@asign`; operators are `@@assign`, `@@append`, `@@remove` and `@@operators_allowed_for_child_policies`"
            ]
        );
        assert_eq!(
            run(
                PolicyKind::Tag,
                &json!({"tags": {"owner": {"enforced_for": {"@@assign": ["ec2"]},
                "@@operators_allowed_for_child_policies": ["@@none", "@@assign"]}}})
            ),
            [
                "tags.owner.enforced_for.@@assign[0]: `ec2` is not a resource type; write `service:resource`, `service:*` or `service:ALL_SUPPORTED`",
                "tags.owner.@@operators_allowed_for_child_policies: `@@all` and `@@none` stand alone in `@@operators_allowed_for_child_policies`",
            ]
        );
    }

    #[test]
    fn backup_and_ai_opt_out() {
        let ai = json!({"services": {"default": {"opt_out_policy": {
            "@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "optOut"}}}});
        assert!(lint(PolicyKind::AiOptOut, &ai).is_empty());
        let backup = json!({"plans": {"daily": {"regions": {"@@assign": ["eu-west-1"]}}}});
        assert!(lint(PolicyKind::Backup, &backup).is_empty());
        assert_eq!(
            run(PolicyKind::Backup, &json!({})),
            ["a backup policy must not be empty"]
        );
        assert_eq!(
            run(PolicyKind::AiOptOut, &json!({})),
            ["an AI services opt-out policy must not be empty"]
        );
        assert_eq!(
            run(PolicyKind::AiOptOut, &json!("optOut")),
            ["policy document must be a JSON object"]
        );
        // A tag policy is not a backup policy, nor a CloudWatch event either.
        assert_eq!(
            run(
                PolicyKind::Backup,
                &json!({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}})
            ),
            [
                "missing `plans`",
                "tags: unknown field `tags` in a backup policy; expected `plans`"
            ]
        );
        let event = json!({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]});
        assert_eq!(run(PolicyKind::Backup, &event).len(), 3);
        assert_eq!(run(PolicyKind::AiOptOut, &event).len(), 3);
        // An effective-policy rendering (no operators) is not a policy.
        let rendered = json!({"plans": {"daily": {"regions": ["eu-west-1"]}}});
        assert_eq!(
            run(PolicyKind::Backup, &rendered),
            [
                "plans.daily.regions: `regions` is an array; a setting is an object with an operator, such as `{\"@@assign\": [\"eu-west-1\"]}` (an effective-policy rendering is not a policy)"
            ]
        );
        assert_eq!(
            run(
                PolicyKind::AiOptOut,
                &json!({"services": {"default": {"opt_out_policy": {"@@assign": "out"}}}})
            ),
            [
                "services.default.opt_out_policy.@@assign: the value must be one of `optOut` and `optIn`, found \"out\""
            ]
        );
        let unknown = lint(
            PolicyKind::AiOptOut,
            &json!({"services": {"rekognitoin": {"opt_out_policy": {"@@assign": "optOut"}}}}),
        );
        assert_eq!(unknown.len(), 1);
        assert!(unknown[0].warning, "{unknown:?}");
        assert_eq!(
            unknown[0].message,
            "`rekognitoin` is not an AI service AWS lists for opt-out policies; did you mean `rekognition`?"
        );
    }

    #[test]
    fn declarative_ec2() {
        let good = json!({"ec2_attributes": {
            "exception_message": {"@@assign": "Ask the platform team"},
            "serial_console_access": {"status": {"@@assign": "disabled"}},
            "image_block_public_access": {"state": {"@@assign": "block_new_sharing"}},
            "vpc_block_public_access": {"internet_gateway_block": {
                "mode": {"@@assign": "block_ingress"}, "exclusions_allowed": {"@@assign": "enabled"}}},
            "instance_metadata_defaults": {"http_tokens": {"@@assign": "required"},
                "http_put_response_hop_limit": {"@@assign": "2"}},
            "snapshot_block_public_access": {"state": {"@@assign": "block_all_sharing"}}
        }});
        assert_eq!(run(PolicyKind::DeclarativeEc2, &good), Vec::<String>::new());
        assert_eq!(
            run(
                PolicyKind::DeclarativeEc2,
                &json!({"ec2_attributes": {"serial_console": {}}})
            ),
            [
                "ec2_attributes.serial_console: unknown field `serial_console` in `ec2_attributes`; did you mean `serial_console_access`?"
            ]
        );
        assert_eq!(
            run(
                PolicyKind::DeclarativeEc2,
                &json!({"ec2_attributes": {"serial_console_access": {"status": {"@@assign": "off"}}}})
            ),
            [
                "ec2_attributes.serial_console_access.status.@@assign: the value must be one of `enabled` and `disabled`, found \"off\""
            ]
        );
    }

    /// Actions from common real-world SCPs (deny leaving the org, region
    /// restriction exemptions, security-service protection).
    const REAL_WORLD_ACTIONS: &[&str] = &[
        "organizations:LeaveOrganization",
        "iam:*",
        "organizations:*",
        "route53:*",
        "cloudfront:*",
        "sts:*",
        "support:*",
        "budgets:*",
        "ce:*",
        "aws-portal:*",
        "waf:*",
        "wafv2:*",
        "shield:*",
        "globalaccelerator:*",
        "kms:*",
        "trustedadvisor:*",
        "health:*",
        "account:*",
        "billing:*",
        "cur:*",
        "pricing:*",
        "tax:*",
        "a4b:*",
        "chime:*",
        "directconnect:*",
        "ec2:DescribeRegions",
        "importexport:*",
        "sso:*",
        "identitystore:*",
        "s3:GetAccountPublicAccessBlock",
        "s3:ListAllMyBuckets",
        "iam:CreateUser",
        "iam:CreateAccessKey",
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors",
        "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "guardduty:DeleteDetector",
        "guardduty:DisassociateFromMasterAccount",
        "guardduty:UpdateDetector",
        "securityhub:DisableSecurityHub",
        "securityhub:DeleteInvitations",
        "access-analyzer:DeleteAnalyzer",
        "ec2:DisableEbsEncryptionByDefault",
        "s3:PutAccountPublicAccessBlock",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole",
        "iam:AttachRolePolicy",
    ];

    #[test]
    fn real_world_scp_actions_pass() {
        let missing: Vec<&str> = REAL_WORLD_ACTIONS
            .iter()
            .filter_map(|a| a.split_once(':').map(|(p, _)| p))
            .filter(|p| catalogue().service(p).is_none())
            .collect();
        println!("real-world SCP prefixes missing from the catalogue: {missing:?}");

        let problems: Vec<String> = REAL_WORLD_ACTIONS
            .iter()
            .filter_map(|a| check_action(a).err())
            .filter(|p| !matches!(p, ActionProblem::UnknownService { .. }))
            .map(|p| p.to_string())
            .collect();
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(missing, Vec::<&str>::new(), "retired services?");

        // The same actions assembled into SCP documents lint clean.
        let (deny, exempt): (Vec<&str>, Vec<&str>) = REAL_WORLD_ACTIONS
            .iter()
            .partition(|a| !a.ends_with(":*") && !a.contains("Describe"));
        let doc = json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ProtectBaseline", "Effect": "Deny", "Action": deny, "Resource": "*"},
                {"Sid": "RegionLock", "Effect": "Deny", "NotAction": exempt, "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}
            ]
        });
        assert_eq!(run(PolicyKind::Scp, &doc), Vec::<String>::new());
    }
}
