//! `identity_center:` → groups, users, permission sets and one assignment per
//! (principal, permission set, account), keyed by names so that adding an account adds exactly
//! its assignments.

use std::collections::HashMap;

use heck::ToKebabCase;
use indexmap::IndexMap;

use crate::blueprint;
use crate::load::Loaded;
use crate::model::identity_center::{
    Assignment, AssignmentTarget, Boundary, Group, IdentityCenter, MANAGEMENT, ManagedPolicy,
    Matrix, MatrixRow, PermissionSet, PolicyRef, User,
};
use crate::model::{Account, Ou};
use crate::naming::{ident, key_of, select, session_minutes};

/// The ARN of an AWS managed policy given by name (`ReadOnlyAccess`,
/// `job-function/ViewOnlyAccess`); an ARN is kept as it is.
pub fn managed_arn(name: &str) -> String {
    if name.starts_with("arn:") {
        name.to_string()
    } else {
        format!("arn:aws:iam::aws:policy/{}", name.trim_start_matches('/'))
    }
}

/// `MyPolicy` → (`MyPolicy`, `/`); `/team/MyPolicy` → (`MyPolicy`, `/team/`).
pub fn policy_ref(text: &str) -> (String, String) {
    match text.rfind('/') {
        Some(i) => {
            let path = &text[..=i];
            let path = if path.starts_with('/') {
                path.to_string()
            } else {
                format!("/{path}")
            };
            (text[i + 1..].to_string(), path)
        }
        None => (text.to_string(), "/".to_string()),
    }
}

/// Minutes as an ISO-8601 duration: 60 → `PT1H`, 90 → `PT1H30M`, 30 → `PT30M`.
pub fn iso_duration(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("PT{m}M"),
        (h, 0) => format!("PT{h}H"),
        (h, m) => format!("PT{h}H{m}M"),
    }
}

fn tokens(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether a group name reads like an administrators' group.
pub fn admin_name(name: &str) -> bool {
    tokens(name).iter().any(|t| t.starts_with("admin"))
}

/// Whether a group name reads like a small trusted group (admins, seniors, DevOps, SRE, on-call).
pub fn privileged_name(name: &str) -> bool {
    const NARROW: &[&str] = &[
        "senior",
        "seniors",
        "devops",
        "sre",
        "sres",
        "ops",
        "platform",
        "oncall",
        "breakglass",
        "emergency",
        "security",
    ];
    admin_name(name)
        || tokens(name).iter().any(|t| NARROW.contains(&t.as_str()))
        || name.to_ascii_lowercase().contains("break-glass")
}

/// (group, user, permission set, account) keys of one assignment.
type Found = (Option<String>, Option<String>, String, String);

/// Expands a validated `identity_center:` section.
pub fn expand(loaded: &Loaded, accounts: &[Account], ous: &[Ou]) -> Option<IdentityCenter> {
    let bp = &loaded.blueprint;
    let ic = bp.identity_center.as_ref()?;

    let groups: Vec<Group> = ic.groups.iter().map(group).collect();
    let group_key: HashMap<&str, &str> = groups
        .iter()
        .map(|g| (g.blueprint_name.as_str(), g.key.as_str()))
        .collect();

    let users: Vec<User> = ic
        .users
        .iter()
        .map(|(name, u)| User {
            key: ident(name),
            user_name: name.clone(),
            display_name: u
                .display_name
                .clone()
                .unwrap_or_else(|| format!("{} {}", u.given_name, u.family_name)),
            given_name: u.given_name.clone(),
            family_name: u.family_name.clone(),
            email: u.email.clone(),
            groups: u
                .groups
                .iter()
                .filter_map(|g| group_key.get(g.as_str()).map(|k| k.to_string()))
                .collect(),
        })
        .collect();

    let permission_sets: Vec<PermissionSet> = ic
        .permission_sets
        .iter()
        .map(|(name, ps)| permission_set(loaded, name, ps))
        .collect();
    let ps_key: HashMap<&str, &str> = ic
        .permission_sets
        .keys()
        .zip(&permission_sets)
        .map(|(n, p)| (n.as_str(), p.key.as_str()))
        .collect();

    // Every (principal, permission set, account), merged.
    let mut found: IndexMap<Found, Vec<usize>> = IndexMap::new();
    for (i, rule) in ic.access.iter().enumerate() {
        let g = rule
            .group
            .as_ref()
            .and_then(|g| group_key.get(g.as_str()).map(|k| k.to_string()));
        let u = rule.user.as_ref().map(|u| ident(u));
        if g.is_none() && u.is_none() {
            continue;
        }
        let Some(p) = ps_key.get(rule.permission_set.as_str()) else {
            continue;
        };
        for account in select(accounts, ous, rule) {
            found
                .entry((g.clone(), u.clone(), p.to_string(), account))
                .or_default()
                .push(i);
        }
    }
    // Order: groups, then users, in declaration order; then permission sets; then accounts.
    let principal_rank = |g: &Option<String>, u: &Option<String>| match (g, u) {
        (Some(g), _) => groups.iter().position(|x| &x.key == g).unwrap_or(0),
        (_, Some(u)) => groups.len() + users.iter().position(|x| &x.key == u).unwrap_or(0),
        _ => usize::MAX,
    };
    // Indexes, not scans: a 10,000-account organization has tens of thousands of assignments.
    let account_index: HashMap<&str, usize> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.key.as_str(), i))
        .collect();
    let account_rank = |k: &str| {
        if k == MANAGEMENT && !account_index.contains_key(MANAGEMENT) {
            0
        } else {
            1 + account_index.get(k).copied().unwrap_or(0)
        }
    };
    let ps_rank = |k: &str| permission_sets.iter().position(|p| p.key == k).unwrap_or(0);
    let mut assignments: Vec<Assignment> = found
        .into_iter()
        .map(
            |((group, user, permission_set, account), rules)| Assignment {
                key: format!(
                    "{}/{permission_set}/{account}",
                    group.as_deref().or(user.as_deref()).unwrap_or_default()
                ),
                group,
                user,
                permission_set,
                account,
                rules,
            },
        )
        .collect();
    assignments.sort_by_key(|a| {
        (
            principal_rank(&a.group, &a.user),
            ps_rank(&a.permission_set),
            account_rank(&a.account),
        )
    });

    let mut targets: Vec<AssignmentTarget> = Vec::new();
    if assignments.iter().any(|a| a.account == MANAGEMENT)
        && !accounts.iter().any(|a| a.key == MANAGEMENT)
    {
        targets.push(AssignmentTarget {
            key: MANAGEMENT.to_string(),
            email: None,
        });
    }
    let assigned: std::collections::HashSet<&str> =
        assignments.iter().map(|x| x.account.as_str()).collect();
    for a in accounts {
        if assigned.contains(a.key.as_str()) {
            targets.push(AssignmentTarget {
                key: a.key.clone(),
                email: Some(a.email.clone()),
            });
        }
    }

    let matrix = matrix(
        accounts,
        ous,
        &groups,
        &users,
        &permission_sets,
        &assignments,
    );
    Some(IdentityCenter {
        admin_account: ic.admin_account.as_ref().map(|k| key_of(k)),
        groups,
        users,
        permission_sets,
        assignments,
        targets,
        matrix,
    })
}

fn group(g: &blueprint::Group) -> Group {
    let admin = g.privileged.unwrap_or_else(|| admin_name(&g.name));
    Group {
        key: ident(&g.name),
        name: g.display_name.clone().unwrap_or_else(|| g.name.clone()),
        description: g.description.clone(),
        external: g.external,
        blueprint_name: g.name.clone(),
        privileged: g.privileged.unwrap_or_else(|| privileged_name(&g.name)),
        admin,
    }
}

fn permission_set(loaded: &Loaded, name: &str, ps: &blueprint::PermissionSet) -> PermissionSet {
    let key = ident(name);
    let mut managed: Vec<ManagedPolicy> = Vec::new();
    for m in &ps.managed {
        let arn = managed_arn(m);
        if managed.iter().any(|x| x.arn == arn) {
            continue;
        }
        let short = arn.rsplit('/').next().unwrap_or(&arn);
        let mut k = ident(short);
        while managed.iter().any(|x| x.key == k) {
            k.push_str("_2");
        }
        managed.push(ManagedPolicy { key: k, arn });
    }
    let mut customer_managed: Vec<PolicyRef> = Vec::new();
    for c in &ps.customer_managed {
        let (n, path) = policy_ref(c);
        let mut k = ident(&n);
        while customer_managed.iter().any(|x| x.key == k) {
            k.push_str("_2");
        }
        let r = PolicyRef {
            key: k,
            name: n,
            path,
        };
        if !customer_managed
            .iter()
            .any(|x| x.name == r.name && x.path == r.path)
        {
            customer_managed.push(r);
        }
    }
    let boundary = ps.boundary.as_ref().and_then(|b| {
        if let Some(m) = &b.managed {
            Some(Boundary::Managed {
                arn: managed_arn(m),
            })
        } else {
            b.customer_managed.as_ref().map(|c| {
                let (name, path) = policy_ref(c);
                Boundary::CustomerManaged { name, path }
            })
        }
    });
    let minutes = ps
        .session
        .as_deref()
        .and_then(session_minutes)
        .unwrap_or(60);
    let inline = ps.inline.as_ref().and_then(|f| loaded.document(f));
    PermissionSet {
        inline_file: inline
            .as_ref()
            .map(|_| format!("policies/{}.json", name.to_kebab_case())),
        inline,
        key,
        name: name.to_string(),
        description: ps.description.clone(),
        session_duration: iso_duration(minutes),
        relay_state: ps.relay_state.clone(),
        managed: managed.iter().map(|m| m.arn.clone()).collect(),
        managed_attachments: managed,
        customer_managed,
        boundary,
        tags: ps.tags.clone(),
        origin: format!("identity_center.permission_sets.{name}"),
    }
}

fn matrix(
    accounts: &[Account],
    ous: &[Ou],
    groups: &[Group],
    users: &[User],
    permission_sets: &[PermissionSet],
    assignments: &[Assignment],
) -> Matrix {
    let mut columns: Vec<(Option<&str>, Option<&str>, String)> = groups
        .iter()
        .map(|g| (Some(g.key.as_str()), None, g.name.clone()))
        .collect();
    columns.extend(
        users
            .iter()
            .map(|u| (None, Some(u.key.as_str()), u.user_name.clone())),
    );
    let mut by_account: HashMap<&str, Vec<&Assignment>> = HashMap::new();
    for a in assignments {
        by_account.entry(a.account.as_str()).or_default().push(a);
    }
    let none: Vec<&Assignment> = Vec::new();
    let cells = |account: &str| -> Vec<String> {
        let here = by_account.get(account).unwrap_or(&none);
        columns
            .iter()
            .map(|(g, u, _)| {
                permission_sets
                    .iter()
                    .filter(|p| {
                        here.iter().any(|a| {
                            a.permission_set == p.key
                                && a.group.as_deref() == *g
                                && a.user.as_deref() == *u
                        })
                    })
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect()
    };
    let path_of = |key: &str| {
        let mut names = Vec::new();
        let mut cur = Some(key);
        while let Some(k) = cur {
            let Some(o) = ous.iter().find(|o| o.key == k) else {
                break;
            };
            names.push(o.name.clone());
            cur = o.parent.as_deref();
            if names.len() > 64 {
                break;
            }
        }
        names.reverse();
        names.join("/")
    };
    let mut rows = Vec::new();
    if assignments.iter().any(|a| a.account == MANAGEMENT)
        && !accounts.iter().any(|a| a.key == MANAGEMENT)
    {
        rows.push(MatrixRow {
            ou: "Root".to_string(),
            account: "management".to_string(),
            cells: cells(MANAGEMENT),
        });
    }
    for a in accounts.iter().filter(|a| a.ou.is_none()) {
        rows.push(MatrixRow {
            ou: "Root".to_string(),
            account: a.name.clone(),
            cells: cells(&a.key),
        });
    }
    let by_key: HashMap<&str, &Account> = accounts.iter().map(|a| (a.key.as_str(), a)).collect();
    for ou in ous {
        for k in &ou.accounts {
            if let Some(a) = by_key.get(k.as_str()) {
                rows.push(MatrixRow {
                    ou: path_of(&ou.key),
                    account: a.name.clone(),
                    cells: cells(&a.key),
                });
            }
        }
    }
    Matrix {
        columns: columns.into_iter().map(|(_, _, n)| n).collect(),
        rows,
    }
}
