//! `contacts:`, `budgets:` and the delegated administrators: resources of the organization stack
//! that take an account id, so they grow with accounts as plain resources.

use crate::fixture::{Fixture, preset};

fn generated(text: &str) -> Fixture {
    let f = Fixture::with_blueprint(text);
    f.run_ok(&["generate"]);
    f
}

const CONTACTS: &str = r#"
contacts:
  phone: "+1 555 0100"
  billing: { name: Finance, email: "finance@acme.example" }
  security: { email: "secops@acme.example", phone: "+1 555 0199" }
  overrides:
    payments: { operations: { email: "payments-oncall@acme.example" } }
"#;

/// The `resource "<kind>" "<key>" { ... }` block of a file.
fn block<'a>(text: &'a str, kind: &str, key: &str) -> &'a str {
    let head = format!("resource \"{kind}\" \"{key}\" {{");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("no {head} in:\n{text}"));
    let end = text[start..].find("\n}\n").unwrap() + start;
    &text[start..end]
}

#[test]
fn every_account_gets_three_contacts_with_overrides_and_pattern_defaults() {
    let f = generated(&(preset("smb").to_string() + CONTACTS));
    let tf = f.read("terraform/organization/contacts.tf");
    let accounts = f
        .read("terraform/organization/accounts.tf")
        .matches("resource \"aws_organizations_account\"")
        .count();
    // The management account (no account_id) and every member account, three kinds each.
    assert_eq!(
        tf.matches("resource \"aws_account_alternate_contact\"")
            .count(),
        3 * (accounts + 1)
    );
    let mgmt = block(&tf, "aws_account_alternate_contact", "management__billing");
    assert!(!mgmt.contains("account_id"), "{mgmt}");
    assert!(mgmt.contains("email_address          = \"finance@acme.example\""));
    // The workload override replaces the operations email only.
    let ops = block(
        &tf,
        "aws_account_alternate_contact",
        "payments_prod__operations",
    );
    assert!(
        ops.contains("account_id             = aws_organizations_account.payments_prod.id"),
        "{ops}"
    );
    assert!(ops.contains("\"payments-oncall@acme.example\""), "{ops}");
    assert!(
        ops.contains("phone_number           = \"+1 555 0100\""),
        "{ops}"
    );
    // No override: the organization pattern with {account} = operations.
    let other = block(&tf, "aws_account_alternate_contact", "security__operations");
    assert!(other.contains("\"aws+operations@"), "{other}");
    let sec = block(&tf, "aws_account_alternate_contact", "security__security");
    assert!(sec.contains("\"+1 555 0199\""), "{sec}");
    let org = f.read("terraform/organization/organization.tf");
    assert!(org.contains("\"account.amazonaws.com\","), "{org}");
}

#[test]
fn budgets_resolve_account_then_workload_then_environment_then_default() {
    let text = preset("smb").to_string()
        + r#"
budgets:
  default: 50
  environments: { prod: 1000 }
  workloads: { payments: { prod: 3000 } }
  accounts: { backup: 700 }
  actual: [80, 100]
  forecast: [100]
"#;
    let f = generated(&text);
    let tf = f.read("terraform/organization/budgets.tf");
    let limit = |key: &str| -> String {
        let b = block(&tf, "aws_budgets_budget", key);
        b.lines()
            .find(|l| l.trim_start().starts_with("limit_amount"))
            .unwrap()
            .split('"')
            .nth(1)
            .unwrap()
            .to_string()
    };
    assert_eq!(limit("payments_prod"), "3000.0");
    assert_eq!(limit("backup"), "700.0");
    assert_eq!(limit("security"), "50.0");
    let b = block(&tf, "aws_budgets_budget", "payments_prod");
    assert!(
        b.contains("values = [aws_organizations_account.payments_prod.id]"),
        "{b}"
    );
    assert_eq!(
        b.matches("notification_type          = \"ACTUAL\"").count(),
        2
    );
    assert_eq!(
        b.matches("notification_type          = \"FORECASTED\"")
            .count(),
        1
    );
    // Cost allocation tags: workload, environment, owner and the organization's tag keys.
    for tag in ["workload", "environment", "owner"] {
        assert!(
            tf.contains(&format!("tag_key = \"{tag}\"")),
            "{tag} not activated:\n{tf}"
        );
    }
}

#[test]
fn budget_alerts_go_to_the_owner_or_the_notify_list() {
    let f = generated(&(preset("smb").to_string() + "\nbudgets: {}\n"));
    let tf = f.read("terraform/organization/budgets.tf");
    let b = block(&tf, "aws_budgets_budget", "payments_prod");
    // The owner is not an address: the pattern with {account} = the owner.
    assert!(b.contains("subscriber_email_addresses = [\"aws+"), "{b}");
    let text = preset("smb").to_string()
        + "\nbudgets:\n  notify: [\"finops@acme.example\", \"cfo@acme.example\"]\n";
    let f = generated(&text);
    let tf = f.read("terraform/organization/budgets.tf");
    let b = block(&tf, "aws_budgets_budget", "payments_prod");
    assert!(
        b.contains("subscriber_email_addresses = [\"finops@acme.example\", \"cfo@acme.example\"]"),
        "{b}"
    );
}

#[test]
fn contacts_and_budgets_errors_are_located() {
    let text = preset("smb").to_string()
        + r#"
contacts:
  billing: { email: "not-an-address" }
  overrides:
    paymnts: { billing: { name: X } }
budgets:
  environments: { prood: 10 }
  actual: [0]
"#;
    let f = Fixture::with_blueprint(&text);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(!f.exists("terraform"));
    for want in [
        "`not-an-address` is not a valid email address",
        "has no phone number",
        "paymnts",
        "prood",
        "landform.yaml:",
    ] {
        assert!(
            o.stderr.contains(want),
            "missing `{want}` in:\n{}",
            o.stderr
        );
    }
}

#[test]
fn identity_center_admin_registers_sso_delegated_administration() {
    let text = preset("smb").replace(
        "identity_center:",
        "identity_center:\n  admin_account: security",
    );
    let f = generated(&text);
    let tf = f.read("terraform/organization/delegated_administrators.tf");
    let b = block(&tf, "aws_organizations_delegated_administrator", "sso");
    assert!(
        b.contains("account_id        = aws_organizations_account.security.id"),
        "{b}"
    );
    assert!(
        b.contains("service_principal = \"sso.amazonaws.com\""),
        "{b}"
    );
    // Without an admin account, no file.
    let f = generated(preset("smb"));
    assert!(!f.exists("terraform/organization/delegated_administrators.tf"));
}
