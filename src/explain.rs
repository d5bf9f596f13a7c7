//! `landform explain TARGET`: what is in force on an account, an OU or the root, and why —
//! computed from the blueprint alone (the expanded [`Model`]), the way AWS Organizations
//! computes it.
//!
//! An [`Explanation`] holds the SCPs and RCPs that apply with the level each is attached to,
//! the regions and services left open, the effective management policies (tag, backup, AI
//! opt-out, EC2 declarative) merged root → OUs → account, and who can sign in with which
//! permission set. Renderings: Markdown (the default), compact text (one line per fact, for
//! snapshots and terminals) and JSON.
//!
//! A new section (baseline settings, budgets) is a field of [`Explanation`] filled in
//! [`explain`] and a few lines in each renderer; `sections_to_come` marks the place.

use serde::Serialize;
use serde_json::Value;

use crate::blueprint::PolicyType;
use crate::model::{Model, Policy, PolicySource, Target};
use crate::orgpolicy::effective;

/// A target named on the command line: an account key or name, an OU key or name, or `root`.
pub fn resolve(model: &Model, name: &str) -> Option<Target> {
    if name == "root" {
        return Some(Target::Root);
    }
    if let Some(a) = model.accounts.iter().find(|a| a.key == name) {
        return Some(Target::Account(a.key.clone()));
    }
    if let Some(o) = model.ous.iter().find(|o| o.key == name) {
        return Some(Target::Ou(o.key.clone()));
    }
    if let Some(a) = model.accounts.iter().find(|a| a.name == name) {
        return Some(Target::Account(a.key.clone()));
    }
    model
        .ous
        .iter()
        .find(|o| o.name == name)
        .map(|o| Target::Ou(o.key.clone()))
}

/// Every name `resolve` accepts, for "did you mean".
pub fn names(model: &Model) -> Vec<&str> {
    std::iter::once("root")
        .chain(model.accounts.iter().map(|a| a.key.as_str()))
        .chain(model.ous.iter().map(|o| o.key.as_str()))
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// `account`, `ou` or `root`.
    pub kind: &'static str,
    pub key: String,
    pub name: String,
    /// The levels above it, from the root: `Root`, then OU names.
    pub path: Vec<String>,
    /// For an OU or the root: the accounts below it (keys), in model order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    pub scps: Vec<InForce>,
    pub rcps: Vec<InForce>,
    pub regions: Regions,
    /// Effective management policies, one per type that reaches the target.
    pub effective: Vec<EffectivePolicy>,
    /// Who can sign in (accounts only; empty without Identity Center).
    pub access: Vec<Access>,
    /// Problems in the effective policies (the validator reports them too).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// One policy in force and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct InForce {
    /// The policy name in AWS.
    pub policy: String,
    /// `guardrail` or `custom`.
    pub source: &'static str,
    /// `root`, `ou:<key>` or `account:<key>`.
    pub attached: String,
    /// The guardrails packed into it, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packed_from: Vec<String>,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Regions {
    /// The regions requests may go to; None when no region guardrail applies (every region).
    pub allowed: Option<Vec<String>>,
    /// The policy that restricts them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Whether every action is denied (deny_all).
    pub everything_denied: bool,
    /// Services and actions denied outright by name (Deny statements without conditions),
    /// in document order.
    pub denied_actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EffectivePolicy {
    /// The blueprint's `type:` (`tag`, `backup`...).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Contributing policies, root first.
    pub from: Vec<InForce>,
    /// The merged policy, as AWS shows an effective policy.
    pub policy: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Access {
    /// `group` or `user`.
    pub principal_kind: &'static str,
    pub principal: String,
    pub permission_set: String,
    pub session: String,
}

fn attached(t: &Target) -> String {
    match t {
        Target::Root => "root".to_string(),
        Target::Ou(k) => format!("ou:{k}"),
        Target::Account(k) => format!("account:{k}"),
    }
}

fn in_force(p: &Policy, level: &Target) -> InForce {
    InForce {
        policy: p.name.clone(),
        source: match p.source {
            PolicySource::Guardrail => "guardrail",
            PolicySource::Custom => "custom",
        },
        attached: attached(level),
        packed_from: p.packed_from.clone(),
        description: p.description.clone(),
    }
}

/// Whether this policy is (or packs) the named guardrail.
fn is_guardrail(p: &Policy, name: &str) -> bool {
    p.source == PolicySource::Guardrail
        && (p.key == name || p.packed_from.iter().any(|g| g == name))
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

fn regions(model: &Model, scps: &[(&Policy, Target)]) -> Regions {
    let mut out = Regions {
        allowed: None,
        by: None,
        everything_denied: false,
        denied_actions: Vec::new(),
    };
    for (p, _) in scps {
        if is_guardrail(p, "region_restriction") && out.allowed.is_none() {
            let org = &model.organization;
            out.allowed = Some(if org.regions.is_empty() {
                vec![org.home_region.clone()]
            } else {
                org.regions.clone()
            });
            out.by = Some(p.name.clone());
        }
        for st in statements(&p.document) {
            let deny = st.get("Effect").and_then(Value::as_str) == Some("Deny");
            if !deny || st.get("Condition").is_some() || st.get("Action").is_none() {
                continue;
            }
            let actions: Vec<&str> = match &st["Action"] {
                Value::String(a) => vec![a.as_str()],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if actions.contains(&"*") {
                out.everything_denied = true;
            }
            for a in actions {
                if !out.denied_actions.iter().any(|d| d == a) {
                    out.denied_actions.push(a.to_string());
                }
            }
        }
    }
    out
}

fn session(iso: &str) -> String {
    // `PT1H30M` → `1h30m`.
    iso.trim_start_matches("PT").to_ascii_lowercase()
}

/// What is in force on `target`.
pub fn explain(model: &Model, target: &Target) -> Explanation {
    let chain = effective::chain(model, target).unwrap_or_default();
    let path: Vec<String> = chain
        .iter()
        .filter(|t| *t != target)
        .map(|t| match t {
            Target::Root => "Root".to_string(),
            Target::Ou(k) => model.ou(k).map(|o| o.name.clone()).unwrap_or_default(),
            Target::Account(k) => k.clone(),
        })
        .collect();
    let (kind, key, name) = match target {
        Target::Root => ("root", "root".to_string(), "Root".to_string()),
        Target::Ou(k) => (
            "ou",
            k.clone(),
            model.ou(k).map(|o| o.name.clone()).unwrap_or_default(),
        ),
        Target::Account(k) => (
            "account",
            k.clone(),
            model.account(k).map(|a| a.name.clone()).unwrap_or_default(),
        ),
    };
    let accounts = match target {
        Target::Account(_) => Vec::new(),
        _ => model
            .accounts
            .iter()
            .filter(|a| {
                let t = Target::Account(a.key.clone());
                effective::chain(model, &t).is_some_and(|c| c.contains(target))
            })
            .map(|a| a.key.clone())
            .collect(),
    };
    let scps = effective::in_force(model, PolicyType::Scp, target);
    let rcps = effective::in_force(model, PolicyType::Rcp, target);
    let mut problems = Vec::new();
    let mut effective_policies = Vec::new();
    for kind in PolicyType::ALL
        .into_iter()
        .filter(|k| !k.is_authorization())
    {
        let (policy, found) = effective::effective(model, kind, target);
        for p in found {
            let who = if p.policy.is_empty() {
                String::new()
            } else {
                format!("policy `{}` at ", p.policy)
            };
            problems.push(format!("{who}{}: {}", p.path, p.message));
        }
        if let Some(policy) = policy {
            effective_policies.push(EffectivePolicy {
                kind: kind.key(),
                from: effective::in_force(model, kind, target)
                    .iter()
                    .map(|(p, l)| in_force(p, l))
                    .collect(),
                policy,
            });
        }
    }
    let mut access = Vec::new();
    if let (Target::Account(k), Some(ic)) = (target, &model.identity_center) {
        for a in ic.assignments.iter().filter(|a| &a.account == k) {
            let (principal_kind, principal) = match (&a.group, &a.user) {
                (Some(g), _) => (
                    "group",
                    ic.groups
                        .iter()
                        .find(|x| &x.key == g)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| g.clone()),
                ),
                (None, Some(u)) => (
                    "user",
                    ic.users
                        .iter()
                        .find(|x| &x.key == u)
                        .map(|x| x.user_name.clone())
                        .unwrap_or_else(|| u.clone()),
                ),
                (None, None) => continue,
            };
            let ps = ic
                .permission_sets
                .iter()
                .find(|p| p.key == a.permission_set);
            access.push(Access {
                principal_kind,
                principal,
                permission_set: ps
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| a.permission_set.clone()),
                session: ps.map(|p| session(&p.session_duration)).unwrap_or_default(),
            });
        }
    }
    Explanation {
        kind,
        key,
        name,
        path,
        accounts,
        regions: regions(model, &scps),
        scps: scps.iter().map(|(p, l)| in_force(p, l)).collect(),
        rcps: rcps.iter().map(|(p, l)| in_force(p, l)).collect(),
        effective: effective_policies,
        access,
        problems,
    }
}

fn describe_level(attached: &str) -> String {
    match attached.split_once(':') {
        Some(("ou", k)) => format!("OU `{k}`"),
        Some(("account", k)) => format!("account `{k}`"),
        _ => "the root".to_string(),
    }
}

fn md(s: &str) -> String {
    crate::render::markdown_cell(s)
}

impl Explanation {
    fn title(&self) -> String {
        match self.kind {
            "root" => "the root".to_string(),
            "ou" => format!("OU `{}` ({})", self.key, md(&self.name)),
            _ => format!("account `{}` ({})", self.key, md(&self.name)),
        }
    }

    /// The Markdown report.
    pub fn markdown(&self) -> String {
        let mut out = format!("# What is in force on {}\n\n", self.title());
        if !self.path.is_empty() {
            let path: Vec<String> = self.path.iter().map(|p| md(p)).collect();
            out.push_str(&format!("Below: {}\n\n", path.join(" → ")));
        }
        if !self.accounts.is_empty() {
            out.push_str(&format!(
                "Accounts below it: {}\n\n",
                self.accounts
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for (title, list, default) in [
            ("Service control policies", &self.scps, "FullAWSAccess"),
            ("Resource control policies", &self.rcps, "RCPFullAWSAccess"),
        ] {
            out.push_str(&format!("## {title}\n\n"));
            out.push_str(&format!(
                "- `{default}` (AWS managed, at every level): allows everything the others do not deny\n"
            ));
            for p in list {
                out.push_str(&format!(
                    "- `{}` ({}, attached to {}): {}\n",
                    md(&p.policy),
                    p.source,
                    describe_level(&p.attached),
                    md(&p.description)
                ));
            }
            out.push('\n');
        }
        out.push_str("## Regions and services\n\n");
        match (&self.regions.allowed, &self.regions.by) {
            (Some(r), Some(by)) => out.push_str(&format!(
                "- Regions: {} (`{}`; global services such as IAM, Organizations and billing \
                 answer from any region)\n",
                r.join(", "),
                md(by)
            )),
            _ => out.push_str("- Regions: every region AWS has enabled for the account\n"),
        }
        if self.regions.everything_denied {
            out.push_str("- Services: none (an SCP denies every action)\n");
        } else if self.regions.denied_actions.is_empty() {
            out.push_str("- Services: all\n");
        } else {
            out.push_str(&format!(
                "- Services: all, except these actions, denied outright: {}\n",
                self.regions
                    .denied_actions
                    .iter()
                    .map(|a| format!("`{}`", md(a)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out.push('\n');
        for e in &self.effective {
            let kind = PolicyType::ALL
                .into_iter()
                .find(|k| k.key() == e.kind)
                .map(|k| k.title())
                .unwrap_or(e.kind);
            out.push_str(&format!("## Effective {}\n\n", kind.to_lowercase()));
            let from: Vec<String> = e
                .from
                .iter()
                .map(|p| format!("`{}` ({})", md(&p.policy), describe_level(&p.attached)))
                .collect();
            out.push_str(&format!("From {}:\n\n", from.join(", ")));
            let pretty = serde_json::to_string_pretty(&e.policy).unwrap_or_default();
            out.push_str(&format!(
                "```json\n{}\n```\n\n",
                pretty.replace("```", "`\\``")
            ));
        }
        if self.kind == "account" {
            out.push_str("## Who can sign in\n\n");
            if self.access.is_empty() {
                out.push_str("Nobody, through IAM Identity Center.\n\n");
            } else {
                out.push_str("| principal | permission set | session |\n|---|---|---|\n");
                for a in &self.access {
                    out.push_str(&format!(
                        "| {} {} | {} | {} |\n",
                        a.principal_kind,
                        md(&a.principal),
                        md(&a.permission_set),
                        a.session
                    ));
                }
                out.push('\n');
            }
        }
        // sections_to_come: baseline settings and budgets go here once the blueprint has them.
        if !self.problems.is_empty() {
            out.push_str("## Problems\n\n");
            for p in &self.problems {
                out.push_str(&format!("- {}\n", md(p)));
            }
            out.push('\n');
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// A compact report: one line per fact.
    pub fn text(&self) -> String {
        let mut out = self.title().replace('`', "").to_string();
        if !self.path.is_empty() {
            out.push_str(&format!(" in {}", self.path.join(" / ")));
        }
        out.push('\n');
        let list = |l: &[InForce]| -> String {
            if l.is_empty() {
                return "-".to_string();
            }
            l.iter()
                .map(|p| format!("{}@{}", p.policy, p.attached))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("  scp: {}\n", list(&self.scps)));
        out.push_str(&format!("  rcp: {}\n", list(&self.rcps)));
        let regions = match &self.regions.allowed {
            Some(r) => r.join(", "),
            None => "all".to_string(),
        };
        let services = if self.regions.everything_denied {
            "none".to_string()
        } else {
            format!(
                "all but {} denied actions",
                self.regions.denied_actions.len()
            )
        };
        out.push_str(&format!("  regions: {regions}; services: {services}\n"));
        for e in &self.effective {
            out.push_str(&format!("  {}: {}\n", e.kind, e.policy));
        }
        if self.kind == "account" {
            let access: Vec<String> = self
                .access
                .iter()
                .map(|a| format!("{}={} ({})", a.principal, a.permission_set, a.session))
                .collect();
            out.push_str(&format!(
                "  access: {}\n",
                if access.is_empty() {
                    "-".to_string()
                } else {
                    access.join(", ")
                }
            ));
        }
        for p in &self.problems {
            out.push_str(&format!("  problem: {p}\n"));
        }
        out
    }

    /// JSON for tools, with a final newline.
    pub fn json(&self) -> String {
        crate::output::json(self)
    }
}

/// What the README shows per OU: the policies in force there (inherited and attached), by name.
#[derive(Debug, Clone, Serialize)]
pub struct OuSummary {
    /// `Root`, or the OU path (`Workloads/Prod`).
    pub ou: String,
    pub accounts: usize,
    /// `type: name, name` per policy type with any policy.
    pub policies: Vec<String>,
}

/// One line per OU (root first), for the generated README.
pub fn by_ou(model: &Model) -> Vec<OuSummary> {
    let targets =
        std::iter::once(Target::Root).chain(model.ous.iter().map(|o| Target::Ou(o.key.clone())));
    targets
        .map(|t| {
            let chain = effective::chain(model, &t).unwrap_or_default();
            let ou = chain
                .iter()
                .filter_map(|l| match l {
                    Target::Ou(k) => model.ou(k).map(|o| o.name.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("/");
            let policies = PolicyType::ALL
                .into_iter()
                .filter_map(|kind| {
                    let names: Vec<String> = effective::in_force(model, kind, &t)
                        .iter()
                        .map(|(p, _)| p.name.clone())
                        .collect();
                    (!names.is_empty()).then(|| format!("{}: {}", kind.key(), names.join(", ")))
                })
                .collect();
            let accounts = match &t {
                Target::Ou(k) => model.ou(k).map(|o| o.accounts.len()).unwrap_or(0),
                _ => model.accounts.iter().filter(|a| a.ou.is_none()).count(),
            };
            OuSummary {
                ou: if ou.is_empty() {
                    "Root".to_string()
                } else {
                    ou
                },
                accounts,
                policies,
            }
        })
        .collect()
}
