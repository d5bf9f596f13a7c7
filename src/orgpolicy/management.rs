//! The grammar of the management policy types (tag, backup, AI services opt-out, EC2
//! declarative), as AWS's "Policy syntax and inheritance for management policy types" and each
//! type's syntax page describe it.
//!
//! A document is a tree of fixed field names and user-named entries (tag keys, plan names,
//! rule names...). Every setting is set through an inheritance operator: `@@assign`,
//! `@@append` or `@@remove`, and any node may restrict the operators its children may use with
//! `@@operators_allowed_for_child_policies`. A document on its own is checked for shape; the
//! settings a complete policy needs (a tag's `tag_key`, a backup plan's `regions`) are only
//! required of the *effective* policy (see [`super::effective`]), since a child policy may set
//! just one value and inherit the rest.

use serde_json::{Map, Value};

use crate::blueprint::PolicyType;

/// The value-setting operators.
pub const ASSIGN: &str = "@@assign";
pub const APPEND: &str = "@@append";
pub const REMOVE: &str = "@@remove";
/// The child-control operator and its special values.
pub const CHILD_CONTROL: &str = "@@operators_allowed_for_child_policies";
pub const ALL: &str = "@@all";
pub const NONE: &str = "@@none";

pub const VALUE_OPERATORS: &[&str] = &[ASSIGN, APPEND, REMOVE];

/// What a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// One string (numbers and booleans are written as strings in AWS's examples; a JSON
    /// number or boolean is accepted too).
    Scalar,
    /// A list of strings.
    List,
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// The shape of a node of a management policy.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Fixed field names.
    Fields(&'static [Field]),
    /// Entries the author names (tag keys, plan names), each of this shape.
    Named(&'static Shape),
    /// A setting, set through an operator.
    Setting(Leaf),
    /// Anything (parts AWS documents loosely, such as backup `conditions`); not checked.
    Any,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    /// Whether the effective policy must have it when its parent is present.
    pub required: bool,
}

const fn f(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: false,
    }
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: true,
    }
}

const SCALAR: Shape = Shape::Setting(Leaf::Scalar);
const LIST: Shape = Shape::Setting(Leaf::List);

// ------------------------------------------------------------------ tag policies

// `tag_key` is optional even in the effective policy: without it AWS expects the policy key in
// lowercase (Tag policy syntax: "If case treatment isn't defined, lowercase is the default").
const TAG: Shape = Shape::Fields(&[
    f("tag_key", SCALAR),
    f("tag_value", LIST),
    f("enforced_for", LIST),
    f("report_required_tag_for", LIST),
]);
const TAG_POLICY: Shape = Shape::Fields(&[req("tags", Shape::Named(&TAG))]);

// ------------------------------------------------------------------ backup policies

const LIFECYCLE: Shape = Shape::Fields(&[
    f("delete_after_days", SCALAR),
    f("move_to_cold_storage_after_days", SCALAR),
    f("opt_in_to_archive_for_supported_resources", SCALAR),
]);
const TAG_PAIR: Shape = Shape::Fields(&[f("tag_key", SCALAR), f("tag_value", SCALAR)]);
const COPY_ACTION: Shape = Shape::Fields(&[
    req("target_backup_vault_arn", SCALAR),
    f("lifecycle", LIFECYCLE),
]);
const RULE: Shape = Shape::Fields(&[
    f("schedule_expression", SCALAR),
    f("schedule_expression_timezone", SCALAR),
    f("start_backup_window_minutes", SCALAR),
    f("complete_backup_window_minutes", SCALAR),
    f("enable_continuous_backup", SCALAR),
    req("target_backup_vault_name", SCALAR),
    f("target_logically_air_gapped_backup_vault_arn", SCALAR),
    f("recovery_point_tags", Shape::Named(&TAG_PAIR)),
    f("lifecycle", LIFECYCLE),
    f("copy_actions", Shape::Named(&COPY_ACTION)),
    f("index_actions", Shape::Any),
    f("scan_actions", Shape::Any),
]);
const TAG_SELECTION: Shape = Shape::Fields(&[
    req("iam_role_arn", SCALAR),
    req("tag_key", SCALAR),
    f("tag_value", LIST),
]);
const RESOURCE_SELECTION: Shape = Shape::Fields(&[
    req("iam_role_arn", SCALAR),
    f("resource_types", LIST),
    f("not_resource_types", LIST),
    f("conditions", Shape::Any),
]);
const SELECTIONS: Shape = Shape::Fields(&[
    f("tags", Shape::Named(&TAG_SELECTION)),
    f("resources", Shape::Named(&RESOURCE_SELECTION)),
]);
const PLAN: Shape = Shape::Fields(&[
    req("regions", LIST),
    req("rules", Shape::Named(&RULE)),
    req("selections", SELECTIONS),
    f("advanced_backup_settings", Shape::Any),
    f("backup_plan_tags", Shape::Named(&TAG_PAIR)),
    f("scan_settings", Shape::Any),
]);
const BACKUP_POLICY: Shape = Shape::Fields(&[req("plans", Shape::Named(&PLAN))]);

// ------------------------------------------------------------------ AI services opt-out

const OPT_OUT: Shape = Shape::Fields(&[req(
    "opt_out_policy",
    Shape::Setting(Leaf::OneOf(&["optOut", "optIn"])),
)]);
const AI_POLICY: Shape = Shape::Fields(&[req("services", Shape::Named(&OPT_OUT))]);

/// The service names AWS's AI opt-out syntax page lists (plus `default`). An unknown name is a
/// warning, not an error: AWS adds services.
pub const AI_SERVICES: &[&str] = &[
    "default",
    "aidevops",
    "aiops",
    "awssupplychain",
    "bedrock",
    "chimesdkvoiceanalytics",
    "cloudwatch",
    "codeguruprofiler",
    "codewhisperer",
    "comprehend",
    "connectamd",
    "connectoptimization",
    "contactlens",
    "datazone",
    "frauddetector",
    "guardduty",
    "lex",
    "polly",
    "q",
    "quicksightq",
    "rekognition",
    "securitylake",
    "supplychain",
    "textract",
    "transcribe",
    "translate",
];

// ------------------------------------------------------------------ EC2 declarative

const fn one_of(values: &'static [&'static str]) -> Shape {
    Shape::Setting(Leaf::OneOf(values))
}

const EC2_ATTRIBUTES: Shape = Shape::Fields(&[
    f("exception_message", SCALAR),
    f(
        "vpc_block_public_access",
        Shape::Fields(&[f(
            "internet_gateway_block",
            Shape::Fields(&[
                req(
                    "mode",
                    one_of(&["off", "block_ingress", "block_bidirectional"]),
                ),
                req("exclusions_allowed", one_of(&["enabled", "disabled"])),
            ]),
        )]),
    ),
    f(
        "serial_console_access",
        Shape::Fields(&[req("status", one_of(&["enabled", "disabled"]))]),
    ),
    f(
        "image_block_public_access",
        Shape::Fields(&[req("state", one_of(&["block_new_sharing", "unblocked"]))]),
    ),
    f(
        "allowed_images_settings",
        Shape::Fields(&[
            req("state", one_of(&["enabled", "audit_mode", "disabled"])),
            f("image_criteria", Shape::Any),
        ]),
    ),
    f(
        "instance_metadata_defaults",
        Shape::Fields(&[
            f(
                "http_tokens",
                one_of(&["required", "optional", "no_preference"]),
            ),
            f("http_put_response_hop_limit", SCALAR),
            f(
                "http_endpoint",
                one_of(&["enabled", "disabled", "no_preference"]),
            ),
            f(
                "instance_metadata_tags",
                one_of(&["enabled", "disabled", "no_preference"]),
            ),
        ]),
    ),
    f(
        "snapshot_block_public_access",
        Shape::Fields(&[req(
            "state",
            one_of(&["block_all_sharing", "block_new_sharing", "unblocked"]),
        )]),
    ),
]);
const DECLARATIVE_EC2_POLICY: Shape = Shape::Fields(&[req("ec2_attributes", EC2_ATTRIBUTES)]);

/// The grammar of a management policy type; None for SCPs and RCPs.
pub fn shape(kind: PolicyType) -> Option<&'static Shape> {
    match kind {
        PolicyType::Scp | PolicyType::Rcp => None,
        PolicyType::Tag => Some(&TAG_POLICY),
        PolicyType::Backup => Some(&BACKUP_POLICY),
        PolicyType::AiOptOut => Some(&AI_POLICY),
        PolicyType::DeclarativeEc2 => Some(&DECLARATIVE_EC2_POLICY),
    }
}

/// The shape of the child `key` of a node of shape `parent`.
pub fn child_shape(parent: &'static Shape, key: &str) -> Option<&'static Shape> {
    match parent {
        Shape::Fields(fields) => fields.iter().find(|f| f.name == key).map(|f| &f.shape),
        Shape::Named(inner) => Some(inner),
        Shape::Any => Some(&Shape::Any),
        Shape::Setting(_) => None,
    }
}

/// A problem in one document. `warning` findings do not stop generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    pub warning: bool,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
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

/// Checks one management policy document on its own: known fields, operators in the right
/// places, values of the right kind. What only a complete (effective) policy needs is checked
/// by [`super::effective`].
pub fn lint(kind: PolicyType, doc: &Map<String, Value>) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(shape) = shape(kind) else {
        return out;
    };
    if doc.is_empty() {
        out.push(Problem {
            path: String::new(),
            message: format!("{} must not be empty", kind.one()),
            warning: false,
        });
        return out;
    }
    if let Shape::Fields(fields) = shape {
        for field in fields.iter().filter(|f| f.required) {
            if !doc.contains_key(field.name) {
                out.push(Problem {
                    path: String::new(),
                    message: format!("missing `{}`", field.name),
                    warning: false,
                });
            }
        }
    }
    node(kind, "", doc, shape, &mut out);
    out
}

fn err(out: &mut Vec<Problem>, path: impl Into<String>, message: String) {
    out.push(Problem {
        path: path.into(),
        message,
        warning: false,
    });
}

fn node(
    kind: PolicyType,
    path: &str,
    obj: &Map<String, Value>,
    shape: &'static Shape,
    out: &mut Vec<Problem>,
) {
    if matches!(shape, Shape::Any) {
        return;
    }
    for (key, value) in obj {
        let p = join(path, key);
        if key == CHILD_CONTROL {
            child_control(&p, value, out);
            continue;
        }
        if VALUE_OPERATORS.contains(&key.as_str()) {
            match shape {
                Shape::Setting(leaf) => setting(&p, key, value, *leaf, out),
                _ => err(
                    out,
                    p,
                    format!(
                        "`{key}` cannot set `{}` itself; set the fields inside it",
                        if path.is_empty() {
                            "the document"
                        } else {
                            path
                        }
                    ),
                ),
            }
            continue;
        }
        if key.starts_with("@@") {
            err(
                out,
                p,
                format!(
                    "unknown operator `{key}`; operators are `@@assign`, `@@append`, `@@remove` \
                     and `@@operators_allowed_for_child_policies`"
                ),
            );
            continue;
        }
        let Some(child) = child_shape(shape, key) else {
            match shape {
                Shape::Setting(_) => err(
                    out,
                    p,
                    format!(
                        "`{key}` inside a setting; set `{}` with `@@assign`, `@@append` or `@@remove`",
                        path.rsplit('.').next().unwrap_or(path)
                    ),
                ),
                Shape::Fields(fields) => {
                    let names = fields.iter().map(|f| f.name);
                    let help = match crate::diagnostic::did_you_mean(key, names.clone()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("expected {}", crate::diagnostic::list(names)),
                    };
                    let at = if path.is_empty() {
                        kind.one().to_string()
                    } else {
                        format!("`{path}`")
                    };
                    err(out, p, format!("unknown field `{key}` in {at}; {help}"));
                }
                _ => {}
            }
            continue;
        };
        if kind == PolicyType::Tag && path == "tags" {
            tag_entry(&p, key, value, out);
        }
        if kind == PolicyType::AiOptOut
            && path == "services"
            && !AI_SERVICES.contains(&key.as_str())
        {
            let help = match crate::diagnostic::did_you_mean(key, AI_SERVICES.iter().copied()) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => String::new(),
            };
            out.push(Problem {
                path: p.clone(),
                message: format!(
                    "`{key}` is not an AI service AWS lists for opt-out policies{help}"
                ),
                warning: true,
            });
        }
        match value {
            Value::Object(inner) => node(kind, &p, inner, child, out),
            other => match child {
                Shape::Setting(_) => err(
                    out,
                    p,
                    format!(
                        "`{key}` is {}; a setting is an object with an operator, such as \
                         `{{\"@@assign\": {}}}` (an effective-policy rendering is not a policy)",
                        type_name(other),
                        other
                    ),
                ),
                Shape::Any => {}
                _ => err(
                    out,
                    p,
                    format!("`{key}` must be an object, found {}", type_name(other)),
                ),
            },
        }
    }
}

fn child_control(path: &str, value: &Value, out: &mut Vec<Problem>) {
    let Some(items) = value.as_array() else {
        err(
            out,
            path,
            format!(
                "`{CHILD_CONTROL}` must be a list such as [\"@@none\"], found {}",
                type_name(value)
            ),
        );
        return;
    };
    let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    if names.len() != items.len() || names.is_empty() {
        err(
            out,
            path,
            format!("`{CHILD_CONTROL}` must be a non-empty list of operator names"),
        );
        return;
    }
    for n in &names {
        if ![ALL, NONE, ASSIGN, APPEND, REMOVE].contains(n) {
            err(
                out,
                path,
                format!(
                    "`{n}` is not an operator; use `@@all`, `@@none`, or some of `@@assign`, \
                     `@@append`, `@@remove`"
                ),
            );
        }
    }
    if names.len() > 1 && names.iter().any(|n| *n == ALL || *n == NONE) {
        err(
            out,
            path,
            format!("`@@all` and `@@none` stand alone in `{CHILD_CONTROL}`"),
        );
    }
}

fn setting(path: &str, op: &str, value: &Value, leaf: Leaf, out: &mut Vec<Problem>) {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    match leaf {
        Leaf::Scalar | Leaf::OneOf(_) if op != ASSIGN => err(
            out,
            path,
            format!("`{op}` works on lists; this setting takes one value, so use `@@assign`"),
        ),
        Leaf::Scalar => {
            if !scalar(value) {
                err(
                    out,
                    path,
                    format!("the value must be a string, found {}", type_name(value)),
                );
            }
        }
        Leaf::OneOf(allowed) => match value.as_str() {
            Some(s) if allowed.contains(&s) => {}
            _ => err(
                out,
                path,
                format!(
                    "the value must be one of {}, found {value}",
                    crate::diagnostic::list(allowed.iter().copied())
                ),
            ),
        },
        Leaf::List => match value {
            Value::Array(items) if items.iter().all(scalar) => {}
            Value::Array(_) => err(out, path, "list entries must be strings".to_string()),
            other => err(
                out,
                path,
                format!("the value must be a list, found {}", type_name(other)),
            ),
        },
    }
}

/// A tag entry: the policy key matches `tag_key` ignoring case; values follow AWS's limits.
fn tag_entry(path: &str, name: &str, value: &Value, out: &mut Vec<Problem>) {
    if let Some(assigned) = value.pointer("/tag_key/@@assign").and_then(Value::as_str)
        && !assigned.eq_ignore_ascii_case(name)
    {
        err(
            out,
            format!("{path}.tag_key.@@assign"),
            format!(
                "`tag_key` assigns \"{assigned}\", which must match the policy key `{name}` \
                     (ignoring case)"
            ),
        );
    }
    if name.chars().count() > 128 || name.is_empty() {
        err(
            out,
            path,
            format!("tag key `{name}` must have 1 to 128 characters"),
        );
    }
    for field in ["enforced_for", "report_required_tag_for"] {
        for op in VALUE_OPERATORS {
            let Some(items) = value
                .get(field)
                .and_then(|v| v.get(*op))
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Some(s) = item.as_str() else { continue };
                let ok = s.split_once(':').is_some_and(|(svc, res)| {
                    !svc.is_empty()
                        && !res.is_empty()
                        && svc
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                });
                if !ok {
                    err(
                        out,
                        format!("{path}.{field}.{op}[{i}]"),
                        format!(
                            "`{s}` is not a resource type; write `service:resource`, \
                             `service:*` or `service:ALL_SUPPORTED`"
                        ),
                    );
                }
            }
        }
    }
}
