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
//! Beyond the organization policies it shows what the baseline sections give the target: the
//! baseline stack sets that reach it (and through which OU target) or why none does, the
//! organization policies and features the baseline sets, its backup plans with the member vault
//! and the central vault copies go to, its alternate contacts and its budget, each with the
//! blueprint key it comes from. A new section is a field of [`Explanation`] filled in
//! [`explain`] and a few lines in each renderer.

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
    /// What `baseline:` gives it; None without `baseline:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInForce>,
    /// Its backup plans, vaults and where copies go; None when no backup reaches it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupInForce>,
    /// Alternate contacts (accounts only; empty without `contacts:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<ContactInForce>,
    /// Monthly budgets (accounts only; empty without `budgets:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budgets: Vec<BudgetInForce>,
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

/// What the baseline gives a target.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineInForce {
    /// The stack set targets whose subtree holds it (`root` or `ou:<key>`): one for an account
    /// or OU that the stack sets reach, none for one they do not, every target for the root.
    pub via: Vec<String>,
    /// Why the stack sets do not reach it (excluded, or outside every targeted OU).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_reached: Option<String>,
    /// The stack sets whose instances run in it (empty when not reached).
    pub stack_sets: Vec<StackSetInForce>,
    /// Who manages the stack sets: `management account` or the delegated admin's key.
    pub administered_by: String,
    /// The baseline's organization policies in force on it (the EC2 declarative policy).
    pub policies: Vec<InForce>,
    /// Centralized root access management (`aws_iam_organizations_features`): organization
    /// wide, so every member account, excluded OUs included.
    pub root_access_management: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackSetInForce {
    /// The stack set's name in AWS.
    pub name: String,
    pub description: String,
    /// The regions its instances run in.
    pub regions: Vec<String>,
}

/// Backup for a target: the plans in force, the member vault, where copies go.
#[derive(Debug, Clone, Serialize)]
pub struct BackupInForce {
    /// The backup policies in force (their plans are the effective backup policy).
    pub plans: Vec<InForce>,
    /// The vault and role the backup stack's stack set creates in it; None when the stack set
    /// does not reach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_vault: Option<MemberVault>,
    /// The account holding the central vaults copies go to.
    pub central_account: String,
    pub central_vault: String,
    /// The central vaults' regions.
    pub central_regions: Vec<String>,
    /// `governance, 7-3650 days`; None without a vault lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vault_lock: Option<String>,
    /// It is the backup account: the central vaults live in it.
    pub holds_central_vaults: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberVault {
    pub vault: String,
    /// The AWS Backup service role (path and name).
    pub role: String,
    pub stack_set: String,
    /// The stack set target that reaches it: `ou:<key>`.
    pub via: String,
    pub regions: Vec<String>,
}

/// One alternate contact set on an account.
#[derive(Debug, Clone, Serialize)]
pub struct ContactInForce {
    /// `BILLING`, `OPERATIONS` or `SECURITY`.
    pub kind: String,
    pub name: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    /// The blueprint key it comes from.
    pub defined_at: String,
}

/// One monthly budget of an account.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetInForce {
    pub name: String,
    /// The monthly limit (`5000`).
    pub amount: String,
    pub currency: String,
    /// Percentages of the limit that alert on actual spend.
    pub actual: Vec<u32>,
    /// Percentages of the limit that alert on forecast spend.
    pub forecast: Vec<u32>,
    /// Where the alerts go.
    pub notify: Vec<String>,
    /// The blueprint key the limit comes from.
    pub defined_at: String,
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

/// `root` or `ou:<key>`, for a stack set target key.
fn target_name(key: &str) -> String {
    if key == "root" {
        "root".to_string()
    } else {
        format!("ou:{key}")
    }
}

/// The stack set target (root or OU key) whose subtree holds `target`, if any.
fn reached_by<'a>(chain: &[Target], targets: impl Iterator<Item = &'a str>) -> Option<String> {
    let keys: Vec<&str> = targets.collect();
    chain.iter().find_map(|level| match level {
        Target::Root if keys.contains(&"root") => Some("root".to_string()),
        Target::Ou(k) if keys.contains(&k.as_str()) => Some(format!("ou:{k}")),
        _ => None,
    })
}

fn baseline(model: &Model, target: &Target, chain: &[Target]) -> Option<BaselineInForce> {
    let b = model.baseline.as_ref()?;
    let target_keys = || b.targets.iter().map(|t| t.key.as_str());
    let (via, not_reached) = match target {
        Target::Root => (target_keys().map(target_name).collect(), None),
        _ => match reached_by(chain, target_keys()) {
            Some(v) => (vec![v], None),
            None => {
                let excluded_by = chain.iter().find_map(|l| match l {
                    Target::Ou(k) if b.excluded.contains(k) => Some(k.clone()),
                    _ => None,
                });
                let why = match excluded_by {
                    Some(k) => format!("excluded (`baseline.exclude` holds OU `{k}`)"),
                    None => "outside every OU the stack sets target".to_string(),
                };
                (Vec::new(), Some(why))
            }
        },
    };
    let stack_sets = if via.is_empty() {
        Vec::new()
    } else {
        b.stack_sets
            .iter()
            .map(|s| StackSetInForce {
                name: s.name.clone(),
                description: s.description.clone(),
                regions: s.regions.iter().map(|r| r.region.clone()).collect(),
            })
            .collect()
    };
    let policies = PolicyType::ALL
        .into_iter()
        .flat_map(|kind| effective::in_force(model, kind, target))
        .filter(|(p, _)| p.origin.starts_with("baseline."))
        .map(|(p, l)| in_force(p, &l))
        .collect();
    Some(BaselineInForce {
        via,
        not_reached,
        stack_sets,
        administered_by: match &b.admin_account {
            Some(a) => format!("account `{a}` (delegated StackSets administrator)"),
            None => "the management account".to_string(),
        },
        policies,
        root_access_management: b.root_access_management,
    })
}

fn backup(model: &Model, target: &Target, chain: &[Target]) -> Option<BackupInForce> {
    let b = model.backup.as_ref()?;
    let plans: Vec<InForce> = effective::in_force(model, PolicyType::Backup, target)
        .iter()
        .map(|(p, l)| in_force(p, l))
        .collect();
    let param = |name: &str| -> &str {
        b.stack_set
            .parameters
            .iter()
            .find(|p| p.name == name)
            .map_or("", |p| p.value.as_str())
    };
    let member_vault =
        reached_by(chain, b.targets.iter().map(|t| t.key.as_str())).map(|via| MemberVault {
            vault: b.vault.clone(),
            role: format!("{}{}", param("RolePath"), param("RoleName"))
                .trim_start_matches('/')
                .to_string(),
            stack_set: b.stack_set.name.clone(),
            via,
            regions: b
                .stack_set
                .regions
                .iter()
                .map(|r| r.region.clone())
                .collect(),
        });
    let holds_central_vaults = *target == Target::Account(b.account.clone());
    if plans.is_empty() && member_vault.is_none() && !holds_central_vaults {
        return None;
    }
    Some(BackupInForce {
        plans,
        member_vault,
        central_account: b.account.clone(),
        central_vault: b.vault.clone(),
        central_regions: b.regions.iter().map(|r| r.region.clone()).collect(),
        vault_lock: b.vault_lock.as_ref().map(|l| {
            format!(
                "{}, {}-{} days",
                match l.mode {
                    crate::blueprint::LockMode::Governance => "governance",
                    crate::blueprint::LockMode::Compliance => "compliance",
                },
                l.min_retention_days,
                l.max_retention_days
            )
        }),
        holds_central_vaults,
    })
}

/// The monthly limit without the API's `.0`.
fn amount(limit: &str) -> String {
    limit.strip_suffix(".0").unwrap_or(limit).to_string()
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
    let account = match target {
        Target::Account(k) => Some(k.as_str()),
        _ => None,
    };
    let contacts = model
        .contacts
        .iter()
        .filter(|c| account.is_some() && c.account.as_deref() == account)
        .map(|c| ContactInForce {
            kind: c.kind.clone(),
            name: c.name.clone(),
            title: c.title.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            defined_at: c.defined_at.clone(),
        })
        .collect();
    let budgets = model
        .budgets
        .iter()
        .filter(|b| Some(b.account.as_str()) == account)
        .map(|b| BudgetInForce {
            name: b.name.clone(),
            amount: amount(&b.limit),
            currency: b.currency.clone(),
            actual: b.actual.clone(),
            forecast: b.forecast.clone(),
            notify: b.emails.clone(),
            defined_at: b.defined_at.clone(),
        })
        .collect();
    Explanation {
        baseline: baseline(model, target, &chain),
        backup: backup(model, target, &chain),
        contacts,
        budgets,
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

/// `80%, 100% of actual and 100% of forecast spend`.
fn alerts(actual: &[u32], forecast: &[u32]) -> String {
    let pct = |l: &[u32]| {
        l.iter()
            .map(|p| format!("{p}%"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (actual.is_empty(), forecast.is_empty()) {
        (true, true) => "none".to_string(),
        (false, true) => format!("{} of actual spend", pct(actual)),
        (true, false) => format!("{} of forecast spend", pct(forecast)),
        (false, false) => format!(
            "{} of actual and {} of forecast spend",
            pct(actual),
            pct(forecast)
        ),
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
        self.markdown_baseline(&mut out);
        self.markdown_backup(&mut out);
        if !self.contacts.is_empty() {
            out.push_str("## Alternate contacts\n\n");
            out.push_str("| contact | name | title | email | phone | set by |\n");
            out.push_str("|---|---|---|---|---|---|\n");
            for c in &self.contacts {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | `{}` |\n",
                    c.kind.to_lowercase(),
                    md(&c.name),
                    md(&c.title),
                    md(&c.email),
                    md(&c.phone),
                    md(&c.defined_at)
                ));
            }
            out.push('\n');
        }
        if !self.budgets.is_empty() {
            out.push_str("## Budget\n\n");
            for b in &self.budgets {
                out.push_str(&format!(
                    "- {}: {} {} a month (`{}`); alerts at {} to {}\n",
                    md(&b.name),
                    b.amount,
                    md(&b.currency),
                    md(&b.defined_at),
                    alerts(&b.actual, &b.forecast),
                    b.notify
                        .iter()
                        .map(|e| md(e))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            out.push('\n');
        }
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

    fn markdown_baseline(&self, out: &mut String) {
        let Some(b) = &self.baseline else {
            return;
        };
        out.push_str("## Baseline\n\n");
        let whom = if self.kind == "account" {
            "this account"
        } else {
            "the member accounts below it"
        };
        if let Some(why) = &b.not_reached {
            out.push_str(&format!("- Stack sets: none reach {whom}: {}\n", md(why)));
        } else if b.stack_sets.is_empty() {
            out.push_str("- Stack sets: none (every baseline item that uses one is off)\n");
        } else {
            let via: Vec<String> = b.via.iter().map(|v| describe_level(v)).collect();
            out.push_str(&format!(
                "- Stack sets, administered by {}, deployed to {} (new accounts included; \
                 never to the management account):\n",
                md(&b.administered_by),
                via.join(", ")
            ));
            for st in &b.stack_sets {
                out.push_str(&format!(
                    "  - `{}` in {}: {}\n",
                    st.name,
                    st.regions.join(", "),
                    md(&st.description)
                ));
            }
        }
        for p in &b.policies {
            out.push_str(&format!(
                "- Organization policy `{}` (attached to {}): {}\n",
                md(&p.policy),
                describe_level(&p.attached),
                md(&p.description)
            ));
        }
        out.push_str(&format!(
            "- Centralized root access management: {}\n\n",
            if b.root_access_management {
                "on, organization-wide (member accounts have no root credentials; \
                 root tasks run from the management account)"
            } else {
                "off"
            }
        ));
    }

    fn markdown_backup(&self, out: &mut String) {
        let Some(b) = &self.backup else {
            return;
        };
        out.push_str("## Backup\n\n");
        if b.plans.is_empty() {
            out.push_str("- Plans: none\n");
        }
        for p in &b.plans {
            out.push_str(&format!(
                "- Plan `{}` (attached to {}): {}\n",
                md(&p.policy),
                describe_level(&p.attached),
                md(&p.description)
            ));
        }
        if let Some(v) = &b.member_vault {
            out.push_str(&format!(
                "- Vault {} and role {} in {}, from the stack set `{}` deployed to {}\n",
                md(&v.vault),
                md(&v.role),
                v.regions.join(", "),
                v.stack_set,
                describe_level(&v.via)
            ));
        } else if !b.plans.is_empty() {
            out.push_str(
                "- No stack set gives it the vault and role the plans use: create them in it\n",
            );
        }
        let lock = b
            .vault_lock
            .as_ref()
            .map(|l| format!(" (vault lock: {l})"))
            .unwrap_or_default();
        if b.holds_central_vaults {
            out.push_str(&format!(
                "- Holds the central vault {} in {}{lock}: the copies of every plan go here\n",
                md(&b.central_vault),
                b.central_regions.join(", ")
            ));
        } else {
            out.push_str(&format!(
                "- Copies go to the vault {} of account `{}` in {}{lock}\n",
                md(&b.central_vault),
                b.central_account,
                b.central_regions.join(", ")
            ));
        }
        out.push('\n');
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
        if let Some(b) = &self.baseline {
            let reach = match &b.not_reached {
                Some(why) => format!("not reached, {why}"),
                None => format!(
                    "via {}: {}",
                    b.via.join(", "),
                    if b.stack_sets.is_empty() {
                        "-".to_string()
                    } else {
                        b.stack_sets
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            };
            let policies: String = b
                .policies
                .iter()
                .map(|p| format!("; {}@{}", p.policy, p.attached))
                .collect();
            out.push_str(&format!(
                "  baseline: {reach}{policies}; root access management: {}\n",
                if b.root_access_management {
                    "on"
                } else {
                    "off"
                }
            ));
        }
        if let Some(b) = &self.backup {
            let plans = b
                .plans
                .iter()
                .map(|p| format!("{}@{}", p.policy, p.attached))
                .collect::<Vec<_>>();
            let mut line = format!(
                "  backup: plans {}",
                if plans.is_empty() {
                    "-".to_string()
                } else {
                    plans.join(", ")
                }
            );
            match &b.member_vault {
                Some(v) => line.push_str(&format!(
                    "; vault {} + role {} via {}",
                    v.vault, v.role, v.via
                )),
                None => line.push_str("; no member vault"),
            }
            if b.holds_central_vaults {
                line.push_str(&format!(
                    "; holds the central vault {} in {}",
                    b.central_vault,
                    b.central_regions.join(", ")
                ));
            } else {
                line.push_str(&format!(
                    "; copies to {}/{} in {}",
                    b.central_account,
                    b.central_vault,
                    b.central_regions.join(", ")
                ));
            }
            if let Some(l) = &b.vault_lock {
                line.push_str(&format!(" (lock {l})"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        if !self.contacts.is_empty() {
            let contacts: Vec<String> = self
                .contacts
                .iter()
                .map(|c| {
                    format!(
                        "{}={} <{}> ({})",
                        c.kind.to_lowercase(),
                        c.name,
                        c.email,
                        c.defined_at
                    )
                })
                .collect();
            out.push_str(&format!("  contacts: {}\n", contacts.join(", ")));
        }
        for b in &self.budgets {
            out.push_str(&format!(
                "  budget: {} {} {}/month ({}); alerts {}; to {}\n",
                b.name,
                b.amount,
                b.currency,
                b.defined_at,
                alerts(&b.actual, &b.forecast),
                b.notify.join(", ")
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
    /// `type: name, name` per policy type with any policy, then `stack sets: name, name` for
    /// the baseline and backup stack sets whose instances reach its accounts.
    pub policies: Vec<String>,
}

/// The README's `stack sets:` line for an OU (or the root): the baseline and backup stack sets
/// whose instances reach its accounts, or why the baseline's do not.
fn stack_sets_line(model: &Model, t: &Target, chain: &[Target], accounts: usize) -> Option<String> {
    let mut names: Vec<&str> = Vec::new();
    let mut excluded = false;
    if let Some(b) = &model.baseline {
        if reached_by(chain, b.targets.iter().map(|x| x.key.as_str())).is_some() {
            names.extend(b.stack_sets.iter().map(|s| s.name.as_str()));
        } else if matches!(t, Target::Ou(k) if b.excluded.contains(k)) {
            excluded = true;
        }
    }
    if let Some(b) = &model.backup
        && reached_by(chain, b.targets.iter().map(|x| x.key.as_str())).is_some()
    {
        names.push(b.stack_set.name.as_str());
    }
    if !names.is_empty() {
        Some(format!("stack sets: {}", names.join(", ")))
    } else if excluded {
        Some("stack sets: none (excluded from the baseline)".to_string())
    } else if model.baseline.is_some() && accounts > 0 {
        Some("stack sets: none".to_string())
    } else {
        None
    }
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
            let mut policies: Vec<String> = policies;
            policies.extend(stack_sets_line(model, &t, &chain, accounts));
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
