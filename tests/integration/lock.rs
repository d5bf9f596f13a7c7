//! landform.lock: regeneration never replaces or closes an account; adoption of an existing
//! organization imports it.

use crate::fixture::{Fixture, preset};
use crate::tools;

pub(crate) fn minimal() -> Fixture {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    f
}

pub(crate) fn edit(f: &Fixture, pairs: &[(&str, &str)]) {
    let mut text = f.read("landform.yaml");
    for (from, to) in pairs {
        assert!(text.contains(from), "blueprint has no `{from}`");
        text = text.replace(from, to);
    }
    f.write("landform.yaml", &text);
}

fn moved(from: &str, to: &str) -> String {
    format!("moved {{\n  from = {from}\n  to   = {to}\n}}\n")
}

#[test]
fn generate_writes_a_deterministic_lock_and_check_reports_a_stale_one() {
    let f = minimal();
    let lock = f.read("landform.lock");
    assert!(lock.contains("version: 1\n"), "{lock}");
    assert!(
        lock.contains(
            "  app_dev: { email: \"aws+app-dev@example.com\", name: \"app-dev\", ou: \"nonprod\", workload: \"app\", environment: \"dev\" }\n"
        ),
        "{lock}"
    );
    f.run_ok(&["generate"]);
    assert_eq!(f.read("landform.lock"), lock);
    assert_eq!(f.run(&["generate", "--check"]).code, 0);
    std::fs::remove_file(f.join("landform.lock")).unwrap();
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(o.stdout.contains("added  landform.lock"), "{}", o.text());
    assert!(!f.exists("landform.lock"), "--check wrote the lock");
}

#[test]
fn renaming_a_workload_moves_its_accounts_and_keeps_their_emails() {
    let f = minimal();
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stdout.contains(
            "moved    aws_organizations_account.app_dev -> aws_organizations_account.shop_dev (renamed in place)"
        ),
        "{}",
        o.text()
    );
    let moved_tf = f.read("terraform/organization/moved.tf");
    assert!(
        moved_tf.contains(&moved(
            "aws_organizations_account.app_dev",
            "aws_organizations_account.shop_dev"
        )),
        "{moved_tf}"
    );
    assert!(moved_tf.contains(&moved(
        "aws_organizations_account.app_prod",
        "aws_organizations_account.shop_prod"
    )));
    let accounts = f.read("terraform/organization/accounts.tf");
    assert!(accounts.contains("resource \"aws_organizations_account\" \"shop_dev\" {\n  name              = \"shop-dev\"\n  email             = \"aws+app-dev@example.com\""), "{accounts}");
    assert!(!accounts.contains("\"app_dev\""));
    let lock = f.read("landform.lock");
    assert!(
        lock.contains("  shop_dev: { email: \"aws+app-dev@example.com\""),
        "{lock}"
    );
    assert!(!lock.contains("  app_dev:"), "{lock}");
    // Idempotent, and the moved blocks stay for as long as the lock remembers the rename.
    let o = f.run_ok(&["generate"]);
    assert!(!o.text().contains("names nothing"), "{}", o.text());
    assert!(
        o.stdout.contains("0 added, 0 changed, 0 removed"),
        "{}",
        o.text()
    );
    assert_eq!(f.read("terraform/organization/moved.tf"), moved_tf);
    // Dropping `renamed_from` afterwards changes nothing either.
    edit(&f, &[("  shop: { renamed_from: app,", "  shop: {")]);
    f.run_ok(&["generate"]);
    assert_eq!(f.run(&["generate", "--check"]).code, 0);
    assert_eq!(f.read("terraform/organization/moved.tf"), moved_tf);
}

#[test]
fn renaming_an_environment_moves_its_accounts() {
    let f = minimal();
    edit(
        &f,
        &[
            (
                "  dev:  { ou: nonprod }",
                "  development: { ou: nonprod, renamed_from: dev }",
            ),
            (
                "environments: [dev, prod]",
                "environments: [development, prod]",
            ),
            ("environments: [dev] }", "environments: [development] }"),
        ],
    );
    f.run_ok(&["generate"]);
    let moved_tf = f.read("terraform/organization/moved.tf");
    assert!(moved_tf.contains(&moved(
        "aws_organizations_account.app_dev",
        "aws_organizations_account.app_development"
    )));
    assert!(!moved_tf.contains("app_prod"), "{moved_tf}");
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("  name              = \"app-development\"\n  email             = \"aws+app-dev@example.com\"")
    );
}

#[test]
fn renaming_an_ou_moves_it_and_its_attachments() {
    let f = Fixture::with_blueprint(&preset("minimal").replace(
        "  deny_leave_organization: [root]",
        "  deny_leave_organization: [root, nonprod]",
    ));
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[
            (
                "  nonprod:   { name: NonProd,",
                "  non_production: { renamed_from: nonprod, name: NonProd,",
            ),
            ("{ ou: nonprod }", "{ ou: non_production }"),
            ("[root, nonprod]", "[root, non_production]"),
        ],
    );
    f.run_ok(&["generate"]);
    let moved_tf = f.read("terraform/organization/moved.tf");
    assert!(
        moved_tf.contains(&moved(
            "aws_organizations_organizational_unit.nonprod",
            "aws_organizations_organizational_unit.non_production"
        )),
        "{moved_tf}"
    );
    assert!(
        moved_tf.contains(&moved(
            "aws_organizations_policy_attachment.deny_leave_organization__ou_nonprod",
            "aws_organizations_policy_attachment.deny_leave_organization__ou_non_production"
        )),
        "{moved_tf}"
    );
    // Account emails and keys are untouched by an OU rename.
    assert!(
        !moved_tf.contains("aws_organizations_account."),
        "{moved_tf}"
    );
    assert!(f.read("landform.lock").contains("  non_production: {}"));
}

#[test]
fn renames_chain_across_edits() {
    let f = minimal();
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[(
            "  shop: { renamed_from: app,",
            "  store: { renamed_from: shop,",
        )],
    );
    f.run_ok(&["generate"]);
    let moved_tf = f.read("terraform/organization/moved.tf");
    assert!(moved_tf.contains(&moved(
        "aws_organizations_account.app_dev",
        "aws_organizations_account.shop_dev"
    )));
    assert!(moved_tf.contains(&moved(
        "aws_organizations_account.shop_dev",
        "aws_organizations_account.store_dev"
    )));
    assert!(f.read("terraform/organization/accounts.tf").contains(
        "  name              = \"store-dev\"\n  email             = \"aws+app-dev@example.com\""
    ));
}

/// The reported bug: a workload renamed with `renamed_from` kept in place, then an environment
/// renamed, was "`shop_development` is in landform.lock but no longer in the blueprint".
#[test]
fn renames_compose_with_earlier_renamed_from_kept() {
    let f = minimal();
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[
            (
                "  dev:  { ou: nonprod }",
                "  development: { ou: nonprod, renamed_from: dev }",
            ),
            (
                "environments: [dev, prod]",
                "environments: [development, prod]",
            ),
            ("environments: [dev] }", "environments: [development] }"),
        ],
    );
    let o = f.run_ok(&["generate"]);
    assert!(!o.stderr.contains("names nothing"), "{}", o.text());
    let accounts = f.read("terraform/organization/accounts.tf");
    assert!(
        accounts.contains(
            "  name              = \"shop-development\"\n  email             = \"aws+app-dev@example.com\""
        ),
        "{accounts}"
    );
    let moved_tf = f.read("terraform/organization/moved.tf");
    for (from, to) in [("app_dev", "shop_dev"), ("shop_dev", "shop_development")] {
        assert!(
            moved_tf.contains(&moved(
                &format!("aws_organizations_account.{from}"),
                &format!("aws_organizations_account.{to}")
            )),
            "{moved_tf}"
        );
    }
    // Then the OU the environment lives in, and the workload again, every renamed_from kept.
    edit(
        &f,
        &[
            (
                "  nonprod:   { name: NonProd,",
                "  non_production: { renamed_from: nonprod, name: NonProd,",
            ),
            (
                "{ ou: nonprod, renamed_from",
                "{ ou: non_production, renamed_from",
            ),
        ],
    );
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[(
            "  shop: { renamed_from: app,",
            "  store: { renamed_from: shop,",
        )],
    );
    let o = f.run_ok(&["generate"]);
    assert!(!o.stderr.contains("names nothing"), "{}", o.text());
    let accounts = f.read("terraform/organization/accounts.tf");
    assert!(
        accounts.contains(
            "  name              = \"store-development\"\n  email             = \"aws+app-dev@example.com\""
        ),
        "{accounts}"
    );
    assert!(
        accounts.contains(
            "  name              = \"store-prod\"\n  email             = \"aws+app-prod@example.com\""
        ),
        "{accounts}"
    );
    // Stable: generating again changes nothing.
    assert_eq!(f.run(&["generate", "--check"]).code, 0);
}

/// Named accounts and OUs compose too, and in the other order: an environment and a workload
/// renamed in one generate, then a named account, then its OU with the account's `renamed_from`
/// kept, then the account again, then every `renamed_from` dropped. Every email stays.
#[test]
fn renames_of_every_kind_compose_kept_then_dropped() {
    let f = minimal();
    let email = |accounts: &str, name: &str, email: &str| {
        assert!(
            accounts.contains(&format!(
                "  name              = \"{name}\"\n  email             = \"{email}\""
            )),
            "{name} with {email}:\n{accounts}"
        );
    };
    edit(
        &f,
        &[
            ("  app: {", "  shop: { renamed_from: app,"),
            (
                "  prod: { ou: prod }",
                "  live: { ou: prod, renamed_from: prod }",
            ),
            ("environments: [dev, prod]", "environments: [dev, live]"),
            ("environments: [prod] }", "environments: [live] }"),
        ],
    );
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[
            (
                "  security:    { ou: security }",
                "  sec_tooling: { ou: security, renamed_from: security }",
            ),
            ("admin_account: security", "admin_account: sec_tooling"),
        ],
    );
    let o = f.run_ok(&["generate"]);
    assert!(!o.stderr.contains("names nothing"), "{}", o.text());
    email(
        &f.read("terraform/organization/accounts.tf"),
        "sec-tooling",
        "aws+security@example.com",
    );
    edit(
        &f,
        &[
            (
                "  security:  { name: Security }",
                "  guard: { name: Security, renamed_from: security }",
            ),
            ("{ ou: security", "{ ou: guard"),
        ],
    );
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[
            (
                "  sec_tooling: { ou: guard, renamed_from: security }",
                "  sec_ops: { ou: guard, renamed_from: sec_tooling }",
            ),
            ("admin_account: sec_tooling", "admin_account: sec_ops"),
        ],
    );
    let o = f.run_ok(&["generate"]);
    assert!(!o.stderr.contains("names nothing"), "{}", o.text());
    let accounts = f.read("terraform/organization/accounts.tf");
    email(&accounts, "sec-ops", "aws+security@example.com");
    email(&accounts, "shop-dev", "aws+app-dev@example.com");
    email(&accounts, "shop-live", "aws+app-prod@example.com");
    email(&accounts, "log-archive", "aws+log-archive@example.com");
    let moved_tf = f.read("terraform/organization/moved.tf");
    for (from, to) in [
        ("app_prod", "shop_live"),
        ("security", "sec_tooling"),
        ("sec_tooling", "sec_ops"),
    ] {
        assert!(
            moved_tf.contains(&moved(
                &format!("aws_organizations_account.{from}"),
                &format!("aws_organizations_account.{to}")
            )),
            "{moved_tf}"
        );
    }
    // Every declaration dropped: the lock's history carries them; nothing changes.
    let text = f
        .read("landform.yaml")
        .replace(", renamed_from: sec_tooling", "")
        .replace(", renamed_from: security", "")
        .replace(", renamed_from: prod", "")
        .replace(" renamed_from: app,", "");
    assert!(!text.contains("renamed_from"), "{text}");
    f.write("landform.yaml", &text);
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 0, "{}", o.text());
}

/// A rename declared with a stale `renamed_from` (naming a key the lock's history already moved
/// on) still finds the account through the history.
#[test]
fn a_stale_renamed_from_follows_the_lock_history() {
    let f = minimal();
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    f.run_ok(&["generate"]);
    edit(
        &f,
        &[(
            "  shop: { renamed_from: app,",
            "  store: { renamed_from: app,",
        )],
    );
    f.run_ok(&["generate"]);
    let accounts = f.read("terraform/organization/accounts.tf");
    assert!(
        accounts.contains(
            "  name              = \"store-dev\"\n  email             = \"aws+app-dev@example.com\""
        ),
        "{accounts}"
    );
    let moved_tf = f.read("terraform/organization/moved.tf");
    assert!(
        moved_tf.contains(&moved(
            "aws_organizations_account.shop_dev",
            "aws_organizations_account.store_dev"
        )),
        "{moved_tf}"
    );
}

#[test]
fn an_email_pattern_change_keeps_locked_emails() {
    let f = minimal();
    edit(
        &f,
        &[
            (
                "\"aws+{account}@example.com\"",
                "\"cloud+{account}@example.org\"",
            ),
            (
                "  app: { environments: [dev, prod], owner: app-team }",
                "  app: { environments: [dev, prod], owner: app-team }\n  web: { environments: [dev] }",
            ),
        ],
    );
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stderr.contains(
            "warning: 4 accounts keep the root email in landform.lock, not the one `organization.email` gives now: `security`: `aws+security@example.com`, `log_archive`: `aws+log-archive@example.com`, `app_dev`: `aws+app-dev@example.com`, `app_prod`: `aws+app-prod@example.com`"
        ),
        "{}",
        o.text()
    );
    let accounts = f.read("terraform/organization/accounts.tf");
    assert!(accounts.contains("email             = \"aws+app-dev@example.com\""));
    assert!(
        accounts.contains("email             = \"cloud+web-dev@example.org\""),
        "{accounts}"
    );
    assert!(!f.exists("terraform/organization/moved.tf"));
}

#[test]
fn an_explicit_email_change_warns_that_aws_replaces_the_account() {
    let f = minimal();
    edit(
        &f,
        &[(
            "  security:    { ou: security }",
            "  security:    { ou: security, email: sec@example.com }",
        )],
    );
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stderr.contains(
            "warning: account `security`: its root email changes from `aws+security@example.com` to `sec@example.com`: AWS will replace the account"
        ),
        "{}",
        o.text()
    );
    assert!(
        f.read("landform.lock")
            .contains("  security: { email: \"sec@example.com\"")
    );
}

#[test]
fn a_name_change_that_would_change_the_email_is_an_error() {
    let f = minimal();
    edit(
        &f,
        &[(
            "  security:    { ou: security }",
            "  security:    { ou: security, name: sec }",
        )],
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains(
            "error: account `security`: its root email would change from `aws+security@example.com` to `aws+sec@example.com`"
        ),
        "{}",
        o.text()
    );
    assert!(o.stderr.contains("landform.yaml:21:3"), "{}", o.text());
    assert!(
        o.stderr
            .contains("keep it with `email: aws+security@example.com`"),
        "{}",
        o.text()
    );
}

#[test]
fn an_undeclared_rename_is_an_error_that_suggests_renamed_from() {
    let f = minimal();
    let before = f.tree("terraform");
    edit(&f, &[("  app: {", "  shop: {")]);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains(
            "error: account `app_dev` (`aws+app-dev@example.com`) is in landform.lock but no longer in the blueprint"
        ),
        "{}",
        o.text()
    );
    assert!(
        o.stderr.contains(
            "help: if workload `app` was renamed to `shop`, declare it: `renamed_from: app` in `workloads.shop`"
        ),
        "{}",
        o.text()
    );
    assert!(o.stderr.contains("--> landform.yaml:18:3"), "{}", o.text());
    assert_eq!(f.tree("terraform"), before, "an error wrote files");
}

#[test]
fn a_renamed_from_that_names_nothing_is_a_warning() {
    let f = minimal();
    edit(&f, &[("  app: {", "  app: { renamed_from: ghost,")]);
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stderr
            .contains("warning: `renamed_from: ghost` names nothing in landform.lock"),
        "{}",
        o.text()
    );
}

#[test]
fn removal_needs_the_flag_and_then_leaves_the_account_in_aws() {
    let f = minimal();
    edit(
        &f,
        &[
            ("  log_archive: { ou: security }\n", ""),
            ("  account: log_archive\n", "  account: security\n"),
            (
                "protect_log_archive: [log_archive]",
                "protect_log_archive: [security]",
            ),
        ],
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains(
            "error: account `log_archive` (`aws+log-archive@example.com`) is in landform.lock but no longer in the blueprint"
        ),
        "{}",
        o.text()
    );
    assert!(
        o.stderr.contains("run with `--allow-removal`"),
        "{}",
        o.text()
    );
    assert!(!f.exists("terraform/organization/removed.tf"));
    let o = f.run_ok(&["generate", "--allow-removal"]);
    assert!(
        o.stdout.contains(
            "removed  aws_organizations_account.log_archive (Terraform forgets it; it stays in AWS)"
        ),
        "{}",
        o.text()
    );
    let removed = f.read("terraform/organization/removed.tf");
    assert!(
        removed.contains("removed {\n  from = aws_organizations_account.log_archive\n\n  lifecycle {\n    destroy = false\n  }\n}\n"),
        "{removed}"
    );
    // Remembered: later runs need no flag and keep the block.
    f.run_ok(&["generate"]);
    assert_eq!(f.read("terraform/organization/removed.tf"), removed);
    assert!(f.read("landform.lock").contains("removed:\n  log_archive:"));
}

#[test]
fn close_on_removal_closes_instead_of_forgetting() {
    let f = minimal();
    let text = f.read("landform.yaml") + "\nclose_on_removal: [log_archive]\n";
    f.write("landform.yaml", &text);
    f.run_ok(&["generate"]);
    let accounts = f.read("terraform/organization/accounts.tf");
    assert!(accounts.contains("email             = \"aws+log-archive@example.com\"\n  parent_id         = aws_organizations_organizational_unit.security.id\n  role_name         = \"OrganizationAccountAccessRole\"\n  close_on_deletion = true"), "{accounts}");
    edit(
        &f,
        &[
            ("  log_archive: { ou: security }\n", ""),
            ("  account: log_archive\n", "  account: security\n"),
            (
                "protect_log_archive: [log_archive]",
                "protect_log_archive: [security]",
            ),
        ],
    );
    let o = f.run_ok(&["generate", "--allow-removal"]);
    assert!(
        o.stdout
            .contains("closing  aws_organizations_account.log_archive"),
        "{}",
        o.text()
    );
    assert!(!f.exists("terraform/organization/removed.tf"));
}

#[test]
fn diff_summarises_in_terraform_terms_and_writes_nothing() {
    let f = minimal();
    edit(&f, &[("  app: {", "  shop: { renamed_from: app,")]);
    let before = f.tree("terraform");
    let o = f.run(&["diff"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("~ aws_organizations_account.app_dev is renamed to aws_organizations_account.shop_dev (moved, in place)"),
        "{}",
        o.text()
    );
    assert!(
        o.stdout.contains("added    organization/moved.tf"),
        "{}",
        o.text()
    );
    assert!(
        o.stdout.contains("+++ b/organization/accounts.tf"),
        "{}",
        o.text()
    );
    assert!(
        o.stdout
            .contains("-resource \"aws_organizations_account\" \"app_dev\" {"),
        "{}",
        o.text()
    );
    assert!(o.stdout.contains("changed  landform.lock"), "{}", o.text());
    assert_eq!(f.tree("terraform"), before);
    f.run_ok(&["generate"]);
    assert!(f.run_ok(&["diff"]).stdout.contains("no changes"));
}

#[test]
fn lock_from_state_fills_ids_and_generate_imports_them() {
    let f = minimal();
    f.write(
        "state.json",
        r#"{"format_version":"1.0","values":{"root_module":{"resources":[
          {"address":"aws_organizations_organization.this","mode":"managed","type":"aws_organizations_organization","name":"this","values":{"id":"o-1234567890","roots":[{"id":"r-1234"}]}},
          {"address":"aws_organizations_account.app_dev","mode":"managed","type":"aws_organizations_account","name":"app_dev","values":{"id":"123456789012"}},
          {"address":"aws_organizations_organizational_unit.prod","mode":"managed","type":"aws_organizations_organizational_unit","name":"prod","values":{"id":"ou-1234-abcdefgh"}}
        ]}}}"#,
    );
    let o = f.run_ok(&["lock", "--from-state", "state.json"]);
    assert!(o.stdout.contains("3 ids from the state"), "{}", o.text());
    let lock = f.read("landform.lock");
    assert!(
        lock.contains("organization: { id: \"o-1234567890\", root_id: \"r-1234\" }"),
        "{lock}"
    );
    assert!(
        lock.contains("name: \"app-dev\", id: \"123456789012\""),
        "{lock}"
    );
    f.run_ok(&["generate"]);
    let imports = f.read("terraform/organization/imports.tf");
    assert!(
        imports.contains(
            "import {\n  to = aws_organizations_account.app_dev\n  id = \"123456789012\"\n}\n"
        ),
        "{imports}"
    );
    assert!(!imports.contains("to = aws_organizations_policy_attachment"));
    assert_eq!(f.read("landform.lock"), lock, "generate kept the ids");
}

const ADOPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/adopt");

#[test]
fn adopt_writes_a_blueprint_a_lock_and_import_blocks() {
    let f = Fixture::new();
    let o = f.run_ok(&["adopt", "--from", ADOPT, "--home-region", "eu-west-1"]);
    assert!(
        o.stdout.contains(
            "wrote landform.yaml and landform.lock: 7 accounts, 4 OUs, 1 policies to import"
        ),
        "{}",
        o.text()
    );
    assert!(
        o.stdout
            .contains("note: account `orphan` (999999999999) sits directly under the root"),
        "{}",
        o.text()
    );
    let bp = f.read("landform.yaml");
    for line in [
        "  email: \"aws+{account}@acme.example\"\n",
        "  dev: { ou: \"non_prod\" }\n",
        "  shop: { environments: [dev, prod] }\n",
        "  legacy_data: { ou: \"workloads\", name: \"Legacy Data\", email: \"legacy-data@corp.example\" }\n",
        "  non_prod: { name: \"NonProd\", parent: workloads }\n",
        "    attach: [root, workloads, legacy_data]\n",
    ] {
        assert!(bp.contains(line), "no {line:?} in\n{bp}");
    }
    f.run_ok(&["validate"]);
    let lock = f.read("landform.lock");
    assert!(lock.contains("  shop_dev: { email: \"aws+shop-dev@acme.example\", name: \"shop-dev\", id: \"444444444444\""), "{lock}");
    assert!(
        lock.contains("  non_prod: { id: \"ou-ab12-npd00001\" }"),
        "{lock}"
    );
    let imports = f.read("terraform/organization/imports.tf");
    for (to, id) in [
        ("aws_organizations_organization.this", "o-abcde12345"),
        (
            "aws_organizations_organizational_unit.security",
            "ou-ab12-sec00001",
        ),
        ("aws_organizations_account.web_prod", "777777777777"),
        ("aws_organizations_policy.deny_leave", "p-abcd1234"),
        (
            "aws_organizations_policy_attachment.deny_leave__root",
            "r-ab12:p-abcd1234",
        ),
        (
            "aws_organizations_policy_attachment.deny_leave__ou_workloads",
            "ou-ab12-wkl00001:p-abcd1234",
        ),
    ] {
        let block = format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n");
        assert!(imports.contains(&block), "no {block} in\n{imports}");
    }
    assert_eq!(imports.matches("import {").count(), 1 + 4 + 7 + 1 + 3);
    assert_eq!(f.run(&["generate", "--check"]).code, 0);
    // Never overwrites.
    assert_eq!(f.run(&["adopt", "--from", ADOPT]).code, 2);

    let Some(_) = tools::terraform() else {
        return tools::missing(
            "adopt_writes_a_blueprint_a_lock_and_import_blocks",
            "terraform",
        );
    };
    let Some(plugins) = tools::plugin_dir() else {
        return tools::missing(
            "adopt_writes_a_blueprint_a_lock_and_import_blocks",
            "the hashicorp/aws provider mirror (set LANDFORM_TF_PLUGIN_DIR)",
        );
    };
    let dir = f.join("terraform/organization");
    let init = tools::terraform_cmd(&dir)
        .args(["init", "-backend=false", "-input=false", "-no-color"])
        .arg(format!("-plugin-dir={}", plugins.display()))
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let validate = tools::terraform_cmd(&dir)
        .args(["validate", "-no-color"])
        .output()
        .unwrap();
    assert!(
        validate.status.success(),
        "{}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );
}

/// Applies the fixture's `before/` tree in the emulator, then plans and applies `after/` on the
/// same state (tests/oracle/regen.py): whether it passed, and its report.
fn regen(py: &std::path::Path, f: &Fixture) -> (bool, String) {
    let harness = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/regen.py");
    let out = std::process::Command::new(py)
        .arg(harness)
        .arg("--before")
        .arg(f.join("before"))
        .arg("--after")
        .arg(f.join("after"))
        .output()
        .expect("run the regeneration probe");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success() && text.contains("REGEN: PASS"), text)
}

/// Against the emulator: apply the minimal preset, make every kind of edit at once, regenerate
/// and plan on the same state: no account or OU is replaced or destroyed, the plan applies and
/// the next plan is empty (tests/oracle/regen.py).
#[test]
fn edits_regenerate_without_replacing_anything_in_the_emulator() {
    let test = "edits_regenerate_without_replacing_anything_in_the_emulator";
    let Some(py) = crate::oracle::available(test) else {
        return;
    };
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate", "-o", "before"]);
    edit(
        &f,
        &[
            // rename a workload and an environment, add a workload
            (
                "  app: { environments: [dev, prod], owner: app-team }",
                "  shop: { renamed_from: app, environments: [development, prod], owner: app-team }\n  web: { environments: [development] }",
            ),
            (
                "  dev:  { ou: nonprod }",
                "  development: { ou: non_production, renamed_from: dev }",
            ),
            ("environments: [dev] }", "environments: [development] }"),
            // change the email pattern
            ("aws+{account}@example.com", "cloud+{account}@example.org"),
            // rename an OU's key and another OU's name
            (
                "  nonprod:   { name: NonProd,",
                "  non_production: { renamed_from: nonprod, name: NonProd,",
            ),
            ("{ name: Prod, parent", "{ name: Production, parent"),
            // move an environment to another OU
            ("  prod: { ou: prod }", "  prod: { ou: workloads }"),
            // move an account to another OU; remove one on purpose
            (
                "  log_archive: { ou: security }\n",
                "  log_archive: { ou: workloads }\n",
            ),
            (
                "  security:    { ou: security }\n",
                "  auditing:    { ou: security }\n",
            ),
            ("  admin_account: security\n", "  admin_account: auditing\n"),
        ],
    );
    f.run_ok(&["generate", "-o", "after", "--allow-removal"]);
    let (ok, text) = regen(&py, &f);
    eprintln!("{test}:\n{text}");
    assert!(ok, "{text}");
    for line in [
        "aws_organizations_account.shop_prod: update (from aws_organizations_account.app_prod)",
        "aws_organizations_account.shop_development: update (from aws_organizations_account.app_dev)",
        "aws_organizations_account.log_archive: update",
        "aws_organizations_account.security: forget",
        "aws_organizations_account.web_development: create",
    ] {
        assert!(text.contains(line), "no `{line}` in\n{text}");
    }
}

/// Copies `terraform/organization` of the fixture to `<to>/organization`.
fn keep_organization(f: &Fixture, to: &str) {
    let src = f.join("terraform/organization");
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(&src).unwrap();
        let dest = f.join(to).join("organization").join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Against the emulator: one organization edited again and again. The minimal preset (with a
/// per-region environment) is applied, then every edit class of the regeneration test above is
/// made one after another on the same blueprint, every earlier `renamed_from` left in place,
/// and each tree is planned and applied on the state the previous one left. No plan destroys
/// or replaces anything (tests/oracle/regen.py --no-destroy).
#[test]
fn sequential_edits_on_one_organization_replace_and_destroy_nothing_in_the_emulator() {
    let test = "sequential_edits_on_one_organization_replace_and_destroy_nothing_in_the_emulator";
    let Some(py) = crate::oracle::available(test) else {
        return;
    };
    let f = Fixture::with_blueprint(&preset("minimal").replace(
        "  prod: { ou: prod }",
        "  prod: { ou: prod, per_region: true }",
    ));
    f.run_ok(&["generate"]);
    keep_organization(&f, "step0");
    let steps: &[(&str, &[(&str, &str)])] = &[
        (
            "rename a workload",
            &[("  app: {", "  shop: { renamed_from: app,")],
        ),
        (
            "rename an environment",
            &[
                (
                    "  dev:  { ou: nonprod }",
                    "  development: { ou: nonprod, renamed_from: dev }",
                ),
                (
                    "environments: [dev, prod]",
                    "environments: [development, prod]",
                ),
                ("environments: [dev] }", "environments: [development] }"),
            ],
        ),
        (
            "add a workload",
            &[(
                "  shop: { renamed_from: app, environments: [development, prod], owner: app-team }",
                "  shop: { renamed_from: app, environments: [development, prod], owner: app-team }\n  web: { environments: [development] }",
            )],
        ),
        (
            "change the email pattern",
            &[("aws+{account}@example.com", "cloud+{account}@example.org")],
        ),
        (
            "rename an OU's key",
            &[
                (
                    "  nonprod:   { name: NonProd,",
                    "  non_production: { renamed_from: nonprod, name: NonProd,",
                ),
                (
                    "{ ou: nonprod, renamed_from",
                    "{ ou: non_production, renamed_from",
                ),
            ],
        ),
        (
            "rename an OU",
            &[("{ name: Prod, parent", "{ name: Production, parent")],
        ),
        (
            "move an environment to another OU",
            &[(
                "  prod: { ou: prod, per_region",
                "  prod: { ou: workloads, per_region",
            )],
        ),
        (
            "move an account to another OU",
            &[(
                "  log_archive: { ou: security }\n",
                "  log_archive: { ou: workloads }\n",
            )],
        ),
        (
            "rename a named account",
            &[
                (
                    "  log_archive: { ou: workloads }\n",
                    "  archive: { ou: workloads, renamed_from: log_archive }\n",
                ),
                ("  account: log_archive\n", "  account: archive\n"),
                (
                    "protect_log_archive: [log_archive]",
                    "protect_log_archive: [archive]",
                ),
            ],
        ),
        (
            "remove an account (--allow-removal) and add another",
            &[
                (
                    "  security:    { ou: security }\n",
                    "  auditing:    { ou: security }\n",
                ),
                ("  admin_account: security\n", "  admin_account: auditing\n"),
            ],
        ),
        (
            "add a region to a per-region environment",
            &[("regions: [eu-west-1]", "regions: [eu-west-1, eu-central-1]")],
        ),
    ];
    let mut args: Vec<std::ffi::OsString> = vec![
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/oracle/regen.py")
            .into(),
        "--no-destroy".into(),
        "--timeout".into(),
        "2400".into(),
        "--before".into(),
        f.join("step0").into(),
    ];
    for (n, (what, pairs)) in steps.iter().enumerate() {
        edit(&f, pairs);
        let o = if what.contains("--allow-removal") {
            f.run(&["generate", "--allow-removal"])
        } else {
            f.run(&["generate"])
        };
        assert_eq!(o.code, 0, "{what}:\n{}", o.text());
        let dir = format!("step{}", n + 1);
        keep_organization(&f, &dir);
        args.extend(["--after".into(), f.join(&dir).into()]);
    }
    assert_eq!(
        f.read("landform.yaml").matches("renamed_from").count(),
        4,
        "every renamed_from stays"
    );
    let started = std::time::Instant::now();
    let out = std::process::Command::new(&py)
        .args(&args)
        .output()
        .expect("run the regeneration probe");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{test} ({:.0}s):\n{text}", started.elapsed().as_secs_f64());
    assert!(
        out.status.success() && text.contains("REGEN: PASS"),
        "{text}"
    );
    for n in 1..=steps.len() {
        assert!(
            text.contains(&format!("step {n}: 0 destroyed, 0 replaced")),
            "step {n} ({}): {text}",
            steps[n - 1].0
        );
    }
    for line in [
        "aws_organizations_account.shop_development: update (from aws_organizations_account.shop_dev)",
        "aws_organizations_account.archive: update (from aws_organizations_account.log_archive)",
        "aws_organizations_account.security: forget",
        "aws_organizations_account.auditing: create",
        "aws_organizations_account.shop_prod_eu_central_1: create",
    ] {
        assert!(text.contains(line), "no `{line}` in\n{text}");
    }
}

/// Against the emulator: a per-region environment gains a region. The new region's accounts are
/// created and nothing else changes (tests/oracle/regen.py).
#[test]
fn adding_a_region_only_creates_that_regions_accounts_in_the_emulator() {
    let test = "adding_a_region_only_creates_that_regions_accounts_in_the_emulator";
    let Some(py) = crate::oracle::available(test) else {
        return;
    };
    let f = Fixture::with_blueprint(&preset("minimal").replace(
        "  prod: { ou: prod }",
        "  prod: { ou: prod, per_region: true }",
    ));
    f.run_ok(&["generate", "-o", "before"]);
    edit(
        &f,
        &[("regions: [eu-west-1]", "regions: [eu-west-1, eu-central-1]")],
    );
    f.run_ok(&["generate", "-o", "after"]);
    let (ok, text) = regen(&py, &f);
    eprintln!("{test}:\n{text}");
    assert!(ok, "{text}");
    assert!(
        text.contains("aws_organizations_account.app_prod_eu_central_1: create"),
        "{text}"
    );
    let changes: Vec<&str> = text.lines().filter(|l| l.starts_with("  aws_")).collect();
    assert!(
        changes
            .iter()
            .all(|l| l.contains("eu_central_1") || l.contains("policy")),
        "changes beyond the new region: {changes:#?}"
    );
}

#[test]
fn a_permission_set_rename_warns_that_assignments_are_recreated() {
    let f = minimal();
    assert!(
        f.read("landform.lock")
            .contains("permission_sets:\n  admin: {}\n")
    );
    let text = f.read("landform.yaml").replace("readonly", "viewer");
    f.write("landform.yaml", &text);
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stderr.contains(
            "warning: permission set `viewer` is new and `readonly` left: if this is a rename, Terraform destroys and recreates the permission set, every account assignment of it and the IAM roles behind them (open sessions end)"
        ),
        "{}",
        o.text()
    );
    assert!(o.stderr.contains("--> landform.yaml:43:5"), "{}", o.text());
}
