use std::collections::BTreeMap;

use crate::blueprint::PolicyType;
use crate::diagnostic::{Diagnostic, did_you_mean, list, unknown_help};
use crate::expand;
use crate::guardrails;
use crate::load::Loaded;
use crate::model::{Model, Target};
use crate::source::{Source, Span};

pub fn check_blueprint(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    for (name, usage) in &bp.guardrails {
        let path = format!("guardrails.{name}");
        let Some(g) = guardrails::find(name) else {
            out.push(
                Diagnostic::error(format!("unknown guardrail `{name}`"))
                    .at_key(src, &path)
                    .with_help(format!(
                        "{} (`landform guardrails` lists them with their parameters)",
                        unknown_help(name, "guardrails", guardrails::ALL.iter().map(|g| g.name))
                    )),
            );
            continue;
        };
        for (param, value) in &usage.params {
            let ppath = format!("{path}.{param}");
            if !g.params.iter().any(|p| p.name == param) {
                let known = g.params.iter().map(|p| p.name);
                let help = match did_you_mean(param, known.clone()) {
                    Some(s) => format!("did you mean `{s}`? (parameters: {})", list(known)),
                    None if g.params.is_empty() => {
                        format!("`{name}` takes no parameters; only `attach:`")
                    }
                    None => format!("parameters of `{name}`: {}", list(known)),
                };
                out.push(
                    Diagnostic::error(format!("guardrail `{name}` has no parameter `{param}`"))
                        .at_key(src, &ppath)
                        .with_help(help),
                );
            } else if guardrails::strings(value).is_none() {
                out.push(
                    Diagnostic::error(format!(
                        "parameter `{param}` of guardrail `{name}` must be a list of strings"
                    ))
                    .at_value(src, &ppath)
                    .with_help(format!("write `{param}: [\"...\"]`")),
                );
            }
        }
        if usage.attach.is_empty() {
            out.push(
                Diagnostic::warning(format!("guardrail `{name}` is attached nowhere"))
                    .at_key(src, &path)
                    .with_help("list targets: `root`, OU keys or account keys"),
            );
        }
    }
    for (name, policy) in &bp.policies {
        if policy.attach.is_empty() {
            out.push(
                Diagnostic::warning(format!("policy `{name}` is attached nowhere"))
                    .at_key(src, &format!("policies.{name}"))
                    .with_help(
                        "it is created but applies to nothing: list targets under `attach:` \
                         (`root`, OU keys or account keys)",
                    ),
            );
        }
    }
    for (name, policy) in &bp.policies {
        let path = format!("policies.{name}.file");
        match loaded.files.get(&policy.file) {
            Some(Err(e)) => out.push(
                Diagnostic::error(format!(
                    "cannot read policy `{name}` from `{}`: {e}",
                    policy.file
                ))
                .at_value(src, &path)
                .with_help("the path is relative to the blueprint's folder"),
            ),
            Some(Ok(text)) => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                    let file = Source::new(src.dir().join(&policy.file), text.clone());
                    out.push(
                        Diagnostic::error(format!("policy `{name}` is not valid JSON: {e}"))
                            .at(
                                &file,
                                Some(Span {
                                    line: e.line().max(1),
                                    column: e.column().max(1),
                                    len: 1,
                                }),
                            )
                            .with_help(format!("fix the JSON in `{}`", policy.file)),
                    );
                }
            }
            None => {}
        }
    }
}

pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let limits = bp.organization.limits;
    // Targets that resolve to nothing.
    let attach_lists = bp
        .guardrails
        .iter()
        .map(|(n, g)| (format!("guardrails.{n}"), &g.attach))
        .chain(
            bp.policies
                .iter()
                .map(|(n, p)| (format!("policies.{n}"), &p.attach)),
        );
    for (path, attach) in attach_lists {
        for (i, t) in attach.iter().enumerate() {
            if expand::target(bp, &model.accounts, t).is_none() {
                let known = std::iter::once("root")
                    .chain(model.ous.iter().map(|o| o.key.as_str()))
                    .chain(model.accounts.iter().map(|a| a.key.as_str()));
                let help = match did_you_mean(t, known) {
                    Some(s) => {
                        format!("did you mean `{s}`? targets are `root`, OU keys and account keys")
                    }
                    None => "targets are `root`, OU keys and account keys".to_string(),
                };
                let at = if src.value(&format!("{path}.attach")).is_some() {
                    format!("{path}.attach[{i}]")
                } else {
                    format!("{path}[{i}]")
                };
                out.push(
                    Diagnostic::error(format!("unknown attach target `{t}`"))
                        .at_value(src, &at)
                        .with_help(help),
                );
            }
        }
    }
    check_companions(loaded, model, out);
    // Document sizes, as AWS counts them (what Terraform sends, ids at their longest).
    for p in &model.policies {
        let size = p.size();
        let max = crate::orgpolicy::max_size(p.kind, &limits);
        if size > max {
            let setting = match p.kind {
                PolicyType::Scp => " (`organization.limits.scp_size`)",
                PolicyType::Rcp => " (`organization.limits.rcp_size`)",
                _ => "",
            };
            out.push(
                Diagnostic::error(format!(
                    "policy `{}` is {size} characters as sent to AWS; the limit for {} is {max}{setting}",
                    p.name,
                    p.kind.many(),
                ))
                .at_key(src, &p.origin)
                .with_help(
                    "split it into several policies, or remove statements (Terraform sends the \
                     document minified, with `<`, `>` and `&` as 6-character escapes)",
                ),
            );
        }
    }
    // Policies per target and type; AWS's FullAWSAccess and RCPFullAWSAccess take a place.
    let mut counts: BTreeMap<(&Target, PolicyType), Vec<&str>> = BTreeMap::new();
    for p in &model.policies {
        for t in &p.targets {
            counts.entry((t, p.kind)).or_default().push(&p.origin);
        }
    }
    for ((target, kind), origins) in counts {
        let (max, default) = crate::orgpolicy::max_per_target(kind, &limits);
        let n = origins.len() + usize::from(default.is_some());
        if n <= max {
            continue;
        }
        let counting = default
            .map(|d| format!(" (counting AWS's {d})"))
            .unwrap_or_default();
        let setting = match kind {
            PolicyType::Scp => " (`organization.limits.scps_per_target`)",
            PolicyType::Rcp => " (`organization.limits.rcps_per_target`)",
            _ => "",
        };
        let last = origins[origins.len() - 1];
        let help = if !kind.is_authorization() {
            "attach some of them higher up the tree, or merge them into one document"
        } else if loaded.blueprint.organization.pack_guardrails {
            "attach some of them higher up the tree, or merge custom documents"
        } else {
            "attach some of them higher up the tree, or pack guardrails into fewer \
             documents with `landform generate --pack` (or `organization.pack_guardrails: true`)"
        };
        out.push(
            Diagnostic::error(format!(
                "{} would have {n} {} attached{counting}; the limit is {max}{setting}",
                target.describe(),
                kind.many(),
            ))
            .at_key(src, last)
            .with_help(help),
        );
    }
}

/// Guardrails that rely on another: exempting a role is only safe while the role itself is
/// protected, and the data perimeter's opt-out tags only mean something while nobody but the
/// exempt roles can set them. Warns where the companion does not reach every target.
fn check_companions(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    const PAIRS: &[(&str, &str, &str)] = &[
        (
            "protect_audit_logging",
            "protect_access_roles",
            "it exempts the organization access role and the StackSets execution roles; \
             without protect_access_roles an account admin can edit their trust and act as them",
        ),
        (
            "protect_log_archive",
            "protect_access_roles",
            "it exempts the organization access role and the StackSets execution roles; \
             without protect_access_roles an account admin can edit their trust and act as them",
        ),
        (
            "deny_external_access",
            "protect_perimeter_tags",
            "a resource tagged `dp:exclude:identity=true` leaves the perimeter; without \
             protect_perimeter_tags anyone who can tag can opt a resource out",
        ),
    ];
    let bp = &loaded.blueprint;
    for (first, companion, why) in PAIRS {
        let Some(usage) = bp.guardrails.get(*first) else {
            continue;
        };
        // The exempt roles were replaced: the blueprint chose its own exemptions.
        if usage.params.contains_key("exempt_roles") {
            continue;
        }
        let covered: Vec<Target> = bp
            .guardrails
            .get(*companion)
            .map(|c| {
                c.attach
                    .iter()
                    .filter_map(|t| expand::target(bp, &model.accounts, t))
                    .collect()
            })
            .unwrap_or_default();
        let uncovered = usage
            .attach
            .iter()
            .filter_map(|t| expand::target(bp, &model.accounts, t))
            .find(|t| {
                let chain = crate::orgpolicy::effective::chain(model, t).unwrap_or_default();
                !chain.iter().any(|level| covered.contains(level))
            });
        if let Some(t) = uncovered {
            out.push(
                Diagnostic::warning(format!(
                    "guardrail `{first}` reaches {} without `{companion}`",
                    t.describe()
                ))
                .at_key(&loaded.source, &format!("guardrails.{first}"))
                .with_help(format!(
                    "{why}: attach `{companion}` to `root` (or to the same targets)"
                )),
            );
        }
    }
}
