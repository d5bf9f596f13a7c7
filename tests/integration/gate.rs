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
    let cut: String = lock
        .lines()
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
