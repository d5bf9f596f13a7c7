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
    /// AWS accepts it and it works, perhaps not as meant (a warning, not an error).
    pub warning: bool,
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
    /// The policy of the level being merged that assigned this value first: AWS keeps the
    /// value of the policy attached first to a target (Organizations User Guide, inheritance
    /// example 6).
    assigned_by: Option<String>,
    /// Added by the level being merged: the limits above govern whether it may be added, not
    /// what the adding policy writes inside it (AWS Backup policy example 4: a child adds a
    /// whole plan where the parent allows only `@@append` on `plans`).
    fresh: bool,
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
                    warning: false,
                    message: format!(
                        "`{op}` is not allowed here: a policy above allows {} at `{path}`, so \
                         AWS ignores this change",
                        describe_allowed(here)
                    ),
                });
                continue;
            }
            match *op {
                ASSIGN => {
                    if let Some(first) = &self.assigned_by
                        && first != policy
                        && self.value.as_ref() != Some(v)
                    {
                        out.push(Problem {
                            policy: policy.to_string(),
                            path: join(path, op),
                            warning: false,
                            message: format!(
                                "`{path}` is also assigned by policy `{first}`, attached to \
                                 the same target with another value: AWS keeps the value of \
                                 the policy attached first, and Terraform attaches them in no \
                                 fixed order, so the result is left to chance; set it in one \
                                 of them"
                            ),
                        });
                        continue;
                    }
                    self.assigned_by = Some(policy.to_string());
                    self.value = Some(v.clone());
                }
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
            // A key the levels above did not set is an addition: AWS takes it only where
            // the levels above let the children add (`@@append`, or `@@assign`), so a plan
            // added under `"plans": {"@@operators_allowed_for_child_policies": ["@@none"]}` is
            // ignored (AWS Backup policy examples 3 and 4).
            let existing = self
                .children
                .get(key)
                .is_some_and(|c| c.fresh || c.limit.is_some() || c.render().is_some());
            if !existing && !here[0] && !here[1] {
                out.push(Problem {
                    policy: policy.to_string(),
                    path: join(path, key),
                    warning: false,
                    message: format!(
                        "`{key}` cannot be added here: a policy above allows {} at `{path}`, \
                         so AWS ignores this addition",
                        describe_allowed(here)
                    ),
                });
                continue;
            }
            let child = self.children.entry(key.clone()).or_default();
            if !existing {
                child.fresh = true;
            }
            let limits = if child.fresh { EVERY } else { here };
            match value {
                Value::Object(inner) => child.merge(inner, limits, &join(path, key), policy, out),
                // Not a policy's shape (the document lint reports it); keep it as written.
                other => child.value = Some(other.clone()),
            }
        }
    }

    /// Makes the limits set by the level just merged apply to the next levels.
    fn settle(&mut self) {
        self.assigned_by = None;
        self.fresh = false;
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
        if self.kind == PolicyType::Tag
            && let Some(Value::Object(tags)) = self.render().get("tags")
        {
            for (key, tag) in tags {
                if tag.get("tag_key").is_none() {
                    let path = join("tags", key);
                    out.push(Problem {
                        policy: String::new(),
                        message: format!(
                            "`{path}` has no `tag_key` once inherited policies are merged, so \
                             AWS expects the tag key in lowercase, `{}`",
                            key.to_lowercase()
                        ),
                        path,
                        warning: true,
                    });
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
                        warning: false,
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

    // AWS Organizations User Guide, "Inheritance examples" (inheritance-examples.html): the
    // six tag policy examples, each policy as AWS prints it, over AWS's organization (root →
    // OU1 with accounts 111111111111 and 222222222222, OU2 with account 999999999999). Where
    // AWS's printed effective policy contradicts its own policies, the test says so and
    // asserts what AWS's stated rules give.

    /// Policy A, attached to the root in examples 1-3.
    fn policy_a() -> Value {
        json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@assign": ["Development", "Support"]}
        }}})
    }

    /// Policy C, attached to OU2 in examples 2 and 3.
    fn policy_c() -> Value {
        json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@append": ["Marketing"]},
            "enforced_for": {"@@append": ["redshift:*", "dynamodb:table"]}
        }}})
    }

    #[test]
    fn aws_example_1_assign_overwrites_inherited_values() {
        // Policy B, attached to OU1; the effective policy of 111111111111 and 222222222222.
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
        // Policy C on OU2; the effective policy of 999999999999.
        let (eff, problems) = merge(
            PolicyType::Tag,
            &[&[("A", policy_a())], &[("C", policy_c())]],
        );
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
        // Policy D on account 999999999999 (A on the root, C on OU2 above it). AWS prints D
        // with `enforced_for` nested inside `tag_value`, which its own tag policy syntax does
        // not allow (the lint rejects it); its text ("compliance is not enforced") and its
        // effective policy are those of `enforced_for` beside `tag_value`, as here.
        let d = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@remove": ["Development", "Marketing"]},
            "enforced_for": {"@@remove": ["redshift:*", "dynamodb:table"]}
        }}});
        let (eff, problems) = merge(
            PolicyType::Tag,
            &[&[("A", policy_a())], &[("C", policy_c())], &[("D", d)]],
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"tags": {"costcenter": {
                "tag_key": "CostCenter",
                "tag_value": ["Support"]
            }}})
        );
        let as_printed = json!({"tags": {"costcenter": {
            "tag_key": {"@@assign": "CostCenter"},
            "tag_value": {"@@remove": ["Development", "Marketing"],
                          "enforced_for": {"@@remove": ["redshift:*", "dynamodb:table"]}}
        }}});
        let findings = super::super::lint::lint(PolicyType::Tag, &as_printed);
        assert!(
            findings
                .iter()
                .any(|f| !f.warning && f.path.contains("tag_value")),
            "{findings:?}"
        );
    }

    #[test]
    fn aws_example_4_child_control_restricts_changes() {
        // Policy E on the root, policy F on an OU. AWS prints the effective `tag_key` as
        // "project", but E assigns "Project" and forbids children to change it.
        let e = json!({"tags": {"project": {
            "tag_key": {"@@operators_allowed_for_child_policies": ["@@none"],
                        "@@assign": "Project"},
            "tag_value": {"@@operators_allowed_for_child_policies": ["@@append"],
                          "@@assign": ["Maintenance", "Escalations"]}
        }}});
        let f = json!({"tags": {"project": {
            "tag_key": {"@@assign": "PROJECT"},
            "tag_value": {"@@append": ["Escalations - research"]}
        }}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("E", e)], &[("F", f)]]);
        assert_eq!(
            eff,
            json!({"tags": {"project": {
                "tag_key": "Project",
                "tag_value": ["Maintenance", "Escalations", "Escalations - research"]
            }}})
        );
        assert_eq!(
            problems,
            [
                "F tags.project.tag_key.@@assign: `@@assign` is not allowed here: a policy above allows no operator (`@@none`) at `tags.project.tag_key`, so AWS ignores this change",
            ]
        );
    }

    #[test]
    fn aws_example_5_child_controls_on_one_level_intersect() {
        // Policies G and H both on the root: children may append, not remove.
        let g = json!({"tags": {"project": {"tag_value": {
            "@@operators_allowed_for_child_policies": ["@@append"],
            "@@assign": ["Maintenance"]
        }}}});
        let h = json!({"tags": {"project": {"tag_value": {
            "@@operators_allowed_for_child_policies": ["@@append", "@@remove"]
        }}}});
        let child = json!({"tags": {"project": {
            "tag_key": {"@@assign": "Project"},
            "tag_value": {"@@remove": ["Maintenance"], "@@append": ["Research"]}
        }}});
        let (eff, problems) = merge(
            PolicyType::Tag,
            &[&[("G", g), ("H", h)], &[("child", child)]],
        );
        assert_eq!(
            eff,
            json!({"tags": {"project": {
                "tag_key": "Project",
                "tag_value": ["Maintenance", "Research"]
            }}})
        );
        assert_eq!(
            problems,
            [
                "child tags.project.tag_value.@@remove: `@@remove` is not allowed here: a policy above allows only `@@append` at `tags.project.tag_value`, so AWS ignores this change",
            ]
        );
    }

    #[test]
    fn aws_example_6_the_first_policy_attached_to_a_target_wins() {
        // Policy J attached to the root first, then K. AWS prints the effective policy with
        // `" PROJECT"` and an `"Escalations"` value neither policy has; its text says PROJECT
        // wins because J was attached first. Terraform attaches in no fixed order, so landform
        // reports the conflict instead of trusting the order.
        let j = json!({"tags": {"project": {
            "tag_key": {"@@assign": "PROJECT"},
            "tag_value": {"@@append": ["Maintenance"]}
        }}});
        let k = json!({"tags": {"project": {"tag_key": {"@@assign": "project"}}}});
        let (eff, problems) = merge(PolicyType::Tag, &[&[("J", j), ("K", k)]]);
        assert_eq!(
            eff,
            json!({"tags": {"project": {"tag_key": "PROJECT", "tag_value": ["Maintenance"]}}})
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("K tags.project.tag_key.@@assign: `tags.project.tag_key` is also assigned by policy `J`"),
            "{problems:?}"
        );
        // The same value twice is no conflict; a level below may still assign.
        let j2 = json!({"tags": {"project": {"tag_key": {"@@assign": "PROJECT"}}}});
        let k2 = json!({"tags": {"project": {"tag_key": {"@@assign": "PROJECT"}}}});
        let below = json!({"tags": {"project": {"tag_key": {"@@assign": "Project"}}}});
        let (eff, problems) = merge(
            PolicyType::Tag,
            &[&[("J", j2), ("K", k2)], &[("below", below)]],
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(eff, json!({"tags": {"project": {"tag_key": "Project"}}}));
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
    fn an_effective_tag_policy_without_a_tag_key_expects_the_key_in_lowercase() {
        // AWS's example 5 policies set no `tag_key`, and the Landing Zone Accelerator deploys
        // `"AppID": {}`: valid, the key is then the policy key in lowercase.
        let child = json!({"tags": {"Owner": {"tag_value": {"@@assign": ["a"]}}, "AppID": {}}});
        let mut eff = Effective::new(PolicyType::Tag);
        let mut problems = eff.level(&[("child", &child)]);
        problems.extend(eff.incomplete());
        let shown: Vec<(bool, &str)> = problems
            .iter()
            .map(|p| (p.warning, p.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [(
                true,
                "`tags.Owner` has no `tag_key` once inherited policies are merged, so AWS expects the tag key in lowercase, `owner`"
            )]
        );
    }

    // AWS Organizations User Guide, "Backup policy examples" (orgs_manage_policies_backup
    // examples 2-5), each policy as AWS prints it. AWS's printed effective policies have slips
    // of their own (rule names lowercased, `@@assign` left inside `index_actions`, a
    // `delete_after_days` of "2" where the policy assigns "180", example 5's copy action named
    // `secondary_vault` where its parent names `t2`); the tests assert what AWS's stated rules
    // give.

    /// Example 2's parent policy (root or a parent OU).
    fn backup_parent() -> Value {
        json!({"plans": {"PII_Backup_Plan": {
            "regions": {"@@append": ["us-east-1", "ap-northeast-3", "eu-north-1"]},
            "rules": {"Hourly": {
                "schedule_expression": {"@@assign": "cron(0 0/1 ? * * *)"},
                "start_backup_window_minutes": {"@@assign": "60"},
                "target_backup_vault_name": {"@@assign": "FortKnox"},
                "index_actions": {"resource_types": {"@@assign": ["EBS", "S3"]}},
                "lifecycle": {
                    "move_to_cold_storage_after_days": {"@@assign": "28"},
                    "delete_after_days": {"@@assign": "180"},
                    "opt_in_to_archive_for_supported_resources": {"@@assign": "false"}
                },
                "copy_actions": {"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault": {
                    "target_backup_vault_arn": {"@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault"},
                    "lifecycle": {
                        "move_to_cold_storage_after_days": {"@@assign": "28"},
                        "delete_after_days": {"@@assign": "180"},
                        "opt_in_to_archive_for_supported_resources": {"@@assign": "false"}
                    }
                }}
            }},
            "selections": {"tags": {"datatype": {
                "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
                "tag_key": {"@@assign": "dataType"},
                "tag_value": {"@@assign": ["PII", "RED"]}
            }}}
        }}})
    }

    /// The effective PII plan of example 2's parent alone.
    fn backup_parent_effective() -> Value {
        json!({
            "regions": ["us-east-1", "ap-northeast-3", "eu-north-1"],
            "rules": {"Hourly": {
                "schedule_expression": "cron(0 0/1 ? * * *)",
                "start_backup_window_minutes": "60",
                "target_backup_vault_name": "FortKnox",
                "index_actions": {"resource_types": ["EBS", "S3"]},
                "lifecycle": {
                    "move_to_cold_storage_after_days": "28",
                    "delete_after_days": "180",
                    "opt_in_to_archive_for_supported_resources": "false"
                },
                "copy_actions": {"arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault": {
                    "target_backup_vault_arn": "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault",
                    "lifecycle": {
                        "move_to_cold_storage_after_days": "28",
                        "delete_after_days": "180",
                        "opt_in_to_archive_for_supported_resources": "false"
                    }
                }}
            }},
            "selections": {"tags": {"datatype": {
                "iam_role_arn": "arn:aws:iam::$account:role/MyIamRole",
                "tag_key": "dataType",
                "tag_value": ["PII", "RED"]
            }}}
        })
    }

    /// Example 2's child policy: a second plan.
    fn backup_monthly() -> Value {
        json!({"plans": {"Monthly_Backup_Plan": {
            "regions": {"@@append": ["us-east-1", "eu-central-1"]},
            "rules": {"Monthly": {
                "schedule_expression": {"@@assign": "cron(0 5 1 * ? *)"},
                "start_backup_window_minutes": {"@@assign": "480"},
                "target_backup_vault_name": {"@@assign": "Default"},
                "lifecycle": {
                    "move_to_cold_storage_after_days": {"@@assign": "30"},
                    "delete_after_days": {"@@assign": "365"},
                    "opt_in_to_archive_for_supported_resources": {"@@assign": "false"}
                }
            }},
            "selections": {"tags": {"MonthlyDatatype": {
                "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyMonthlyBackupIamRole"},
                "tag_key": {"@@assign": "BackupType"},
                "tag_value": {"@@assign": ["MONTHLY", "RED"]}
            }}}
        }}})
    }

    fn backup_monthly_effective() -> Value {
        json!({
            "regions": ["us-east-1", "eu-central-1"],
            "rules": {"Monthly": {
                "schedule_expression": "cron(0 5 1 * ? *)",
                "start_backup_window_minutes": "480",
                "target_backup_vault_name": "Default",
                "lifecycle": {
                    "move_to_cold_storage_after_days": "30",
                    "delete_after_days": "365",
                    "opt_in_to_archive_for_supported_resources": "false"
                }
            }},
            "selections": {"tags": {"MonthlyDatatype": {
                "iam_role_arn": "arn:aws:iam::$account:role/MyMonthlyBackupIamRole",
                "tag_key": "BackupType",
                "tag_value": ["MONTHLY", "RED"]
            }}}
        })
    }

    /// Example 5's child policy: settings that differ from the parent's.
    fn backup_override() -> Value {
        json!({"plans": {"PII_Backup_Plan": {
            "regions": {"@@assign": ["us-west-2", "eu-central-1"]},
            "rules": {"Hourly": {
                "schedule_expression": {"@@assign": "cron(0 0/2 ? * * *)"},
                "start_backup_window_minutes": {"@@assign": "80"},
                "target_backup_vault_name": {"@@assign": "Default"},
                "lifecycle": {
                    "move_to_cold_storage_after_days": {"@@assign": "30"},
                    "delete_after_days": {"@@assign": "365"},
                    "opt_in_to_archive_for_supported_resources": {"@@assign": false}
                }
            }}
        }}})
    }

    /// `@@operators_allowed_for_child_policies: ["@@none"]` on every object from `plans` down,
    /// as example 3's parent policy has it.
    fn lock_everything(v: &mut Value) {
        if let Value::Object(map) = v {
            for (k, child) in map.iter_mut() {
                if !k.starts_with("@@") {
                    lock_everything(child);
                }
            }
            map.insert(CHILD_CONTROL.to_string(), json!(["@@none"]));
        }
    }

    #[test]
    fn aws_backup_example_2_a_parent_and_a_child_plan_merge() {
        let (eff, problems) = merge(
            PolicyType::Backup,
            &[
                &[("parent", backup_parent())],
                &[("child", backup_monthly())],
            ],
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"plans": {
                "PII_Backup_Plan": backup_parent_effective(),
                "Monthly_Backup_Plan": backup_monthly_effective()
            }})
        );
    }

    #[test]
    fn aws_backup_example_3_a_parent_prevents_any_change() {
        let mut parent = backup_parent();
        lock_everything(&mut parent["plans"]);
        // Whatever a child tries is ignored: changing the plan, or adding one.
        let (eff, problems) = merge(
            PolicyType::Backup,
            &[
                &[("parent", parent)],
                &[
                    ("override", backup_override()),
                    ("monthly", backup_monthly()),
                ],
            ],
        );
        assert_eq!(
            eff,
            json!({"plans": {"PII_Backup_Plan": backup_parent_effective()}})
        );
        assert!(
            problems.contains(&"override plans.PII_Backup_Plan.regions.@@assign: `@@assign` is not allowed here: a policy above allows no operator (`@@none`) at `plans.PII_Backup_Plan.regions`, so AWS ignores this change".to_string()),
            "{problems:#?}"
        );
        assert!(
            problems.contains(&"monthly plans.Monthly_Backup_Plan: `Monthly_Backup_Plan` cannot be added here: a policy above allows no operator (`@@none`) at `plans`, so AWS ignores this addition".to_string()),
            "{problems:#?}"
        );
        // Each of the override's seven settings is reported, and nothing else slips in.
        assert_eq!(problems.len(), 8, "{problems:#?}");
    }

    #[test]
    fn aws_backup_example_4_a_parent_locks_one_plan_and_lets_children_add_others() {
        let mut parent = backup_parent();
        lock_everything(&mut parent["plans"]);
        parent["plans"][CHILD_CONTROL] = json!(["@@append"]);
        let (eff, problems) = merge(
            PolicyType::Backup,
            &[
                &[("parent", parent)],
                &[
                    ("monthly", backup_monthly()),
                    ("override", backup_override()),
                ],
            ],
        );
        assert_eq!(
            eff,
            json!({"plans": {
                "PII_Backup_Plan": backup_parent_effective(),
                "Monthly_Backup_Plan": backup_monthly_effective()
            }})
        );
        assert_eq!(problems.len(), 7, "{problems:#?}");
        assert!(
            problems.iter().all(|p| p.starts_with("override ")),
            "{problems:#?}"
        );
    }

    #[test]
    fn aws_backup_example_5_a_child_overrides_settings() {
        // Example 5's parent is example 2's with a `t2` copy action and a two-day retention.
        let mut parent = backup_parent();
        let rule = &mut parent["plans"]["PII_Backup_Plan"]["rules"]["Hourly"];
        rule["lifecycle"]["delete_after_days"] = json!({"@@assign": "2"});
        rule["lifecycle"]["move_to_cold_storage_after_days"] = json!({"@@assign": "180"});
        rule["lifecycle"]["opt_in_to_archive_for_supported_resources"] = json!({"@@assign": false});
        rule["copy_actions"] = json!({"arn:aws:backup:us-east-1:$account:backup-vault:t2": {
            "target_backup_vault_arn": {"@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:t2"},
            "lifecycle": {
                "move_to_cold_storage_after_days": {"@@assign": "28"},
                "delete_after_days": {"@@assign": "180"},
                "opt_in_to_archive_for_supported_resources": {"@@assign": false}
            }
        }});
        let (eff, problems) = merge(
            PolicyType::Backup,
            &[&[("parent", parent)], &[("child", backup_override())]],
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            eff,
            json!({"plans": {"PII_Backup_Plan": {
                "regions": ["us-west-2", "eu-central-1"],
                "rules": {"Hourly": {
                    "schedule_expression": "cron(0 0/2 ? * * *)",
                    "start_backup_window_minutes": "80",
                    "target_backup_vault_name": "Default",
                    "index_actions": {"resource_types": ["EBS", "S3"]},
                    "lifecycle": {
                        "move_to_cold_storage_after_days": "30",
                        "delete_after_days": "365",
                        "opt_in_to_archive_for_supported_resources": false
                    },
                    "copy_actions": {"arn:aws:backup:us-east-1:$account:backup-vault:t2": {
                        "target_backup_vault_arn": "arn:aws:backup:us-east-1:$account:backup-vault:t2",
                        "lifecycle": {
                            "move_to_cold_storage_after_days": "28",
                            "delete_after_days": "180",
                            "opt_in_to_archive_for_supported_resources": false
                        }
                    }}
                }},
                "selections": {"tags": {"datatype": {
                    "iam_role_arn": "arn:aws:iam::$account:role/MyIamRole",
                    "tag_key": "dataType",
                    "tag_value": ["PII", "RED"]
                }}}
            }}})
        );
    }

    #[test]
    fn backup_plans_need_rules_and_selections_once_merged() {
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
