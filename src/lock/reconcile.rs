//! The blueprint against the lock: which email each account keeps, which keys were renamed
//! (`moved`), which accounts left (`removed`), and every error and warning about it.
//!
//! A pure function of the loaded blueprint (with its lock), the expanded accounts, OUs and
//! policies and the run's options: [`reconcile`] runs once per command, from `expand`, which
//! applies its emails to the accounts and finishes it ([`finish`]: the next lock, permission set
//! warnings). The [`LockPlan`] then travels in `model.lock`: validation reports its diagnostics,
//! `generate` writes its lock and `diff` describes it; nobody reconciles again.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::{Lock, LockPlan, LockedAccount, LockedId, Move, RunOptions, StackMove};
use crate::blueprint::Blueprint;
use crate::diagnostic::{Diagnostic, list};
use crate::load::Loaded;
use crate::model::{
    Account, AccountKind, Import, Model, Moved, ORGANIZATION, Ou, Policy, Removed, Target,
};
use crate::naming::{email_for, key_of, workload_account_name};

pub const ACCOUNT: &str = "aws_organizations_account";
pub const OU: &str = "aws_organizations_organizational_unit";
pub const ATTACHMENT: &str = "aws_organizations_policy_attachment";

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
    /// Keys the account may have had before, from the `renamed_from`s that apply to it, each
    /// with the declarations it uses, most renamed first. Renames compose: a workload renamed in
    /// an earlier edit (its `renamed_from` kept) and an environment renamed now give the key
    /// with the new workload and the old environment as well as the one with both old names.
    previous: Vec<(String, Vec<String>)>,
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
            let renames: Vec<String> = renamed
                .map(|_| vec![format!("accounts.{key}.renamed_from")])
                .unwrap_or_default();
            Origin {
                decl: a.origin.clone(),
                previous: renamed
                    .map(|r| vec![(key_of(r), renames.clone())])
                    .unwrap_or_default(),
                renames,
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
            let w_decl = format!("workloads.{w}.renamed_from");
            let e_decl = format!("environments.{e}.renamed_from");
            let mut renames = Vec::new();
            if old_w.is_some() {
                renames.push(w_decl.clone());
            }
            if old_e.is_some() {
                renames.push(e_decl.clone());
            }
            let key = |w: &str, e: &str| key_of(&workload_account_name(w, e, a.region.as_deref()));
            let mut previous = Vec::new();
            if let (Some(ow), Some(oe)) = (old_w, old_e) {
                previous.push((key(ow, oe), renames.clone()));
            }
            if let Some(ow) = old_w {
                previous.push((key(ow, e), vec![w_decl]));
            }
            if let Some(oe) = old_e {
                previous.push((key(w, oe), vec![e_decl]));
            }
            Origin {
                decl: format!("workloads.{w}"),
                previous,
                renames,
                explicit_email: None,
            }
        }
        AccountKind::Sandbox => Origin {
            decl: a.origin.clone(),
            previous: Vec::new(),
            renames: Vec::new(),
            explicit_email: None,
        },
    }
}

/// Where the lock's rename history takes `address`: follows `moved` from it (later moves win)
/// to the end of the chain. The address itself when nothing moved it.
fn forward(moves: &[Move], address: &str) -> String {
    let mut at = address.to_string();
    for _ in 0..moves.len() {
        match moves.iter().rev().find(|m| m.from == at) {
            Some(m) if m.to != at => at = m.to.clone(),
            _ => break,
        }
    }
    at
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

/// Reconciles the blueprint's accounts, OUs and policies with its lock. `next` is left empty:
/// [`finish`] fills it from the finished model.
pub fn reconcile(
    loaded: &Loaded,
    accounts: &[Account],
    ous: &[Ou],
    policies: &[Policy],
    options: RunOptions,
) -> LockPlan {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let empty = Lock::new();
    let lock = loaded.lock.as_ref().unwrap_or(&empty);
    let mut r = LockPlan::default();
    let present: HashSet<&str> = accounts.iter().map(|a| a.key.as_str()).collect();
    let pattern = &bp.organization.email;

    // Renames declared: (blueprint path of the declaration) → whether it matched the lock.
    let mut declarations: IndexMap<String, bool> = IndexMap::new();
    let mut kept: Vec<String> = Vec::new();
    let mut inherited: HashSet<String> = HashSet::new();
    // Locked key → the account that inherits it in this edit.
    let mut claimed: IndexMap<String, String> = IndexMap::new();
    // Stack an account leaves → the accounts leaving it whose id the lock does not know.
    let mut unknown_ids: IndexMap<String, Vec<(String, String)>> = IndexMap::new();

    for a in accounts {
        let o = origin(bp, a);
        if let Some(e) = o.explicit_email {
            r.explicit_emails.insert(a.key.clone(), e.to_string());
        }
        let derived = email_for(pattern, &a.name);
        for d in &o.renames {
            declarations.entry(d.clone()).or_insert(false);
        }
        // A declaration was generated before when the lock's history moved one of the keys it
        // stands for.
        for (prev, decls) in &o.previous {
            if lock.moved.iter().any(|m| m.from == account_address(prev)) {
                for d in decls {
                    declarations.insert(d.clone(), true);
                }
            }
        }
        let (locked, from) = if let Some(l) = lock.accounts.get(&a.key) {
            (Some(l), None)
        } else {
            // The first previous key that the lock (through its rename history) still holds
            // and that no declared account claims.
            let mut found = None;
            let mut still_declared = None;
            for (prev, decls) in &o.previous {
                let at = forward(&lock.moved, &account_address(prev));
                let Some(k) = at.strip_prefix(&format!("{ACCOUNT}.")) else {
                    continue;
                };
                let Some(l) = lock.accounts.get(k) else {
                    continue;
                };
                if present.contains(k) {
                    still_declared.get_or_insert((k.to_string(), decls.clone()));
                    continue;
                }
                if let Some(other) = claimed.get(k) {
                    r.diagnostics.push(
                        Diagnostic::error(format!(
                            "accounts `{other}` and `{}` both inherit `{k}` from landform.lock",
                            a.key
                        ))
                        .at_value(src, &decls[0])
                        .with_help("one account can be renamed only once: fix the `renamed_from` declarations"),
                    );
                    found = Some((None, None));
                    break;
                }
                for d in decls {
                    declarations.insert(d.clone(), true);
                }
                claimed.insert(k.to_string(), a.key.clone());
                found = Some((Some(l), Some(k.to_string())));
                break;
            }
            match (found, still_declared) {
                (Some(f), _) => f,
                (None, Some((prev, decls))) => {
                    for d in &decls {
                        declarations.insert(d.clone(), true);
                    }
                    r.diagnostics.push(
                        Diagnostic::error(format!(
                            "account `{}` is declared renamed from `{prev}`, but `{prev}` is still in the blueprint",
                            a.key
                        ))
                        .at_value(src, &decls[0])
                        .with_help("a rename moves the account: remove the old entry, or drop `renamed_from`"),
                    );
                    (None, None)
                }
                (None, None) => (None, None),
            }
        };
        let Some(locked) = locked else {
            // A new account: its email must not be one an existing account keeps (a workload
            // renamed away and its old name used again would otherwise ask AWS for a second
            // account with the first one's email).
            let email = o.explicit_email.unwrap_or(&derived);
            let holder = lock
                .accounts
                .iter()
                .chain(&lock.removed)
                .find(|(k, l)| l.email.eq_ignore_ascii_case(email) && **k != a.key);
            if let Some((k, _)) = holder {
                r.diagnostics.push(
                    Diagnostic::error(format!(
                        "new account `{}` would get the root email `{email}`, which account `{k}` in landform.lock already has",
                        a.key
                    ))
                    .at_key(src, &o.decl)
                    .with_help(format!("give `{}` another name (or an explicit `email:`); `{k}` keeps its email", a.key)),
                );
            }
            if let Some(e) = o.explicit_email {
                r.emails.insert(a.key.clone(), e.to_string());
            }
            continue;
        };
        if locked.stack() != a.stack {
            let prev = from.clone().unwrap_or_else(|| a.key.clone());
            if locked.id.is_none() {
                unknown_ids
                    .entry(locked.stack().to_string())
                    .or_default()
                    .push((a.key.clone(), a.origin.clone()));
            }
            r.stack_moves.push(StackMove {
                key: a.key.clone(),
                previous: prev,
                from: locked.stack().to_string(),
                to: a.stack.clone(),
            });
        }
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

    for (stack, accounts) in &unknown_ids {
        let keys: Vec<&String> = accounts.iter().map(|(k, _)| k).collect();
        let shown = names(keys.iter().take(8).copied());
        let more = if keys.len() > 8 {
            format!(" and {} more", keys.len() - 8)
        } else {
            String::new()
        };
        r.diagnostics.push(
            Diagnostic::error(format!(
                "{} account{} would move out of the stack `{stack}` ({shown}{more}), but landform.lock does not know {} account id: the stack {} joins{} needs the id for its `import` block",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                if keys.len() == 1 { "its" } else { "their" },
                if keys.len() == 1 { "it" } else { "they" },
                if keys.len() == 1 { "" } else { " each" },
            ))
            .at_key(src, &accounts[0].1)
            .with_help(format!(
                "record the ids first: in the output's `{stack}/` folder run `terraform show -json > state.json`, then `landform lock --from-state state.json` beside the blueprint, and generate again (until then, keep the accounts where they are)"
            )),
        );
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
            let done = lock.moved.iter().any(|m| m.from == ou_address(old));
            if !done {
                declarations.insert(path, false);
            }
            continue;
        }
        // Through the lock's history: an OU renamed before with its `renamed_from` kept.
        let at = forward(&lock.moved, &ou_address(old));
        let prev = at.strip_prefix(&format!("{OU}.")).unwrap_or(old);
        if lock.organizational_units.contains_key(prev)
            && !bp.organizational_units.contains_key(prev)
            && !r.ou_renamed.values().any(|v| v == prev)
        {
            r.ou_renamed.insert(ou.key.clone(), prev.to_string());
            r.new_moves.push(Move {
                from: ou_address(prev),
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
        if options.allow_removal {
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
                r.newly_removed.push(key.clone());
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

/// The lock to write after generating `model` from `loaded` with plan `r`.
fn next(loaded: &Loaded, model: &Model, r: &LockPlan) -> Lock {
    let old = loaded.lock.clone().unwrap_or_default();
    let mut lock = Lock::new();
    lock.email_pattern = Some(loaded.blueprint.organization.email.clone());
    lock.organization = old.organization.clone();
    for a in &model.accounts {
        let prev = r
            .renamed
            .get(&a.key)
            .cloned()
            .unwrap_or_else(|| a.key.clone());
        let was = old.accounts.get(&prev);
        let id = was.and_then(|l| l.id.clone());
        let mut left: Vec<String> = was.map(|l| l.left.clone()).unwrap_or_default();
        if let Some(w) = was
            && w.stack() != a.stack
            && !left.iter().any(|l| l == w.stack())
        {
            left.push(w.stack().to_string());
        }
        left.retain(|l| *l != a.stack);
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
                stack: (a.stack != ORGANIZATION).then(|| a.stack.clone()),
                // The budget moves with the account (imported where it goes) when the account
                // changes stacks with one; remembered while both last.
                import_budget: !left.is_empty()
                    && model.budgets.iter().any(|b| b.account == a.key)
                    && (was.is_some_and(|w| w.import_budget)
                        || r.stack_moves.iter().any(|m| m.key == a.key)),
                left,
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
    lock.moved = r.moved.clone();
    lock.removed = r.removed.clone();
    lock
}

/// A permission set key that appeared while another left the lock: if it is a rename, Terraform
/// recreates the permission set, every assignment of it and the roles behind them. A warning,
/// located at each new permission set.
fn permission_set_renames(loaded: &Loaded, model: &Model) -> Vec<Diagnostic> {
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

/// Applies the plan's emails and `close_on_deletion` to freshly expanded accounts (before
/// anything reads their emails). Called by `expand`.
pub fn apply_emails(loaded: &Loaded, plan: &LockPlan, accounts: &mut [Account]) {
    let bp = &loaded.blueprint;
    for a in accounts {
        if let Some(e) = plan.emails.get(&a.key) {
            a.email = e.clone();
        }
        a.close_on_deletion = bp.close_on_removal.iter().any(|k| key_of(k) == a.key);
    }
}

/// Finishes the plan on the expanded model: the model's `moved`, `removed` and `import` blocks,
/// the next lock and the permission set warnings; then the model carries the plan. Called by
/// `expand`, last.
pub fn finish(loaded: &Loaded, model: &mut Model, mut plan: LockPlan) {
    let stack_of = |address: &str| -> String {
        address
            .strip_prefix(&format!("{ACCOUNT}."))
            .and_then(|k| model.account(k))
            .map_or_else(|| ORGANIZATION.to_string(), |a| a.stack.clone())
    };
    let moved: Vec<Moved> = plan
        .moved
        .iter()
        .map(|m| Moved {
            from: m.from.clone(),
            to: m.to.clone(),
            stack: stack_of(&m.to),
        })
        .collect();
    model.imports = imports(loaded.lock.as_ref(), &plan, model);
    plan.next = next(loaded, model, &plan);
    // `removed` blocks: accounts removed on purpose, in the stack that declared them (and in
    // every stack they had left before); accounts that left a stack for another, in each stack
    // they left. A rename and a move in one edit: the stack left holds the old address.
    let mut removed = Vec::new();
    for (k, l) in &plan.removed {
        removed.push(Removed {
            from: account_address(k),
            stack: l.stack().to_string(),
        });
        for s in &l.left {
            removed.push(Removed {
                from: account_address(k),
                stack: s.clone(),
            });
        }
    }
    for (k, l) in &plan.next.accounts {
        for s in &l.left {
            let this_edit = plan
                .stack_moves
                .iter()
                .find(|m| m.key == *k && m.from == *s);
            removed.push(Removed {
                from: account_address(this_edit.map_or(k, |m| &m.previous)),
                stack: s.clone(),
            });
        }
    }
    model.moved = moved;
    model.removed = removed;
    plan.diagnostics
        .extend(permission_set_renames(loaded, model));
    model.lock = plan;
}

/// Import blocks for every declared object whose id the lock knows (not renamed in this edit:
/// those are in the state already). An import of an object already in the state is a no-op.
fn imports(lock: Option<&Lock>, r: &LockPlan, model: &Model) -> Vec<Import> {
    let Some(lock) = lock else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |to: String, id: &Option<String>| {
        if let Some(id) = id {
            let stack = to
                .strip_prefix(&format!("{ACCOUNT}."))
                .and_then(|k| model.account(k))
                .map_or(ORGANIZATION, |a| a.stack.as_str())
                .to_string();
            out.push(Import {
                to,
                id: id.clone(),
                expr: None,
                stack,
            });
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
    // A renamed account is in its stack's state already, unless it also changed stacks.
    let account_id = |k: &str| match r.renamed.get(k) {
        Some(prev) if r.stack_moves.iter().any(|m| m.key == k) => {
            lock.accounts.get(prev).and_then(|l| l.id.clone())
        }
        Some(_) => None,
        None => lock.accounts.get(k).and_then(|l| l.id.clone()),
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diagnostic::Severity;

    const BASE: &str = r#"version: 1
organization: { name: t, email: "aws+{account}@example.com", home_region: eu-west-1 }
environments:
  dev: { ou: nonprod }
  prod: { ou: prod }
workloads:
  app: { environments: [dev, prod] }
accounts:
  security: { ou: security }
organizational_units:
  security: { name: Security }
  nonprod: { name: NonProd }
  prod: { name: Prod }
"#;

    /// Expands `bp` against `lock` (validation must pass) and returns the model.
    fn run(bp: &str, lock: Option<&Lock>, allow_removal: bool) -> Model {
        let mut loaded = crate::load::load_str(Path::new("landform.yaml"), bp).expect("loads");
        let diags = crate::validate::blueprint(&loaded);
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        loaded.lock = lock.cloned();
        crate::expand::expand(
            &loaded,
            RunOptions {
                allow_removal,
                ..RunOptions::default()
            },
        )
    }

    fn errors(m: &Model) -> Vec<String> {
        m.lock
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .collect()
    }

    fn emails(m: &Model) -> Vec<(String, String)> {
        m.accounts
            .iter()
            .map(|a| (a.key.clone(), a.email.clone()))
            .collect()
    }

    #[test]
    fn without_a_lock_every_account_takes_the_pattern_and_the_next_lock_records_it() {
        let m = run(BASE, None, false);
        assert!(errors(&m).is_empty());
        assert!(m.lock.emails.is_empty());
        assert_eq!(
            m.lock.next.accounts["app_dev"].email,
            "aws+app-dev@example.com"
        );
        assert_eq!(m.lock.next.accounts.len(), 3);
        assert_eq!(
            m.lock.next.email_pattern.as_deref(),
            Some("aws+{account}@example.com")
        );
        assert!(m.moved.is_empty() && m.removed.is_empty() && m.imports.is_empty());
        // Round trip: the next lock parses back to itself.
        let text = m.lock.next.to_text();
        assert_eq!(parse_lock(&text), m.lock.next);
    }

    fn parse_lock(text: &str) -> Lock {
        super::super::parse(Path::new("landform.lock"), text).expect("lock parses")
    }

    #[test]
    fn a_pattern_change_keeps_locked_emails_and_gives_new_accounts_the_new_one() {
        let first = run(BASE, None, false);
        let bp = BASE
            .replace("aws+{account}@example.com", "cloud+{account}@example.org")
            .replace(
                "app: { environments: [dev, prod] }",
                "app: { environments: [dev, prod] }\n  web: { environments: [dev] }",
            );
        let m = run(&bp, Some(&first.lock.next), false);
        assert!(errors(&m).is_empty(), "{:?}", errors(&m));
        let e = emails(&m);
        assert!(e.contains(&("app_dev".into(), "aws+app-dev@example.com".into())));
        assert!(e.contains(&("web_dev".into(), "cloud+web-dev@example.org".into())));
        assert!(
            m.lock
                .diagnostics
                .iter()
                .any(|d| d.message.contains("keep the root email in landform.lock"))
        );
    }

    #[test]
    fn a_declared_workload_rename_inherits_emails_ids_and_writes_moves() {
        let mut lock = run(BASE, None, false).lock.next;
        lock.accounts["app_dev"].id = Some("111111111111".into());
        let bp = BASE.replace("  app: {", "  shop: { renamed_from: app,");
        let m = run(&bp, Some(&lock), false);
        assert!(errors(&m).is_empty(), "{:?}", errors(&m));
        assert_eq!(m.lock.renamed["shop_dev"], "app_dev");
        assert_eq!(
            m.account("shop_dev").unwrap().email,
            "aws+app-dev@example.com"
        );
        assert_eq!(
            m.lock.next.accounts["shop_dev"].id.as_deref(),
            Some("111111111111")
        );
        assert!(m.lock.new_moves.contains(&Move {
            from: account_address("app_dev"),
            to: account_address("shop_dev"),
        }));
        // Not imported: the renamed account is already in the state under its old address.
        assert!(m.imports.iter().all(|i| !i.to.ends_with("shop_dev")));
        // A second run with the rename kept: no new move, the history stays.
        let again = run(&bp, Some(&m.lock.next), false);
        assert!(errors(&again).is_empty());
        assert!(again.lock.new_moves.is_empty());
        assert_eq!(again.lock.moved, m.lock.moved);
        assert_eq!(again.lock.next, m.lock.next);
        assert!(
            !again
                .lock
                .diagnostics
                .iter()
                .any(|d| d.message.contains("names nothing")),
            "{:?}",
            again.lock.diagnostics
        );
    }

    #[test]
    fn renames_compose_across_runs_with_renamed_from_kept() {
        let lock = run(BASE, None, false).lock.next;
        let w = BASE.replace("  app: {", "  shop: { renamed_from: app,");
        let m1 = run(&w, Some(&lock), false);
        assert!(errors(&m1).is_empty(), "{:?}", errors(&m1));
        let we = w
            .replace(
                "  dev: { ou: nonprod }",
                "  development: { ou: nonprod, renamed_from: dev }",
            )
            .replace("[dev, prod]", "[development, prod]");
        let m2 = run(&we, Some(&m1.lock.next), false);
        assert!(errors(&m2).is_empty(), "{:?}", errors(&m2));
        assert_eq!(m2.lock.renamed["shop_development"], "shop_dev");
        assert_eq!(
            m2.account("shop_development").unwrap().email,
            "aws+app-dev@example.com"
        );
        // Both renames at once, from the first lock, give the same emails.
        let m2b = run(&we, Some(&lock), false);
        assert!(errors(&m2b).is_empty(), "{:?}", errors(&m2b));
        assert_eq!(m2b.lock.renamed["shop_development"], "app_dev");
        assert_eq!(emails(&m2b), emails(&m2));
        // Every renamed_from matched something: no warning.
        for m in [&m2, &m2b] {
            assert!(
                !m.lock
                    .diagnostics
                    .iter()
                    .any(|d| d.message.contains("names nothing")),
                "{:?}",
                m.lock.diagnostics
            );
        }
    }

    #[test]
    fn an_undeclared_disappearance_is_an_error_and_the_flag_removes_it() {
        let lock = run(BASE, None, false).lock.next;
        let bp = BASE.replace("[dev, prod]", "[dev]");
        let m = run(&bp, Some(&lock), false);
        assert_eq!(errors(&m).len(), 1, "{:?}", errors(&m));
        assert!(errors(&m)[0].contains("`app_prod`"));
        let m = run(&bp, Some(&lock), true);
        assert!(errors(&m).is_empty());
        assert_eq!(m.lock.newly_removed, vec!["app_prod".to_string()]);
        assert!(m.lock.next.removed.contains_key("app_prod"));
        assert_eq!(m.removed[0].from, account_address("app_prod"));
        // The removal is remembered without the flag.
        let again = run(&bp, Some(&m.lock.next), false);
        assert!(errors(&again).is_empty());
        assert!(again.lock.newly_removed.is_empty());
        assert!(again.lock.removed.contains_key("app_prod"));
    }

    #[test]
    fn a_name_change_that_follows_the_pattern_is_refused() {
        let lock = run(BASE, None, false).lock.next;
        let bp = BASE.replace(
            "security: { ou: security }",
            "security: { ou: security, name: sec }",
        );
        let m = run(&bp, Some(&lock), false);
        assert_eq!(errors(&m).len(), 1, "{:?}", m.lock.diagnostics);
        assert!(errors(&m)[0].contains("would change"));
        // The lock's email is kept regardless.
        assert_eq!(
            m.account("security").unwrap().email,
            "aws+security@example.com"
        );
    }

    #[test]
    fn live_moves_keep_chains_that_end_at_a_declared_resource() {
        let mv = |f: &str, t: &str| Move {
            from: account_address(f),
            to: account_address(t),
        };
        let declared: HashSet<String> = [account_address("c")].into_iter().collect();
        let moves = vec![mv("a", "b"), mv("b", "c"), mv("x", "y"), mv("a", "b")];
        assert_eq!(
            live_moves(moves, &declared),
            vec![mv("a", "b"), mv("b", "c")]
        );
        // A move whose `from` is declared again is dropped (Terraform refuses it).
        let declared: HashSet<String> = [account_address("a"), account_address("b")]
            .into_iter()
            .collect();
        assert_eq!(live_moves(vec![mv("a", "b")], &declared), vec![]);
    }
}
