//! Policy documents: the `tagging:` and `backup:` sections, placeholders in custom documents,
//! and the structural lint (with the IAM action catalogue) over every document landform would
//! write. Each finding names the policy and the JSON path inside its document, and points at
//! the blueprint line the policy comes from.

use crate::diagnostic::{Diagnostic, did_you_mean, list, unknown_help};
use crate::expand;
use crate::load::Loaded;
use crate::model::{Model, Policy, PolicySource};
use crate::naming::key_of;
use crate::orgpolicy::{lint, placeholders};
use crate::regions;

pub fn check_blueprint(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    check_tagging(loaded, out);
    check_backup(loaded, out);
}

pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    check_placeholders(loaded, model, out);
    let src = &loaded.source;
    if let Some(tagging) = &loaded.blueprint.tagging {
        for (i, t) in tagging.attach.iter().enumerate() {
            if expand::target(&loaded.blueprint, &model.accounts, t).is_none() {
                out.push(
                    Diagnostic::error(format!("unknown attach target `{t}`"))
                        .at_value(src, &format!("tagging.attach[{i}]"))
                        .with_help("targets are `root`, OU keys and account keys"),
                );
            }
        }
    }
    if let Some(backup) = &loaded.blueprint.backup {
        if model.account(&key_of(&backup.account)).is_none() {
            let known = model.accounts.iter().map(|a| a.key.as_str());
            out.push(
                Diagnostic::error(format!("unknown backup account `{}`", backup.account))
                    .at_value(src, "backup.account")
                    .with_help(unknown_help(&backup.account, "accounts", known)),
            );
        }
        for env in backup.plans.keys() {
            let any = model
                .accounts
                .iter()
                .any(|a| a.environment.as_deref() == Some(env.as_str()));
            if !any && loaded.blueprint.environments.contains_key(env) {
                out.push(
                    Diagnostic::warning(format!(
                        "the backup plan for `{env}` applies to no account"
                    ))
                    .at_key(src, &format!("backup.plans.{env}"))
                    .with_help(format!("no workload uses the `{env}` environment")),
                );
            }
        }
    }
    for p in &model.policies {
        for finding in lint::lint(p.kind, &p.document) {
            out.push(lint_diagnostic(loaded, p, &finding));
        }
    }
    check_effective(loaded, model, out);
}

/// Every management policy as part of the effective policy of each target it reaches (root,
/// OUs, accounts), merged the way AWS merges it. A problem names the policy, the JSON path in
/// its document, and the first target whose effective policy it breaks (and how many more).
fn check_effective(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    use crate::blueprint::PolicyType;
    use crate::model::Target;
    use crate::orgpolicy::effective;
    let kinds: Vec<PolicyType> = PolicyType::ALL
        .into_iter()
        .filter(|k| !k.is_authorization() && model.policies.iter().any(|p| p.kind == *k))
        .collect();
    if kinds.is_empty() {
        return;
    }
    let targets: Vec<Target> = std::iter::once(Target::Root)
        .chain(model.ous.iter().map(|o| Target::Ou(o.key.clone())))
        .chain(
            model
                .accounts
                .iter()
                .map(|a| Target::Account(a.key.clone())),
        )
        .collect();
    // (kind, policy, path, message) → targets, in the order first met.
    let mut found: indexmap::IndexMap<(PolicyType, String, String, String, bool), Vec<&Target>> =
        indexmap::IndexMap::new();
    for kind in kinds {
        for t in &targets {
            let (_, problems) = effective::effective(model, kind, t);
            for p in problems {
                found
                    .entry((kind, p.policy, p.path, p.message, p.warning))
                    .or_default()
                    .push(t);
            }
        }
    }
    for ((kind, policy, path, message, warning), targets) in found {
        let more = match targets.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let whose = format!("the effective policy of {}{more}", targets[0].describe());
        match model.policies.iter().find(|p| p.name == policy) {
            Some(p) => {
                let d = Diagnostic::error(format!(
                    "policy `{policy}` at {path}: {message} (in {whose})"
                ));
                out.push(locate(loaded, p, d).with_help(
                    "change this policy or the one above it that restricts the operator",
                ));
            }
            None => {
                // The merged result lacks a field no single policy was wrong to leave out.
                let text = format!("{message} (in {whose})");
                let d = if warning {
                    Diagnostic::warning(text)
                } else {
                    Diagnostic::error(text)
                };
                let first = model.policies.iter().find(|p| {
                    p.kind == kind
                        && p.document
                            .pointer(&format!("/{}", path.replace('.', "/")))
                            .is_some()
                });
                let d = match first {
                    Some(p) => locate(loaded, p, d),
                    None => d,
                };
                out.push(d.with_help(if warning {
                    format!(
                        "to require another case, set `tag_key` in this policy or in one \
                         attached above {}",
                        targets[0].describe()
                    )
                } else {
                    format!(
                        "set it in this policy or in one attached above {}",
                        targets[0].describe()
                    )
                }));
            }
        }
    }
}

/// Where a policy's problems point in the blueprint.
fn locate(loaded: &Loaded, p: &Policy, d: Diagnostic) -> Diagnostic {
    let src = &loaded.source;
    match p.source {
        PolicySource::Custom => d.at_value(src, &format!("{}.file", p.origin)),
        PolicySource::Guardrail => d.at_key(src, &p.origin),
    }
}

fn lint_diagnostic(loaded: &Loaded, p: &Policy, finding: &lint::Finding) -> Diagnostic {
    let at = if finding.path.is_empty() {
        String::new()
    } else {
        format!(" at {}", finding.path)
    };
    let message = format!("policy `{}`{at}: {}", p.name, finding.message);
    let d = if finding.warning {
        Diagnostic::warning(message)
    } else {
        Diagnostic::error(message)
    };
    let help = match p.source {
        PolicySource::Custom => {
            let file = loaded
                .blueprint
                .policies
                .get(p.origin.trim_start_matches("policies."))
                .map(|c| c.file.as_str())
                .unwrap_or(p.file.as_str());
            format!("fix the document in `{file}`")
        }
        PolicySource::Guardrail if !p.packed_from.is_empty() => {
            format!(
                "packed from {}",
                list(p.packed_from.iter().map(String::as_str))
            )
        }
        PolicySource::Guardrail => {
            "check the guardrail's parameters (`landform guardrails` lists them)".to_string()
        }
    };
    locate(loaded, p, d).with_help(help)
}

fn check_placeholders(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let src = &loaded.source;
    for (name, custom) in &loaded.blueprint.policies {
        let Some(doc) = loaded.document(&custom.file) else {
            continue;
        };
        let (_, problems, accounts) = placeholders::fill(&doc, &[]);
        let path = format!("policies.{name}.file");
        for problem in problems {
            out.push(
                Diagnostic::error(format!(
                    "policy `{name}` at {}: {}",
                    problem.path, problem.message
                ))
                .at_value(src, &path)
                .with_help(
                    "placeholders are `{{ allowed_regions }}`, `{{ org_id }}` and \
                     `{{ account_id.KEY }}`",
                ),
            );
        }
        for (key, at) in accounts {
            if model.account(&key).is_none() {
                let known = model.accounts.iter().map(|a| a.key.as_str());
                out.push(
                    Diagnostic::error(format!(
                        "policy `{name}` at {at}: unknown account `{key}` in `{{{{ account_id.{key} }}}}`"
                    ))
                    .at_value(src, &path)
                    .with_help(unknown_help(&key, "accounts", known)),
                );
            }
        }
    }
}

fn check_tagging(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let Some(tagging) = &loaded.blueprint.tagging else {
        return;
    };
    let src = &loaded.source;
    if tagging.tags.is_empty() {
        out.push(
            Diagnostic::error("`tagging.tags` is empty")
                .at_key(src, "tagging.tags")
                .with_help("list tag keys: `tags: { CostCenter: { values: [\"100\"] } }`"),
        );
    }
    for (i, (key, rule)) in tagging.tags.iter().enumerate() {
        let path = format!("tagging.tags.{key}");
        if let Some(first) = tagging
            .tags
            .keys()
            .take(i)
            .find(|k| k.eq_ignore_ascii_case(key))
        {
            out.push(
                Diagnostic::error(format!("tag key `{key}` repeats `{first}` in another case"))
                    .at_key(src, &path)
                    .with_help(
                        "a tag policy has one entry per key, ignoring case: keep one spelling",
                    ),
            );
        }
        if key.is_empty() || key.chars().count() > 128 || key.to_lowercase().starts_with("aws:") {
            out.push(
                Diagnostic::error(format!("`{key}` is not a usable tag key"))
                    .at_key(src, &path)
                    .with_help("tag keys have 1-128 characters and may not start with `aws:`"),
            );
        }
        for (j, v) in rule.values.iter().enumerate() {
            if v.chars().count() > 256 {
                out.push(
                    Diagnostic::error(format!(
                        "tag value of `{key}` has {} characters; AWS allows 256",
                        v.chars().count()
                    ))
                    .at_value(src, &format!("{path}.values[{j}]"))
                    .with_help("shorten the value"),
                );
            }
        }
        for (field, list) in [
            ("enforced_for", &rule.enforced_for),
            ("required_for", &rule.required_for),
        ] {
            for (j, t) in list.iter().enumerate() {
                let ok = t.split_once(':').is_some_and(|(s, r)| {
                    !s.is_empty()
                        && !r.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                });
                if !ok {
                    out.push(
                        Diagnostic::error(format!("`{t}` is not a resource type"))
                            .at_value(src, &format!("{path}.{field}[{j}]"))
                            .with_help(
                                "write `service:resource`, such as `ec2:instance`, or \
                                 `service:ALL_SUPPORTED`",
                            ),
                    );
                }
            }
        }
    }
}

fn check_backup(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let Some(backup) = &bp.backup else {
        return;
    };
    let src = &loaded.source;
    let vault_ok = (2..=50).contains(&backup.vault.len())
        && backup
            .vault
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !vault_ok {
        out.push(
            Diagnostic::error(format!("`{}` is not a backup vault name", backup.vault))
                .at_value(src, "backup.vault")
                .with_help("2-50 letters, digits, `-` and `_`"),
        );
    }
    if backup.plans.is_empty() {
        out.push(
            Diagnostic::error("`backup.plans` is empty")
                .at_key(src, "backup.plans")
                .with_help("add a plan per environment: `plans: { prod: { schedule: ..., retention_days: 35, copy_region: eu-central-1 } }`"),
        );
    }
    for (env, plan) in &backup.plans {
        let path = format!("backup.plans.{env}");
        if !bp.environments.contains_key(env) {
            out.push(
                Diagnostic::error(format!("unknown environment `{env}` in `backup.plans`"))
                    .at_key(src, &path)
                    .with_help(unknown_help(
                        env,
                        "environments",
                        bp.environments.keys().map(String::as_str),
                    )),
            );
        }
        let s = plan.schedule.trim();
        if !((s.starts_with("cron(") || s.starts_with("rate(")) && s.ends_with(')')) {
            out.push(
                Diagnostic::error(format!("`{}` is not a backup schedule", plan.schedule))
                    .at_value(src, &format!("{path}.schedule"))
                    .with_help("write a `cron(...)` or `rate(...)` expression, such as `cron(0 5 ? * * *)`"),
            );
        }
        if plan.retention_days == 0 {
            out.push(
                Diagnostic::error("`retention_days` must be at least 1")
                    .at_value(src, &format!("{path}.retention_days"))
                    .with_help("days a recovery point is kept, such as 35"),
            );
        }
        if plan.copy_retention_days == Some(0) {
            out.push(
                Diagnostic::error("`copy_retention_days` must be at least 1")
                    .at_value(src, &format!("{path}.copy_retention_days"))
                    .with_help("leave it out to keep copies as long as the originals"),
            );
        }
        if !regions::is_region(&plan.copy_region) {
            let help = match did_you_mean(&plan.copy_region, regions::ALL.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use an AWS region code such as `eu-central-1`".to_string(),
            };
            out.push(
                Diagnostic::error(format!("`{}` is not an AWS region", plan.copy_region))
                    .at_value(src, &format!("{path}.copy_region"))
                    .with_help(help),
            );
        } else if plan.copy_region == bp.organization.home_region {
            out.push(
                Diagnostic::error(format!(
                    "backup copies for `{env}` go to `{}`, the home region",
                    plan.copy_region
                ))
                .at_value(src, &format!("{path}.copy_region"))
                .with_help("copy to another region, so a regional outage cannot take both"),
            );
        }
    }
}
