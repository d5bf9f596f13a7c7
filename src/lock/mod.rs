//! The lock file, `landform.lock`, beside the blueprint: what landform has promised AWS.
//!
//! The root email is an account's identity (a changed email makes the provider replace the
//! account), so every account key's email is recorded here the first time it is generated and
//! is never silently changed afterwards. Account, OU, policy and organization ids are recorded
//! once known (`landform adopt`, `landform lock --from-state`); renames are kept as a history
//! of `moved` addresses so the `moved` blocks outlive the apply that needs them; accounts
//! removed on purpose are kept under `removed` so their `removed` blocks do too.
//!
//! The format is YAML, written by [`Lock::to_text`] in a fixed order (deterministic):
//!
//! ```yaml
//! version: 1
//! email_pattern: "aws+{account}@example.com"
//! organization: { id: "o-abc", root_id: "r-abc" }
//! accounts:
//!   app_dev: { email: "aws+app-dev@example.com", name: "app-dev", id: "123456789012", ou: "nonprod", workload: "app", environment: "dev" }
//! organizational_units:
//!   nonprod: { id: "ou-abc-12345678" }
//! policies:
//!   deny_root_user: { id: "p-12345678" }
//! moved:
//!   - { from: "aws_organizations_account.web_dev", to: "aws_organizations_account.app_dev" }
//! removed:
//!   old_dev: { email: "aws+old-dev@example.com" }
//! ```

pub mod reconcile;
mod written;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::naming::{email_for, key_of, workload_account_name};
use crate::source::{Source, Span};

/// The lock file's name, beside the blueprint.
pub const FILE: &str = "landform.lock";

/// The lock: see the module documentation for the format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    /// `organization.email` when the lock was written: tells a pattern change from a name change.
    #[serde(default)]
    pub email_pattern: Option<String>,
    #[serde(default)]
    pub organization: LockedOrganization,
    #[serde(default)]
    pub accounts: IndexMap<String, LockedAccount>,
    #[serde(default)]
    pub organizational_units: IndexMap<String, LockedId>,
    #[serde(default)]
    pub policies: IndexMap<String, LockedId>,
    /// Identity Center permission set keys (a rename recreates every assignment).
    #[serde(default)]
    pub permission_sets: IndexMap<String, LockedId>,
    /// Every rename so far, as Terraform addresses, oldest first.
    #[serde(default)]
    pub moved: Vec<Move>,
    /// Accounts removed on purpose (`--allow-removal`) and left in AWS.
    #[serde(default)]
    pub removed: IndexMap<String, LockedAccount>,
}

/// What a run is allowed to do, from its command line (never stored in the lock).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// `--allow-removal`: accounts in the lock may leave the blueprint.
    pub allow_removal: bool,
    /// `--pack`: pack guardrails as `organization.pack_guardrails: true` would (the blueprint
    /// itself is not changed).
    pub pack: bool,
}

/// What reconciling the blueprint with its lock decided, once per command
/// ([`reconcile::reconcile`], finished by [`reconcile::finish`]); carried by the model as
/// `model.lock` and read by every consumer (validation, `generate`, `diff`); the model's
/// `moved`, `removed` and `import` blocks are built from it.
#[derive(Debug, Clone, Default)]
pub struct LockPlan {
    /// The email of every account key that the lock (or an override) decides.
    pub emails: IndexMap<String, String>,
    /// New account key → the locked key it inherits from (a declared rename in this edit).
    pub renamed: IndexMap<String, String>,
    /// New OU key → the locked OU key it inherits from.
    pub ou_renamed: IndexMap<String, String>,
    /// Every `moved` block to write: the lock's history and this edit's renames, as Terraform
    /// accepts them.
    pub moved: Vec<Move>,
    /// Only this edit's renames.
    pub new_moves: Vec<Move>,
    /// Account keys that leave Terraform's state and stay in AWS (with their lock entry): the
    /// lock's earlier removals and this edit's.
    pub removed: IndexMap<String, LockedAccount>,
    /// Account keys removed by this edit (a subset of `removed`'s keys).
    pub newly_removed: Vec<String>,
    /// Account keys Terraform closes now (removed, listed in `close_on_removal`).
    pub closed: Vec<String>,
    /// Account key → the root email its blueprint entry sets explicitly (`email:`): the only
    /// email changes the replacement gate lets through.
    pub explicit_emails: IndexMap<String, String>,
    /// Accounts whose stack changes in this edit (sharding): a `removed` block in the stack
    /// left, an `import` block in the one joined.
    pub stack_moves: Vec<StackMove>,
    /// The lock to write after this run.
    pub next: Lock,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedOrganization {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub root_id: Option<String>,
}

/// One account: its email (its identity) and what is known about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedAccount {
    pub email: String,
    /// The account name when the lock was written.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    /// The OU key it was placed in.
    #[serde(default)]
    pub ou: Option<String>,
    #[serde(default)]
    pub workload: Option<String>,
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// Generated with `close_on_deletion = true` (listed in `close_on_removal:`).
    #[serde(default)]
    pub close_on_deletion: bool,
    /// The stack that declares it (`accounts-<ou>` when the accounts are sharded); None: the
    /// organization stack (every lock written before sharding).
    #[serde(default)]
    pub stack: Option<String>,
    /// Stacks it has left, oldest first: each keeps a `removed` block (`destroy = false`) for
    /// it, so that stack's next apply forgets the account instead of destroying it, however
    /// many generates run before that apply.
    #[serde(default)]
    pub left: Vec<String>,
    /// Its budget changed stacks with it: the stack that declares it imports the budget.
    #[serde(default)]
    pub import_budget: bool,
}

impl LockedAccount {
    /// The stack that declares it.
    pub fn stack(&self) -> &str {
        self.stack.as_deref().unwrap_or(crate::model::ORGANIZATION)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedId {
    #[serde(default)]
    pub id: Option<String>,
}

/// An account changing stacks in this edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackMove {
    pub key: String,
    /// Its key in the stack it leaves (differs when renamed in the same edit).
    pub previous: String,
    pub from: String,
    pub to: String,
}

/// A rename: Terraform resource addresses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub from: String,
    pub to: String,
}

/// The lock path for a blueprint path.
pub fn path_for(blueprint: &Path) -> PathBuf {
    blueprint.parent().unwrap_or(Path::new("")).join(FILE)
}

/// A resource address landform writes: `aws_<type>.<identifier>`.
pub fn is_address(s: &str) -> bool {
    match s.split_once('.') {
        Some((ty, name)) => {
            ty.starts_with("aws_")
                && ty.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && is_identifier(name)
        }
        None => false,
    }
}

/// A Terraform identifier landform may emit as a resource name.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Reads the lock beside a blueprint: None when there is none yet.
pub fn read(path: &Path) -> Result<Option<Lock>, Vec<Diagnostic>> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(path, &text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(vec![Diagnostic::error(format!(
            "cannot read {}: {e}",
            path.display()
        ))]),
    }
}

/// The header line that says the lock ends with a count line ([`Lock::to_text`] writes both).
/// A lock with this header and no matching end line was cut short; a lock without it predates
/// the count line and is accepted (the next `generate` adds it).
const COUNTED: &str = "# The last line counts the entries: a lock without it was cut short.";

/// The last line of a lock: how many accounts (kept and removed), moves and stacks left
/// (`left` entries, counted only when there are some, so older locks keep their line) it holds.
fn end_line(accounts: usize, removed: usize, moved: usize, left: usize) -> String {
    let left = if left == 0 {
        String::new()
    } else {
        format!(", {left} stacks left")
    };
    format!("# end of landform.lock: {accounts} accounts, {removed} removed, {moved} moved{left}\n")
}

impl Lock {
    /// `left` entries of every account, kept and removed.
    fn left_count(&self) -> usize {
        self.accounts
            .values()
            .chain(self.removed.values())
            .map(|a| a.left.len())
            .sum()
    }
}

const RESTORE: &str = "landform.lock is written by `landform generate`: restore it from version control (it is what landform promised AWS; never edit it by hand)";

/// A diagnostic located at a line of the lock.
fn at_line(source: &Source, line: usize, column: usize, message: String) -> Diagnostic {
    let len = source
        .line(line)
        .map_or(1, |l| l.chars().count().saturating_sub(column - 1).max(1));
    Diagnostic::error(message).at(source, Some(Span { line, column, len }))
}

/// Parses lock text; `path` is for messages. Every error is located in the lock, with the fix.
///
/// A lock exactly as [`Lock::to_text`] writes it (what every run leaves) is read by
/// [`written::read`] and proven by writing it back: when that gives the same text, a YAML parser
/// would read the same lock (the text has no duplicate key, no deep nesting, no merge marker),
/// so neither the YAML scan nor serde runs. Any other text takes the full YAML path below, whose
/// errors are located. The checks on the entries run either way.
pub fn parse(path: &Path, text: &str) -> Result<Lock, Vec<Diagnostic>> {
    if let Some(lock) = written::read(text)
        && lock.to_text() == text
    {
        return check(lock, &Source::prechecked(path, text));
    }
    let source = Source::new(path, text);
    let name = path.display();
    // Merge conflict markers (what a conflicted merge or rebase leaves).
    let markers: Vec<Diagnostic> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| ["<<<<<<<", "=======", ">>>>>>>", "|||||||"].iter().any(|m| l.starts_with(m)))
        .map(|(i, _)| {
            at_line(&source, i + 1, 1, format!("{name} has an unresolved merge conflict"))
                .with_help(format!("{RESTORE}: check out one side (`git checkout --ours landform.lock` or `--theirs`) and run `landform generate` again; never merge two locks by hand"))
        })
        .collect();
    if !markers.is_empty() {
        return Err(markers);
    }
    // Duplicate keys (a careless merge) and absurd nesting, located at the second occurrence.
    let structure = crate::load::structure_errors(&source);
    if !structure.is_empty() {
        return Err(structure
            .into_iter()
            .map(|d| d.with_help(RESTORE))
            .collect());
    }
    let lock: Lock = serde_yaml::from_str(&source.text).map_err(|e| {
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full.clone(),
        };
        let d = match e.location() {
            Some(loc) => at_line(
                &source,
                loc.line(),
                loc.column(),
                format!("{name} is not a valid lock file: {message}"),
            ),
            None => Diagnostic::error(format!("{name} is not a valid lock file: {message}"))
                .at(&source, None),
        };
        vec![d.with_help(RESTORE)]
    })?;
    check(lock, &source)
}

/// The checks on a parsed lock's entries (version, count line, keys, addresses, consistency),
/// located in `source`.
fn check(lock: Lock, source: &Source) -> Result<Lock, Vec<Diagnostic>> {
    let name = source.path.display();
    let text = source.text.as_str();
    let mut errors = Vec::new();
    if lock.version != 1 {
        errors.push(
            Diagnostic::error(format!("unsupported lock version {}", lock.version))
                .at_value(source, "version")
                .with_help("this landform reads lock version 1"),
        );
    }
    // Truncation: a counted lock must end with its count line, and the counts must match.
    if text.contains(COUNTED) {
        let expected = end_line(
            lock.accounts.len(),
            lock.removed.len(),
            lock.moved.len(),
            lock.left_count(),
        );
        if !text.ends_with(&expected) {
            let last = text.lines().count().max(1);
            let found = text
                .lines()
                .rev()
                .find(|l| l.starts_with("# end of landform.lock"));
            let message = match found {
                Some(l) => format!(
                    "{name} does not match its count line (`{l}`; the entries give `{}`): entries were lost or added by hand",
                    expected.trim_end()
                ),
                None => format!(
                    "{name} is cut short: it has no `# end of landform.lock` line (a write was interrupted or the file was truncated)"
                ),
            };
            errors.push(at_line(source, last, 1, message).with_help(RESTORE));
        }
    }
    let keys = lock
        .accounts
        .keys()
        .map(|k| ("accounts", k))
        .chain(lock.removed.keys().map(|k| ("removed", k)))
        .chain(
            lock.organizational_units
                .keys()
                .map(|k| ("organizational_units", k)),
        )
        .chain(lock.policies.keys().map(|k| ("policies", k)))
        .chain(lock.permission_sets.keys().map(|k| ("permission_sets", k)));
    for (section, key) in keys {
        if !is_identifier(key) {
            errors.push(
                Diagnostic::error(format!("`{key}` is not a valid key in the lock"))
                    .at_key(source, &format!("{section}.{key}"))
                    .with_help("lock keys are Terraform identifiers: restore the lock from version control"),
            );
        }
    }
    for (i, m) in lock.moved.iter().enumerate() {
        for (field, addr) in [("from", &m.from), ("to", &m.to)] {
            if !is_address(addr) {
                errors.push(
                    Diagnostic::error(format!("`{addr}` is not a resource address"))
                        .at_value(source, &format!("moved[{i}].{field}"))
                        .with_help("restore the lock from version control"),
                );
            }
        }
    }
    stacks(&lock, source, &mut errors);
    consistency(&lock, source, &mut errors);
    if errors.is_empty() {
        Ok(lock)
    } else {
        Err(errors)
    }
}

/// Each account's `stack` and `left` name stacks landform writes accounts into, and an account
/// has not left the stack that declares it.
fn stacks(lock: &Lock, source: &Source, errors: &mut Vec<Diagnostic>) {
    use crate::model::shard::is_account_stack;
    let entries = lock
        .accounts
        .iter()
        .map(|(k, a)| ("accounts", k, a))
        .chain(lock.removed.iter().map(|(k, a)| ("removed", k, a)));
    for (section, key, a) in entries {
        let at = format!("{section}.{key}");
        if let Some(s) = &a.stack
            && !is_account_stack(s)
        {
            errors.push(
                Diagnostic::error(format!(
                    "lock entry `{key}` names the stack `{s}`, which is not one landform writes accounts into (`organization` or `accounts-<OU key>`)"
                ))
                .at_value(source, &format!("{at}.stack"))
                .with_help(RESTORE),
            );
        }
        for (i, l) in a.left.iter().enumerate() {
            let problem = if !is_account_stack(l) {
                Some(format!(
                    "lock entry `{key}` says it left the stack `{l}`, which is not one landform writes accounts into"
                ))
            } else if l == a.stack() && section == "accounts" {
                Some(format!(
                    "lock entry `{key}` says it left the stack `{l}` that declares it"
                ))
            } else if a.left[..i].contains(l) {
                Some(format!(
                    "lock entry `{key}` lists the stack `{l}` it left twice"
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                errors.push(
                    Diagnostic::error(message)
                        .at_value(source, &format!("{at}.left[{i}]"))
                        .with_help(RESTORE),
                );
            }
        }
    }
}

/// Entries that contradict each other or themselves: two accounts with one email or one id, a
/// workload account whose key is not the one its workload and environment give, an email that
/// the recorded pattern gives another entry's name (swapped emails).
fn consistency(lock: &Lock, source: &Source, errors: &mut Vec<Diagnostic>) {
    let entries: Vec<(&str, &String, &LockedAccount)> = lock
        .accounts
        .iter()
        .map(|(k, a)| ("accounts", k, a))
        .chain(lock.removed.iter().map(|(k, a)| ("removed", k, a)))
        .collect();
    let mut emails: HashMap<String, &String> = HashMap::new();
    let mut ids: HashMap<&str, &String> = HashMap::new();
    for (section, key, a) in &entries {
        let at = format!("{section}.{key}");
        if let Some(first) = emails.insert(a.email.to_lowercase(), key) {
            errors.push(
                Diagnostic::error(format!(
                    "accounts `{first}` and `{key}` in the lock share the root email `{}`",
                    a.email
                ))
                .at_value(source, &format!("{at}.email"))
                .with_help(RESTORE),
            );
        }
        if let Some(id) = &a.id
            && let Some(first) = ids.insert(id, key)
        {
            errors.push(
                Diagnostic::error(format!(
                    "accounts `{first}` and `{key}` in the lock share the account id `{id}`"
                ))
                .at_value(source, &format!("{at}.id"))
                .with_help(RESTORE),
            );
        }
        if let (Some(w), Some(e), Some(n)) = (&a.workload, &a.environment, &a.name) {
            let name = workload_account_name(w, e, a.region.as_deref());
            if key_of(&name) != **key || &name != n {
                errors.push(
                    Diagnostic::error(format!(
                        "lock entry `{key}` says workload `{w}`, environment `{e}` and name `{n}`, which do not go together (that account is `{}`)",
                        key_of(&name)
                    ))
                    .at_key(source, &at)
                    .with_help(RESTORE),
                );
            }
        }
    }
    // Swapped emails: an entry whose email is the pattern's email for another entry's name,
    // not for its own.
    let Some(pattern) = &lock.email_pattern else {
        return;
    };
    let by_email: HashMap<String, &String> = entries
        .iter()
        .filter_map(|(_, k, a)| {
            a.name
                .as_ref()
                .map(|n| (email_for(pattern, n).to_lowercase(), *k))
        })
        .collect();
    for (section, key, a) in &entries {
        let own = a
            .name
            .as_ref()
            .map(|n| email_for(pattern, n).to_lowercase());
        if own.as_deref() == Some(a.email.to_lowercase().as_str()) {
            continue;
        }
        if let Some(other) = by_email.get(&a.email.to_lowercase())
            && *other != *key
        {
            errors.push(
                Diagnostic::error(format!(
                    "lock entry `{key}` has the root email `{}`, which the lock's pattern gives account `{other}`: the entries' emails were swapped or edited",
                    a.email
                ))
                .at_value(source, &format!("{section}.{key}.email"))
                .with_help(RESTORE),
            );
        }
    }
}

/// Appends a YAML double-quoted string (JSON string syntax, which is valid YAML): what
/// `serde_json::to_string` writes, without its allocation for the common plain string.
fn push_q(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Appends a flow mapping of the fields that are set: `{ a: "x", b: "y" }`, or `{}`.
fn push_flow(out: &mut String, fields: &[(&str, Option<&str>)]) {
    let mut first = true;
    for (k, v) in fields {
        let Some(v) = v else { continue };
        out.push_str(if first { "{ " } else { ", " });
        first = false;
        out.push_str(k);
        out.push_str(": ");
        push_q(out, v);
    }
    out.push_str(if first { "{}" } else { " }" });
}

fn push_account_line(out: &mut String, key: &str, a: &LockedAccount) {
    out.push_str("  ");
    out.push_str(key);
    out.push_str(": ");
    push_flow(
        out,
        &[
            ("email", Some(&a.email)),
            ("name", a.name.as_deref()),
            ("id", a.id.as_deref()),
            ("ou", a.ou.as_deref()),
            ("workload", a.workload.as_deref()),
            ("environment", a.environment.as_deref()),
            ("region", a.region.as_deref()),
            ("stack", a.stack.as_deref()),
        ],
    );
    if a.close_on_deletion {
        out.truncate(out.len() - 2);
        out.push_str(", close_on_deletion: true }");
    }
    if a.import_budget {
        out.truncate(out.len() - 2);
        out.push_str(", import_budget: true }");
    }
    if !a.left.is_empty() {
        out.truncate(out.len() - 2);
        out.push_str(", left: [");
        for (i, l) in a.left.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_q(out, l);
        }
        out.push_str("] }");
    }
    out.push('\n');
}

impl Lock {
    pub fn new() -> Lock {
        Lock {
            version: 1,
            ..Lock::default()
        }
    }

    /// The lock as written to disk.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(256 + 160 * (self.accounts.len() + self.removed.len()));
        s.push_str(
            "# landform.lock: written by `landform generate`. Commit it with the blueprint and\n\
             # review its changes: each account key's root email is its identity in AWS.\n",
        );
        s.push_str(COUNTED);
        s.push('\n');
        s.push_str("version: 1\n");
        if let Some(p) = &self.email_pattern {
            s.push_str("email_pattern: ");
            push_q(&mut s, p);
            s.push('\n');
        }
        let org = &self.organization;
        if org.id.is_some() || org.root_id.is_some() {
            s.push_str("organization: ");
            push_flow(
                &mut s,
                &[
                    ("id", org.id.as_deref()),
                    ("root_id", org.root_id.as_deref()),
                ],
            );
            s.push('\n');
        }
        s.push_str("accounts:");
        s.push_str(if self.accounts.is_empty() {
            " {}\n"
        } else {
            "\n"
        });
        for (k, a) in &self.accounts {
            push_account_line(&mut s, k, a);
        }
        for (section, map) in [
            ("organizational_units", &self.organizational_units),
            ("policies", &self.policies),
            ("permission_sets", &self.permission_sets),
        ] {
            if map.is_empty() {
                continue;
            }
            s.push_str(section);
            s.push_str(":\n");
            for (k, v) in map {
                s.push_str("  ");
                s.push_str(k);
                s.push_str(": ");
                push_flow(&mut s, &[("id", v.id.as_deref())]);
                s.push('\n');
            }
        }
        if !self.moved.is_empty() {
            s.push_str("moved:\n");
            for m in &self.moved {
                s.push_str("  - ");
                push_flow(&mut s, &[("from", Some(&m.from)), ("to", Some(&m.to))]);
                s.push('\n');
            }
        }
        if !self.removed.is_empty() {
            s.push_str("removed:\n");
            for (k, a) in &self.removed {
                push_account_line(&mut s, k, a);
            }
        }
        s.push_str(&end_line(
            self.accounts.len(),
            self.removed.len(),
            self.moved.len(),
            self.left_count(),
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock_with(stack: Option<&str>, left: &[&str]) -> Lock {
        let mut lock = Lock::new();
        lock.email_pattern = Some("aws+{account}@example.com".into());
        lock.accounts.insert(
            "app_dev".into(),
            LockedAccount {
                email: "aws+app-dev@example.com".into(),
                name: Some("app-dev".into()),
                id: Some("111111111111".into()),
                stack: stack.map(str::to_string),
                left: left.iter().map(|s| s.to_string()).collect(),
                ..LockedAccount::default()
            },
        );
        lock
    }

    fn errors(text: &str) -> Vec<Diagnostic> {
        parse(Path::new("landform.lock"), text).expect_err("refused")
    }

    #[test]
    fn an_accounts_stack_and_the_stacks_it_left_round_trip_and_are_counted() {
        let lock = lock_with(Some("accounts-prod"), &["organization", "accounts-dev"]);
        let text = lock.to_text();
        assert!(
            text.contains(
                r#"id: "111111111111", stack: "accounts-prod", left: ["organization", "accounts-dev"] }"#
            ),
            "{text}"
        );
        assert!(
            text.ends_with(
                "# end of landform.lock: 1 accounts, 0 removed, 0 moved, 2 stacks left\n"
            )
        );
        assert_eq!(parse(Path::new("landform.lock"), &text).unwrap(), lock);
        // The line reader (no YAML parser) reads the new fields too.
        assert_eq!(written::read(&text).as_ref(), Some(&lock));
        let budget = Lock {
            accounts: lock
                .accounts
                .iter()
                .map(|(k, a)| {
                    let mut a = a.clone();
                    a.import_budget = true;
                    (k.clone(), a)
                })
                .collect(),
            ..lock.clone()
        };
        assert_eq!(written::read(&budget.to_text()).as_ref(), Some(&budget));
        assert_eq!(lock.accounts["app_dev"].stack(), "accounts-prod");
        // No stack: the organization stack, and the count line older locks have.
        let plain = lock_with(None, &[]);
        assert_eq!(plain.accounts["app_dev"].stack(), "organization");
        assert!(plain.to_text().ends_with("0 removed, 0 moved\n"));
        // A `left` entry lost by hand no longer matches the count line.
        let cut = text.replace(
            r#", left: ["organization", "accounts-dev"]"#,
            r#", left: ["organization"]"#,
        );
        let e = errors(&cut);
        assert!(
            e[0].message.contains("does not match its count line"),
            "{e:?}"
        );
    }

    #[test]
    fn a_bad_stack_or_left_entry_is_a_located_error() {
        for (stack, left, wanted, line_has) in [
            (Some("../etc"), vec![], "names the stack `../etc`", "stack"),
            (
                Some("accounts-prod"),
                vec!["accounts-prod"],
                "left the stack `accounts-prod` that declares it",
                "left",
            ),
            (
                None,
                vec!["organization"],
                "left the stack `organization` that declares it",
                "left",
            ),
            (
                None,
                vec!["accounts-a", "accounts-a"],
                "lists the stack `accounts-a` it left twice",
                "left",
            ),
            (
                None,
                vec!["identity-center"],
                "left the stack `identity-center`, which is not",
                "left",
            ),
        ] {
            let text = lock_with(stack, &left).to_text();
            let e = errors(&text);
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(e[0].message.contains(wanted), "{}", e[0].message);
            let (file, span) = e[0].location.clone().expect("located");
            assert_eq!(file, "landform.lock");
            let line = text.lines().nth(span.line - 1).unwrap();
            assert!(
                line.contains(line_has) && line.contains("app_dev"),
                "{line}"
            );
            assert!(
                e[0].help
                    .as_deref()
                    .unwrap()
                    .contains("restore it from version control")
            );
        }
    }
}
