//! The blueprint against the lock: which email each account keeps, which keys were renamed
//! (`moved`), which accounts left (`removed`), and every error and warning about it.
//!
//! A pure function of the loaded blueprint (with its lock) and the expanded accounts, OUs and
//! policies; `expand` applies its result to the model and `validate` reports its diagnostics.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::{Lock, LockedAccount, LockedId, Move};
use crate::blueprint::Blueprint;
use crate::diagnostic::{Diagnostic, list};
use crate::load::Loaded;
use crate::model::{Account, AccountKind, Import, Model, Moved, Ou, Policy, Removed, Target};
use crate::naming::{email_for, key_of, workload_account_name};

pub const ACCOUNT: &str = "aws_organizations_account";
pub const OU: &str = "aws_organizations_organizational_unit";
pub const ATTACHMENT: &str = "aws_organizations_policy_attachment";

/// What the lock decides for one generation.
#[derive(Debug, Clone, Default)]
pub struct Reconciled {
    /// The email of every account key that the lock (or an override) decides.
    pub emails: IndexMap<String, String>,
    /// New account key → the locked key it inherits from (a declared rename).
    pub renamed: IndexMap<String, String>,
    /// New OU key → the locked OU key it inherits from.
    pub ou_renamed: IndexMap<String, String>,
    /// Every `moved` block to write: the lock's history and this edit's renames.
    pub moved: Vec<Move>,
    /// Only this edit's renames.
    pub new_moves: Vec<Move>,
    /// Account keys that leave Terraform's state and stay in AWS (with their lock entry).
    pub removed: IndexMap<String, LockedAccount>,
    /// Account keys Terraform closes now (removed, listed in `close_on_removal`).
    pub closed: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// `aws_organizations_account.<key>`.
pub fn account_address(key: &str) -> String {
    format!("{ACCOUNT}.{key}")
}

pub fn ou_address(key: &str) -> String {
    format!("{OU}.{key}")
}

pub fn attachment_address(policy: &str, target: &Target) -> String {
    format!("{ATTACHMENT}.{policy}__{}", target.slug())
}

/// The blueprint path of the declaration that makes an account, and its `renamed_from`s.
struct Origin<'a> {
    /// Where to point a diagnostic about this account (the key of its entry).
    decl: String,
    /// The key the account had before this edit, from the `renamed_from`s that apply to it.
    previous: Option<String>,
    /// The `renamed_from` declarations involved, as blueprint paths.
    renames: Vec<String>,
    explicit_email: Option<&'a str>,
}

fn origin<'a>(bp: &'a Blueprint, a: &Account) -> Origin<'a> {
    match a.kind {
        AccountKind::Named => {
            let key = a.origin.strip_prefix("accounts.").unwrap_or(&a.origin);
            let entry = bp.accounts.get(key);
            let renamed = entry.and_then(|e| e.renamed_from.as_deref());
            Origin {
                decl: a.origin.clone(),
                previous: renamed.map(key_of),
                renames: renamed
                    .map(|_| vec![format!("accounts.{key}.renamed_from")])
                    .unwrap_or_default(),
                explicit_email: entry.and_then(|e| e.email.as_deref()),
            }
        }
        AccountKind::Workload => {
            let w = a.workload.as_deref().unwrap_or_default();
            let e = a.environment.as_deref().unwrap_or_default();
            let old_w = bp.workloads.get(w).and_then(|x| x.renamed_from.as_deref());
            let old_e = bp
                .environments
                .get(e)
                .and_then(|x| x.renamed_from.as_deref());
            let mut renames = Vec::new();
            if old_w.is_some() {
                renames.push(format!("workloads.{w}.renamed_from"));
            }
            if old_e.is_some() {
                renames.push(format!("environments.{e}.renamed_from"));
            }
            let previous = (old_w.is_some() || old_e.is_some()).then(|| {
                key_of(&workload_account_name(
                    old_w.unwrap_or(w),
                    old_e.unwrap_or(e),
                    a.region.as_deref(),
                ))
            });
            Origin {
                decl: format!("workloads.{w}"),
                previous,
                renames,
                explicit_email: None,
            }
        }
        AccountKind::Sandbox => Origin {
            decl: a.origin.clone(),
            previous: None,
            renames: Vec::new(),
            explicit_email: None,
        },
    }
}

/// Resource addresses the configuration declares.
fn addresses(accounts: &[Account], ous: &[Ou], policies: &[Policy]) -> HashSet<String> {
    let mut set: HashSet<String> = accounts.iter().map(|a| account_address(&a.key)).collect();
    set.extend(ous.iter().map(|o| ou_address(&o.key)));
    for p in policies {
        set.extend(p.targets.iter().map(|t| attachment_address(&p.key, t)));
    }
    set
}

/// Keeps the moves Terraform accepts: `from` no longer declared, and the chain that starts
/// there ends at a declared resource. Order: as given; duplicates dropped.
fn live_moves(moves: Vec<Move>, declared: &HashSet<String>) -> Vec<Move> {
    let mut out: Vec<Move> = Vec::new();
    for m in &moves {
        if declared.contains(&m.from) || out.contains(m) {
            continue;
        }
        // Later moves from the same address win over earlier ones.
        if moves.iter().rev().find(|x| x.from == m.from) != Some(m) {
            continue;
        }
        let mut at = m.to.clone();
        let mut steps = 0;
        while !declared.contains(&at) && steps < moves.len() {
            match moves.iter().rev().find(|x| x.from == at) {
                Some(next) => at = next.to.clone(),
                None => break,
            }
            steps += 1;
        }
        if declared.contains(&at) {
            out.push(m.clone());
        }
    }
    out
}

/// Reconciles the blueprint's accounts, OUs and policies with its lock.
pub fn reconcile(
    loaded: &Loaded,
    accounts: &[Account],
    ous: &[Ou],
    policies: &[Policy],
) -> Reconciled {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let empty = Lock::new();
    let lock = loaded.lock.as_ref().unwrap_or(&empty);
    let mut r = Reconciled::default();
    let present: HashSet<&str> = accounts.iter().map(|a| a.key.as_str()).collect();
    let pattern = &bp.organization.email;

    // Renames declared: (blueprint path of the declaration) → whether it matched the lock.
    let mut declarations: IndexMap<String, bool> = IndexMap::new();
    let mut kept: Vec<String> = Vec::new();
    let mut inherited: HashSet<String> = HashSet::new();

    for a in accounts {
        let o = origin(bp, a);
        let derived = email_for(pattern, &a.name);
        for d in &o.renames {
            declarations.entry(d.clone()).or_insert(false);
        }
        let (locked, from) = if let Some(l) = lock.accounts.get(&a.key) {
            // A rename generated before: the lock remembers it.
            let done = o.previous.as_deref().is_some_and(|prev| {
                lock.moved
                    .iter()
                    .any(|m| m.from == account_address(prev) && m.to == account_address(&a.key))
            });
            if done {
                for d in &o.renames {
                    declarations.insert(d.clone(), true);
                }
            }
            (Some(l), None)
        } else if let Some(prev) = o.previous.as_deref()
            && let Some(l) = lock.accounts.get(prev)
        {
            for d in &o.renames {
                declarations.insert(d.clone(), true);
            }
            if present.contains(prev) {
                r.diagnostics.push(
                    Diagnostic::error(format!(
                        "account `{}` is declared renamed from `{prev}`, but `{prev}` is still in the blueprint",
                        a.key
                    ))
                    .at_value(src, &o.renames[0])
                    .with_help("a rename moves the account: remove the old entry, or drop `renamed_from`"),
                );
                (None, None)
            } else {
                (Some(l), Some(prev.to_string()))
            }
        } else {
            (None, None)
        };
        let Some(locked) = locked else {
            if let Some(e) = o.explicit_email {
                r.emails.insert(a.key.clone(), e.to_string());
            }
            continue;
        };
        if let Some(prev) = &from {
            inherited.insert(prev.clone());
            r.renamed.insert(a.key.clone(), prev.clone());
            let m = Move {
                from: account_address(prev),
                to: account_address(&a.key),
            };
            r.new_moves.push(m);
        }
        let email = match o.explicit_email {
            Some(e) if e != locked.email => {
                r.diagnostics.push(
                    Diagnostic::warning(format!(
                        "account `{}`: its root email changes from `{}` to `{e}`: AWS will replace the account (Terraform creates a new account; the old one leaves the organization's state)",
                        a.key, locked.email
                    ))
                    .at_value(src, &format!("{}.email", o.decl))
                    .with_help(format!(
                        "to keep the account, write `email: {}`",
                        locked.email
                    )),
                );
                e.to_string()
            }
            Some(e) => e.to_string(),
            None if derived == locked.email => derived,
            None => {
                // The email followed the account's name, and the name changed: that is a
                // replacement, unless declared as a rename (which changes the key).
                let followed_name = match (&locked.name, &lock.email_pattern) {
                    (Some(n), Some(p)) => n != &a.name && email_for(p, n) == locked.email,
                    _ => false,
                };
                if let Some(prev) = &from {
                    kept.push(format!(
                        "`{}` (renamed from `{prev}`): `{}`",
                        a.key, locked.email
                    ));
                } else if !followed_name {
                    kept.push(format!("`{}`: `{}`", a.key, locked.email));
                } else {
                    let help = if a.kind == AccountKind::Named {
                        format!(
                            "the root email is the account's identity and a new one replaces the account: keep it with `email: {}` on the account (or set `email: {derived}` to replace it on purpose)",
                            locked.email
                        )
                    } else {
                        "the root email is the account's identity and a new one replaces the account: undo the change that renamed it, or declare the rename with `renamed_from`".to_string()
                    };
                    r.diagnostics.push(
                        Diagnostic::error(format!(
                            "account `{}`: its root email would change from `{}` to `{derived}`",
                            a.key, locked.email
                        ))
                        .at_key(src, &o.decl)
                        .with_help(help),
                    );
                }
                locked.email.clone()
            }
        };
        r.emails.insert(a.key.clone(), email);
    }

    if !kept.is_empty() {
        r.diagnostics.push(
            Diagnostic::warning(format!(
                "{} account{} keep{} the root email in landform.lock, not the one `organization.email` gives now: {}",
                kept.len(),
                if kept.len() == 1 { "" } else { "s" },
                if kept.len() == 1 { "s" } else { "" },
                kept.join(", ")
            ))
            .at_value(src, "organization.email")
            .with_help("an existing account keeps its email (a new email would replace it); new accounts use the pattern"),
        );
    }

    // OUs.
    for ou in ous {
        let Some(old) = bp
            .organizational_units
            .get(&ou.key)
            .and_then(|o| o.renamed_from.as_deref())
        else {
            continue;
        };
        let path = format!("organizational_units.{}.renamed_from", ou.key);
        if lock.organizational_units.contains_key(&ou.key) {
            let done = lock
                .moved
                .iter()
                .any(|m| m.from == ou_address(old) && m.to == ou_address(&ou.key));
            if !done {
                declarations.insert(path, false);
            }
            continue;
        }
        if lock.organizational_units.contains_key(old) && !bp.organizational_units.contains_key(old)
        {
            r.ou_renamed.insert(ou.key.clone(), old.to_string());
            r.new_moves.push(Move {
                from: ou_address(old),
                to: ou_address(&ou.key),
            });
        } else {
            declarations.insert(path, false);
        }
    }
    // Attachments follow their target's rename.
    for p in policies {
        for t in &p.targets {
            let old = match t {
                Target::Ou(k) => r.ou_renamed.get(k).map(|o| Target::Ou(o.clone())),
                Target::Account(k) => r.renamed.get(k).map(|o| Target::Account(o.clone())),
                Target::Root => None,
            };
            if let Some(old) = old {
                r.new_moves.push(Move {
                    from: attachment_address(&p.key, &old),
                    to: attachment_address(&p.key, t),
                });
            }
        }
    }

    for (path, matched) in &declarations {
        if !matched {
            let old = path_value(bp, path).unwrap_or_default();
            r.diagnostics.push(
                Diagnostic::warning(format!(
                    "`renamed_from: {old}` names nothing in landform.lock"
                ))
                .at_value(src, path)
                .with_help("harmless once the rename has been generated; remove it when you like"),
            );
        }
    }

    // Accounts that left.
    let new_accounts: Vec<&Account> = accounts
        .iter()
        .filter(|a| !lock.accounts.contains_key(&a.key) && !r.renamed.contains_key(&a.key))
        .collect();
    for (key, locked) in &lock.accounts {
        if present.contains(key.as_str()) || inherited.contains(key) {
            continue;
        }
        let closing = bp.close_on_removal.iter().any(|k| key_of(k) == *key);
        if lock.allow_removal {
            if closing && locked.close_on_deletion {
                r.closed.push(key.clone());
            } else if closing {
                let i = bp
                    .close_on_removal
                    .iter()
                    .position(|k| key_of(k) == *key)
                    .unwrap_or(0);
                r.diagnostics.push(
                    Diagnostic::error(format!(
                        "account `{key}` cannot be closed yet: Terraform's state does not say `close_on_deletion = true` for it"
                    ))
                    .at_value(src, &format!("close_on_removal[{i}]"))
                    .with_help("put the account back, generate and apply once with it listed in `close_on_removal:`, then remove it"),
                );
            } else {
                r.removed.insert(key.clone(), locked.clone());
            }
            continue;
        }
        let (decl, help) = suggestion(bp, key, locked, &new_accounts);
        r.diagnostics.push(
            Diagnostic::error(format!(
                "account `{key}` (`{}`) is in landform.lock but no longer in the blueprint",
                locked.email
            ))
            .at_key(src, &decl)
            .with_help(help),
        );
    }
    for (key, locked) in &lock.removed {
        if !present.contains(key.as_str()) && !r.removed.contains_key(key) {
            r.removed.insert(key.clone(), locked.clone());
        }
    }

    let mut all = lock.moved.clone();
    all.extend(r.new_moves.iter().cloned());
    r.moved = live_moves(all, &addresses(accounts, ous, policies));
    r
}

/// The `renamed_from` value at a blueprint path built by [`origin`].
fn path_value(bp: &Blueprint, path: &str) -> Option<String> {
    let mut parts = path.split('.');
    let (section, key) = (parts.next()?, parts.next()?);
    match section {
        "accounts" => bp.accounts.get(key)?.renamed_from.clone(),
        "workloads" => bp.workloads.get(key)?.renamed_from.clone(),
        "environments" => bp.environments.get(key)?.renamed_from.clone(),
        "organizational_units" => bp.organizational_units.get(key)?.renamed_from.clone(),
        _ => None,
    }
}

const REMOVAL_HELP: &str = "to remove it on purpose, run with `--allow-removal`: the account stays in AWS and Terraform forgets it (list its key in `close_on_removal:` to close it instead)";

/// Where to point the error for a vanished account, and what to suggest.
fn suggestion(
    bp: &Blueprint,
    key: &str,
    locked: &LockedAccount,
    new: &[&Account],
) -> (String, String) {
    if let (Some(w), Some(e)) = (&locked.workload, &locked.environment) {
        let same_region = |a: &&&Account| a.region == locked.region;
        // Same workload, another environment: the environment was renamed.
        if let Some(a) = new
            .iter()
            .filter(same_region)
            .find(|a| a.workload.as_ref() == Some(w) && a.environment.as_ref() != Some(e))
        {
            let ne = a.environment.clone().unwrap_or_default();
            if !bp.environments.contains_key(e) {
                return (
                    format!("environments.{ne}"),
                    format!(
                        "if environment `{e}` was renamed to `{ne}`, declare it: `renamed_from: {e}` in `environments.{ne}` (the account keeps its email and is renamed in place); {REMOVAL_HELP}"
                    ),
                );
            }
        }
        // Same environment, another workload: the workload was renamed.
        if let Some(a) = new
            .iter()
            .filter(same_region)
            .find(|a| a.environment.as_ref() == Some(e) && a.workload.as_ref() != Some(w))
            && !bp.workloads.contains_key(w)
        {
            let nw = a.workload.clone().unwrap_or_default();
            return (
                format!("workloads.{nw}"),
                format!(
                    "if workload `{w}` was renamed to `{nw}`, declare it: `renamed_from: {w}` in `workloads.{nw}` (its accounts keep their emails and are renamed in place); {REMOVAL_HELP}"
                ),
            );
        }
        let decl = if bp.workloads.contains_key(w) {
            format!("workloads.{w}")
        } else {
            "workloads".to_string()
        };
        return (decl, REMOVAL_HELP.to_string());
    }
    let named: Vec<&&Account> = new
        .iter()
        .filter(|a| a.kind == AccountKind::Named)
        .collect();
    if locked.ou.is_some()
        && let Some(a) = named.iter().find(|a| a.ou == locked.ou).or(named.first())
        && key != "sandbox"
    {
        let nk = a.origin.strip_prefix("accounts.").unwrap_or(&a.origin);
        return (
            a.origin.clone(),
            format!(
                "if `{key}` was renamed to `{nk}`, declare it: `renamed_from: {key}` in `accounts.{nk}`; {REMOVAL_HELP}"
            ),
        );
    }
    let section = if key.starts_with("sandbox_") {
        "sandboxes"
    } else {
        "accounts"
    };
    (section.to_string(), REMOVAL_HELP.to_string())
}

/// The lock to write after generating `model` from `loaded`.
pub fn next(loaded: &Loaded, model: &Model) -> Lock {
    let old = loaded.lock.clone().unwrap_or_default();
    let r = reconcile(loaded, &model.accounts, &model.ous, &model.policies);
    let mut lock = Lock::new();
    lock.email_pattern = Some(loaded.blueprint.organization.email.clone());
    lock.organization = old.organization.clone();
    for a in &model.accounts {
        let prev = r
            .renamed
            .get(&a.key)
            .cloned()
            .unwrap_or_else(|| a.key.clone());
        let id = old.accounts.get(&prev).and_then(|l| l.id.clone());
        lock.accounts.insert(
            a.key.clone(),
            LockedAccount {
                email: a.email.clone(),
                name: Some(a.name.clone()),
                id,
                ou: a.ou.clone(),
                workload: a.workload.clone(),
                environment: a.environment.clone(),
                region: a.region.clone(),
                close_on_deletion: a.close_on_deletion,
            },
        );
    }
    for ou in &model.ous {
        let prev = r
            .ou_renamed
            .get(&ou.key)
            .cloned()
            .unwrap_or_else(|| ou.key.clone());
        let id = old
            .organizational_units
            .get(&prev)
            .and_then(|l| l.id.clone());
        lock.organizational_units
            .insert(ou.key.clone(), LockedId { id });
    }
    for p in &model.policies {
        if let Some(l) = old.policies.get(&p.key).filter(|l| l.id.is_some()) {
            lock.policies.insert(p.key.clone(), l.clone());
        }
    }
    for ps in model
        .identity_center
        .iter()
        .flat_map(|ic| &ic.permission_sets)
    {
        let id = old.permission_sets.get(&ps.key).and_then(|l| l.id.clone());
        lock.permission_sets.insert(ps.key.clone(), LockedId { id });
    }
    lock.moved = r.moved;
    lock.removed = r.removed;
    lock
}

/// A permission set key that appeared while another left the lock: if it is a rename, Terraform
/// recreates the permission set, every assignment of it and the roles behind them. A warning,
/// located at each new permission set.
pub fn permission_set_renames(loaded: &Loaded, model: &Model) -> Vec<Diagnostic> {
    let Some(lock) = &loaded.lock else {
        return Vec::new();
    };
    let sets: Vec<_> = model
        .identity_center
        .iter()
        .flat_map(|ic| &ic.permission_sets)
        .collect();
    let gone: Vec<&String> = lock
        .permission_sets
        .keys()
        .filter(|k| !sets.iter().any(|p| &p.key == *k))
        .collect();
    if gone.is_empty() {
        return Vec::new();
    }
    sets.iter()
        .filter(|p| !lock.permission_sets.contains_key(&p.key))
        .map(|p| {
            Diagnostic::warning(format!(
                "permission set `{}` is new and {} left: if this is a rename, Terraform destroys and recreates the permission set, every account assignment of it and the IAM roles behind them (open sessions end)",
                p.key,
                names(gone.iter().copied())
            ))
            .at_key(&loaded.source, &p.origin)
            .with_help("keep the old key and change only what the permission set grants, or accept the recreation")
        })
        .collect()
}

/// Names of accounts for messages.
pub fn names<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    list(keys.into_iter().map(String::as_str))
}

/// Applies the lock to a freshly expanded model: emails, `moved`, `removed` and `import`
/// blocks, `close_on_deletion`. Called by `expand`.
pub fn apply(loaded: &Loaded, model: &mut Model) {
    let bp = &loaded.blueprint;
    let r = reconcile(loaded, &model.accounts, &model.ous, &model.policies);
    for a in &mut model.accounts {
        if let Some(e) = r.emails.get(&a.key) {
            a.email = e.clone();
        }
        a.close_on_deletion = bp.close_on_removal.iter().any(|k| key_of(k) == a.key);
    }
    model.moved = r
        .moved
        .iter()
        .map(|m| Moved {
            from: m.from.clone(),
            to: m.to.clone(),
        })
        .collect();
    model.removed = r
        .removed
        .keys()
        .map(|k| Removed {
            from: account_address(k),
        })
        .collect();
    model.imports = imports(loaded.lock.as_ref(), &r, model);
}

/// Import blocks for every declared object whose id the lock knows (not renamed in this edit:
/// those are in the state already). An import of an object already in the state is a no-op.
fn imports(lock: Option<&Lock>, r: &Reconciled, model: &Model) -> Vec<Import> {
    let Some(lock) = lock else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |to: String, id: &Option<String>| {
        if let Some(id) = id {
            out.push(Import { to, id: id.clone() });
        }
    };
    push(
        "aws_organizations_organization.this".to_string(),
        &lock.organization.id,
    );
    let ou_id = |k: &str| {
        (!r.ou_renamed.contains_key(k))
            .then(|| lock.organizational_units.get(k).and_then(|l| l.id.clone()))
            .flatten()
    };
    let account_id = |k: &str| {
        (!r.renamed.contains_key(k))
            .then(|| lock.accounts.get(k).and_then(|l| l.id.clone()))
            .flatten()
    };
    for ou in &model.ous {
        push(ou_address(&ou.key), &ou_id(&ou.key));
    }
    for a in &model.accounts {
        push(account_address(&a.key), &account_id(&a.key));
    }
    for p in &model.policies {
        let Some(pid) = lock.policies.get(&p.key).and_then(|l| l.id.clone()) else {
            continue;
        };
        push(
            format!("aws_organizations_policy.{}", p.key),
            &Some(pid.clone()),
        );
        for t in &p.targets {
            let target = match t {
                Target::Root => lock.organization.root_id.clone(),
                Target::Ou(k) => ou_id(k),
                Target::Account(k) => account_id(k),
            };
            let id = target.map(|t| format!("{t}:{pid}"));
            push(attachment_address(&p.key, t), &id);
        }
    }
    out
}
