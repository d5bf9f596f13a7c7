use crate::diagnostic::{Diagnostic, unknown_help};
use crate::load::Loaded;
use crate::model::Model;

/// Levels below which the seeds' "wide, not deep" advice is broken.
const DEEP_WARNING: usize = 2;

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let limit = bp.organization.limits.ou_depth;
    let keys = || bp.organizational_units.keys().map(String::as_str);
    for (key, ou) in &bp.organizational_units {
        let path = format!("organizational_units.{key}");
        if ou.name.is_empty() || ou.name.chars().count() > 128 {
            out.push(
                Diagnostic::error(format!(
                    "OU `{key}` has a name of {} characters",
                    ou.name.chars().count()
                ))
                .at_value(src, &format!("{path}.name"))
                .with_help("AWS takes OU names of 1 to 128 characters"),
            );
        }
        if let Some(parent) = &ou.parent
            && !bp.organizational_units.contains_key(parent)
        {
            out.push(
                Diagnostic::error(format!("OU `{key}` names unknown parent OU `{parent}`"))
                    .at_value(src, &format!("{path}.parent"))
                    .with_help(unknown_help(parent, "OUs", keys())),
            );
            continue;
        }
        // Walk up to the root, counting levels and watching for a cycle through this OU (a
        // cycle further up is reported at the OUs on it).
        let mut depth = 1;
        let mut at = ou.parent.as_deref();
        let mut seen: Vec<&str> = vec![key];
        let mut cycle = false;
        let mut above_cycle = false;
        while let Some(p) = at {
            depth += 1;
            if p == key {
                cycle = true;
                break;
            }
            if seen.contains(&p) {
                above_cycle = true;
                break;
            }
            seen.push(p);
            at = bp
                .organizational_units
                .get(p)
                .and_then(|o| o.parent.as_deref());
        }
        if above_cycle {
            continue;
        }
        if cycle {
            out.push(
                Diagnostic::error(format!("OU `{key}` is its own ancestor"))
                    .at_value(src, &format!("{path}.parent"))
                    .with_help("OU parents must form a tree under the root: break the cycle"),
            );
        } else if depth > limit {
            out.push(
                Diagnostic::error(format!(
                    "OU `{key}` is nested {depth} levels below the root; AWS allows {limit}"
                ))
                .at_value(src, &format!("{path}.parent"))
                .with_help("attach it to a higher OU: organize wide, not deep"),
            );
        } else if depth > DEEP_WARNING {
            out.push(
                Diagnostic::warning(format!(
                    "OU `{key}` is nested {depth} levels below the root"
                ))
                .at_value(src, &format!("{path}.parent"))
                .with_help(
                    "deep OU trees make policy inheritance hard to follow: organize wide, not deep",
                ),
            );
        }
        let siblings = bp
            .organizational_units
            .iter()
            .take_while(|(k, _)| *k != key)
            .filter(|(_, o)| o.parent == ou.parent && o.name == ou.name);
        if let Some((other, _)) = siblings.last() {
            out.push(
                Diagnostic::error(format!(
                    "OUs `{other}` and `{key}` have the same name `{}` under the same parent",
                    ou.name
                ))
                .at_value(src, &format!("{path}.name"))
                .with_help("AWS requires OU names to be unique under one parent"),
            );
        }
    }
}

/// Whether an SCP denies everything unconditionally (`deny_all`, or the team's own).
fn denies_everything(doc: &serde_json::Value) -> bool {
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => Vec::new(),
    };
    let star = |v: &serde_json::Value| {
        v == "*" || v.as_array().is_some_and(|a| a.iter().any(|x| x == "*"))
    };
    statements.iter().any(|s| {
        s["Effect"] == "Deny"
            && star(&s["Action"])
            && star(&s["Resource"])
            && s.get("Condition").is_none()
    })
}

/// Warns about OUs with no account anywhere below them. An OU that holds an SCP denying
/// everything (the `deny_all` guardrail or the team's own) is a parking place (Suspended) and
/// is meant to be empty.
pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let parking: Vec<&String> = model
        .policies
        .iter()
        .filter(|p| p.kind == crate::blueprint::PolicyType::Scp && denies_everything(&p.document))
        .flat_map(|p| &p.targets)
        .filter_map(|t| match t {
            crate::model::Target::Ou(k) => Some(k),
            _ => None,
        })
        .collect();
    for ou in &model.ous {
        if parking.contains(&&ou.key) {
            continue;
        }
        let mut below = vec![ou.key.as_str()];
        let mut i = 0;
        while i < below.len() {
            let k = below[i];
            below.extend(
                model
                    .ous
                    .iter()
                    .filter(|o| o.parent.as_deref() == Some(k))
                    .map(|o| o.key.as_str()),
            );
            i += 1;
        }
        let used = model
            .accounts
            .iter()
            .any(|a| a.ou.as_deref().is_some_and(|o| below.contains(&o)));
        if !used {
            out.push(
                Diagnostic::warning(format!("OU `{}` has no accounts", ou.key))
                    .at_key(&loaded.source, &format!("organizational_units.{}", ou.key))
                    .with_help("place an account or environment in it, or remove it"),
            );
        }
    }
}
