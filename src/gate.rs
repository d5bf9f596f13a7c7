//! gate: the last check before anything is written, and one that does not trust the lock alone.
//!
//! `landform.lock` keeps every account's root email, but a lock can be lost, cut short or
//! edited, and a template override can drop or rewrite `accounts.tf`. So before writing, every
//! `aws_organizations_account` in the tree on disk (in any `.tf` of the output directory: the
//! accounts may be split across stacks) is compared with the new tree:
//!
//! - an account whose root email changes would be replaced by AWS: refused, unless the
//!   blueprint sets that email explicitly (`email:` on the account);
//! - an account that disappears would be destroyed (left or closed): refused, unless the new
//!   tree forgets it on purpose (a `removed` block with `destroy = false`, written by
//!   `--allow-removal`) or the plan closes it on purpose (`close_on_removal:` with
//!   `--allow-removal`).
//!
//! Renames are followed through the new tree's `moved` blocks, the ones Terraform will apply.
//! A pure function of the two trees and the lock plan ([`check`]); [`check_dir`] reads the tree
//! on disk.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use hcl::{Body, Expression};

use crate::diagnostic::Diagnostic;
use crate::lock::LockPlan;
use crate::lock::reconcile::ACCOUNT;
use crate::source::Span;

/// One `aws_organizations_account` resource as written in a `.tf` file.
#[derive(Debug, Clone, PartialEq)]
pub struct TfAccount {
    /// The file it is in, relative to the output directory.
    pub file: String,
    /// The 1-based line of its `resource` header.
    pub line: usize,
    /// The `email` attribute; None when the block has none.
    pub email: Option<Expression>,
    /// `name`, `parent_id` and `tags`, for `landform diff`.
    pub name: Option<Expression>,
    pub parent: Option<Expression>,
    pub tags: Option<Expression>,
}

impl TfAccount {
    /// The stack (top-level folder) that declares it.
    pub fn stack(&self) -> &str {
        stack_of(&self.file)
    }
}

/// The stack of a file: its top-level folder.
fn stack_of(file: &str) -> &str {
    file.split_once('/').map_or("", |(s, _)| s)
}

/// What the gate reads from a tree: accounts by resource name, `removed` addresses that keep
/// the object (`destroy = false`) and `import` targets, each with its stack, and `moved`
/// blocks in file order.
#[derive(Debug, Default)]
pub struct Accounts {
    pub accounts: BTreeMap<String, TfAccount>,
    /// (stack, address) of every `removed` block with `destroy = false`.
    pub forgotten: HashSet<(String, String)>,
    /// (stack, address) of every `import` block.
    pub imported: HashSet<(String, String)>,
    pub moved: Vec<(String, String)>,
    /// Files that do not parse (reported: the gate cannot vouch for them).
    pub unreadable: Vec<(String, String)>,
}

fn expr_text(e: &Expression) -> String {
    match e {
        Expression::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn attr<'a>(body: &'a Body, key: &str) -> Option<&'a Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// Reads accounts, `removed` and `moved` blocks from `.tf` files (path relative to the tree).
pub fn scan<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Accounts {
    let mut out = Accounts::default();
    for (path, text) in files {
        if !path.ends_with(".tf") {
            continue;
        }
        for (line, block) in hclfmt::top_level(text) {
            let head = block.trim_start();
            let wanted = head.starts_with("resource") && head.contains(&format!("\"{ACCOUNT}\""))
                || head.starts_with("removed")
                || head.starts_with("import")
                || head.starts_with("moved");
            if !wanted {
                continue;
            }
            let body = match hcl::parse(block) {
                Ok(b) => b,
                Err(e) => {
                    out.unreadable
                        .push((path.to_string(), format!("line {line}: {e}")));
                    continue;
                }
            };
            for b in body.blocks() {
                match b.identifier() {
                    "resource" => {
                        let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
                        if let [ty, name] = labels[..]
                            && ty == ACCOUNT
                        {
                            out.accounts.insert(
                                name.to_string(),
                                TfAccount {
                                    file: path.to_string(),
                                    line,
                                    email: attr(b.body(), "email").cloned(),
                                    name: attr(b.body(), "name").cloned(),
                                    parent: attr(b.body(), "parent_id").cloned(),
                                    tags: attr(b.body(), "tags").cloned(),
                                },
                            );
                        }
                    }
                    "removed" => {
                        let keeps = b.body().blocks().any(|l| {
                            l.identifier() == "lifecycle"
                                && matches!(
                                    attr(l.body(), "destroy"),
                                    Some(Expression::Bool(false))
                                )
                        });
                        if keeps && let Some(from) = attr(b.body(), "from") {
                            out.forgotten
                                .insert((stack_of(path).to_string(), expr_text(from)));
                        }
                    }
                    "import" => {
                        if let Some(to) = attr(b.body(), "to") {
                            out.imported
                                .insert((stack_of(path).to_string(), expr_text(to)));
                        }
                    }
                    "moved" => {
                        if let (Some(f), Some(t)) = (attr(b.body(), "from"), attr(b.body(), "to")) {
                            out.moved.push((expr_text(f), expr_text(t)));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// Where `moved` blocks take an address (to the end of the chain).
fn forward(moved: &[(String, String)], address: &str) -> String {
    let mut at = address.to_string();
    for _ in 0..moved.len() {
        match moved.iter().rev().find(|(f, _)| *f == at) {
            Some((_, t)) if *t != at => at = t.clone(),
            _ => break,
        }
    }
    at
}

fn located(d: Diagnostic, out_name: &str, tf: &TfAccount, text: Option<&str>) -> Diagnostic {
    let mut d = d;
    let file = format!("{out_name}/{}", tf.file);
    let snippet = text
        .and_then(|t| t.lines().nth(tf.line - 1))
        .map(str::to_string);
    d.location = Some((
        file,
        Span {
            line: tf.line,
            column: 1,
            len: snippet.as_deref().map_or(1, |s| s.trim_end().len().max(1)),
        },
    ));
    d.snippet = snippet;
    d
}

const RESTORE: &str = "if landform.lock was lost, cut short or edited, restore it from version control and generate again";

/// Compares the tree on disk (`old`, every file by relative path) with the new tree. Errors for
/// every account that would be replaced or destroyed without the blueprint asking; `out_name`
/// names the output directory in messages.
pub fn check(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    plan: &LockPlan,
    out_name: &str,
) -> Vec<Diagnostic> {
    // A file the run leaves byte-identical keeps its accounts as they are: only changed and
    // deleted files are read on the old side (a no-op regeneration parses nothing).
    let changed = old
        .iter()
        .filter(|(p, t)| new.get(*p) != Some(*t))
        .map(|(p, t)| (p.as_str(), t.as_str()));
    let before = scan(changed);
    let mut out = Vec::new();
    if before.accounts.is_empty() && before.unreadable.is_empty() {
        return out;
    }
    let after = scan(new.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    for (file, e) in &after.unreadable {
        out.push(Diagnostic::error(format!(
            "the new `{file}` cannot be read for its accounts ({e})"
        )));
    }
    for (file, e) in &before.unreadable {
        out.push(
            Diagnostic::error(format!(
                "`{out_name}/{file}` on disk cannot be read for its accounts ({e}), so landform cannot tell whether this run replaces one"
            ))
            .with_help("restore the output directory from version control"),
        );
    }
    let closing: HashSet<&str> = plan.closed.iter().map(String::as_str).collect();
    let new_names: HashMap<&str, &TfAccount> = after
        .accounts
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    for (key, was) in &before.accounts {
        let address = format!("{ACCOUNT}.{key}");
        let to = forward(&after.moved, &address);
        let new_key = to.strip_prefix(&format!("{ACCOUNT}.")).unwrap_or(key);
        let old_text = old.get(&was.file).map(String::as_str);
        let old_email = was.email.as_ref().map(expr_text).unwrap_or_default();
        match new_names.get(new_key) {
            Some(now) => {
                if now.stack() != was.stack() {
                    let (from, into) = (was.stack(), now.stack());
                    let forgotten = after
                        .forgotten
                        .contains(&(from.to_string(), address.clone()));
                    let imported = after
                        .imported
                        .contains(&(into.to_string(), format!("{ACCOUNT}.{new_key}")));
                    if !forgotten || !imported {
                        let missing = match (forgotten, imported) {
                            (false, false) => format!(
                                "no `removed` block (`destroy = false`) in `{from}` and no `import` block in `{into}`"
                            ),
                            (false, true) => format!(
                                "no `removed` block (`destroy = false`) in `{from}`: its apply would destroy the account"
                            ),
                            _ => format!(
                                "no `import` block in `{into}`: its apply would ask AWS for a second account with this email"
                            ),
                        };
                        out.push(
                            located(
                                Diagnostic::error(format!(
                                    "account `{key}` moves from the stack `{from}` to `{into}` with {missing}"
                                )),
                                out_name,
                                was,
                                old_text,
                            )
                            .with_help(format!("{RESTORE}; a template override must keep the `removed.tf` and `imports.tf` landform writes")),
                        );
                    }
                }
                if now.email == was.email {
                    continue;
                }
                let new_email = now.email.as_ref().map(expr_text).unwrap_or_default();
                let asked = plan
                    .explicit_emails
                    .get(new_key)
                    .is_some_and(|e| *e == new_email);
                if asked {
                    continue;
                }
                let renamed = if new_key == key {
                    String::new()
                } else {
                    format!(" (renamed to `{new_key}`)")
                };
                out.push(
                    located(
                        Diagnostic::error(format!(
                            "account `{key}`{renamed} has root email `{old_email}` in the tree on disk, and this run would change it to `{new_email}`: AWS would replace the account"
                        )),
                        out_name,
                        was,
                        old_text,
                    )
                    .with_help(format!(
                        "{RESTORE}; a template override must write each account's email as the built-in template does (`{{{{ a.email | q }}}}`); to replace the account on purpose, set `email: {new_email}` on it in the blueprint"
                    )),
                );
            }
            None => {
                let forgotten = after
                    .forgotten
                    .contains(&(was.stack().to_string(), address.clone()));
                if forgotten || closing.contains(key.as_str()) {
                    continue;
                }
                out.push(
                    located(
                        Diagnostic::error(format!(
                            "account `{key}` (`{old_email}`) is in the tree on disk but not in the new one, and nothing tells Terraform to keep it: the apply would take it out of the organization"
                        )),
                        out_name,
                        was,
                        old_text,
                    )
                    .with_help(format!(
                        "{RESTORE}; a template override must keep every account resource; to remove the account on purpose, take it out of the blueprint and run with `--allow-removal`"
                    )),
                );
            }
        }
    }
    out
}

/// What happens to each account between the tree on disk and the new tree, in Terraform's
/// terms, for `landform diff`: replacements first (loudly), then destroys, in-place renames,
/// OU moves and tag changes.
pub fn describe(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<String> {
    let before = scan(old.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let after = scan(new.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let show = |e: &Option<Expression>| e.as_ref().map(expr_text).unwrap_or_default();
    let (mut loud, mut rest) = (Vec::new(), Vec::new());
    for (key, was) in &before.accounts {
        let address = format!("{ACCOUNT}.{key}");
        let to = forward(&after.moved, &address);
        let new_key = to.strip_prefix(&format!("{ACCOUNT}.")).unwrap_or(key);
        let Some(now) = after.accounts.get(new_key) else {
            if after
                .forgotten
                .contains(&(was.stack().to_string(), address.clone()))
            {
                continue; // the lock's summary says it leaves the state
            }
            loud.push(format!(
                "! account {key} ({}) will be DESTROYED: it leaves the organization (or is closed)",
                show(&was.email)
            ));
            continue;
        };
        if now.email != was.email {
            loud.push(format!(
                "! account {key} will be REPLACED: its root email changes from {} to {}",
                show(&was.email),
                show(&now.email)
            ));
        }
        if now.stack() != was.stack() {
            rest.push(format!(
                "~ account {new_key} moves from the stack {} to {} (forgotten there, imported here: not replaced)",
                was.stack(),
                now.stack()
            ));
        }
        if now.name != was.name {
            rest.push(format!(
                "~ account {new_key} is renamed from {} to {} (in place)",
                show(&was.name),
                show(&now.name)
            ));
        }
        if parent(&now.parent) != parent(&was.parent) {
            rest.push(format!(
                "~ account {new_key} moves from {} to {}",
                parent(&was.parent),
                parent(&now.parent)
            ));
        }
        if now.tags != was.tags {
            rest.push(format!("~ account {new_key} changes its tags"));
        }
    }
    let reached: HashSet<String> = before
        .accounts
        .keys()
        .map(|k| forward(&after.moved, &format!("{ACCOUNT}.{k}")))
        .collect();
    for (key, now) in &after.accounts {
        if !reached.contains(&format!("{ACCOUNT}.{key}")) {
            rest.push(format!(
                "+ account {key} ({}) will be created",
                show(&now.email)
            ));
        }
    }
    loud.extend(rest);
    loud
}

/// `aws_organizations_organizational_unit.prod.id` → `OU prod`; `local.root_id` → `the root`.
fn parent(e: &Option<Expression>) -> String {
    let text = e.as_ref().map(expr_text).unwrap_or_default();
    match text
        .trim_start_matches("data.")
        .strip_prefix("aws_organizations_organizational_unit.")
        .and_then(|t| t.strip_suffix(".id"))
    {
        Some(ou) => format!("OU {ou}"),
        None if text.contains("root") => "the root".to_string(),
        None => text,
    }
}

/// Every `.tf` under `out` (not following symlinks), by path relative to `out`, `/`-separated.
pub fn read_tf(out: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(ty) = e.file_type() else { continue };
            let path = e.path();
            if ty.is_dir() {
                if e.file_name() != ".terraform" {
                    stack.push(path);
                }
            } else if ty.is_file()
                && path.extension().is_some_and(|x| x == "tf")
                && let Ok(text) = std::fs::read_to_string(&path)
                && let Ok(rel) = path.strip_prefix(out)
            {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.insert(rel.join("/"), text);
            }
        }
    }
    files
}

/// [`check`] against the tree on disk in `out`: Err with the errors when the run must stop.
pub fn check_dir(
    out: &Path,
    new: &BTreeMap<String, String>,
    plan: &LockPlan,
) -> Result<(), Vec<Diagnostic>> {
    let old = read_tf(out);
    let errors = check(&old, new, plan, &out.display().to_string());
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(key: &str, email: &str) -> String {
        format!(
            "resource \"aws_organizations_account\" \"{key}\" {{\n  name  = \"{key}\"\n  email = \"{email}\"\n}}\n"
        )
    }

    fn tree(files: &[(&str, String)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.clone()))
            .collect()
    }

    #[test]
    fn scan_reads_accounts_removed_and_moved_from_any_file() {
        let a = format!(
            "{}{}moved {{\n  from = aws_organizations_account.x\n  to   = aws_organizations_account.a\n}}\n",
            account("a", "a@x"),
            "removed {\n  from = aws_organizations_account.gone\n\n  lifecycle {\n    destroy = false\n  }\n}\nremoved {\n  from = aws_organizations_account.destroyed\n\n  lifecycle {\n    destroy = true\n  }\n}\n"
        );
        let s = scan([
            ("s1/accounts.tf", a.as_str()),
            ("s2/more.tf", &account("b", "b@x")),
        ]);
        assert_eq!(s.accounts.len(), 2);
        assert_eq!(s.accounts["a"].file, "s1/accounts.tf");
        assert_eq!(s.accounts["b"].line, 1);
        let f = |a: &str| ("s1".to_string(), format!("aws_organizations_account.{a}"));
        assert!(s.forgotten.contains(&f("gone")));
        assert!(!s.forgotten.contains(&f("destroyed")));
        assert_eq!(
            forward(&s.moved, "aws_organizations_account.x"),
            "aws_organizations_account.a"
        );
    }

    #[test]
    fn changed_or_vanished_accounts_are_refused_unless_asked_for() {
        let old = tree(&[
            (
                "org/accounts.tf",
                account("a", "a@x") + &account("b", "b@x"),
            ),
            ("org2/c.tf", account("c", "c@x")),
        ]);
        // Unchanged: nothing to say (and nothing parsed).
        assert!(check(&old, &old, &LockPlan::default(), "out").is_empty());
        // `a` changes email, `c`'s stack is gone, `b` is renamed through a moved block.
        let new = tree(&[(
            "org/accounts.tf",
            account("a", "new@x")
                + &account("bb", "b@x")
                + "moved {\n  from = aws_organizations_account.b\n  to   = aws_organizations_account.bb\n}\n",
        )]);
        let errs = check(&old, &new, &LockPlan::default(), "out");
        let msgs: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(errs.len(), 2, "{msgs:?}");
        assert!(
            msgs[0].contains("account `a` has root email `a@x`"),
            "{msgs:?}"
        );
        assert_eq!(errs[0].location.as_ref().unwrap().0, "out/org/accounts.tf");
        assert!(msgs[1].contains("account `c` (`c@x`)"), "{msgs:?}");
        // Asked for: an explicit email, and a closure.
        let mut plan = LockPlan::default();
        plan.explicit_emails.insert("a".into(), "new@x".into());
        plan.closed.push("c".into());
        assert!(check(&old, &new, &plan, "out").is_empty());
    }
}
