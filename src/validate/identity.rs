use crate::diagnostic::{Diagnostic, unknown_help};
use crate::load::Loaded;

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

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let Some(ic) = &loaded.blueprint.identity_center else {
        return;
    };
    let src = &loaded.source;
    for (name, ps) in &ic.permission_sets {
        let path = format!("identity_center.permission_sets.{name}");
        if name.is_empty() || name.chars().count() > 32 {
            out.push(
                Diagnostic::error(format!(
                    "permission set name `{name}` has {} characters",
                    name.chars().count()
                ))
                .at_key(src, &path)
                .with_help("AWS permission set names have 1 to 32 characters"),
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
    }
    for (i, rule) in ic.access.iter().enumerate() {
        let path = format!("identity_center.access[{i}]");
        if !ic.groups.contains(&rule.group) {
            out.push(
                Diagnostic::error(format!("access rule names unknown group `{}`", rule.group))
                    .at_value(src, &format!("{path}.group"))
                    .with_help(unknown_help(
                        &rule.group,
                        "groups",
                        ic.groups.iter().map(String::as_str),
                    )),
            );
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
        for (j, e) in rule.environments.iter().flatten().enumerate() {
            if !loaded.blueprint.environments.contains_key(e) {
                out.push(
                    Diagnostic::error(format!("access rule names unknown environment `{e}`"))
                        .at_value(src, &format!("{path}.environments[{j}]"))
                        .with_help(unknown_help(
                            e,
                            "environments",
                            loaded.blueprint.environments.keys().map(String::as_str),
                        )),
                );
            }
        }
    }
}
