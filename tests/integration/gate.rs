//! The replacement gate: before writing, every account in the tree on disk is compared with the
//! new tree, so a lost, cut or edited lock, or a template override, cannot replace or drop an
//! account (issue: trust).

use crate::fixture::Fixture;
use crate::lock::{edit, minimal};

const PATTERN: (&str, &str) = ("aws+{account}@example.com", "cloud+{account}@example.org");

/// Everything under terraform/ and the lock, to prove a refused run wrote nothing.
fn snapshot(f: &Fixture) -> (Vec<(String, String)>, String) {
    (f.tree("terraform"), f.read("landform.lock"))
}

#[test]
fn a_lost_lock_and_a_pattern_change_cannot_replace_accounts() {
    let f = minimal();
    std::fs::remove_file(f.join("landform.lock")).unwrap();
    let before = f.tree("terraform");
    edit(&f, &[PATTERN]);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("account `app_dev` has root email `aws+app-dev@example.com` in the tree on disk, and this run would change it to `cloud+app-dev@example.org`: AWS would replace the account"),
        "{}",
        o.text()
    );
    assert!(
        o.stderr.contains("--> terraform/organization/accounts.tf:"),
        "{}",
        o.text()
    );
    assert!(
        o.stderr.contains("restore it from version control"),
        "{}",
        o.text()
    );
    assert_eq!(f.tree("terraform"), before, "a refused run wrote");
    assert!(!f.exists("landform.lock"));
    // --check refuses too, and --force does not bypass the gate.
    assert_eq!(f.run(&["generate", "--check"]).code, 2);
    assert_eq!(f.run(&["generate", "--force"]).code, 2);
}

#[test]
fn a_lock_cut_at_a_line_boundary_cannot_replace_the_accounts_it_lost() {
    let f = minimal();
    let lock = f.read("landform.lock");
    // A lock from before the count line (so its own check cannot tell), cut short.
    let cut: String = lock
        .lines()
        .filter(|l| !l.starts_with("# The last line"))
        .take_while(|l| !l.starts_with("  app_prod:"))
        .map(|l| format!("{l}\n"))
        .collect();
    f.write("landform.lock", &cut);
    edit(&f, &[PATTERN]);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("account `app_prod`"), "{}", o.text());
}

#[test]
fn swapped_emails_in_the_lock_are_refused() {
    let f = minimal();
    let lock = f
        .read("landform.lock")
        .replace("aws+app-dev@example.com", "SWAP")
        .replace("aws+app-prod@example.com", "aws+app-dev@example.com")
        .replace("SWAP", "aws+app-prod@example.com");
    f.write("landform.lock", &lock);
    let before = snapshot(&f);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("account `app_dev`"), "{}", o.text());
    assert!(o.stderr.contains("account `app_prod`"), "{}", o.text());
    assert_eq!(snapshot(&f), before);
}

#[test]
fn an_empty_accounts_template_override_is_refused() {
    let f = minimal();
    f.write("templates/organization/accounts.tf.tera", "");
    let before = snapshot(&f);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr
            .contains("the override drops 4 accounts the built-in template declares"),
        "{}",
        o.text()
    );
    assert!(
        o.stderr.contains("`aws_organizations_account.app_dev`"),
        "{}",
        o.text()
    );
    assert_eq!(snapshot(&f), before);
}

#[test]
fn an_override_that_rewrites_emails_is_stopped_by_the_gate() {
    let f = minimal();
    // Every account block stays, at its address; only the email is the override's own.
    let builtin = include_str!("../../templates/organization/accounts.tf.tera");
    assert!(builtin.contains("{{ a.email | q }}"));
    f.write(
        "templates/organization/accounts.tf.tera",
        &builtin.replace("{{ a.email | q }}", "\"x-{{ a.key }}@evil.example\""),
    );
    let before = snapshot(&f);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("account `app_dev` has root email `aws+app-dev@example.com` in the tree on disk, and this run would change it to `x-app_dev@evil.example`"),
        "{}",
        o.text()
    );
    assert!(
        o.stderr
            .contains("a template override must write each account's email as the built-in template does (`{{ a.email | q }}`)"),
        "{}",
        o.text()
    );
    assert_eq!(snapshot(&f), before);
}

#[test]
fn the_gate_lets_through_what_the_blueprint_asks_for() {
    let f = minimal();
    // An explicit email change: a warned replacement, on purpose.
    edit(
        &f,
        &[(
            "security:    { ou: security }",
            "security:    { ou: security, email: \"sec@example.com\" }",
        )],
    );
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stderr.contains("AWS will replace the account"),
        "{}",
        o.text()
    );
    // A removal with the flag: a removed block keeps the account in AWS.
    edit(&f, &[("environments: [dev, prod]", "environments: [dev]")]);
    assert_eq!(f.run(&["generate"]).code, 2);
    f.run_ok(&["generate", "--allow-removal"]);
    assert!(
        !f.read("terraform/organization/accounts.tf")
            .contains("\"app_prod\"")
    );
    // Renames go through their moved blocks.
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    f.run_ok(&["generate"]);
}

/// Runs generate on a damaged lock: exit 2, the error located in landform.lock (never in
/// landform.yaml), nothing written.
fn refused(f: &Fixture, lock: &str, expect: &str) -> String {
    f.write("landform.lock", lock);
    let before = snapshot(f);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains(expect), "{}", o.text());
    assert!(o.stderr.contains("--> "), "not located: {}", o.text());
    assert!(!o.stderr.contains("--> landform.yaml"), "{}", o.text());
    assert!(o.stderr.contains("version control"), "{}", o.text());
    assert_eq!(snapshot(f), before, "a refused run wrote");
    o.stderr
}

#[test]
fn conflict_markers_in_the_lock_are_located_errors() {
    let f = minimal();
    let lock = f
        .read("landform.lock")
        .replacen("  app_dev:", "<<<<<<< HEAD\n  app_dev:", 1);
    let lock = lock.replacen("  app_prod:", "=======\n>>>>>>> other\n  app_prod:", 1);
    let err = refused(&f, &lock, "has an unresolved merge conflict");
    assert!(err.contains("landform.lock:"), "{err}");
}

#[test]
fn a_truncated_lock_is_an_error_and_a_lock_without_a_count_line_is_upgraded() {
    let f = minimal();
    let lock = f.read("landform.lock");
    assert!(lock.ends_with(" moved\n"), "{lock}");
    // Cut at a line boundary (what a killed non-atomic write leaves).
    let cut: String = lock.lines().take(8).map(|l| format!("{l}\n")).collect();
    refused(&f, &cut, "is cut short");
    // A count line that does not match its entries.
    let dropped: String = lock
        .lines()
        .filter(|l| !l.starts_with("  app_prod:"))
        .map(|l| format!("{l}\n"))
        .collect();
    refused(&f, &dropped, "does not match its count line");
    // A lock from before the count line: accepted, and the next generate adds the line.
    let legacy: String = lock
        .lines()
        .filter(|l| !l.starts_with("# The last line") && !l.starts_with("# end of"))
        .map(|l| format!("{l}\n"))
        .collect();
    f.write("landform.lock", &legacy);
    f.run_ok(&["generate"]);
    assert_eq!(f.read("landform.lock"), lock);
}

#[test]
fn lock_entries_that_contradict_each_other_are_located_errors() {
    let f = minimal();
    let lock = f.read("landform.lock");
    // Two accounts with one email.
    let shared = lock.replace("aws+app-prod@example.com", "aws+app-dev@example.com");
    refused(
        &f,
        &shared,
        "share the root email `aws+app-dev@example.com`",
    );
    // Swapped emails.
    let swapped = lock
        .replace("aws+app-dev@example.com", "SWAP")
        .replace("aws+app-prod@example.com", "aws+app-dev@example.com")
        .replace("SWAP", "aws+app-prod@example.com");
    refused(
        &f,
        &swapped,
        "which the lock's pattern gives account `app_prod`",
    );
    // One id twice.
    let ids = lock
        .replace(
            "name: \"app-dev\"",
            "name: \"app-dev\", id: \"111111111111\"",
        )
        .replace(
            "name: \"app-prod\"",
            "name: \"app-prod\", id: \"111111111111\"",
        );
    refused(&f, &ids, "share the account id `111111111111`");
    // An entry whose key, workload and environment disagree.
    let odd = lock.replacen("environment: \"dev\"", "environment: \"prod\"", 1);
    refused(&f, &odd, "which do not go together");
    // A wrong-typed value.
    let typed = lock.replacen("email: \"aws+app-dev@example.com\"", "email: [1]", 1);
    let err = refused(&f, &typed, "is not a valid lock file");
    assert!(err.contains("landform.lock:"), "{err}");
}

#[test]
fn a_new_account_cannot_take_the_email_a_renamed_account_keeps() {
    let f = minimal();
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[(
            "  shop: { renamed_from: app,",
            "  app: { environments: [dev] }\n  shop: { renamed_from: app,",
        )],
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("new account `app_dev` would get the root email `aws+app-dev@example.com`, which account `shop_dev` in landform.lock already has"),
        "{}",
        o.text()
    );
}

#[test]
fn diff_tells_replacements_renames_tags_moves_and_exits_1() {
    let f = minimal();
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 0, "{}", o.text());
    // A tag change, an OU move and a rename of an account's name, each in place.
    edit(
        &f,
        &[
            ("owner: app-team", "owner: shop-team"),
            ("  prod: { ou: prod }", "  prod: { ou: nonprod }"),
        ],
    );
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("~ account app_dev changes its tags"),
        "{}",
        o.text()
    );
    assert!(
        o.stdout
            .contains("~ account app_prod moves from OU prod to OU nonprod"),
        "{}",
        o.text()
    );
    assert!(!o.stdout.contains("REPLACED"), "{}", o.text());
    f.run_ok(&["generate"]);
    assert_eq!(f.run(&["diff"]).code, 0);
    // A named account's name changes: renamed in place, same key, same email.
    edit(
        &f,
        &[(
            "  security:    { ou: security }",
            "  security:    { ou: security, name: sec-tooling, email: \"aws+security@example.com\" }",
        )],
    );
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout
            .contains("~ account security is renamed from security to sec-tooling (in place)"),
        "{}",
        o.text()
    );
    assert!(!o.stdout.contains("REPLACED"), "{}", o.text());
    f.run_ok(&["generate"]);
    // A removal: refused without the flag (as generate refuses it), told with it.
    edit(
        &f,
        &[(
            "environments: [dev, prod], owner",
            "environments: [dev], owner",
        )],
    );
    let before = snapshot(&f);
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("app_prod"), "{}", o.text());
    let o = f.run(&["diff", "--allow-removal"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout
            .contains("- account app_prod leaves Terraform's state (removed; it stays in AWS)"),
        "{}",
        o.text()
    );
    assert!(!o.stdout.contains("DESTROYED"), "{}", o.text());
    assert_eq!(snapshot(&f), before, "diff wrote");
    f.run_ok(&["generate", "--allow-removal"]);
    assert_eq!(f.run(&["diff"]).code, 0);
    // A lost lock and a pattern change: diff says, loudly, what generate refuses.
    std::fs::remove_file(f.join("landform.lock")).unwrap();
    edit(&f, &[PATTERN]);
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("! account app_dev will be REPLACED: its root email changes from aws+app-dev@example.com to cloud+app-dev@example.org"),
        "{}",
        o.text()
    );
    assert!(
        o.stderr
            .contains("`landform generate` would refuse this change"),
        "{}",
        o.text()
    );
    // An unreadable lock is an error, not an empty lock.
    std::fs::create_dir(f.join("landform.lock")).unwrap();
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("landform.lock"), "{}", o.text());
}
