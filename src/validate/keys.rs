//! Keys become Terraform identifiers and account names: they must be plain.

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;

/// A key: a letter, then letters, digits, `-` or `_`.
pub fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let sections: [(&str, Vec<&String>); 6] = [
        ("environments", bp.environments.keys().collect()),
        ("workloads", bp.workloads.keys().collect()),
        ("accounts", bp.accounts.keys().collect()),
        (
            "organizational_units",
            bp.organizational_units.keys().collect(),
        ),
        ("policies", bp.policies.keys().collect()),
        ("sandboxes", bp.sandboxes.iter().collect()),
    ];
    for (section, keys) in sections {
        for (i, key) in keys.into_iter().enumerate() {
            if is_plain_key(key) {
                continue;
            }
            let d = Diagnostic::error(format!("`{key}` is not a valid key in `{section}`"));
            let d = if section == "sandboxes" {
                d.at_value(&loaded.source, &format!("sandboxes[{i}]"))
            } else {
                d.at_key(&loaded.source, &format!("{section}.{key}"))
            };
            out.push(d.with_help(
                "keys become account names and Terraform identifiers: start with a letter, \
                 then use letters, digits, `-` and `_` only",
            ));
        }
    }
    if bp.accounts.contains_key("root") || bp.organizational_units.contains_key("root") {
        let path = if bp.accounts.contains_key("root") {
            "accounts.root"
        } else {
            "organizational_units.root"
        };
        out.push(
            Diagnostic::error("`root` is reserved for the organization root")
                .at_key(&loaded.source, path)
                .with_help("choose another key"),
        );
    }
}
