//! `identity_center:`: names, sessions and references AWS would reject, and lints for access
//! that is broader than it should be.

use std::collections::HashMap;

use crate::blueprint::AccountSelector;
use crate::diagnostic::{Diagnostic, did_you_mean, unknown_help};
use crate::load::Loaded;
use crate::model::Model;
use crate::model::identity_center::MANAGEMENT;
use crate::naming::{ident, key_of, select, session_minutes};

/// AWS's limit on a permission set's inline policy, in characters after minification.
pub const INLINE_POLICY_MAX: usize = 32_768;

/// IAM names: letters, digits and `+=,.@_-`.
fn iam_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// A managed policy name, possibly with a path (`job-function/ViewOnlyAccess`), or an ARN.
fn managed_name(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix("arn:") {
        return rest.contains(":policy/");
    }
    let s = s.strip_prefix('/').unwrap_or(s);
    !s.is_empty() && s.split('/').all(iam_name)
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let Some(ic) = &loaded.blueprint.identity_center else {
        return;
    };
    let src = &loaded.source;
    let bp = &loaded.blueprint;

    // Groups: names and the keys they become.
    let mut group_keys: HashMap<String, &str> = HashMap::new();
    for (i, g) in ic.groups.iter().enumerate() {
        // Only an error needs the position (looking one up builds the source's index).
        let path = || {
            let named = format!("identity_center.groups[{i}].name");
            if src.value(&named).is_some() {
                named
            } else {
                format!("identity_center.groups[{i}]")
            }
        };
        let display = g.display_name.as_deref().unwrap_or(&g.name);
        if g.name.trim().is_empty() || display.chars().count() > 1024 {
            out.push(
                Diagnostic::error(format!("group name `{}` is empty or too long", g.name))
                    .at_value(src, &path())
                    .with_help("group display names have 1 to 1024 characters"),
            );
            continue;
        }
        if let Some(first) = group_keys.insert(ident(&g.name), &g.name) {
            out.push(
                Diagnostic::error(if first == g.name {
                    format!("group `{}` is listed twice", g.name)
                } else {
                    format!(
                        "groups `{first}` and `{}` get the same key `{}`",
                        g.name,
                        ident(&g.name)
                    )
                })
                .at_value(src, &path())
                .with_help(
                    "group names must differ after snake_case (they become Terraform names)",
                ),
            );
        }
    }
    let mut group_names: Vec<&str> = Vec::new();
    for g in &ic.groups {
        if !group_names.contains(&g.name.as_str()) {
            group_names.push(&g.name);
        }
    }

    // Users.
    let mut user_keys: HashMap<String, &str> = HashMap::new();
    for (name, u) in &ic.users {
        let path = format!("identity_center.users.{name}");
        if let Some(first) = user_keys.insert(ident(name), name) {
            out.push(
                Diagnostic::error(format!(
                    "users `{first}` and `{name}` get the same key `{}`",
                    ident(name)
                ))
                .at_key(src, &path)
                .with_help("user names must differ after snake_case (they become Terraform names)"),
            );
        }
        if name.is_empty() || name.chars().count() > 128 {
            out.push(
                Diagnostic::error(format!(
                    "user name `{name}` has {} characters",
                    name.chars().count()
                ))
                .at_key(src, &path)
                .with_help("user names have 1 to 128 characters"),
            );
        }
        if group_keys.contains_key(&ident(name)) {
            out.push(
                Diagnostic::error(format!("user `{name}` has the key of a group"))
                    .at_key(src, &path)
                    .with_help("users and groups share the assignment key space: rename one"),
            );
        }
        let ok_email = u
            .email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'));
        if !ok_email {
            out.push(
                Diagnostic::error(format!("user `{name}` has an invalid email `{}`", u.email))
                    .at_value(src, &format!("{path}.email"))
                    .with_help("write an address like `alice@example.com`"),
            );
        }
        for (j, g) in u.groups.iter().enumerate() {
            if !group_names.contains(&g.as_str()) {
                out.push(
                    Diagnostic::error(format!("user `{name}` is in unknown group `{g}`"))
                        .at_value(src, &format!("{path}.groups[{j}]"))
                        .with_help(unknown_help(g, "groups", group_names.iter().copied())),
                );
            } else if ic.groups.iter().any(|x| &x.name == g && x.external) {
                out.push(
                    Diagnostic::error(format!("user `{name}` joins external group `{g}`"))
                        .at_value(src, &format!("{path}.groups[{j}]"))
                        .with_help(
                            "members of an external group are managed in the identity provider",
                        ),
                );
            }
        }
    }

    // Permission sets.
    let mut ps_keys: HashMap<String, &str> = HashMap::new();
    for (name, ps) in &ic.permission_sets {
        let path = format!("identity_center.permission_sets.{name}");
        let len = name.chars().count();
        if len == 0 || len > 32 {
            out.push(
                Diagnostic::error(format!("permission set name `{name}` has {len} characters"))
                    .at_key(src, &path)
                    .with_help("AWS permission set names have 1 to 32 characters"),
            );
        } else if !iam_name(name) {
            out.push(
                Diagnostic::error(format!(
                    "permission set name `{name}` has characters AWS rejects"
                ))
                .at_key(src, &path)
                .with_help("use letters, digits and `+=,.@_-`"),
            );
        } else if let Some(first) = ps_keys.insert(ident(name), name) {
            out.push(
                Diagnostic::error(format!(
                    "permission sets `{first}` and `{name}` get the same key `{}`",
                    ident(name)
                ))
                .at_key(src, &path)
                .with_help("names must differ after snake_case (they become Terraform names)"),
            );
        }
        if let Some(session) = &ps.session {
            match session_minutes(session) {
                Some(m) if (60..=720).contains(&m) => {}
                Some(_) => out.push(
                    Diagnostic::error(format!(
                        "session duration `{session}` is outside 1 to 12 hours"
                    ))
                    .at_value(src, &format!("{path}.session"))
                    .with_help("AWS takes sessions of 1 to 12 hours, e.g. `1h`, `90m`, `12h`"),
                ),
                None => out.push(
                    Diagnostic::error(format!("session duration `{session}` is not a duration"))
                        .at_value(src, &format!("{path}.session"))
                        .with_help("write hours and minutes, e.g. `1h`, `90m`, `1h30m`"),
                ),
            }
        }
        for (j, m) in ps.managed.iter().enumerate() {
            if !managed_name(m) {
                out.push(
                    Diagnostic::error(format!("`{m}` is not an AWS managed policy name"))
                        .at_value(src, &format!("{path}.managed[{j}]"))
                        .with_help("write the policy name, e.g. `ReadOnlyAccess` or `job-function/ViewOnlyAccess`"),
                );
            }
        }
        for (j, c) in ps.customer_managed.iter().enumerate() {
            let ok = managed_name(c) && !c.starts_with("arn:") && !c.ends_with('/');
            if !ok {
                out.push(
                    Diagnostic::error(format!("`{c}` is not a customer-managed policy name"))
                        .at_value(src, &format!("{path}.customer_managed[{j}]"))
                        .with_help("write the policy name, optionally with its path: `MyPolicy`, `/team/MyPolicy`"),
                );
            }
        }
        if let Some(b) = &ps.boundary {
            let bpath = format!("{path}.boundary");
            match (&b.managed, &b.customer_managed) {
                (Some(_), Some(_)) | (None, None) => out.push(
                    Diagnostic::error("a permissions boundary is one policy")
                        .at_value(src, &bpath)
                        .with_help("write `boundary: { managed: <name> }` or `boundary: { customer_managed: <name> }`"),
                ),
                (Some(m), None) if !managed_name(m) => out.push(
                    Diagnostic::error(format!("`{m}` is not an AWS managed policy name"))
                        .at_value(src, &format!("{bpath}.managed"))
                        .with_help("write the policy name, e.g. `PowerUserAccess`"),
                ),
                (None, Some(c)) if !managed_name(c) || c.starts_with("arn:") => out.push(
                    Diagnostic::error(format!("`{c}` is not a customer-managed policy name"))
                        .at_value(src, &format!("{bpath}.customer_managed"))
                        .with_help("write the policy name, optionally with its path"),
                ),
                _ => {}
            }
        }
        if let Some(file) = &ps.inline {
            let fpath = format!("{path}.inline");
            match loaded.files.get(file) {
                Some(Err(e)) => out.push(
                    Diagnostic::error(format!("cannot read inline policy `{file}`: {e}"))
                        .at_value(src, &fpath)
                        .with_help("the path is relative to the blueprint's folder"),
                ),
                Some(Ok(text)) => match serde_json::from_str::<serde_json::Value>(text) {
                    Err(e) => out.push(
                        Diagnostic::error(format!("inline policy `{file}` is not valid JSON: {e}"))
                            .at_value(src, &fpath)
                            .with_help(format!("fix the JSON in `{file}`")),
                    ),
                    Ok(doc) => {
                        let size = doc.to_string().chars().count();
                        if size > INLINE_POLICY_MAX {
                            out.push(
                                Diagnostic::error(format!(
                                    "inline policy `{file}` is {size} characters after minification; AWS allows {INLINE_POLICY_MAX}"
                                ))
                                .at_value(src, &fpath)
                                .with_help("move statements into customer-managed policies"),
                            );
                        }
                    }
                },
                None => {}
            }
        }
        if let Some(r) = &ps.relay_state
            && (r.chars().count() > 240 || !r.starts_with("https://"))
        {
            out.push(
                Diagnostic::error(format!(
                    "relay state `{r}` is not an https URL of up to 240 characters"
                ))
                .at_value(src, &format!("{path}.relay_state"))
                .with_help("write a console URL, e.g. `https://console.aws.amazon.com/ec2/home`"),
            );
        }
        if let Some(d) = &ps.description
            && d.chars().count() > 700
        {
            out.push(
                Diagnostic::error(format!(
                    "description of `{name}` has {} characters",
                    d.chars().count()
                ))
                .at_value(src, &format!("{path}.description"))
                .with_help("AWS permission set descriptions have at most 700 characters"),
            );
        }
    }

    // Access rules: references that exist before expansion.
    for (i, rule) in ic.access.iter().enumerate() {
        let path = format!("identity_center.access[{i}]");
        match (&rule.group, &rule.user) {
            (Some(g), None) => {
                if !group_names.contains(&g.as_str()) {
                    out.push(
                        Diagnostic::error(format!("access rule names unknown group `{g}`"))
                            .at_value(src, &format!("{path}.group"))
                            .with_help(unknown_help(g, "groups", group_names.iter().copied())),
                    );
                }
            }
            (None, Some(u)) => {
                if !ic.users.contains_key(u) {
                    out.push(
                        Diagnostic::error(format!("access rule names unknown user `{u}`"))
                            .at_value(src, &format!("{path}.user"))
                            .with_help(unknown_help(
                                u,
                                "users",
                                ic.users.keys().map(String::as_str),
                            )),
                    );
                }
            }
            _ => out.push(
                Diagnostic::error("an access rule needs exactly one of `group:` or `user:`")
                    .at_value(src, &path)
                    .with_help("write one rule per principal"),
            ),
        }
        if !ic.permission_sets.contains_key(&rule.permission_set) {
            out.push(
                Diagnostic::error(format!(
                    "access rule names unknown permission set `{}`",
                    rule.permission_set
                ))
                .at_value(src, &format!("{path}.permission_set"))
                .with_help(unknown_help(
                    &rule.permission_set,
                    "permission sets",
                    ic.permission_sets.keys().map(String::as_str),
                )),
            );
        }
        if rule.accounts.is_none()
            && rule.environments.is_none()
            && rule.workloads.is_none()
            && rule.ous.is_none()
        {
            out.push(
                Diagnostic::error("an access rule must say which accounts it covers")
                    .at_value(src, &path)
                    .with_help("add `accounts: all`, `accounts: [...]`, `environments: [...]`, `workloads: [...]` or `ous: [...]`"),
            );
        }
        #[allow(clippy::type_complexity)]
        let lists: [(&str, &Option<Vec<String>>, Vec<&str>); 3] = [
            (
                "environment",
                &rule.environments,
                bp.environments.keys().map(String::as_str).collect(),
            ),
            (
                "workload",
                &rule.workloads,
                bp.workloads.keys().map(String::as_str).collect(),
            ),
            (
                "OU",
                &rule.ous,
                bp.organizational_units.keys().map(String::as_str).collect(),
            ),
        ];
        for (what, list, known) in lists {
            let field = match what {
                "environment" => "environments",
                "workload" => "workloads",
                _ => "ous",
            };
            for (j, e) in list.iter().flatten().enumerate() {
                if !known.contains(&e.as_str()) {
                    out.push(
                        Diagnostic::error(format!("access rule names unknown {what} `{e}`"))
                            .at_value(src, &format!("{path}.{field}[{j}]"))
                            .with_help(unknown_help(e, &format!("{what}s"), known.iter().copied())),
                    );
                }
            }
        }
    }
}

/// Checks that need the accounts: account keys in rules, empty rules and the lints.
pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let (Some(ic), Some(mic)) = (&loaded.blueprint.identity_center, &model.identity_center) else {
        return;
    };
    let src = &loaded.source;
    let bp = &loaded.blueprint;
    let has_model_management = model.accounts.iter().any(|a| a.key == MANAGEMENT);
    let known_account = |k: &str| {
        (k == MANAGEMENT && !has_model_management)
            || model.accounts.iter().any(|a| a.key == key_of(k))
    };
    let account_help = |k: &str| {
        let known = model.accounts.iter().map(|a| a.key.as_str());
        match did_you_mean(&key_of(k), known) {
            Some(s) => format!("did you mean `{s}`? accounts are named by key (`payments_prod`), or `management`"),
            None => "accounts are named by key (`payments_prod`, `log_archive`), or `management` for the management account".to_string(),
        }
    };
    if let Some(admin) = &ic.admin_account
        && !model.accounts.iter().any(|a| a.key == key_of(admin))
    {
        out.push(
            Diagnostic::error(format!("unknown Identity Center admin account `{admin}`"))
                .at_value(src, "identity_center.admin_account")
                .with_help(account_help(admin)),
        );
    }
    for (i, rule) in ic.access.iter().enumerate() {
        let path = format!("identity_center.access[{i}]");
        if let Some(AccountSelector::Keys(keys)) = &rule.accounts {
            for (j, k) in keys.iter().enumerate() {
                if !known_account(k) {
                    out.push(
                        Diagnostic::error(format!("access rule names unknown account `{k}`"))
                            .at_value(src, &format!("{path}.accounts[{j}]"))
                            .with_help(account_help(k)),
                    );
                }
            }
        }
        for (j, k) in rule.exclude.iter().enumerate() {
            if !known_account(k) && !bp.organizational_units.contains_key(k) {
                out.push(
                    Diagnostic::error(format!("access rule excludes unknown account or OU `{k}`"))
                        .at_value(src, &format!("{path}.exclude[{j}]"))
                        .with_help(format!(
                            "`exclude:` takes account keys and OU keys; {}",
                            unknown_help(
                                k,
                                "OUs",
                                bp.organizational_units.keys().map(String::as_str)
                            )
                        )),
                );
            }
        }
        if select(&model.accounts, &model.ous, rule).is_empty() {
            out.push(
                Diagnostic::warning("access rule matches no account")
                    .at_value(src, &path)
                    .with_help("check its selectors: they all have to match (`environments` and `workloads` intersect)"),
            );
        }
    }

    // Lints, once per rule.
    let group_of = |k: &str| mic.groups.iter().find(|g| g.key == k);
    let write: HashMap<&str, bool> = ic
        .permission_sets
        .iter()
        .map(|(name, ps)| {
            let inline = ps.inline.as_ref().and_then(|f| loaded.document(f));
            (
                name.as_str(),
                grants_write(
                    &ps.managed,
                    !ps.customer_managed.is_empty(),
                    inline.as_ref(),
                ),
            )
        })
        .collect();
    let accounts_by_key: HashMap<&str, &crate::model::Account> =
        model.accounts.iter().map(|a| (a.key.as_str(), a)).collect();
    let mut prod_warned = vec![false; ic.access.len()];
    let mut mgmt_warned = vec![false; ic.access.len()];
    for a in &mic.assignments {
        let group = a.group.as_deref().and_then(group_of);
        let rule_of = |i: usize| &ic.access[i];
        for &i in &a.rules {
            let path = format!("identity_center.access[{i}]");
            let rule = rule_of(i);
            if a.account == MANAGEMENT && !has_model_management {
                if !mgmt_warned[i] && !group.is_some_and(|g| g.admin) {
                    mgmt_warned[i] = true;
                    out.push(
                        Diagnostic::warning(format!(
                            "access rule gives `{}` access to the management account",
                            rule.group.as_deref().or(rule.user.as_deref()).unwrap_or_default()
                        ))
                        .at_value(src, &path)
                        .with_help("keep the management account to a small admin group; mark a trusted group `privileged: true`"),
                    );
                }
                if ic.admin_account.is_some() {
                    out.push(
                        Diagnostic::error("a delegated Identity Center admin cannot assign access to the management account")
                            .at_value(src, &path)
                            .with_help("manage management-account access from the management account, or drop `admin_account`"),
                    );
                }
                continue;
            }
            let Some(account) = accounts_by_key.get(a.account.as_str()) else {
                continue;
            };
            if !prod_warned[i]
                && group.is_some_and(|g| !g.privileged)
                && write
                    .get(rule.permission_set.as_str())
                    .copied()
                    .unwrap_or(false)
                && is_prod(account.environment.as_deref(), account.ou.as_deref())
            {
                prod_warned[i] = true;
                out.push(
                    Diagnostic::warning(format!(
                        "broad group `{}` gets write access (`{}`) to production account `{}`",
                        rule.group.as_deref().unwrap_or_default(),
                        rule.permission_set,
                        account.key
                    ))
                    .at_value(src, &format!("{path}.permission_set"))
                    .with_help("give broad groups read-only access in production; keep write access to a small group (or mark it `privileged: true`)"),
                );
            }
        }
    }
    for (name, _) in &ic.permission_sets {
        if !ic.access.iter().any(|r| &r.permission_set == name) {
            out.push(
                Diagnostic::warning(format!(
                    "permission set `{name}` is not used by any access rule"
                ))
                .at_key(src, &format!("identity_center.permission_sets.{name}"))
                .with_help("remove it, or grant it in `access:`"),
            );
        }
    }
}

/// An environment (or OU) key that reads as production: `prod`, `production`, `prd`, `prod-eu`.
fn is_prod(environment: Option<&str>, ou: Option<&str>) -> bool {
    [environment, ou].into_iter().flatten().any(|k| {
        k.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| {
            matches!(
                t.to_ascii_lowercase().as_str(),
                "prod" | "production" | "prd"
            )
        })
    })
}

/// Whether a permission set may change things: any managed policy that is not read-only, any
/// customer-managed policy (landform cannot see it), or an inline Allow of a non-read action.
pub fn grants_write(
    managed: &[String],
    customer_managed: bool,
    inline: Option<&serde_json::Value>,
) -> bool {
    let read_only_policy = |m: &str| {
        let n = m.rsplit('/').next().unwrap_or(m);
        n.contains("ReadOnly") || n.contains("ViewOnly") || n == "SecurityAudit"
    };
    if customer_managed || managed.iter().any(|m| !read_only_policy(m)) {
        return true;
    }
    let Some(doc) = inline else {
        return false;
    };
    let statements: Vec<&serde_json::Value> = match doc.get("Statement") {
        Some(serde_json::Value::Array(v)) => v.iter().collect(),
        Some(v) => vec![v],
        None => vec![],
    };
    statements.iter().any(|s| {
        if s.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            return false;
        }
        if s.get("NotAction").is_some() {
            return true;
        }
        let actions: Vec<&str> = match s.get("Action") {
            Some(serde_json::Value::String(a)) => vec![a.as_str()],
            Some(serde_json::Value::Array(v)) => v.iter().filter_map(|a| a.as_str()).collect(),
            _ => vec![],
        };
        actions.iter().any(|a| {
            let verb = a.split_once(':').map(|(_, v)| v).unwrap_or(a);
            ![
                "Get", "List", "Describe", "View", "BatchGet", "Search", "Lookup", "Query",
            ]
            .iter()
            .any(|p| verb.starts_with(p))
        })
    })
}
