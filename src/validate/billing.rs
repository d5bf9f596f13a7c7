//! `contacts:` and `budgets:`: references, addresses, phone numbers and thresholds.

use crate::blueprint::Contact;
use crate::diagnostic::{Diagnostic, unknown_help};
use crate::load::Loaded;

use super::accounts::valid_email;

fn contact(loaded: &Loaded, c: &Contact, path: &str, out: &mut Vec<Diagnostic>) {
    if let Some(e) = &c.email
        && !valid_email(e)
    {
        out.push(
            Diagnostic::error(format!("`{e}` is not a valid email address"))
                .at_value(&loaded.source, &format!("{path}.email"))
                .with_help("write one address, like `billing@acme.example`"),
        );
    }
    if let Some(p) = &c.phone
        && !valid_phone(p)
    {
        out.push(phone_error(loaded, p, &format!("{path}.phone")));
    }
}

/// What AWS Account Management accepts: digits, spaces, `+`, `-`, `(`, `)`, 1 to 25.
fn valid_phone(p: &str) -> bool {
    (1..=25).contains(&p.len())
        && p.chars().any(|c| c.is_ascii_digit())
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
}

fn phone_error(loaded: &Loaded, p: &str, path: &str) -> Diagnostic {
    Diagnostic::error(format!("`{p}` is not a phone number AWS accepts"))
        .at_value(&loaded.source, path)
        .with_help("digits, spaces, `+`, `-`, `(` and `)`, at most 25 characters: `+1 555 0100`")
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    if let Some(c) = &bp.contacts {
        if let Some(p) = &c.phone
            && !valid_phone(p)
        {
            out.push(phone_error(loaded, p, "contacts.phone"));
        }
        for (kind, org) in [
            ("billing", &c.billing),
            ("operations", &c.operations),
            ("security", &c.security),
        ] {
            contact(loaded, org, &format!("contacts.{kind}"), out);
            if c.phone.is_none() && org.phone.is_none() {
                out.push(
                    Diagnostic::error(format!("the {kind} contact has no phone number"))
                        .at_key(src, &format!("contacts.{kind}"))
                        .with_help(
                            "AWS requires one for every alternate contact: set `contacts.phone` \
                             for all of them, or `phone:` on this one",
                        ),
                );
            }
        }
        for (key, o) in &c.overrides {
            let known = bp.workloads.contains_key(key)
                || bp.accounts.contains_key(key)
                || bp.sandboxes.iter().any(|s| format!("sandbox_{s}") == *key);
            if !known {
                out.push(
                    Diagnostic::error(format!(
                        "`{key}` in contacts.overrides is neither a workload nor an account key"
                    ))
                    .at_key(src, &format!("contacts.overrides.{key}"))
                    .with_help(unknown_help(
                        key,
                        "workloads and accounts",
                        bp.workloads
                            .keys()
                            .chain(bp.accounts.keys())
                            .map(String::as_str),
                    )),
                );
            }
            for (kind, c) in [
                ("billing", &o.billing),
                ("operations", &o.operations),
                ("security", &o.security),
            ] {
                if let Some(c) = c {
                    contact(loaded, c, &format!("contacts.overrides.{key}.{kind}"), out);
                }
            }
        }
    }
    if let Some(b) = &bp.budgets {
        for env in b.environments.keys() {
            if !bp.environments.contains_key(env) {
                out.push(
                    Diagnostic::error(format!(
                        "`{env}` in budgets.environments is not an environment"
                    ))
                    .at_key(src, &format!("budgets.environments.{env}"))
                    .with_help(unknown_help(
                        env,
                        "environments",
                        bp.environments.keys().map(String::as_str),
                    )),
                );
            }
        }
        for (w, envs) in &b.workloads {
            let Some(workload) = bp.workloads.get(w) else {
                out.push(
                    Diagnostic::error(format!("`{w}` in budgets.workloads is not a workload"))
                        .at_key(src, &format!("budgets.workloads.{w}"))
                        .with_help(unknown_help(
                            w,
                            "workloads",
                            bp.workloads.keys().map(String::as_str),
                        )),
                );
                continue;
            };
            for env in envs.keys() {
                if !workload.environments.contains(env) {
                    out.push(
                        Diagnostic::error(format!("workload `{w}` has no environment `{env}`"))
                            .at_key(src, &format!("budgets.workloads.{w}.{env}"))
                            .with_help(format!(
                                "its environments are {}",
                                workload.environments.join(", ")
                            )),
                    );
                }
            }
        }
        for key in b.accounts.keys() {
            let known = bp.accounts.contains_key(key)
                || bp.sandboxes.iter().any(|s| format!("sandbox_{s}") == *key);
            if !known {
                out.push(
                    Diagnostic::error(format!("`{key}` in budgets.accounts is not an account key"))
                        .at_key(src, &format!("budgets.accounts.{key}"))
                        .with_help(unknown_help(
                            key,
                            "accounts",
                            bp.accounts.keys().map(String::as_str),
                        )),
                );
            }
        }
        for (list, name) in [(&b.actual, "actual"), (&b.forecast, "forecast")] {
            for (i, t) in list.iter().enumerate() {
                if !(1..=1000).contains(t) {
                    out.push(
                        Diagnostic::error(format!("an alert at {t}% of the budget"))
                            .at_value(src, &format!("budgets.{name}[{i}]"))
                            .with_help("use a percentage from 1 to 1000"),
                    );
                }
            }
        }
        if b.actual.len() + b.forecast.len() > 5 {
            out.push(
                Diagnostic::error("a budget takes at most 5 notifications")
                    .at_key(src, "budgets.actual")
                    .with_help("AWS Budgets allows 5 alerts per budget: drop some thresholds"),
            );
        }
        if b.notify.len() > 10 {
            out.push(
                Diagnostic::error("a budget alert reaches at most 10 email addresses")
                    .at_key(src, "budgets.notify")
                    .with_help("send to a distribution list instead"),
            );
        }
        for (i, e) in b.notify.iter().enumerate() {
            if !valid_email(e) {
                out.push(
                    Diagnostic::error(format!("`{e}` is not a valid email address"))
                        .at_value(src, &format!("budgets.notify[{i}]"))
                        .with_help("write one address per entry"),
                );
            }
        }
        if b.default == 0 {
            out.push(
                Diagnostic::error("a budget of 0 alerts on every cent")
                    .at_value(src, "budgets.default")
                    .with_help("set a monthly limit above 0"),
            );
        }
    }
}
