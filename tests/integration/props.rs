//! The safety net against any sequence of edits: a property-based test drives the real binary
//! through random sequences of blueprint edits (renames of workloads, environments, named
//! accounts and OUs with `renamed_from` kept, dropped or stale; email pattern changes; OU moves;
//! additions; removals with and without `--allow-removal`) and checks after every `generate`:
//!
//! - a run is refused whole (exit 2, tree, manifest and lock byte-identical) or applied whole
//!   (exit 0, `accounts.tf` and the lock hold exactly the accounts the blueprint names, a
//!   following `generate --check` finds nothing to do);
//! - no account that exists keeps anything but the email it was created with;
//! - nothing disappears without `--allow-removal`, and a run without the flag that would
//!   remove an account is refused;
//! - every run of legitimate edits (declared renames, additions, moves, pattern changes,
//!   flagged removals) succeeds.
//!
//! The test keeps its own model of the organization: each workload, environment, named account
//! and OU has an identity that survives renames, and each account is a pair of identities
//! (workload, environment) or a named account's identity, with the email it got when created.

use crate::fixture::Fixture;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Cases per run: each case is about 8 to 16 runs of the binary. Kept small so the quick suite
/// stays quick; `PROPTEST_CASES=500 cargo test --test integration props` searches harder.
const CASES: u32 = 24;

/// One workload, environment, named account or OU of the model.
#[derive(Clone, Debug)]
struct Entity {
    id: u32,
    /// The key the blueprint writes now.
    key: String,
    /// The keys of the last successful generates, oldest first (empty: never generated).
    history: Vec<String>,
    renamed_from: Option<String>,
    /// Environments: the OU; named accounts: the OU; OUs: the parent (None at the root).
    ou: Option<u32>,
    /// Workloads: their environments.
    envs: Vec<u32>,
}

impl Entity {
    fn new(id: u32, key: String, ou: Option<u32>) -> Entity {
        Entity {
            id,
            key,
            history: Vec::new(),
            renamed_from: None,
            ou,
            envs: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Account {
    Workload(u32, u32),
    Named(u32),
}

#[derive(Clone, Debug)]
struct Model {
    pattern: u32,
    next: u32,
    ous: Vec<Entity>,
    envs: Vec<Entity>,
    workloads: Vec<Entity>,
    named: Vec<Entity>,
    /// Accounts that were generated: their email (the identity AWS knows them by).
    emails: BTreeMap<Account, String>,
    /// Accounts removed with `--allow-removal` (never added back: their email is taken).
    removed: BTreeSet<Account>,
}

/// How a rename is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    /// To a new key, `renamed_from:` the key the last generate knew.
    Fresh,
    /// To a new key, `renamed_from:` an older key of the same thing (the lock's history must
    /// lead on from it).
    Stale,
    /// Back to one of its earlier keys, `renamed_from:` the key the last generate knew.
    Back,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Workload,
    Env,
    Named,
    Ou,
}

/// One edit, as abstract choices the model interprets (indices are taken modulo the lengths,
/// so every generated edit means something in every state and shrinking stays meaningful).
#[derive(Clone, Copy, Debug)]
enum Edit {
    Rename(Kind, usize, How),
    DropRenamedFrom(usize),
    Pattern,
    MoveEnv(usize, usize),
    MoveNamed(usize, usize),
    MoveOu(usize, usize),
    AddWorkload(usize, usize),
    AddEnvToWorkload(usize, usize),
    AddNamed(usize),
    AddEnv(usize),
    AddOu(usize),
    RemoveWorkload(usize),
    RemoveEnvFromWorkload(usize, usize),
    RemoveNamed(usize),
    RemoveEnv(usize),
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Workload),
        Just(Kind::Env),
        Just(Kind::Named),
        Just(Kind::Ou)
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = || 0usize..16;
    prop_oneof![
        6 => (kind(), i(), prop_oneof![6 => Just(How::Fresh), 1 => Just(How::Stale), 1 => Just(How::Back)])
            .prop_map(|(k, a, h)| Edit::Rename(k, a, h)),
        2 => i().prop_map(Edit::DropRenamedFrom),
        1 => Just(Edit::Pattern),
        1 => (i(), i()).prop_map(|(a, b)| Edit::MoveEnv(a, b)),
        1 => (i(), i()).prop_map(|(a, b)| Edit::MoveNamed(a, b)),
        1 => (i(), i()).prop_map(|(a, b)| Edit::MoveOu(a, b)),
        1 => (i(), i()).prop_map(|(a, b)| Edit::AddWorkload(a, b)),
        1 => (i(), i()).prop_map(|(a, b)| Edit::AddEnvToWorkload(a, b)),
        1 => i().prop_map(Edit::AddNamed),
        1 => i().prop_map(Edit::AddEnv),
        1 => i().prop_map(Edit::AddOu),
        1 => i().prop_map(Edit::RemoveWorkload),
        1 => (i(), i()).prop_map(|(a, b)| Edit::RemoveEnvFromWorkload(a, b)),
        1 => i().prop_map(Edit::RemoveNamed),
        1 => i().prop_map(Edit::RemoveEnv),
    ]
}

/// A generate: one to three edits, then `generate` with or without `--allow-removal`.
fn steps() -> impl Strategy<Value = Vec<(Vec<Edit>, bool)>> {
    proptest::collection::vec(
        (proptest::collection::vec(edit(), 1..=3), any::<bool>()),
        3..=7,
    )
}

impl Model {
    fn start() -> Model {
        let mut m = Model {
            pattern: 0,
            next: 10,
            ous: vec![
                Entity::new(0, "ou0".into(), None),
                Entity::new(1, "ou1".into(), Some(0)),
                Entity::new(2, "ou2".into(), None),
            ],
            envs: vec![
                Entity::new(3, "ev3".into(), Some(1)),
                Entity::new(4, "ev4".into(), Some(2)),
            ],
            workloads: vec![Entity::new(5, "wk5".into(), None)],
            named: vec![Entity::new(6, "acct6".into(), Some(2))],
            emails: BTreeMap::new(),
            removed: BTreeSet::new(),
        };
        m.workloads[0].envs = vec![3, 4];
        m
    }

    fn fresh(&mut self, prefix: &str) -> (u32, String) {
        self.next += 1;
        (self.next, format!("{prefix}{}", self.next))
    }

    fn key(list: &[Entity], id: u32) -> &str {
        &list.iter().find(|e| e.id == id).expect("entity").key
    }

    fn pattern_email(&self, name: &str) -> String {
        format!("p{}+{name}@example.com", self.pattern)
    }

    /// The accounts the blueprint names now: identity → (resource key, account name, OU key).
    fn accounts(&self) -> BTreeMap<Account, (String, String, String)> {
        let mut out = BTreeMap::new();
        for w in &self.workloads {
            for &e in &w.envs {
                let env = self.envs.iter().find(|x| x.id == e).expect("env");
                out.insert(
                    Account::Workload(w.id, e),
                    (
                        format!("{}_{}", w.key, env.key),
                        format!("{}-{}", w.key, env.key),
                        Model::key(&self.ous, env.ou.expect("env ou")).to_string(),
                    ),
                );
            }
        }
        for a in &self.named {
            out.insert(
                Account::Named(a.id),
                (
                    a.key.clone(),
                    a.key.clone(),
                    Model::key(&self.ous, a.ou.expect("account ou")).to_string(),
                ),
            );
        }
        out
    }

    fn blueprint(&self) -> String {
        let from = |e: &Entity| match &e.renamed_from {
            Some(k) => format!(", renamed_from: {k}"),
            None => String::new(),
        };
        let mut s = format!(
            "version: 1\norganization:\n  name: example\n  email: \"p{}+{{account}}@example.com\"\n  home_region: eu-west-1\n  regions: [eu-west-1]\n",
            self.pattern
        );
        s.push_str("environments:\n");
        for e in &self.envs {
            let ou = Model::key(&self.ous, e.ou.unwrap());
            s.push_str(&format!("  {}: {{ ou: {ou}{} }}\n", e.key, from(e)));
        }
        if self.workloads.is_empty() {
            s.push_str("workloads: {}\n");
        } else {
            s.push_str("workloads:\n");
            for w in &self.workloads {
                let envs: Vec<&str> = w.envs.iter().map(|&e| Model::key(&self.envs, e)).collect();
                s.push_str(&format!(
                    "  {}: {{ environments: [{}]{} }}\n",
                    w.key,
                    envs.join(", "),
                    from(w)
                ));
            }
        }
        if self.named.is_empty() {
            s.push_str("accounts: {}\n");
        } else {
            s.push_str("accounts:\n");
            for a in &self.named {
                let ou = Model::key(&self.ous, a.ou.unwrap());
                s.push_str(&format!("  {}: {{ ou: {ou}{} }}\n", a.key, from(a)));
            }
        }
        s.push_str("organizational_units:\n");
        for o in &self.ous {
            let parent = match o.ou {
                Some(p) => format!(", parent: {}", Model::key(&self.ous, p)),
                None => String::new(),
            };
            s.push_str(&format!(
                "  {}: {{ name: Unit{}{parent}{} }}\n",
                o.key,
                o.id,
                from(o)
            ));
        }
        s
    }

    fn list(&mut self, kind: Kind) -> (&mut Vec<Entity>, &'static str) {
        match kind {
            Kind::Workload => (&mut self.workloads, "wk"),
            Kind::Env => (&mut self.envs, "ev"),
            Kind::Named => (&mut self.named, "acct"),
            Kind::Ou => (&mut self.ous, "ou"),
        }
    }

    /// OU ids in the subtree of `id` (itself included).
    fn subtree(&self, id: u32) -> BTreeSet<u32> {
        let mut set = BTreeSet::from([id]);
        loop {
            let before = set.len();
            for o in &self.ous {
                if o.ou.is_some_and(|p| set.contains(&p)) {
                    set.insert(o.id);
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    fn depth(&self, id: u32) -> usize {
        let o = self.ous.iter().find(|o| o.id == id).unwrap();
        o.ou.map_or(1, |p| 1 + self.depth(p))
    }

    fn height(&self, id: u32) -> usize {
        1 + self
            .ous
            .iter()
            .filter(|o| o.ou == Some(id))
            .map(|o| self.height(o.id))
            .max()
            .unwrap_or(0)
    }

    /// Applies an edit; `None` when it means nothing in this state (it is skipped).
    fn apply(&mut self, edit: Edit) -> Option<()> {
        match edit {
            Edit::Rename(kind, i, how) => {
                let (fresh_id, _) = self.fresh("");
                let (list, prefix) = self.list(kind);
                if list.is_empty() {
                    return None;
                }
                let n = list.len();
                let e = &mut list[i % n];
                let older: Vec<String> = match e.history.split_last() {
                    Some((_, older)) => older.iter().filter(|k| **k != e.key).cloned().collect(),
                    None => Vec::new(),
                };
                let pick = |v: &[String]| v[fresh_id as usize % v.len()].clone();
                e.key = if how == How::Back && !older.is_empty() {
                    pick(&older)
                } else {
                    format!("{prefix}{fresh_id}")
                };
                if let Some(last) = e.history.last() {
                    e.renamed_from = Some(if how == How::Stale && !older.is_empty() {
                        pick(&older)
                    } else {
                        last.clone()
                    });
                    if e.key == *last {
                        e.renamed_from = None;
                    }
                }
            }
            Edit::DropRenamedFrom(i) => {
                // Only a rename an earlier generate applied may drop its declaration.
                let mut all: Vec<&mut Entity> = self
                    .workloads
                    .iter_mut()
                    .chain(self.envs.iter_mut())
                    .chain(self.named.iter_mut())
                    .chain(self.ous.iter_mut())
                    .filter(|e| e.renamed_from.is_some() && e.history.last() == Some(&e.key))
                    .collect();
                if all.is_empty() {
                    return None;
                }
                let n = all.len();
                all[i % n].renamed_from = None;
            }
            Edit::Pattern => self.pattern += 1,
            Edit::MoveEnv(i, j) | Edit::MoveNamed(i, j) => {
                let ou = self.ous[j % self.ous.len()].id;
                let list = if matches!(edit, Edit::MoveEnv(..)) {
                    &mut self.envs
                } else {
                    &mut self.named
                };
                if list.is_empty() {
                    return None;
                }
                let n = list.len();
                list[i % n].ou = Some(ou);
            }
            Edit::MoveOu(i, j) => {
                let id = self.ous[i % self.ous.len()].id;
                let below = self.subtree(id);
                let height = self.height(id);
                let mut parents: Vec<Option<u32>> = vec![None];
                parents.extend(
                    self.ous
                        .iter()
                        .filter(|o| !below.contains(&o.id) && self.depth(o.id) + height <= 5)
                        .map(|o| Some(o.id)),
                );
                let parent = parents[j % parents.len()];
                self.ous.iter_mut().find(|o| o.id == id).unwrap().ou = parent;
            }
            Edit::AddWorkload(a, b) => {
                if self.envs.is_empty() {
                    return None;
                }
                let (id, key) = self.fresh("wk");
                let mut w = Entity::new(id, key, None);
                let first = self.envs[a % self.envs.len()].id;
                let second = self.envs[b % self.envs.len()].id;
                w.envs = if first == second {
                    vec![first]
                } else {
                    vec![first, second]
                };
                self.workloads.push(w);
            }
            Edit::AddEnvToWorkload(i, j) => {
                if self.workloads.is_empty() || self.envs.is_empty() {
                    return None;
                }
                let n = self.workloads.len();
                let env = self.envs[j % self.envs.len()].id;
                let w = &self.workloads[i % n];
                if w.envs.contains(&env) || self.removed.contains(&Account::Workload(w.id, env)) {
                    return None;
                }
                self.workloads[i % n].envs.push(env);
            }
            Edit::AddNamed(j) => {
                let ou = self.ous[j % self.ous.len()].id;
                let (id, key) = self.fresh("acct");
                self.named.push(Entity::new(id, key, Some(ou)));
            }
            Edit::AddEnv(j) => {
                let ou = self.ous[j % self.ous.len()].id;
                let (id, key) = self.fresh("ev");
                self.envs.push(Entity::new(id, key, Some(ou)));
            }
            Edit::AddOu(j) => {
                let mut parents: Vec<Option<u32>> = vec![None];
                parents.extend(
                    self.ous
                        .iter()
                        .filter(|o| self.depth(o.id) < 5)
                        .map(|o| Some(o.id)),
                );
                let parent = parents[j % parents.len()];
                let (id, key) = self.fresh("ou");
                self.ous.push(Entity::new(id, key, parent));
            }
            Edit::RemoveWorkload(i) => {
                if self.workloads.is_empty() {
                    return None;
                }
                let n = self.workloads.len();
                self.workloads.remove(i % n);
            }
            Edit::RemoveEnvFromWorkload(i, j) => {
                if self.workloads.is_empty() {
                    return None;
                }
                let n = self.workloads.len();
                let w = &mut self.workloads[i % n];
                let k = j % w.envs.len();
                w.envs.remove(k);
                if w.envs.is_empty() {
                    self.workloads.remove(i % n);
                }
            }
            Edit::RemoveNamed(i) => {
                if self.named.is_empty() {
                    return None;
                }
                let n = self.named.len();
                self.named.remove(i % n);
            }
            Edit::RemoveEnv(i) => {
                if self.envs.is_empty() {
                    return None;
                }
                let id = self.envs.remove(i % self.envs.len()).id;
                for w in &mut self.workloads {
                    w.envs.retain(|&e| e != id);
                }
                self.workloads.retain(|w| !w.envs.is_empty());
            }
        }
        Some(())
    }

    /// After a successful generate: every key is now the known one; new accounts get the email
    /// the pattern gives them, removed ones are remembered.
    fn committed(&mut self, removed: &BTreeSet<Account>) {
        for e in self
            .workloads
            .iter_mut()
            .chain(self.envs.iter_mut())
            .chain(self.named.iter_mut())
            .chain(self.ous.iter_mut())
        {
            if e.history.last() != Some(&e.key) {
                e.history.push(e.key.clone());
            }
        }
        for (account, (_, name, _)) in self.accounts() {
            let email = self.pattern_email(&name);
            self.emails.entry(account).or_insert(email);
        }
        for a in removed {
            self.emails.remove(a);
            self.removed.insert(*a);
        }
    }
}

/// Every file of the fixture except the blueprint: what a refused run must leave as it was.
fn state(f: &Fixture) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(f.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(f.path()).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(rel, _)| rel != "landform.yaml")
        .collect();
    files.sort();
    files
}

/// `aws_organizations_account` blocks of `accounts.tf`: key → (name, email, parent OU key).
fn accounts_tf(text: &str) -> BTreeMap<String, (String, String, String)> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String, String, String)> = None;
    let value = |line: &str| line.split_once('=').map(|(_, v)| v.trim().to_string());
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("resource \"aws_organizations_account\" \"") {
            current = Some((
                rest.trim_end_matches("\" {").to_string(),
                String::new(),
                String::new(),
                String::new(),
            ));
        } else if let Some(c) = current.as_mut() {
            let t = line.trim_start();
            if t.starts_with("name ") {
                c.1 = value(t).unwrap().trim_matches('"').to_string();
            } else if t.starts_with("email ") {
                c.2 = value(t).unwrap().trim_matches('"').to_string();
            } else if t.starts_with("parent_id ") {
                c.3 = value(t)
                    .unwrap()
                    .trim_start_matches("aws_organizations_organizational_unit.")
                    .trim_end_matches(".id")
                    .to_string();
            } else if line == "}" {
                let (k, n, e, p) = current.take().unwrap();
                out.insert(k, (n, e, p));
            }
        }
    }
    out
}

/// What the runs did, summed over the cases: the test fails if an edit class never ran.
#[derive(Default, Debug)]
struct Tally {
    generates: usize,
    refused: usize,
    /// Edits that took effect in a successful generate, by class.
    applied: BTreeMap<&'static str, usize>,
}

fn class(e: Edit) -> &'static str {
    match e {
        Edit::Rename(Kind::Workload, _, How::Fresh) => "rename workload",
        Edit::Rename(Kind::Env, _, How::Fresh) => "rename environment",
        Edit::Rename(Kind::Named, _, How::Fresh) => "rename named account",
        Edit::Rename(Kind::Ou, _, How::Fresh) => "rename OU",
        Edit::Rename(_, _, How::Stale) => "rename (stale renamed_from when there is one)",
        Edit::Rename(_, _, How::Back) => "rename back (when renamed before)",
        Edit::DropRenamedFrom(_) => "drop renamed_from",
        Edit::Pattern => "email pattern",
        Edit::MoveEnv(..) | Edit::MoveNamed(..) | Edit::MoveOu(..) => "move",
        Edit::AddWorkload(..)
        | Edit::AddEnvToWorkload(..)
        | Edit::AddNamed(_)
        | Edit::AddEnv(_)
        | Edit::AddOu(_) => "add",
        Edit::RemoveWorkload(_)
        | Edit::RemoveEnvFromWorkload(..)
        | Edit::RemoveNamed(_)
        | Edit::RemoveEnv(_) => "remove",
    }
}

fn check_sequence(steps: Vec<(Vec<Edit>, bool)>, tally: &mut Tally) -> Result<(), TestCaseError> {
    let mut model = Model::start();
    let f = Fixture::with_blueprint(&model.blueprint());
    let o = f.run(&["generate"]);
    prop_assert_eq!(o.code, 0, "first generate:\n{}", o.text());
    model.committed(&BTreeSet::new());
    let mut log = vec![model.blueprint()];
    for (n, (edits, allow_removal)) in steps.into_iter().enumerate() {
        let before = model.clone();
        let took: Vec<Edit> = edits
            .into_iter()
            .filter(|&e| model.apply(e).is_some())
            .collect();
        let text = model.blueprint();
        f.write("landform.yaml", &text);
        log.push(text.clone());
        let now = model.accounts();
        let gone: BTreeSet<Account> = before
            .emails
            .keys()
            .filter(|a| !now.contains_key(a))
            .copied()
            .collect();
        let on_disk = state(&f);
        let mut args = vec!["generate"];
        if allow_removal {
            args.push("--allow-removal");
        }
        let o = f.run(&args);
        tally.generates += 1;
        let context = || {
            format!(
                "step {n} ({args:?}):\n{}\nblueprints:\n{}",
                o.text(),
                log.join("---\n")
            )
        };
        if !gone.is_empty() && !allow_removal {
            // Refused whole: nothing written, and the refusal names an account that would go.
            prop_assert_eq!(o.code, 2, "a removal without the flag ran: {}", context());
            prop_assert!(state(&f) == on_disk, "a refused run wrote: {}", context());
            tally.refused += 1;
            model = before;
            f.write("landform.yaml", &model.blueprint());
            log.push("(refused: the previous blueprint again)\n".into());
            continue;
        }
        prop_assert_eq!(o.code, 0, "legitimate edits refused: {}", context());
        model.committed(&gone);
        for e in took {
            *tally.applied.entry(class(e)).or_default() += 1;
        }
        // Applied whole: accounts.tf holds exactly the blueprint's accounts, each with the
        // email it was created with, its current name and OU.
        let tf = accounts_tf(&f.read("terraform/organization/accounts.tf"));
        let lock = f.read("landform.lock");
        let mut expected = BTreeMap::new();
        for (account, (key, name, ou)) in model.accounts() {
            let email = model.emails[&account].clone();
            prop_assert!(
                lock.contains(&format!("  {key}: {{ email: \"{email}\", name: \"{name}\"")),
                "the lock lacks {} with {}: {}\n{}",
                key,
                email,
                context(),
                lock
            );
            expected.insert(key, (name, email, ou));
        }
        prop_assert_eq!(&tf, &expected, "accounts.tf: {}", context());
        for a in &gone {
            let key = before.accounts()[a].0.clone();
            prop_assert!(
                f.read("terraform/organization/removed.tf")
                    .contains(&format!("from = aws_organizations_account.{key}\n")),
                "{} left without a removed block: {}",
                key,
                context()
            );
        }
    }
    // Whatever happened, the tree on disk is what the blueprint and lock give.
    let o = f.run(&["generate", "--check"]);
    prop_assert_eq!(
        o.code,
        0,
        "not stable:\n{}\n{}",
        o.text(),
        log.join("---\n")
    );
    Ok(())
}

#[test]
fn any_sequence_of_edits_keeps_every_email_and_refuses_or_applies_whole() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CASES);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let tally = std::cell::RefCell::new(Tally::default());
    let started = std::time::Instant::now();
    let result = runner.run(&steps(), |s| check_sequence(s, &mut tally.borrow_mut()));
    let tally = tally.into_inner();
    eprintln!(
        "{cases} cases, {} generates ({} refused) in {:.1}s; edits applied: {:?}",
        tally.generates,
        tally.refused,
        started.elapsed().as_secs_f64(),
        tally.applied
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // Not vacuous: every class of edit took effect in some successful generate, and some runs
    // were refused.
    for c in [
        "rename workload",
        "rename environment",
        "rename named account",
        "rename OU",
        "drop renamed_from",
        "email pattern",
        "move",
        "add",
        "remove",
    ] {
        assert!(
            tally.applied.get(c).is_some_and(|&n| n > 0),
            "no `{c}` edit was applied: {tally:?}"
        );
    }
    assert!(tally.refused > 0, "no run was refused: {tally:?}");
}
