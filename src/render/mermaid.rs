//! The organization as a Mermaid flowchart for the generated README (GitHub renders it): the
//! root, OUs, accounts, and the policies attached to each. Node ids are generated; every label
//! is escaped character by character, so no blueprint string reaches Markdown or Mermaid as
//! syntax. An OU with many accounts shows their count instead of one node each.

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::{Model, Target};

/// An OU with more accounts than this shows one summary node.
pub const ACCOUNTS_PER_OU: usize = 8;

/// A Mermaid label: letters, digits and a few plain punctuation marks as they are; anything
/// else (quotes, brackets, `<`, `#`, `;`, backticks, newlines...) as a `#NNN;` entity code.
pub fn label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '-' | '_' | '.' | ',' | ':' | '/' | '+' | '@')
        {
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            let _ = write!(out, "#{};", c as u32);
        }
    }
    out
}

/// The ```mermaid block (without the fences' surrounding text).
pub fn diagram(model: &Model) -> String {
    let mut attached: HashMap<&Target, Vec<&str>> = HashMap::new();
    for p in &model.policies {
        for t in &p.targets {
            attached.entry(t).or_default().push(p.name.as_str());
        }
    }
    let policies = |t: &Target| -> String {
        match attached.get(t) {
            Some(names) => format!("<br/>{}", label(&names.join(", "))),
            None => String::new(),
        }
    };
    let mut out = String::from("```mermaid\nflowchart LR\n");
    let _ = writeln!(out, "  root[\"Root{}\"]", policies(&Target::Root));
    let mut ou_ids: HashMap<&str, String> = HashMap::new();
    for (i, ou) in model.ous.iter().enumerate() {
        let id = format!("ou{i}");
        let _ = writeln!(
            out,
            "  {id}[\"{} (OU){}\"]",
            label(&ou.name),
            policies(&Target::Ou(ou.key.clone()))
        );
        let parent = ou
            .parent
            .as_deref()
            .and_then(|p| ou_ids.get(p))
            .map_or("root", String::as_str);
        let _ = writeln!(out, "  {parent} --> {id}");
        ou_ids.insert(ou.key.as_str(), id);
    }
    let mut by_parent: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, a) in model.accounts.iter().enumerate() {
        let parent =
            a.ou.as_deref()
                .and_then(|k| ou_ids.get(k))
                .cloned()
                .unwrap_or_else(|| "root".to_string());
        match by_parent.iter_mut().find(|(p, _)| *p == parent) {
            Some((_, v)) => v.push(i),
            None => by_parent.push((parent, vec![i])),
        }
    }
    for (parent, accounts) in &by_parent {
        if accounts.len() > ACCOUNTS_PER_OU {
            let with_policies = accounts
                .iter()
                .filter(|i| {
                    attached.contains_key(&Target::Account(model.accounts[**i].key.clone()))
                })
                .count();
            let extra = if with_policies > 0 {
                format!("<br/>{with_policies} with their own policies")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {parent}_n([\"{} accounts{extra}\"])\n  {parent} --> {parent}_n",
                accounts.len()
            );
            continue;
        }
        for i in accounts {
            let a = &model.accounts[*i];
            let _ = writeln!(
                out,
                "  a{i}([\"{}{}\"])\n  {parent} --> a{i}",
                label(&a.name),
                policies(&Target::Account(a.key.clone()))
            );
        }
    }
    out.push_str("```\n");
    out
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn labels_escape_everything_but_plain_text() {
        assert_eq!(label("payments-dev"), "payments-dev");
        assert_eq!(label("a\"]; click x"), "a#34;#93;#59; click x");
        assert_eq!(label("<b>```#"), "#60;b#62;#96;#96;#96;#35;");
        assert_eq!(label("x\ny"), "x y");
    }
}
