//! Reading a lock in the one form [`Lock::to_text`] writes, line by line, without a YAML parser.
//!
//! This reader may be loose: [`super::parse`] keeps its result only when writing it back gives
//! the very same text, which proves a YAML parser would read the same lock. So it only has to
//! read every lock `to_text` writes, never panic, and stay within what YAML reads the same way:
//! printable ASCII only, strings without escapes, keys that YAML reads as plain strings.
//! Anything else returns None and takes the full YAML path (with its located errors).

use super::{Lock, LockedAccount, LockedId, LockedOrganization, Move, is_identifier};

/// The lock `text` holds, when it looks like one [`Lock::to_text`] wrote.
pub(super) fn read(text: &str) -> Option<Lock> {
    // Printable ASCII and `\n` only: no tab, no `\r`, no control, no non-ASCII line break
    // (YAML 1.1 folds U+2028 inside a quoted string).
    if !text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n')
    {
        return None;
    }
    let mut lock = Lock::default();
    let mut section = "";
    for line in text.split('\n') {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(entry) = line.strip_prefix("  ") {
            entry_line(&mut lock, section, entry)?;
            continue;
        }
        let (key, value) = line.split_once(':')?;
        let value = value.strip_prefix(' ').unwrap_or(value);
        match key {
            "version" => lock.version = value.parse().ok()?,
            "email_pattern" => lock.email_pattern = Some(string(value)?.to_string()),
            "organization" => {
                let fields = flow(value)?;
                lock.organization = LockedOrganization {
                    id: field(&fields, "id"),
                    root_id: field(&fields, "root_id"),
                };
            }
            "accounts"
            | "organizational_units"
            | "policies"
            | "permission_sets"
            | "moved"
            | "removed" => {
                if !(value.is_empty() || value == "{}") {
                    return None;
                }
                section = key;
            }
            _ => return None,
        }
    }
    Some(lock)
}

/// One indented line of `section`: `key: { … }`, or `- { from: …, to: … }` under `moved`.
fn entry_line(lock: &mut Lock, section: &str, entry: &str) -> Option<()> {
    if section == "moved" {
        let fields = flow(entry.strip_prefix("- ")?)?;
        lock.moved.push(Move {
            from: field(&fields, "from")?,
            to: field(&fields, "to")?,
        });
        return Some(());
    }
    let (key, value) = entry.split_once(": ")?;
    if !plain_key(key) {
        return None;
    }
    let fields = flow(value)?;
    let key = key.to_string();
    match section {
        "accounts" | "removed" => {
            let account = LockedAccount {
                email: field(&fields, "email")?,
                name: field(&fields, "name"),
                id: field(&fields, "id"),
                ou: field(&fields, "ou"),
                workload: field(&fields, "workload"),
                environment: field(&fields, "environment"),
                region: field(&fields, "region"),
                close_on_deletion: fields
                    .iter()
                    .any(|(k, v)| *k == "close_on_deletion" && *v == "true"),
                stack: field(&fields, "stack"),
                left: match fields.iter().find(|(k, _)| *k == "left") {
                    Some((_, v)) => list(v)?,
                    None => Vec::new(),
                },
                import_budget: fields
                    .iter()
                    .any(|(k, v)| *k == "import_budget" && *v == "true"),
            };
            let map = if section == "accounts" {
                &mut lock.accounts
            } else {
                &mut lock.removed
            };
            map.insert(key, account);
        }
        "organizational_units" | "policies" | "permission_sets" => {
            let id = LockedId {
                id: field(&fields, "id"),
            };
            let map = match section {
                "organizational_units" => &mut lock.organizational_units,
                "policies" => &mut lock.policies,
                _ => &mut lock.permission_sets,
            };
            map.insert(key, id);
        }
        _ => return None,
    }
    Some(())
}

/// The strings of a one-line flow sequence `["a", "b"]` (`[]` is empty).
fn list(value: &str) -> Option<Vec<String>> {
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(", ")
        .map(|s| string(s).map(str::to_string))
        .collect()
}

/// A key YAML reads as the same plain string: an identifier that is no YAML keyword.
fn plain_key(key: &str) -> bool {
    const KEYWORDS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    is_identifier(key) && !KEYWORDS.contains(&key.to_ascii_lowercase().as_str())
}

/// The inside of a double-quoted string without escapes.
fn string(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\'])).then_some(inner)
}

/// The entries of a one-line flow mapping `{ a: "x", b: true }` (`{}` is empty); values are the
/// strings' insides, or `true`.
fn flow(value: &str) -> Option<Vec<(&str, &str)>> {
    if value == "{}" {
        return Some(Vec::new());
    }
    let mut rest = value.strip_prefix("{ ")?.strip_suffix(" }")?;
    let mut fields = Vec::with_capacity(8);
    loop {
        let (key, after) = rest.split_once(": ")?;
        let (value, after) = if after.starts_with('[') {
            // A flow sequence of strings (`left: ["a", "b"]`), kept whole for `list`.
            let end = after.find(']')?;
            (&after[..=end], &after[end + 1..])
        } else if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(", ").unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if value.contains('\\') {
            return None;
        }
        fields.push((key, value));
        if after.is_empty() {
            return Some(fields);
        }
        rest = after.strip_prefix(", ")?;
    }
}

fn field(fields: &[(&str, &str)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| (*v).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lock {
        let mut lock = Lock::new();
        lock.email_pattern = Some("aws+{account}@example.com".into());
        lock.organization.root_id = Some("r-ab12".into());
        lock.accounts.insert(
            "app_dev".into(),
            LockedAccount {
                email: "aws+app-dev@example.com".into(),
                name: Some("app-dev".into()),
                id: Some("123456789012".into()),
                ou: Some("nonprod".into()),
                workload: Some("app".into()),
                environment: Some("dev".into()),
                region: None,
                close_on_deletion: true,
                stack: Some("accounts-nonprod".into()),
                left: vec!["organization".into()],
                import_budget: true,
            },
        );
        lock.organizational_units
            .insert("nonprod".into(), LockedId { id: None });
        lock.policies.insert(
            "deny_root_user".into(),
            LockedId {
                id: Some("p-1234".into()),
            },
        );
        lock.moved.push(Move {
            from: "aws_organizations_account.web_dev".into(),
            to: "aws_organizations_account.app_dev".into(),
        });
        lock.removed.insert(
            "old".into(),
            LockedAccount {
                email: "a, b: \"c\"@example.com".into(),
                ..LockedAccount::default()
            },
        );
        lock
    }

    #[test]
    fn reads_back_what_to_text_writes() {
        let mut lock = sample();
        // A string with an escape is left to the YAML path.
        let text = lock.to_text();
        assert!(read(&text).is_none_or(|l| l.to_text() != text));
        lock.removed["old"].email = "a, b: c@example.com".into();
        let text = lock.to_text();
        assert_eq!(read(&text), Some(lock.clone()));
        // And the fast path gives what serde gives.
        let parsed = super::super::parse(std::path::Path::new("landform.lock"), &text).unwrap();
        assert_eq!(parsed, lock);
        let serde: Lock = serde_yaml::from_str(&text).unwrap();
        assert_eq!(serde, lock);
    }

    #[test]
    fn anything_else_is_not_proven() {
        let text = sample().to_text().replace("\\\"c\\\"", "c");
        for edited in [
            text.replace("  app_dev:", "  true:"),
            text.replace("version: 1", "version: 2"),
            text.replace("\"app-dev\"", "\"app-d\u{2028}ev\""),
            text.replace("nonprod: {}", "nonprod: {}\n  nonprod: {}"),
            format!("{text}extra: 1\n"),
        ] {
            let proven = read(&edited).is_some_and(|l| l.to_text() == edited);
            assert!(!proven, "{edited}");
        }
    }
}
