//! `logging:` and `security:`: account references, Security Hub standards, retention ranges and
//! the trail name.

use crate::blueprint::STANDARDS;
use crate::diagnostic::{Diagnostic, unknown_help};
use crate::load::Loaded;

/// Retention values CloudWatch Logs accepts.
pub const CLOUDWATCH_RETENTION: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The longest retention landform accepts for the log bucket: 100 years.
pub const MAX_RETENTION_DAYS: u32 = 36_500;

pub(super) fn account_ref(
    loaded: &Loaded,
    key: &str,
    path: &str,
    role: &str,
    out: &mut Vec<Diagnostic>,
) {
    let accounts = &loaded.blueprint.accounts;
    if key == "management" {
        out.push(
            Diagnostic::error(format!("{role} cannot be `management`"))
                .at_value(&loaded.source, path)
                .with_help(
                    "the management account runs the stacks itself and its provider aliases are \
                     named `management_<region>`: rename the account key",
                ),
        );
    } else if !accounts.contains_key(key) {
        out.push(
            Diagnostic::error(format!("{role} `{key}` is not a key under `accounts`"))
                .at_value(&loaded.source, path)
                .with_help(unknown_help(
                    key,
                    "accounts",
                    accounts.keys().map(String::as_str),
                )),
        );
    }
}

fn is_trail_name(name: &str) -> bool {
    (3..=128).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    if let Some(l) = &bp.logging {
        account_ref(
            loaded,
            &l.account,
            "logging.account",
            "log archive account",
            out,
        );
        if !is_trail_name(&l.trail_name) {
            out.push(
                Diagnostic::error(format!("`{}` is not a valid trail name", l.trail_name))
                    .at_value(src, "logging.trail_name")
                    .with_help(
                        "3 to 128 letters, digits, `.`, `_` and `-`, starting and ending with a \
                         letter or digit",
                    ),
            );
        }
        if !(1..=MAX_RETENTION_DAYS).contains(&l.retention_days) {
            out.push(
                Diagnostic::error(format!(
                    "log retention of {} days is out of range",
                    l.retention_days
                ))
                .at_value(src, "logging.retention_days")
                .with_help(format!("use 1 to {MAX_RETENTION_DAYS} days")),
            );
        }
        if let Some(g) = l.glacier_after_days
            && (g == 0 || g >= l.retention_days)
        {
            out.push(
                Diagnostic::error(format!(
                    "logs move to Glacier after {g} days, but they are kept {} days",
                    l.retention_days
                ))
                .at_value(src, "logging.glacier_after_days")
                .with_help(
                    "the transition must come at least a day before `logging.retention_days`; \
                     write `glacier_after_days: null` to keep logs in S3 Standard",
                ),
            );
        }
        if !l.kms {
            out.push(
                Diagnostic::warning("the organization's logs are not encrypted with a KMS key")
                    .at_value(src, "logging.kms")
                    .with_help(
                        "with `kms: false` the bucket uses SSE-S3 and the trail no key; anyone \
                         who can read the bucket reads the logs. Prefer `kms: true`",
                    ),
            );
        }
        let cw = &l.cloudwatch_logs;
        if cw.enabled && !CLOUDWATCH_RETENTION.contains(&cw.retention_days) {
            let closest = CLOUDWATCH_RETENTION
                .iter()
                .min_by_key(|d| d.abs_diff(cw.retention_days))
                .copied()
                .unwrap_or(365);
            out.push(
                Diagnostic::error(format!(
                    "CloudWatch Logs cannot keep logs for {} days",
                    cw.retention_days
                ))
                .at_value(src, "logging.cloudwatch_logs.retention_days")
                .with_help(format!(
                    "the nearest value it accepts is {closest}; it accepts {}",
                    CLOUDWATCH_RETENTION
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
    if let Some(s) = &bp.security {
        account_ref(
            loaded,
            &s.admin_account,
            "security.admin_account",
            "delegated administrator account",
            out,
        );
        if s.securityhub.enabled {
            for (i, name) in s.securityhub.standards.iter().enumerate() {
                let path = format!("security.securityhub.standards[{i}]");
                if !STANDARDS.iter().any(|(n, _)| n == name) {
                    out.push(
                        Diagnostic::error(format!("unknown Security Hub standard `{name}`"))
                            .at_value(src, &path)
                            .with_help(unknown_help(
                                name,
                                "standards",
                                STANDARDS.iter().map(|(n, _)| *n),
                            )),
                    );
                } else if s.securityhub.standards[..i].contains(name) {
                    out.push(
                        Diagnostic::error(format!("standard `{name}` is listed twice"))
                            .at_value(src, &path)
                            .with_help("remove the repeated entry"),
                    );
                }
            }
        }
        if let Some(l) = &bp.logging
            && l.account == s.admin_account
        {
            out.push(
                Diagnostic::warning(format!(
                    "the log archive and the security tooling share the account `{}`",
                    l.account
                ))
                .at_value(src, "security.admin_account")
                .with_help(
                    "keep logs in their own account, so the team that reads findings cannot \
                     change the evidence",
                ),
            );
        }
    }
}
