use std::collections::HashMap;

use crate::blueprint::SANDBOX_OU;
use crate::diagnostic::{Diagnostic, did_you_mean, unknown_help};
use crate::load::Loaded;
use crate::model::{AccountKind, Model};

pub fn check_references(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    let ous = || bp.organizational_units.keys().map(String::as_str);
    let envs = || bp.environments.keys().map(String::as_str);
    for (key, env) in &bp.environments {
        if !bp.organizational_units.contains_key(&env.ou) {
            out.push(
                Diagnostic::error(format!("environment `{key}` names unknown OU `{}`", env.ou))
                    .at_value(src, &format!("environments.{key}.ou"))
                    .with_help(unknown_help(&env.ou, "OUs", ous())),
            );
        }
    }
    for (key, w) in &bp.workloads {
        if w.environments.is_empty() {
            out.push(
                Diagnostic::warning(format!(
                    "workload `{key}` has no environments, so no accounts"
                ))
                .at_key(src, &format!("workloads.{key}"))
                .with_help("list the environments it runs in"),
            );
        }
        for (i, e) in w.environments.iter().enumerate() {
            let path = format!("workloads.{key}.environments[{i}]");
            if !bp.environments.contains_key(e) {
                out.push(
                    Diagnostic::error(format!("workload `{key}` names unknown environment `{e}`"))
                        .at_value(src, &path)
                        .with_help(unknown_help(e, "environments", envs())),
                );
            } else if w.environments[..i].contains(e) {
                out.push(
                    Diagnostic::error(format!("workload `{key}` lists environment `{e}` twice"))
                        .at_value(src, &path)
                        .with_help("remove the repeated entry"),
                );
            }
        }
    }
    for (key, a) in &bp.accounts {
        // `ou: root` places the account directly under the organization root.
        if a.ou != "root" && !bp.organizational_units.contains_key(&a.ou) {
            out.push(
                Diagnostic::error(format!("account `{key}` names unknown OU `{}`", a.ou))
                    .at_value(src, &format!("accounts.{key}.ou"))
                    .with_help(unknown_help(&a.ou, "OUs", ous())),
            );
        }
    }
    if !bp.sandboxes.is_empty() && !bp.organizational_units.contains_key(SANDBOX_OU) {
        out.push(
            Diagnostic::error("sandboxes are listed but there is no `sandbox` OU")
                .at_key(src, "sandboxes")
                .with_help("add `sandbox: { name: Sandbox }` under `organizational_units`"),
        );
    }
    for (i, s) in bp.sandboxes.iter().enumerate() {
        if bp.sandboxes[..i].contains(s) {
            out.push(
                Diagnostic::error(format!("sandbox `{s}` is listed twice"))
                    .at_value(src, &format!("sandboxes[{i}]"))
                    .with_help("remove the repeated entry"),
            );
        }
    }
}

pub(super) fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.chars().all(|c| c.is_ascii_graphic())
}

pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let src = &loaded.source;
    let bp = &loaded.blueprint;
    let pattern_has_account = bp.organization.email.contains("{account}");
    let uses_pattern = |origin: &str| {
        origin
            .strip_prefix("accounts.")
            .and_then(|k| bp.accounts.get(k))
            .is_none_or(|a| a.email.is_none())
    };
    let email_path = |origin: &str| {
        if uses_pattern(origin) {
            "organization.email".to_string()
        } else {
            format!("{origin}.email")
        }
    };
    let unknown = unknown_placeholders(&bp.organization.email);
    for token in &unknown {
        let help = match did_you_mean(token.trim_matches(['{', '}']), ["account"]) {
            Some(_) => "did you mean `{account}`? It is the only placeholder (the account name)"
                .to_string(),
            None => "the only placeholder is `{account}` (the account name); landform reads \
                     anything in braces as a placeholder"
                .to_string(),
        };
        out.push(
            Diagnostic::error(format!(
                "unknown placeholder `{token}` in the email pattern"
            ))
            .at_value(src, "organization.email")
            .with_help(help),
        );
    }
    if !pattern_has_account
        && unknown.is_empty()
        && model
            .accounts
            .iter()
            .filter(|a| uses_pattern(&a.origin))
            .count()
            > 1
    {
        out.push(
            Diagnostic::error("the email pattern gives every account the same root email")
                .at_value(src, "organization.email")
                .with_help(
                    "put `{account}` in the pattern, e.g. `aws+{account}@example.com`: each \
                     account needs its own root email",
                ),
        );
    }
    let mut names: HashMap<&str, &str> = HashMap::new();
    let mut keys: HashMap<&str, &str> = HashMap::new();
    let mut emails: HashMap<String, &str> = HashMap::new();
    for a in &model.accounts {
        let name_path = match a.kind {
            AccountKind::Named
                if bp
                    .accounts
                    .get(&a.origin["accounts.".len()..])
                    .is_some_and(|x| x.name.is_some()) =>
            {
                format!("{}.name", a.origin)
            }
            _ => a.origin.clone(),
        };
        let len = a.name.chars().count();
        if len == 0 || len > 50 {
            out.push(
                Diagnostic::error(format!("account name `{}` has {len} characters", a.name))
                    .at_key(src, &name_path)
                    .with_help("AWS account names have 1 to 50 characters: shorten the workload, environment or account key"),
            );
        }
        if !a.name.chars().all(|c| (' '..='~').contains(&c)) {
            out.push(
                Diagnostic::error(format!(
                    "account name `{}` is not printable ASCII",
                    a.name.escape_default()
                ))
                .at_key(src, &name_path)
                .with_help("AWS account names take printable ASCII characters only"),
            );
        }
        if let Some(first) = keys.insert(&a.key, &a.origin) {
            out.push(
                Diagnostic::error(format!(
                    "two accounts get the key `{}` (from `{first}` and `{}`)",
                    a.key, a.origin
                ))
                .at_key(src, &a.origin)
                .with_help("rename one of them: keys are the snake_case of account names"),
            );
        } else if let Some(first) = names.insert(&a.name, &a.origin) {
            out.push(
                Diagnostic::error(format!(
                    "two accounts are named `{}` (from `{first}` and `{}`)",
                    a.name, a.origin
                ))
                .at_key(src, &name_path)
                .with_help("give one of them another name"),
            );
        }
        let elen = a.email.chars().count();
        if !(6..=64).contains(&elen) {
            out.push(
                Diagnostic::error(format!("root email `{}` of account `{}` has {elen} characters", a.email, a.key))
                    .at_value(src, &email_path(&a.origin))
                    .with_help("AWS root emails have 6 to 64 characters: shorten the pattern or the account name"),
            );
        } else if !valid_email(&a.email) {
            out.push(
                Diagnostic::error(format!(
                    "root email `{}` of account `{}` is not a valid address",
                    a.email, a.key
                ))
                .at_value(src, &email_path(&a.origin))
                .with_help("write an address like `aws+{account}@example.com`"),
            );
        }
        if let Some(first) = emails.insert(a.email.to_ascii_lowercase(), &a.origin)
            && (pattern_has_account || !uses_pattern(&a.origin))
        {
            out.push(
                Diagnostic::error(format!(
                    "accounts from `{first}` and `{}` share the root email `{}`",
                    a.origin, a.email
                ))
                .at_value(src, &email_path(&a.origin))
                .with_help("every account needs its own root email"),
            );
        }
    }
}

/// `{...}` tokens of an email pattern other than `{account}`, in order, each once.
fn unknown_placeholders(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let token = match after.find('}') {
            Some(close) => &after[..=close],
            None => after,
        };
        if token != "{account}" && !out.iter().any(|t| t == token) {
            out.push(token.to_string());
        }
        rest = &after[token.len().max(1)..];
    }
    out
}

#[cfg(test)]
mod placeholder_tests {
    use super::unknown_placeholders;

    #[test]
    fn placeholders_other_than_account_are_named() {
        assert!(unknown_placeholders("aws+{account}@x.example").is_empty());
        assert_eq!(unknown_placeholders("aws+{acount}@x.example"), ["{acount}"]);
        assert_eq!(
            unknown_placeholders("{env}-{account}-{env}@x{.example"),
            ["{env}", "{.example"]
        );
    }
}
