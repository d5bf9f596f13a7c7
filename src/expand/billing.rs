//! `contacts:` and `budgets:` → alternate contacts and budgets per account, set from the
//! management account with the account's id.

use crate::blueprint::{Blueprint, Contact, Contacts};
use crate::model::billing::{AlternateContact, Budget, CostAllocationTag};
use crate::model::{Account, ORGANIZATION};

use super::email_for;

const KINDS: &[(&str, &str)] = &[
    ("billing", "BILLING"),
    ("operations", "OPERATIONS"),
    ("security", "SECURITY"),
];

fn org_contact<'a>(c: &'a Contacts, kind: &str) -> &'a Contact {
    match kind {
        "billing" => &c.billing,
        "operations" => &c.operations,
        _ => &c.security,
    }
}

/// The override of this contact for the account (by account key, then workload), with the key
/// it is written under.
fn override_for<'a>(
    c: &'a Contacts,
    account: &'a Account,
    kind: &str,
) -> Option<(&'a str, &'a Contact)> {
    let keys = [Some(account.key.as_str()), account.workload.as_deref()];
    keys.into_iter().flatten().find_map(|k| {
        let o = c.overrides.get(k)?;
        let contact = match kind {
            "billing" => o.billing.as_ref(),
            "operations" => o.operations.as_ref(),
            _ => o.security.as_ref(),
        }?;
        Some((k, contact))
    })
}

fn resolve(bp: &Blueprint, c: &Contacts, kind: &str, specific: Option<&Contact>) -> Contact {
    let base = org_contact(c, kind);
    let pick = |f: fn(&Contact) -> &Option<String>| -> Option<String> {
        specific
            .and_then(|s| f(s).clone())
            .or_else(|| f(base).clone())
    };
    let mut title = kind.to_string();
    title[..1].make_ascii_uppercase();
    Contact {
        name: Some(pick(|x| &x.name).unwrap_or_else(|| format!("{title} team"))),
        title: Some(pick(|x| &x.title).unwrap_or_else(|| format!("{title} contact"))),
        email: Some(pick(|x| &x.email).unwrap_or_else(|| email_for(&bp.organization.email, kind))),
        phone: Some(
            pick(|x| &x.phone)
                .or_else(|| c.phone.clone())
                .unwrap_or_default(),
        ),
    }
}

pub fn contacts(bp: &Blueprint, accounts: &[Account]) -> Vec<AlternateContact> {
    let Some(c) = &bp.contacts else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let targets = std::iter::once(None).chain(accounts.iter().map(Some));
    for account in targets {
        for (kind, api) in KINDS {
            let specific = account.and_then(|a| override_for(c, a, kind));
            let r = resolve(bp, c, kind, specific.map(|(_, o)| o));
            let owner = account.map_or("management", |a| a.key.as_str());
            out.push(AlternateContact {
                key: format!("{owner}__{kind}"),
                account: account.map(|a| a.key.clone()),
                kind: api.to_string(),
                name: r.name.unwrap_or_default(),
                title: r.title.unwrap_or_default(),
                email: r.email.unwrap_or_default(),
                phone: r.phone.unwrap_or_default(),
                defined_at: match specific {
                    Some((k, _)) => format!("contacts.overrides.{k}.{kind}"),
                    None => format!("contacts.{kind}"),
                },
                stack: account.map_or(ORGANIZATION.to_string(), |a| a.stack.clone()),
            });
        }
    }
    out
}

pub fn budgets(bp: &Blueprint, accounts: &[Account]) -> Vec<Budget> {
    let Some(b) = &bp.budgets else {
        return Vec::new();
    };
    accounts
        .iter()
        .map(|a| {
            let (limit, defined_at) = b
                .accounts
                .get(&a.key)
                .map(|l| (*l, format!("budgets.accounts.{}", a.key)))
                .or_else(|| {
                    let (w, e) = (a.workload.as_deref()?, a.environment.as_deref()?);
                    let l = b.workloads.get(w)?.get(e)?;
                    Some((*l, format!("budgets.workloads.{w}.{e}")))
                })
                .or_else(|| {
                    let e = a.environment.as_deref()?;
                    let l = b.environments.get(e)?;
                    Some((*l, format!("budgets.environments.{e}")))
                })
                .unwrap_or((b.default, "budgets.default".to_string()));
            let emails = if b.notify.is_empty() {
                vec![match &a.owner {
                    Some(o) if o.contains('@') => o.clone(),
                    Some(o) => email_for(&bp.organization.email, o),
                    None => email_for(&bp.organization.email, "billing"),
                }]
            } else {
                b.notify.clone()
            };
            Budget {
                account: a.key.clone(),
                name: format!("{}-monthly", a.name),
                limit: format!("{limit}.0"),
                currency: b.currency.clone(),
                actual: b.actual.clone(),
                forecast: b.forecast.clone(),
                emails,
                defined_at,
                stack: a.stack.clone(),
            }
        })
        .collect()
}

pub fn cost_allocation_tags(bp: &Blueprint) -> Vec<CostAllocationTag> {
    if !bp.budgets.as_ref().is_some_and(|b| b.cost_allocation_tags) {
        return Vec::new();
    }
    let mut out: Vec<String> = ["workload", "environment", "owner"]
        .iter()
        .map(|s| s.to_string())
        .chain(bp.organization.tags.keys().cloned())
        .collect();
    out.sort();
    out.dedup();
    let mut seen = std::collections::BTreeSet::new();
    out.into_iter()
        .enumerate()
        .map(|(i, tag)| {
            let slug: String = tag
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut key = format!("tag_{slug}");
            if !seen.insert(key.clone()) {
                key = format!("{key}_{i}");
            }
            CostAllocationTag { key, tag }
        })
        .collect()
}

pub fn service_principals(bp: &Blueprint) -> Vec<String> {
    let mut out = Vec::new();
    if bp.contacts.is_some() {
        out.push("account.amazonaws.com".to_string());
    }
    out
}
