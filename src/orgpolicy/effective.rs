//! The effective policy of a target, computed the way AWS Organizations documents it.
//!
//! Management policies (tag, backup, AI opt-out, declarative) merge down the tree: the root's
//! policies, then each OU's from the top down, then the account's own. At each level the value
//! operators change what was inherited (`@@assign` replaces, `@@append` adds list entries,
//! `@@remove` takes them out), and `@@operators_allowed_for_child_policies` limits what the
//! levels below may do at that node and beneath it. A child policy that uses an operator a
//! parent forbids is a mistake AWS would ignore silently; landform reports it.
//!
//! SCPs and RCPs do not merge: every one attached from the root down to the target applies
//! (each level must allow an action for it to be allowed). [`chain`] gives both the levels.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::management::{
    self, ALL, APPEND, ASSIGN, CHILD_CONTROL, NONE, REMOVE, Shape, VALUE_OPERATORS,
};
use crate::blueprint::PolicyType;
use crate::model::{Model, Policy, Target};

/// The levels from the root down to `target`: the root, each OU from the top, then the target
/// itself. None when the target is not in the model.
pub fn chain(model: &Model, target: &Target) -> Option<Vec<Target>> {
    let mut ous = Vec::new();
    let mut next = match target {
        Target::Root => return Some(vec![Target::Root]),
        Target::Ou(k) => Some(model.ou(k)?.key.clone()),
        Target::Account(k) => model.account(k)?.ou.clone(),
    };
    while let Some(key) = next {
        if ous.contains(&key) {
            break;
        }
        next = model.ou(&key).and_then(|o| o.parent.clone());
        ous.push(key);
    }
    let mut out = vec![Target::Root];
    out.extend(ous.into_iter().rev().map(Target::Ou));
    if let Target::Account(k) = target {
        out.push(Target::Account(k.clone()));
    }
    Some(out)
}

/// The policies of `kind` in force on `target`, with the level each is attached to, from the
/// root down.
pub fn in_force<'m>(
    model: &'m Model,
    kind: PolicyType,
    target: &Target,
) -> Vec<(&'m Policy, Target)> {
    let mut out = Vec::new();
    for level in chain(model, target).unwrap_or_default() {
        for p in model.policies.iter().filter(|p| p.kind == kind) {
            if p.targets.contains(&level) {
                out.push((p, level.clone()));
            }
        }
    }
    out
}

/// A problem with an effective policy: which policy, where in its document, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The policy whose document causes it (its AWS name); empty when the merged result itself
    /// is incomplete.
    pub policy: String,
    pub path: String,
    pub message: String,
}

/// Operators a node allows the levels below to use.
type Allowed = [bool; 3];
const EVERY: Allowed = [true, true, true];

fn op_index(op: &str) -> usize {
    match op {
        ASSIGN => 0,
        APPEND => 1,
        _ => 2,
    }
}

fn allowed_from(list: &Value) -> Allowed {
    let names: Vec<&str> = list
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if names.contains(&ALL) {
        return EVERY;
    }
    if names.contains(&NONE) {
        return [false; 3];
    }
    [
        names.contains(&ASSIGN),
        names.contains(&APPEND),
        names.contains(&REMOVE),
    ]
}

fn describe_allowed(a: Allowed) -> String {
    let names: Vec<&str> = VALUE_OPERATORS
        .iter()
        .zip(a)
        .filter(|(_, ok)| *ok)
        .map(|(n, _)| *n)
        .collect();
    if names.is_empty() {
        "no operator (`@@none`)".to_string()
    } else {
        format!("only {}", crate::diagnostic::list(names))
    }
}

#[derive(Debug, Clone, Default)]
struct Node {
    value: Option<Value>,
    children: IndexMap<String, Node>,
    /// What the levels below may do here and beneath (None: everything).
    limit: Option<Allowed>,
    /// Limits set by the level being merged, which take effect for the next level.
    pending: Option<Allowed>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl Node {
    fn merge(
        &mut self,
        doc: &Map<String, Value>,
        inherited: Allowed,
        path: &str,
        policy: &str,
        out: &mut Vec<Problem>,
    ) {
        let here = match self.limit {
            Some(l) => [
                inherited[0] && l[0],
                inherited[1] && l[1],
                inherited[2] && l[2],
            ],
            None => inherited,
        };
        if let Some(list) = doc.get(CHILD_CONTROL) {
            let mut a = allowed_from(list);
            // A child can narrow what its parents allowed, never widen it.
            for (i, ok) in a.iter_mut().enumerate() {
                *ok &= here[i];
            }
            let merged = match self.pending {
                Some(p) => [p[0] && a[0], p[1] && a[1], p[2] && a[2]],
                None => a,
            };
            self.pending = Some(merged);
        }
        for op in VALUE_OPERATORS {
            let Some(v) = doc.get(*op) else { continue };
            if !here[op_index(op)] {
                out.push(Problem {
                    policy: policy.to_string(),
                    path: join(path, op),
                    message: format!(
                        "`{op}` is not allowed here: a policy above allows {} at `{path}`, so \
                         AWS ignores this change",
                        describe_allowed(here)
                    ),
                });
                continue;
            }
            match *op {
                ASSIGN => self.value = Some(v.clone()),
                APPEND => {
                    let mut list = match self.value.take() {
                        Some(Value::Array(items)) => items,
                        Some(other) => vec![other],
                        None => Vec::new(),
                    };
                    for item in v.as_array().into_iter().flatten() {
                        if !list.contains(item) {
                            list.push(item.clone());
                        }
                    }
                    self.value = Some(Value::Array(list));
                }
                _ => {
                    let gone: Vec<&Value> =
                        v.as_array().map(|a| a.iter().collect()).unwrap_or_default();
                    self.value = match self.value.take() {
                        Some(Value::Array(items)) => {
                            let kept: Vec<Value> =
                                items.into_iter().filter(|i| !gone.contains(&i)).collect();
                            (!kept.is_empty()).then_some(Value::Array(kept))
                        }
                        other => other,
                    };
                }
            }
        }
        for (key, value) in doc {
            if key.starts_with("@@") {
                continue;
            }
            let child = self.children.entry(key.clone()).or_default();
            match value {
                Value::Object(inner) => child.merge(inner, here, &join(path, key), policy, out),
                // Not a policy's shape (the document lint reports it); keep it as written.
                other => child.value = Some(other.clone()),
            }
        }
    }

    /// Makes the limits set by the level just merged apply to the next levels.
    fn settle(&mut self) {
        if let Some(p) = self.pending.take() {
            self.limit = Some(match self.limit {
                Some(l) => [l[0] && p[0], l[1] && p[1], l[2] && p[2]],
                None => p,
            });
        }
        for child in self.children.values_mut() {
            child.settle();
        }
    }

    fn render(&self) -> Option<Value> {
        if let Some(v) = &self.value {
            return Some(v.clone());
        }
        let mut obj = Map::new();
        for (k, child) in &self.children {
            if let Some(v) = child.render() {
                obj.insert(k.clone(), v);
            }
        }
        (!obj.is_empty()).then_some(Value::Object(obj))
    }
}

/// An effective management policy being built level by level.
#[derive(Debug, Clone)]
pub struct Effective {
    kind: PolicyType,
    root: Node,
    levels: usize,
}

impl Effective {
    pub fn new(kind: PolicyType) -> Effective {
        Effective {
            kind,
            root: Node::default(),
            levels: 0,
        }
    }

    /// Merges the policies attached at one level (root, an OU, an account), in order.
    /// `policies` are (policy name, document).
    pub fn level(&mut self, policies: &[(&str, &Value)]) -> Vec<Problem> {
        let mut out = Vec::new();
        for (name, doc) in policies {
            if let Some(obj) = doc.as_object() {
                self.root.merge(obj, EVERY, "", name, &mut out);
            }
        }
        self.root.settle();
        if !policies.is_empty() {
            self.levels += 1;
        }
        out
    }

    /// Whether any policy applied.
    pub fn is_empty(&self) -> bool {
        self.levels == 0
    }

    /// The effective policy as AWS shows it: values without operators.
    pub fn render(&self) -> Value {
        self.root.render().unwrap_or(Value::Object(Map::new()))
    }

    /// What a complete policy of this type needs and the merged result lacks.
    pub fn incomplete(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if let (Some(shape), Value::Object(doc)) = (management::shape(self.kind), self.render())
            && let Shape::Fields(fields) = shape
        {
            // The top-level fields are checked on each document; look inside them.
            for f in *fields {
                if let Some(Value::Object(inner)) = doc.get(f.name) {
                    complete(inner, &f.shape, f.name, &mut out);
                }
            }
        }
        out
    }
}

fn complete(doc: &Map<String, Value>, shape: &'static Shape, path: &str, out: &mut Vec<Problem>) {
    match shape {
        Shape::Fields(fields) => {
            for f in *fields {
                match doc.get(f.name) {
                    None if f.required => out.push(Problem {
                        policy: String::new(),
                        path: path.to_string(),
                        message: format!(
                            "`{path}` has no `{}` once inherited policies are merged",
                            f.name
                        ),
                    }),
                    Some(Value::Object(inner)) => {
                        complete(inner, &f.shape, &join(path, f.name), out)
                    }
                    _ => {}
                }
            }
        }
        Shape::Named(inner) => {
            for (k, v) in doc {
                if let Value::Object(obj) = v {
                    complete(obj, inner, &join(path, k), out);
                }
            }
        }
        Shape::Setting(_) | Shape::Any => {}
    }
}

/// The effective management policy of `kind` on `target`, and its problems. The value is None
/// when no policy of this type reaches the target.
pub fn effective(
    model: &Model,
    kind: PolicyType,
    target: &Target,
) -> (Option<Value>, Vec<Problem>) {
    let mut eff = Effective::new(kind);
    let mut problems = Vec::new();
    for level in chain(model, target).unwrap_or_default() {
        let docs: Vec<(&str, &Value)> = model
            .policies
            .iter()
            .filter(|p| p.kind == kind && p.targets.contains(&level))
            .map(|p| (p.name.as_str(), &p.document))
            .collect();
        problems.extend(eff.level(&docs));
    }
    if eff.is_empty() {
        return (None, problems);
    }
    problems.extend(eff.incomplete());
    (Some(eff.render()), problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Merges levels of documents and returns the rendering and the problems as strings.
    fn merge(kind: PolicyType, levels: &[&[(&str, Value)]]) -> (Value, Vec<String>) {
        let mut eff = Effective::new(kind);
        let mut problems = Vec::new();
        for level in levels {
            let docs: Vec<(&str, &Value)> = level.iter().map(|(n, d)| (*n, d)).collect();
            problems.extend(eff.level(&docs));
        }
        problems.extend(eff.incomplete());
        let text = problems
            .iter()
            .map(|p| {
                format!("{} {}: {}", p.policy, p.path, p.message)
                    .trim()
                    .to_string()
            })
            .collect();
        (eff.render(), text)
    }

    // AWS Organizations User Guide, "Inheritance examples" (tag policies). Example 1 is AWS's
    // verbatim; the policies of examples 2-4 follow the same organization (root → OU1 →
    // account) and show each operator.

    fn policy_a() -> Value {
        json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["Development", "Support"]}
        }}})
    }

    #[test]
    fn aws_example_1_assign_overwrites_inherited_values() {
        let b = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["Sandbox"]},
            "enforced_for": {"@@assign": ["redshift:*", "dynamodb:table"]}
        }}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("A", policy_a())], &[("B", b)]]);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"tags": {"costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Sandbox"],
                "enforced_for": ["redshift:*", "dynamodb:table"]
            }}})
        );
    }

    #[test]
    fn aws_example_2_append_adds_to_inherited_values() {
        let a = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["Development", "Support"]},
            "enforced_for": {"@@assign": ["redshift:*"]}
        }}});
        // A child policy without `tag_key`: valid, the key is inherited.
        let b = json!({"tags": {"costcenter": {
            "tag_value": {"@@append": ["Marketing"]},
            "enforced_for": {"@@append": ["dynamodb:table"]}
        }}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("A", a)], &[("B", b)]]);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"tags": {"costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Development", "Support", "Marketing"],
                "enforced_for": ["redshift:*", "dynamodb:table"]
            }}})
        );
    }

    #[test]
    fn aws_example_3_remove_takes_values_out() {
        let a = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["Development", "Support", "Sandbox"]},
            "enforced_for": {"@@assign": ["redshift:*", "dynamodb:table"]}
        }}});
        let b = json!({"tags": {"costcenter": {
            "tag_value": {"@@remove": ["Sandbox"]},
            "enforced_for": {"@@remove": ["redshift:*", "dynamodb:table"]}
        }}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("A", a)], &[("B", b)]]);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"tags": {"costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Development", "Support"]
            }}})
        );
    }

    #[test]
    fn aws_example_4_child_control_restricts_changes() {
        let a = json!({"tags": {"costcenter": {
            "tag_key": {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "CostCenter"},
            "tag_value": {"@@operators_allowed_for_child_policies": ["@@append"],
                          "@@assign": ["Development"]}
        }}});
        let b = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "COSTCENTER"},
            "tag_value": {"@@append": ["Sales"]}
        }}});
        let c = json!({"tags": {"costcenter": {"tag_value": {"@@assign": ["Marketing"]}}}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("A", a)], &[("B", b)], &[("C", c)]]);
        assert_eq!(
            eff,
            json!({"tags": {"costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Development", "Sales"]
            }}})
        );
        assert_eq!(
            problems,
            [
                "B tags.costcenter.tag_key.@@assign: `@@assign` is not allowed here: a policy above allows no operator (`@@none`) at `tags.costcenter.tag_key`, so AWS ignores this change",
                "C tags.costcenter.tag_value.@@assign: `@@assign` is not allowed here: a policy above allows only `@@append` at `tags.costcenter.tag_value`, so AWS ignores this change",
            ]
        );
    }

    #[test]
    fn a_restriction_binds_the_levels_below_not_its_own_level() {
        let a = json!({"tags": {"costcenter": {"@@operators_allowed_for_child_policies": ["@@none"],
            "tag_key": {"@@assign": "CostCenter"}}}});
        let a2 = json!({"tags": {"costcenter": {"tag_value": {"@@assign": ["x"]}}}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("A", a), ("A2", a2)]]);
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["x"]}}})
        );
    }

    #[test]
    fn the_effective_tag_policy_needs_a_tag_key() {
        let child = json!({"tags": {"owner": {"tag_value": {"@@assign": ["a"]}}}});
        let (_, problems) = merge(PolicyType::Tag, &[&[("child", child)]]);
        assert_eq!(
            problems,
            ["tags.owner: `tags.owner` has no `tag_key` once inherited policies are merged"]
        );
    }

    // AWS Backup Developer Guide, "Backup policy inheritance": a plan at the root, an OU policy
    // that adds a region and changes the retention, an account policy that adds a copy.
    #[test]
    fn backup_inheritance() {
        let root = json!({"plans": {"pii_backup_plan": {
            "regions": {"@@assign": ["ap-northeast-2", "us-east-1"]},
            "rules": {"hourly": {
                "schedule_expression": {"@@assign": "cron(0 5/1 ? * * *)"},
                "start_backup_window_minutes": {"@@assign": "60"},
                "target_backup_vault_name": {"@@assign": "FortKnox"},
                "lifecycle": {"delete_after_days": {"@@assign": "7"}}
            }},
            "selections": {"tags": {"datatype": {
                "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
                "tag_key": {"@@assign": "dataType"},
                "tag_value": {"@@assign": ["PII", "RED"]}
            }}}
        }}});
        let ou = json!({"plans": {"pii_backup_plan": {
            "regions": {"@@append": ["eu-west-1"]},
            "rules": {"hourly": {"lifecycle": {"delete_after_days": {"@@assign": "28"}}}}
        }}});
        let account = json!({"plans": {"pii_backup_plan": {
            "selections": {"tags": {"datatype": {"tag_value": {"@@remove": ["RED"]}}}}
        }}});
        let (eff, problems) = merge(
            PolicyType::Backup,
            &[&[("root", root)], &[("ou", ou)], &[("account", account)]],
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"plans": {"pii_backup_plan": {
                "regions": ["ap-northeast-2", "us-east-1", "eu-west-1"],
                "rules": {"hourly": {
                    "schedule_expression": "cron(0 5/1 ? * * *)",
                    "start_backup_window_minutes": "60",
                    "target_backup_vault_name": "FortKnox",
                    "lifecycle": {"delete_after_days": "28"}
                }},
                "selections": {"tags": {"datatype": {
                    "iam_role_arn": "arn:aws:iam::$account:role/MyIamRole",
                    "tag_key": "dataType",
                    "tag_value": ["PII"]
                }}}
            }}})
        );
        // A plan only a child names, with no rules or selections inherited, is incomplete.
        let lone = json!({"plans": {"extra": {"regions": {"@@assign": ["eu-west-1"]}}}});
        let (_, problems) = merge(PolicyType::Backup, &[&[("lone", lone)]]);
        assert_eq!(
            problems,
            [
                "plans.extra: `plans.extra` has no `rules` once inherited policies are merged",
                "plans.extra: `plans.extra` has no `selections` once inherited policies are merged",
            ]
        );
    }

    #[test]
    fn ai_opt_out_none_keeps_children_from_opting_back_in() {
        let root = json!({"services": {"default": {"@@operators_allowed_for_child_policies": ["@@none"],
            "opt_out_policy": {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "optOut"}}}});
        let child = json!({"services": {"default": {"opt_out_policy": {"@@assign": "optIn"}}}});
        let (eff, problems) = merge(
            PolicyType::AiOptOut,
            &[&[("root", root)], &[("child", child)]],
        );
        assert_eq!(
            eff,
            json!({"services": {"default": {"opt_out_policy": "optOut"}}})
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
