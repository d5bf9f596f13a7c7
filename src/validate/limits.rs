//! The length and character limits AWS enforces on the names, descriptions and tags landform
//! sends, as the API references document them (checked against botocore's service models):
//!
//! | value | API shape | limit |
//! |---|---|---|
//! | tag key | `organizations`/`sso-admin` `TagKey` | 1–128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, no `aws:` prefix |
//! | tag value | `TagValue` | 0–256, same characters |
//! | tags on one resource | `TagResource` | at most 50 |
//! | policy name | `organizations` `PolicyName` | 1–128 |
//! | policy description | `organizations` `PolicyDescription` | 0–512 |
//! | permission set description | `sso-admin` `PermissionSetDescription` | 1–700, tab, newline, return, U+0020–U+007E, U+00A1–U+00FF |
//! | group display name | `identitystore` `GroupDisplayName` | 1–1024, `[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]` and no-break space |
//! | group description | `identitystore` `Description` | 1–1024, as display names plus U+3000 |
//!
//! Checked elsewhere, beside their other rules: OU names (1–128, `ous.rs`), account names (1–50
//! printable ASCII, `accounts.rs`), permission set names (1–32 `[\w+=,.@-]`, `identity.rs`).
//! Every violation is an error at the offending value: AWS would refuse it halfway through an
//! apply.

use indexmap::IndexMap;
use unicode_general_category::{GeneralCategory as G, get_general_category};

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::model::Model;
use crate::source::Source;

pub const TAG_KEY_MAX: usize = 128;
pub const TAG_VALUE_MAX: usize = 256;
pub const TAGS_PER_RESOURCE: usize = 50;
pub const POLICY_NAME_MAX: usize = 128;
pub const POLICY_DESCRIPTION_MAX: usize = 512;
pub const PERMISSION_SET_DESCRIPTION_MAX: usize = 700;
pub const GROUP_TEXT_MAX: usize = 1024;

/// A character AWS takes in a tag key or value: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
pub fn tag_char(c: char) -> bool {
    matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || matches!(
            get_general_category(c),
            G::UppercaseLetter
                | G::LowercaseLetter
                | G::TitlecaseLetter
                | G::ModifierLetter
                | G::OtherLetter
                | G::SpaceSeparator
                | G::LineSeparator
                | G::ParagraphSeparator
                | G::DecimalNumber
                | G::LetterNumber
                | G::OtherNumber
        )
}

/// A character of a permission set description: tab, newline, return, printable ASCII, and
/// U+00A1–U+00FF.
fn permission_set_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}')
}

/// A character of a group display name (`wide` adds the ideographic space, as descriptions do).
fn group_char(c: char, wide: bool) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ' | '\u{a0}')
        || (wide && c == '\u{3000}')
        || !matches!(
            get_general_category(c),
            G::Control
                | G::Format
                | G::Surrogate
                | G::PrivateUse
                | G::Unassigned
                | G::SpaceSeparator
                | G::LineSeparator
                | G::ParagraphSeparator
        )
}

/// The first character of `s` that `ok` refuses, for the message.
fn first_bad(s: &str, ok: impl Fn(char) -> bool) -> Option<char> {
    s.chars().find(|&c| !ok(c))
}

/// How to show a refused character: itself when visible, else its code point.
fn shown(c: char) -> String {
    if c.is_control() || c.is_whitespace() || get_general_category(c) == G::Format {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}` (U+{:04X})", c as u32)
    }
}

/// Checks one tag; `key_at`/`value_at` locate the key and the value in the source.
fn check_tag(src: &Source, key: &str, value: &str, at: &str, out: &mut Vec<Diagnostic>) {
    const CHARS: &str = "letters, digits, spaces and `_ . : / = + - @`";
    let klen = key.chars().count();
    if klen == 0 || klen > TAG_KEY_MAX {
        out.push(
            Diagnostic::error(format!("tag key of {klen} characters"))
                .at_key(src, at)
                .with_help(format!(
                    "AWS tag keys have 1 to {TAG_KEY_MAX} characters: shorten it"
                )),
        );
    } else if key.to_lowercase().starts_with("aws:") {
        out.push(
            Diagnostic::error(format!("tag key `{key}` uses the reserved `aws:` prefix"))
                .at_key(src, at)
                .with_help("AWS reserves tag keys starting with `aws:`: rename it"),
        );
    } else if let Some(c) = first_bad(key, tag_char) {
        out.push(
            Diagnostic::error(format!(
                "tag key `{key}` has {}, which AWS refuses",
                shown(c)
            ))
            .at_key(src, at)
            .with_help(format!("AWS tag keys take {CHARS} only")),
        );
    }
    let vlen = value.chars().count();
    if vlen > TAG_VALUE_MAX {
        out.push(
            Diagnostic::error(format!("tag `{key}` has a value of {vlen} characters"))
                .at_value(src, at)
                .with_help(format!(
                    "AWS tag values have at most {TAG_VALUE_MAX} characters: shorten it"
                )),
        );
    } else if let Some(c) = first_bad(value, tag_char) {
        out.push(
            Diagnostic::error(format!(
                "the value of tag `{key}` has {}, which AWS refuses",
                shown(c)
            ))
            .at_value(src, at)
            .with_help(format!("AWS tag values take {CHARS} only")),
        );
    }
}

fn check_tags(
    src: &Source,
    path: &str,
    tags: &IndexMap<String, String>,
    out: &mut Vec<Diagnostic>,
) {
    for (k, v) in tags {
        check_tag(src, k, v, &format!("{path}.{k}"), out);
    }
}

/// Checks the blueprint's tags, owners (they become `owner` tags) and descriptions.
pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    check_tags(src, "organization.tags", &bp.organization.tags, out);
    for (k, e) in &bp.environments {
        check_tags(src, &format!("environments.{k}.tags"), &e.tags, out);
    }
    for (k, w) in &bp.workloads {
        check_tags(src, &format!("workloads.{k}.tags"), &w.tags, out);
        if let Some(owner) = &w.owner {
            check_tag(src, "owner", owner, &format!("workloads.{k}.owner"), out);
        }
    }
    for (k, a) in &bp.accounts {
        check_tags(src, &format!("accounts.{k}.tags"), &a.tags, out);
        if let Some(owner) = &a.owner {
            check_tag(src, "owner", owner, &format!("accounts.{k}.owner"), out);
        }
    }
    for (k, o) in &bp.organizational_units {
        check_tags(src, &format!("organizational_units.{k}.tags"), &o.tags, out);
    }
    for (k, p) in &bp.policies {
        if let Some(d) = &p.description {
            let at = format!("policies.{k}.description");
            let len = d.chars().count();
            if len > POLICY_DESCRIPTION_MAX {
                out.push(
                    Diagnostic::error(format!("policy description of {len} characters"))
                        .at_value(src, &at)
                        .with_help(format!(
                            "AWS policy descriptions have at most {POLICY_DESCRIPTION_MAX} \
                             characters: shorten it (the document itself can explain more)"
                        )),
                );
            }
        }
    }
    let Some(ic) = &bp.identity_center else {
        return;
    };
    for (name, ps) in &ic.permission_sets {
        let path = format!("identity_center.permission_sets.{name}");
        check_tags(src, &format!("{path}.tags"), &ps.tags, out);
        if ps.tags.len() > TAGS_PER_RESOURCE {
            out.push(too_many_tags(src, &format!("{path}.tags"), ps.tags.len()));
        }
        if let Some(d) = &ps.description {
            let at = format!("{path}.description");
            let len = d.chars().count();
            if len == 0 || len > PERMISSION_SET_DESCRIPTION_MAX {
                out.push(
                    Diagnostic::error(format!("permission set description of {len} characters"))
                        .at_value(src, &at)
                        .with_help(format!(
                            "AWS permission set descriptions have 1 to \
                             {PERMISSION_SET_DESCRIPTION_MAX} characters"
                        )),
                );
            } else if let Some(c) = first_bad(d, permission_set_char) {
                out.push(
                    Diagnostic::error(format!(
                        "permission set description has {}, which AWS refuses",
                        shown(c)
                    ))
                    .at_value(src, &at)
                    .with_help(
                        "AWS permission set descriptions take printable ASCII and Latin-1 \
                         letters (U+00A1 to U+00FF) only",
                    ),
                );
            }
        }
    }
    for (i, g) in ic.groups.iter().enumerate() {
        let base = format!("identity_center.groups[{i}]");
        let texts = [
            (
                "display name",
                "display_name",
                g.display_name.as_deref(),
                false,
            ),
            ("description", "description", g.description.as_deref(), true),
        ];
        for (what, field, text, wide) in texts {
            let Some(text) = text else { continue };
            let at = format!("{base}.{field}");
            let len = text.chars().count();
            if len == 0 || len > GROUP_TEXT_MAX {
                out.push(
                    Diagnostic::error(format!("group {what} of {len} characters"))
                        .at_value(src, &at)
                        .with_help(format!(
                            "AWS group {what}s have 1 to {GROUP_TEXT_MAX} characters"
                        )),
                );
            } else if let Some(c) = first_bad(text, |c| group_char(c, wide)) {
                out.push(
                    Diagnostic::error(format!("group {what} has {}, which AWS refuses", shown(c)))
                        .at_value(src, &at)
                        .with_help(format!(
                            "AWS group {what}s take letters, marks, symbols, digits, punctuation \
                             and spaces only"
                        )),
                );
            }
        }
        // A plain group (no display name) is displayed by its name.
        if g.display_name.is_none()
            && let Some(c) = first_bad(&g.name, |c| group_char(c, false))
        {
            let at = if src.value(&format!("{base}.name")).is_some() {
                format!("{base}.name")
            } else {
                base.clone()
            };
            out.push(
                Diagnostic::error(format!("group name has {}, which AWS refuses", shown(c)))
                    .at_value(src, &at)
                    .with_help(
                        "the name is the group's display name in AWS: use letters, marks, \
                         symbols, digits, punctuation and spaces only",
                    ),
            );
        }
    }
}

fn too_many_tags(src: &Source, at: &str, n: usize) -> Diagnostic {
    Diagnostic::error(format!("{n} tags on one resource"))
        .at_key(src, at)
        .with_help(format!(
            "AWS takes at most {TAGS_PER_RESOURCE} tags per resource: remove some"
        ))
}

/// Checks what only exists after expansion: each account's and OU's merged tags (organization,
/// environment, workload and account tags together), and every policy's name and description
/// (built-in ones included: a custom policy without a description gets one naming its file).
pub fn check_model(loaded: &Loaded, model: &Model, out: &mut Vec<Diagnostic>) {
    let src = &loaded.source;
    for a in &model.accounts {
        if a.tags.len() > TAGS_PER_RESOURCE {
            out.push(too_many_tags(src, &a.origin, a.tags.len()));
        }
    }
    for o in &model.ous {
        if o.tags.len() > TAGS_PER_RESOURCE {
            out.push(too_many_tags(
                src,
                &format!("organizational_units.{}", o.key),
                o.tags.len(),
            ));
        }
    }
    for p in &model.policies {
        let len = p.description.chars().count();
        // A description written in the blueprint was reported by `check` already. (Only a
        // long one is looked up: a lookup builds the source's index.)
        let written = || src.value(&format!("{}.description", p.origin)).is_some();
        if len > POLICY_DESCRIPTION_MAX && !written() {
            let at = p.origin.clone();
            out.push(
                Diagnostic::error(format!(
                    "policy `{}` gets a description of {len} characters",
                    p.name
                ))
                .at_key(src, &at)
                .with_help(format!(
                    "AWS policy descriptions have at most {POLICY_DESCRIPTION_MAX} characters: \
                     write a shorter `description:`"
                )),
            );
        }
        let nlen = p.name.chars().count();
        if nlen == 0 || nlen > POLICY_NAME_MAX {
            out.push(
                Diagnostic::error(format!("policy name `{}` has {nlen} characters", p.name))
                    .at_key(src, &p.origin)
                    .with_help(format!(
                        "AWS policy names have 1 to {POLICY_NAME_MAX} characters: shorten the key"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_characters_follow_the_aws_pattern() {
        for ok in [
            "CostCenter",
            "team:platform/a=b+c-d@e_f.g",
            "Kostenstelle Ü",
            "日本",
            "١٢٣",
            "a\u{a0}b",
        ] {
            assert!(ok.chars().all(tag_char), "{ok}");
        }
        for bad in [
            "a;b", "a<b", "a\"b", "a#b", "a,b", "a\tb", "a\u{1b}b", "a*b", "e\u{301}", "😀",
        ] {
            assert!(!bad.chars().all(tag_char), "{bad}");
        }
    }

    #[test]
    fn description_and_group_characters() {
        assert!(
            "Admin access; full (all) — no"
                .chars()
                .any(|c| !permission_set_char(c))
        );
        assert!(
            "Admin access; full (all) é ñ"
                .chars()
                .all(permission_set_char)
        );
        assert!(
            "Platform admins (24/7) — on call ✓"
                .chars()
                .all(|c| group_char(c, false))
        );
        assert!(!group_char('\u{1b}', false));
        assert!(!group_char('\u{3000}', false));
        assert!(group_char('\u{3000}', true));
    }
}
