//! Packing: guardrail SCPs (or RCPs) attached to exactly the same targets become as few
//! documents as the size limit allows.
//!
//! Only deny-only documents are packed: several Deny statements mean the same in one document as
//! in several attached to the same target, while Allow statements of separate SCPs intersect and
//! would widen if merged. Custom policies stay as the team wrote them.

use serde_json::Value;

use super::max_size;
use crate::blueprint::{Limits, PolicyType};
use crate::model::{Policy, PolicySource, Target};

/// Whether a policy can be merged with others.
fn packable(p: &Policy) -> bool {
    p.source == PolicySource::Guardrail
        && matches!(p.kind, PolicyType::Scp | PolicyType::Rcp)
        && !p.targets.is_empty()
        && statements(&p.document).is_some_and(|s| {
            !s.is_empty()
                && s.iter()
                    .all(|st| st.get("Effect").and_then(Value::as_str) == Some("Deny"))
        })
}

fn statements(doc: &Value) -> Option<Vec<Value>> {
    match doc.get("Statement")? {
        Value::Array(items) => Some(items.clone()),
        one @ Value::Object(_) => Some(vec![one.clone()]),
        _ => None,
    }
}

/// Policies pack together when they have the same type and the same targets.
type GroupKey = (PolicyType, Vec<Target>);

/// Packs `policies` and returns the new list (packed documents where their first member was).
pub fn pack(policies: Vec<Policy>, limits: &Limits) -> Vec<Policy> {
    // Groups of packable policies by (type, sorted targets), in order of first appearance.
    let mut groups: Vec<(GroupKey, Vec<usize>)> = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        if !packable(p) {
            continue;
        }
        let mut targets = p.targets.clone();
        targets.sort();
        let key = (p.kind, targets);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    let mut replaced: Vec<Option<Vec<Policy>>> = vec![None; policies.len()];
    let mut dropped = vec![false; policies.len()];
    for ((kind, targets), members) in groups {
        if members.len() < 2 {
            continue;
        }
        let max = max_size(kind, limits);
        let mut bins: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for &m in &members {
            current.push(m);
            if current.len() > 1 && merged(&policies, &current, kind, &targets, "x").size() > max {
                current.pop();
                bins.push(std::mem::take(&mut current));
                current.push(m);
            }
        }
        bins.push(current);
        let base = format!(
            "packed-{}-{}",
            match kind {
                PolicyType::Rcp => "rcp",
                _ => "scp",
            },
            targets
                .iter()
                .map(|t| t.slug().replace('_', "-"))
                .collect::<Vec<_>>()
                .join("-")
        );
        let base = if base.len() > 100 {
            format!("{}-{}", &base[..100].trim_end_matches('-'), members[0])
        } else {
            base
        };
        let many = bins.len() > 1;
        let mut out = Vec::new();
        for (n, bin) in bins.iter().enumerate() {
            let name = if many {
                format!("{base}-{}", n + 1)
            } else {
                base.clone()
            };
            if bin.len() == 1 {
                out.push(policies[bin[0]].clone());
            } else {
                out.push(merged(&policies, bin, kind, &targets, &name));
            }
        }
        replaced[members[0]] = Some(out);
        for &m in &members[1..] {
            dropped[m] = true;
        }
    }
    let mut out = Vec::new();
    for (i, p) in policies.into_iter().enumerate() {
        if let Some(packed) = replaced[i].take() {
            out.extend(packed);
        } else if !dropped[i] {
            out.push(p);
        }
    }
    out
}

/// One document holding the statements of `members`, Sids kept unique.
fn merged(
    policies: &[Policy],
    members: &[usize],
    kind: PolicyType,
    targets: &[Target],
    name: &str,
) -> Policy {
    let mut all: Vec<Value> = Vec::new();
    let mut sids: Vec<String> = Vec::new();
    for &m in members {
        for mut st in statements(&policies[m].document).unwrap_or_default() {
            if let Some(sid) = st.get("Sid").and_then(Value::as_str).map(str::to_string) {
                let mut unique = sid.clone();
                let mut n = 2;
                while sids.contains(&unique) {
                    unique = format!("{sid}{n}");
                    n += 1;
                }
                st["Sid"] = Value::String(unique.clone());
                sids.push(unique);
            }
            all.push(st);
        }
    }
    let document = serde_json::json!({ "Version": "2012-10-17", "Statement": all });
    let names: Vec<String> = members.iter().map(|&m| policies[m].name.clone()).collect();
    let mut substitutions: Vec<_> = members
        .iter()
        .flat_map(|&m| policies[m].substitutions.clone())
        .collect();
    substitutions.sort();
    substitutions.dedup();
    Policy {
        key: crate::naming::key_of(name),
        name: name.to_string(),
        kind,
        aws_type: kind.aws_name().to_string(),
        description: format!("Guardrails packed by landform: {}.", names.join(", ")),
        file: format!("policies/{name}.json"),
        document,
        targets: targets.to_vec(),
        source: PolicySource::Guardrail,
        substitutions,
        packed_from: names,
        origin: policies[members[0]].origin.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(name: &str, effect: &str, sid: &str) -> Policy {
        let document = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": sid, "Effect": effect, "Action": "s3:*", "Resource": "*"}]});
        Policy {
            key: name.replace('-', "_"),
            name: name.to_string(),
            kind: PolicyType::Scp,
            aws_type: "SERVICE_CONTROL_POLICY".to_string(),
            description: String::new(),
            file: format!("policies/{name}.json"),
            document,
            targets: vec![Target::Ou("sandbox".into())],
            source: PolicySource::Guardrail,
            substitutions: Vec::new(),
            packed_from: Vec::new(),
            origin: format!("guardrails.{name}"),
        }
    }

    #[test]
    fn packs_deny_only_documents_and_keeps_sids_unique() {
        let packed = pack(
            vec![
                policy("a", "Deny", "Same"),
                policy("allow", "Allow", "Grant"),
                policy("b", "Deny", "Same"),
            ],
            &Limits::default(),
        );
        let names: Vec<&str> = packed.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["packed-scp-ou-sandbox", "allow"]);
        assert_eq!(packed[0].packed_from, ["a", "b"]);
        let sids: Vec<&str> = packed[0].document["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(sids, ["Same", "Same2"]);
    }

    #[test]
    fn different_targets_are_not_packed() {
        let mut b = policy("b", "Deny", "B");
        b.targets = vec![Target::Root];
        let packed = pack(vec![policy("a", "Deny", "A"), b], &Limits::default());
        assert!(packed.iter().all(|p| p.packed_from.is_empty()));
        assert_eq!(packed.len(), 2);
    }
}
