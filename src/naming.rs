//! naming: how landform derives keys, names, emails and selections from blueprint names.
//!
//! Every stage (validate, expand, lock reconciliation, policy packing, adopt) derives the same
//! keys and emails, so the rules live here, below all of them: this module depends on nothing
//! but the model's types. Changing a rule here changes account keys or emails, which
//! `landform.lock` then protects (a changed email would replace an account).

use std::collections::HashMap;

use heck::{ToKebabCase, ToSnakeCase};

use crate::blueprint::{AccessRule, AccountSelector};
use crate::model::identity_center::MANAGEMENT;
use crate::model::{Account, Ou};

/// The Terraform key for a name: snake_case, safe as an identifier.
pub fn key_of(name: &str) -> String {
    name.to_snake_case()
}

/// The root email for an account name under the organization's pattern.
pub fn email_for(pattern: &str, name: &str) -> String {
    pattern.replace("{account}", name)
}

/// The name of a workload's account in an environment (and region, for per-region ones).
pub fn workload_account_name(workload: &str, environment: &str, region: Option<&str>) -> String {
    let base = format!("{workload}-{environment}");
    match region {
        Some(r) => format!("{base}-{r}"),
        None => base,
    }
    .to_kebab_case()
}

/// The name of a sandbox account for a person.
pub fn sandbox_account_name(person: &str) -> String {
    format!("sandbox-{person}").to_kebab_case()
}

/// The Terraform identifier of a region: `eu_west_1`.
pub fn region_key(region: &str) -> String {
    region.replace('-', "_")
}

/// A Terraform identifier for a name: snake_case, starting with a letter.
pub fn ident(name: &str) -> String {
    let k = key_of(name);
    if k.starts_with(|c: char| c.is_ascii_alphabetic()) {
        k
    } else {
        format!("x_{k}")
    }
}

/// Parses a session duration (`1h`, `90m`, `1h30m`) into minutes.
pub fn session_minutes(text: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut num = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: u32 = num.parse().ok()?;
            num.clear();
            total = total.checked_add(match c {
                'h' => n.checked_mul(60)?,
                'm' => n,
                _ => return None,
            })?;
            any = true;
        }
    }
    (num.is_empty() && any).then_some(total)
}

/// The accounts an access rule selects: account keys in model order, `management` first when
/// named. Selectors intersect; `exclude` removes accounts and OUs (with what is below them).
pub fn select(accounts: &[Account], ous: &[Ou], rule: &AccessRule) -> Vec<String> {
    let parents: HashMap<&str, Option<&str>> = ous
        .iter()
        .map(|o| (o.key.as_str(), o.parent.as_deref()))
        .collect();
    let under = |ou: Option<&str>, roots: &[String]| {
        let mut cur = ou;
        let mut steps = 0;
        while let Some(k) = cur {
            if roots.iter().any(|r| r == k) || steps > 64 {
                return roots.iter().any(|r| r == k);
            }
            cur = parents.get(k).copied().flatten();
            steps += 1;
        }
        false
    };
    let has_model_management = accounts.iter().any(|a| a.key == MANAGEMENT);
    let mut out = Vec::new();
    let management_named = matches!(&rule.accounts, Some(AccountSelector::Keys(keys))
        if !has_model_management && keys.iter().any(|k| k == MANAGEMENT));
    let other_selectors =
        rule.environments.is_some() || rule.workloads.is_some() || rule.ous.is_some();
    if management_named && !other_selectors && !rule.exclude.iter().any(|e| e == MANAGEMENT) {
        out.push(MANAGEMENT.to_string());
    }
    for a in accounts {
        let ok = match &rule.accounts {
            None => true,
            Some(AccountSelector::All) => true,
            Some(AccountSelector::Keys(keys)) => keys.iter().any(|k| key_of(k) == a.key),
        } && rule
            .environments
            .as_ref()
            .is_none_or(|es| a.environment.as_ref().is_some_and(|e| es.contains(e)))
            && rule
                .workloads
                .as_ref()
                .is_none_or(|ws| a.workload.as_ref().is_some_and(|w| ws.contains(w)))
            && rule
                .ous
                .as_ref()
                .is_none_or(|roots| under(a.ou.as_deref(), roots));
        let excluded = rule.exclude.iter().any(|e| key_of(e) == a.key)
            || under(a.ou.as_deref(), &rule.exclude);
        if ok && !excluded {
            out.push(a.key.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_snake_case_and_names_kebab_case() {
        assert_eq!(key_of("log-archive"), "log_archive");
        assert_eq!(key_of("Shared Services"), "shared_services");
        assert_eq!(workload_account_name("web", "dev", None), "web-dev");
        assert_eq!(
            workload_account_name("data_lake", "prod", Some("eu-west-1")),
            "data-lake-prod-eu-west-1"
        );
        assert_eq!(sandbox_account_name("Jane Doe"), "sandbox-jane-doe");
        assert_eq!(
            key_of(&workload_account_name("web", "dev", None)),
            "web_dev"
        );
        assert_eq!(region_key("us-gov-west-1"), "us_gov_west_1");
    }

    #[test]
    fn email_fills_every_placeholder() {
        assert_eq!(
            email_for("aws+{account}@example.com", "web-dev"),
            "aws+web-dev@example.com"
        );
        assert_eq!(email_for("{account}.{account}@x.io", "a"), "a.a@x.io");
        assert_eq!(email_for("fixed@x.io", "a"), "fixed@x.io");
    }

    #[test]
    fn ident_starts_with_a_letter() {
        assert_eq!(ident("Platform Admins"), "platform_admins");
        assert_eq!(ident("1st-line"), "x_1st_line");
        assert_eq!(ident("_x"), "x");
    }

    #[test]
    fn session_durations() {
        assert_eq!(session_minutes("1h"), Some(60));
        assert_eq!(session_minutes("90m"), Some(90));
        assert_eq!(session_minutes(" 1h30m "), Some(90));
        assert_eq!(session_minutes("1h30"), None);
        assert_eq!(session_minutes(""), None);
        assert_eq!(session_minutes("2d"), None);
        assert_eq!(session_minutes("99999999999h"), None);
    }
}
