//! `baseline:`: excluded OUs, the StackSets admin, what Config needs, password-policy ranges;
//! after expansion, accounts the stack sets cannot reach.

use crate::diagnostic::{Diagnostic, unknown_help};
use crate::load::Loaded;
use crate::model::Model;

use super::foundation::account_ref;

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let Some(b) = &bp.baseline else { return };
    for (i, key) in b.exclude.iter().enumerate() {
        if !bp.organizational_units.contains_key(key) {
            out.push(
                Diagnostic::error(format!(
                    "`{key}` in baseline.exclude is not a key under `organizational_units`"
                ))
                .at_value(src, &format!("baseline.exclude[{i}]"))
                .with_help(unknown_help(
                    key,
                    "OUs",
                    bp.organizational_units.keys().map(String::as_str),
                )),
            );
        }
    }
    if let Some(a) = &b.admin_account {
        account_ref(
            loaded,
            a,
            "baseline.admin_account",
            "delegated StackSets administrator",
            out,
        );
    }
    if b.config.enabled && bp.logging.is_none() {
        out.push(
            Diagnostic::error("baseline.config delivers to the log archive bucket, and there is no `logging:` section")
                .at_key(src, "baseline.config")
                .with_help(
                    "add `logging: {}` (the log archive account and its bucket), or turn the \
                     recorder off with `baseline: { config: { enabled: false } }`",
                ),
        );
    }
    if ![1, 3, 6, 12, 24].contains(&b.config.snapshot_hours) {
        out.push(
            Diagnostic::error(format!(
                "AWS Config cannot deliver snapshots every {} hours",
                b.config.snapshot_hours
            ))
            .at_value(src, "baseline.config.snapshot_hours")
            .with_help("use 1, 3, 6, 12 or 24"),
        );
    }
    let p = &b.password_policy;
    if p.enabled {
        for (value, path, range) in [
            (p.minimum_length, "minimum_length", 6..=128),
            (p.max_age_days, "max_age_days", 0..=1095),
            (p.reuse_prevention, "reuse_prevention", 0..=24),
        ] {
            if !range.contains(&value) {
                out.push(
                    Diagnostic::error(format!(
                        "IAM does not accept a password policy {} of {value}",
                        path.replace('_', " ")
                    ))
                    .at_value(src, &format!("baseline.password_policy.{path}"))
                    .with_help(format!(
                        "use {} to {}{}",
                        range.start(),
                        range.end(),
                        if *range.start() == 0 { " (0: off)" } else { "" }
                    )),
                );
            }
        }
    }
}

/// Accounts the stack sets do not reach although their OU is not excluded: with an excluded
/// OU, the root is not targeted (its direct accounts are missed), and neither is an OU that
/// holds an excluded OU (its direct accounts are missed).
pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let Some(b) = &model.baseline else { return };
    if b.stack_sets.is_empty() || b.targets.iter().any(|t| t.key == "root") {
        return;
    }
    let reached = |ou: &str| -> bool {
        let mut cur = model.ou(ou);
        while let Some(o) = cur {
            if b.targets.iter().any(|t| t.key == o.key) {
                return true;
            }
            cur = o.parent.as_deref().and_then(|p| model.ou(p));
        }
        false
    };
    for a in &model.accounts {
        let missed = match &a.ou {
            None => true,
            Some(ou) => !b.excluded.contains(ou) && !reached(ou),
        };
        if missed {
            let where_ = match &a.ou {
                None => "directly under the root".to_string(),
                Some(ou) => format!("in OU `{ou}`, which holds an excluded OU"),
            };
            out.push(
                Diagnostic::warning(format!(
                    "account `{}` is {where_}: the baseline stack sets do not reach it",
                    a.key
                ))
                .at_value(&loaded.source, &a.origin)
                .with_help(
                    "stack sets target whole OU subtrees: move the account into an OU that is \
                     baselined, or move the excluded OU out from under its parent",
                ),
            );
        }
    }
}

/// Where the region guardrail does not reach, accounts may run workloads in any region, while
/// the security services (GuardDuty, Security Hub, Config, Access Analyzer) run only in the
/// allowed regions: warn, naming the OUs left unmonitored.
pub fn check_unmonitored_regions(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let Some(s) = &model.security else { return };
    if s.admin_account.is_empty() {
        return;
    }
    let targets: Vec<&crate::model::Target> = model
        .policies
        .iter()
        .filter(|p| {
            p.origin == "guardrails.region_restriction"
                || p.packed_from.iter().any(|f| f == "region_restriction")
        })
        .flat_map(|p| &p.targets)
        .collect();
    if targets.contains(&&crate::model::Target::Root) {
        return;
    }
    let covered = |ou: &str| -> bool {
        let mut cur = model.ou(ou);
        while let Some(o) = cur {
            if targets.contains(&&crate::model::Target::Ou(o.key.clone())) {
                return true;
            }
            cur = o.parent.as_deref().and_then(|p| model.ou(p));
        }
        false
    };
    // The highest uncovered OUs: top-level ones, or siblings of a covered OU.
    let has_covered_child = |key: &str| {
        model
            .ous
            .iter()
            .any(|c| c.parent.as_deref() == Some(key) && covered(&c.key))
    };
    let mut uncovered: Vec<String> = model
        .ous
        .iter()
        .filter(|o| !covered(&o.key))
        .filter(|o| o.parent.as_deref().is_none_or(has_covered_child))
        .map(|o| format!("`{}`", o.key))
        .collect();
    if model.accounts.iter().any(|a| a.ou.is_none()) {
        uncovered.insert(0, "the root's own accounts".to_string());
    }
    if uncovered.is_empty() {
        return;
    }
    let path = if loaded
        .blueprint
        .guardrails
        .contains_key("region_restriction")
    {
        "guardrails.region_restriction"
    } else {
        "security"
    };
    out.push(
        Diagnostic::warning(format!(
            "the region guardrail does not cover {}: accounts there can use any region, and \
             the security services watch only the allowed regions",
            uncovered.join(", ")
        ))
        .at_key(&loaded.source, path)
        .with_help(
            "attach `region_restriction` to `root` (exempting what must run elsewhere), or add \
             the regions those accounts use to `organization.regions` so they are monitored",
        ),
    );
}
