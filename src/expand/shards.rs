//! Which stack declares each account, and the shard stacks.
//!
//! With more accounts than `organization.shard_above`, every account sits in the shard stack
//! of its top-level OU (`shard_by: top_level_ou`) or of its own OU (`shard_by: ou`), named
//! `accounts-<OU key>`. Accounts directly under the root stay in the organization stack, and
//! so do accounts the organization stack refers to (policy targets, `{{ account_id.KEY }}`
//! placeholders, delegated administrators): a stack cannot refer to another's resources.
//!
//! An account whose stack changes (a shard boundary passed, an account moved to another OU,
//! sharding switched on or off) is not destroyed and created: the stack it leaves gets a
//! `removed` block (`destroy = false`) and the stack it joins an `import` block with its id
//! from `landform.lock` (see `lock::reconcile`).

use std::collections::{BTreeMap, HashSet};

use crate::blueprint::{Blueprint, ShardBy};
use crate::lock::reconcile::ACCOUNT;
use crate::model::shard::shard_stack;
use crate::model::{
    Account, Import, Model, ORGANIZATION, Ou, OuLookup, Policy, Removed, Shard, Target,
};

/// Accounts the organization stack refers to by resource address.
fn pinned(bp: &Blueprint, policies: &[Policy]) -> HashSet<String> {
    let mut out = HashSet::new();
    for p in policies {
        for t in &p.targets {
            if let Target::Account(k) = t {
                out.insert(k.clone());
            }
        }
        for s in &p.substitutions {
            if let Some(k) = s
                .expr
                .strip_prefix(&format!("{ACCOUNT}."))
                .and_then(|r| r.strip_suffix(".id"))
            {
                out.insert(k.to_string());
            }
        }
    }
    if let Some(admin) = bp
        .identity_center
        .as_ref()
        .and_then(|ic| ic.admin_account.as_ref())
    {
        out.insert(crate::naming::key_of(admin));
    }
    out
}

/// The OU an account's shard is named after: its top-level OU, or its own.
fn shard_ou<'a>(by: ShardBy, ou: &'a str, ous: &'a [Ou]) -> &'a str {
    if by == ShardBy::Ou {
        return ou;
    }
    let mut at = ou;
    for _ in 0..ous.len() {
        match ous
            .iter()
            .find(|o| o.key == at)
            .and_then(|o| o.parent.as_deref())
        {
            Some(parent) => at = parent,
            None => break,
        }
    }
    at
}

/// Sets every account's `stack`.
pub fn assign(bp: &Blueprint, accounts: &mut [Account], ous: &[Ou], policies: &[Policy]) {
    let Some(above) = bp.organization.shard_above else {
        return;
    };
    if accounts.len() <= above {
        return;
    }
    let pins = pinned(bp, policies);
    let by = bp.organization.shard_by;
    for a in accounts.iter_mut() {
        a.stack = match &a.ou {
            Some(ou) if !pins.contains(&a.key) => shard_stack(shard_ou(by, ou, ous)),
            _ => ORGANIZATION.to_string(),
        };
    }
}

/// Splits the model's accounts, blocks, contacts and budgets between the organization stack and
/// the shard stacks (after `lock::reconcile::finish` has made the blocks).
pub fn split(model: &mut Model) {
    let stack_of: BTreeMap<&str, &str> = model
        .accounts
        .iter()
        .map(|a| (a.key.as_str(), a.stack.as_str()))
        .collect();
    // Shards in the order of their OUs; a stack only left by accounts (no OU of that name
    // holds accounts now) after them, by name.
    let mut names: Vec<String> = Vec::new();
    for ou in &model.ous {
        let s = shard_stack(&ou.key);
        if model.accounts.iter().any(|a| a.stack == s) {
            names.push(s);
        }
    }
    let mut others: Vec<String> = model
        .removed
        .iter()
        .map(|r| r.stack.clone())
        .filter(|s| s != ORGANIZATION && !names.contains(s))
        .collect();
    others.sort();
    others.dedup();
    names.extend(others);
    let mut shards: Vec<Shard> = names
        .iter()
        .map(|stack| {
            let ou = stack
                .strip_prefix(crate::model::shard::SHARD_PREFIX)
                .unwrap_or(stack)
                .to_string();
            Shard {
                stack: stack.clone(),
                ou,
                lookups: Vec::new(),
                accounts: model
                    .accounts
                    .iter()
                    .filter(|a| a.stack == *stack)
                    .cloned()
                    .collect(),
                moved: Vec::new(),
                removed: Vec::new(),
                imports: Vec::new(),
                contacts: Vec::new(),
                budgets: Vec::new(),
            }
        })
        .collect();
    for shard in &mut shards {
        shard.lookups = lookups(&model.ous, &shard.accounts);
    }
    let index: BTreeMap<String, usize> = shards
        .iter()
        .enumerate()
        .map(|(i, s)| (s.stack.clone(), i))
        .collect();
    let shard_of = |stack: &str| index.get(stack).copied();
    let of_key = |key: Option<&str>| -> Option<usize> {
        key.and_then(|k| stack_of.get(k)).and_then(|s| shard_of(s))
    };

    let moved = std::mem::take(&mut model.moved);
    for m in moved {
        match shard_of(&m.stack) {
            Some(i) => shards[i].moved.push(m),
            None => model.moved.push(m),
        }
    }
    let forgotten = std::mem::take(&mut model.removed);
    for r in forgotten {
        match shard_of(&r.stack) {
            Some(i) => shards[i].removed.push(r),
            None => model.removed.push(r),
        }
    }
    let imports = std::mem::take(&mut model.imports);
    for im in imports {
        match shard_of(&im.stack) {
            Some(i) => shards[i].imports.push(im),
            None => model.imports.push(im),
        }
    }
    // Contacts and budgets stay in the model (reports read them all); each shard gets its own,
    // and the organization stack's templates write those whose `stack` is theirs.
    for c in &model.contacts {
        if let Some(i) = of_key(c.account.as_deref()) {
            shards[i].contacts.push(c.clone());
        }
    }
    for b in &model.budgets {
        if let Some(i) = of_key(Some(&b.account)) {
            shards[i].budgets.push(b.clone());
        }
    }
    // What follows a moved account: its contacts and budget are forgotten by every stack it
    // left; the stack it is in writes the contacts again (PutAlternateContact replaces them in
    // place) and imports the budget (`<management account id>:<name>`).
    let mut follow_removed: Vec<Removed> = Vec::new();
    let mut follow_imports: Vec<Import> = Vec::new();
    for (key, locked) in &model.lock.next.accounts {
        if locked.left.is_empty() {
            continue;
        }
        let contacts = model.contacts.iter();
        let budget = model.budgets.iter().find(|b| b.account == *key);
        let mut addresses: Vec<String> = contacts
            .filter(|c| c.account.as_deref() == Some(key))
            .map(|c| format!("aws_account_alternate_contact.{}", c.key))
            .collect();
        if let Some(b) = budget {
            addresses.push(format!("aws_budgets_budget.{}", b.account));
            if locked.import_budget {
                follow_imports.push(Import {
                    to: format!("aws_budgets_budget.{}", b.account),
                    id: String::new(),
                    expr: Some(format!(
                        "format(\"%s:%s\", {}aws_organizations_organization.this.master_account_id, {})",
                        if locked.stack() == ORGANIZATION { "" } else { "data." },
                        hclfmt::escape::hcl_quote(&b.name)
                    )),
                    stack: locked.stack().to_string(),
                });
            }
        }
        for stack in &locked.left {
            for from in &addresses {
                follow_removed.push(removed(from.clone(), stack));
            }
        }
    }
    let stack_index: BTreeMap<String, usize> = shards
        .iter()
        .enumerate()
        .map(|(i, s)| (s.stack.clone(), i))
        .collect();
    for r in follow_removed {
        match stack_index.get(&r.stack) {
            Some(&i) => shards[i].removed.push(r),
            None => model.removed.push(r),
        }
    }
    for im in follow_imports {
        match stack_index.get(&im.stack) {
            Some(&i) => shards[i].imports.push(im),
            None => model.imports.push(im),
        }
    }
    model.shards = shards;
    model.organization_accounts = model
        .accounts
        .iter()
        .filter(|a| a.stack == ORGANIZATION)
        .count();
}

/// The OUs a shard looks up: those holding its accounts and their ancestors, parents first
/// (model order is depth first).
fn lookups(ous: &[Ou], accounts: &[Account]) -> Vec<OuLookup> {
    let mut wanted: HashSet<&str> = HashSet::new();
    for a in accounts {
        let mut at = a.ou.as_deref();
        while let Some(k) = at {
            if !wanted.insert(k) {
                break;
            }
            at = ous
                .iter()
                .find(|o| o.key == k)
                .and_then(|o| o.parent.as_deref());
        }
    }
    ous.iter()
        .filter(|o| wanted.contains(o.key.as_str()))
        .map(|o| OuLookup {
            key: o.key.clone(),
            name: o.name.clone(),
            parent: o.parent.clone(),
        })
        .collect()
}

/// A `removed` block in `stack`.
fn removed(from: String, stack: &str) -> Removed {
    Removed {
        from,
        stack: stack.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::lock::RunOptions;
    use crate::model::Model;

    const BP: &str = r#"version: 1
organization:
  name: t
  email: "aws+{account}@example.com"
  home_region: eu-west-1
  shard_above: 4
environments:
  dev: { ou: nonprod }
  prod: { ou: prod }
workloads:
  app: { environments: [dev, prod] }
  web: { environments: [dev, prod] }
accounts:
  security: { ou: security }
  audit: { ou: root }
  network: { ou: infra }
organizational_units:
  security: { name: Security }
  infra: { name: Infrastructure }
  workloads: { name: Workloads }
  prod: { name: Prod, parent: workloads }
  nonprod: { name: NonProd, parent: workloads }
guardrails:
  deny_leave_organization: [root, network]
"#;

    fn model(bp: &str) -> Model {
        let loaded = crate::load::load_str(Path::new("landform.yaml"), bp).expect("loads");
        let diags = crate::validate::blueprint(&loaded);
        assert!(!diags.iter().any(|d| d.is_error()), "{diags:?}");
        crate::expand::expand(&loaded, RunOptions::default())
    }

    fn stacks(m: &Model) -> Vec<(String, String)> {
        m.accounts
            .iter()
            .map(|a| (a.key.clone(), a.stack.clone()))
            .collect()
    }

    #[test]
    fn accounts_shard_by_top_level_ou_except_root_and_pinned_ones() {
        let m = model(BP);
        let s = stacks(&m);
        let at = |k: &str| s.iter().find(|(a, _)| a == k).unwrap().1.as_str();
        assert_eq!(at("security"), "accounts-security");
        // Directly under the root, and a policy target: the organization stack keeps them.
        assert_eq!(at("audit"), "organization");
        assert_eq!(at("network"), "organization");
        for k in ["app_dev", "app_prod", "web_dev", "web_prod"] {
            assert_eq!(at(k), "accounts-workloads", "{k}");
        }
        let names: Vec<&str> = m.shards.iter().map(|s| s.stack.as_str()).collect();
        assert_eq!(names, ["accounts-security", "accounts-workloads"]);
        // The shard looks up the OUs of its accounts and their parents, parents first.
        let w = &m.shards[1];
        let lookups: Vec<&str> = w.lookups.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(lookups, ["workloads", "prod", "nonprod"]);
        assert_eq!(w.lookups[1].parent.as_deref(), Some("workloads"));
        // Apply order: organization, then the shards, then the rest.
        assert_eq!(
            &m.stack_order[..3],
            ["organization", "accounts-security", "accounts-workloads"]
        );
        // The next lock records every sharded account's stack.
        assert_eq!(
            m.lock.next.accounts["app_dev"].stack.as_deref(),
            Some("accounts-workloads")
        );
        assert_eq!(m.lock.next.accounts["audit"].stack, None);
    }

    #[test]
    fn shard_by_ou_splits_below_the_top_level_and_the_threshold_is_strict() {
        let m = model(&BP.replace("shard_above: 4", "shard_above: 4\n  shard_by: ou"));
        let names: Vec<&str> = m.shards.iter().map(|s| s.stack.as_str()).collect();
        assert_eq!(
            names,
            ["accounts-security", "accounts-prod", "accounts-nonprod"]
        );
        // 7 accounts: at or above the threshold nothing is sharded.
        for bp in [
            BP.replace("shard_above: 4", "shard_above: 7"),
            BP.replace("  shard_above: 4\n", ""),
        ] {
            let m = model(&bp);
            assert!(m.shards.is_empty());
            assert!(m.accounts.iter().all(|a| a.stack == "organization"));
            assert_eq!(m.lock.next.accounts["app_dev"].stack, None);
        }
    }

    #[test]
    fn a_stack_change_needs_the_id_then_writes_removed_and_import() {
        let first = model(BP);
        let mut loaded = crate::load::load_str(
            Path::new("landform.yaml"),
            &BP.replace("security: { ou: security }", "security: { ou: infra }"),
        )
        .unwrap();
        loaded.lock = Some(first.lock.next.clone());
        let m = crate::expand::expand(&loaded, RunOptions::default());
        let errors: Vec<&String> = m
            .lock
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| &d.message)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("out of the stack `accounts-security`"));
        assert!(errors[0].contains("does not know its account id"));
        // With the id: a removed block where it was, an import where it goes.
        let mut lock = first.lock.next.clone();
        lock.accounts["security"].id = Some("222222222222".into());
        loaded.lock = Some(lock);
        let m = crate::expand::expand(&loaded, RunOptions::default());
        assert!(!m.lock.diagnostics.iter().any(|d| d.is_error()));
        assert_eq!(m.account("security").unwrap().stack, "accounts-infra");
        let shard = |s: &str| m.shards.iter().find(|x| x.stack == s).unwrap();
        let left = shard("accounts-security");
        assert!(left.accounts.is_empty());
        assert_eq!(left.removed.len(), 1);
        assert_eq!(left.removed[0].from, "aws_organizations_account.security");
        let joined = shard("accounts-infra");
        assert_eq!(joined.imports.len(), 1);
        assert_eq!(joined.imports[0].id, "222222222222");
        assert_eq!(joined.imports[0].to, "aws_organizations_account.security");
        let next = &m.lock.next.accounts["security"];
        assert_eq!(next.stack.as_deref(), Some("accounts-infra"));
        assert_eq!(next.left, ["accounts-security"]);
        // The next run keeps the blocks (the move may not be applied yet).
        loaded.lock = Some(m.lock.next.clone());
        let again = crate::expand::expand(&loaded, RunOptions::default());
        assert_eq!(again.lock.next, m.lock.next);
        assert!(again.lock.stack_moves.is_empty());
        let left = again
            .shards
            .iter()
            .find(|x| x.stack == "accounts-security")
            .unwrap();
        assert_eq!(left.removed.len(), 1);
        // Moving back drops the removed block of the stack it returns to.
        let mut back = crate::load::load_str(Path::new("landform.yaml"), BP).unwrap();
        back.lock = Some(m.lock.next.clone());
        let b = crate::expand::expand(&back, RunOptions::default());
        assert!(!b.lock.diagnostics.iter().any(|d| d.is_error()));
        assert_eq!(b.lock.next.accounts["security"].left, ["accounts-infra"]);
        let home = b
            .shards
            .iter()
            .find(|x| x.stack == "accounts-security")
            .unwrap();
        assert!(home.removed.is_empty());
        assert_eq!(home.imports.len(), 1);
    }
}
