//! Account shards (`organization.shard_above`): the accounts split across `accounts-<ou>`
//! stacks, the CI pipeline listing them in apply order, and a move between shards written as
//! `removed` + `import` (never a destroy and a create) that the replacement gate accepts and
//! `landform diff` describes as a move.

use crate::fixture::Fixture;
use crate::ready::{apply_order, pipeline_stacks};
use crate::terraform::fmt_init_validate;

const BLUEPRINT: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: eu-west-1
  shard_above: 4
  shard_by: ou
environments:
  dev: { ou: nonprod }
  prod: { ou: prod }
workloads:
  app: { environments: [dev, prod] }
  web: { environments: [dev, prod] }
accounts:
  security: { ou: security }
  network: { ou: infrastructure }
organizational_units:
  security: { name: Security }
  infrastructure: { name: Infrastructure }
  workloads: { name: Workloads }
  prod: { name: Prod, parent: workloads }
  nonprod: { name: NonProd, parent: workloads }
guardrails:
  deny_leave_organization: [root, network]
ci: { provider: github, install: cargo install --locked landform }
"#;

/// `terraform show -json` of a stack holding `security` with this id.
const STATE: &str = r#"{"format_version":"1.0","values":{"root_module":{"resources":[
  {"address":"aws_organizations_account.security","mode":"managed","type":"aws_organizations_account","name":"security","values":{"id":"222233334444","email":"aws+security@acme.example"}}
]}}}"#;

fn generated(text: &str) -> Fixture {
    let f = Fixture::with_blueprint(text);
    f.run_ok(&["generate"]);
    f
}

#[test]
fn accounts_split_across_shard_stacks_that_validate_and_ci_applies_in_order() {
    let extra = "contacts:\n  phone: \"+1 555 0100\"\n  security: { email: \"sec@acme.example\" }\nbudgets: { default: 100 }\n";
    let f = generated(&format!("{BLUEPRINT}{extra}"));
    let order = apply_order(&f, "landform.yaml", "terraform");
    assert_eq!(
        order,
        [
            "organization",
            "accounts-security",
            "accounts-prod",
            "accounts-nonprod"
        ]
    );
    // The pipeline applies exactly those stacks, in that order.
    let ci = f.read(".github/workflows/landform.yml");
    assert_eq!(pipeline_stacks("github", &ci), order);
    // Each account in one stack; the policy target stays with the organization.
    let org = f.read("terraform/organization/accounts.tf");
    assert!(org.contains("\"network\""), "{org}");
    assert!(!org.contains("\"app_dev\""), "{org}");
    let prod = f.read("terraform/accounts-prod/accounts.tf");
    assert!(prod.contains("resource \"aws_organizations_account\" \"app_prod\""));
    assert!(
        prod.contains("parent_id         = data.aws_organizations_organizational_unit.prod.id")
    );
    assert!(!prod.contains("app_dev"));
    let main = f.read("terraform/accounts-prod/main.tf");
    assert!(main.contains("data \"aws_organizations_organizational_unit\" \"workloads\""));
    // One provider block per shard, whatever its accounts.
    let providers = f.read("terraform/accounts-prod/providers.tf");
    assert_eq!(providers.matches("provider \"aws\"").count(), 1);
    // Contacts and budgets follow their account.
    assert!(
        f.read("terraform/accounts-prod/budgets.tf")
            .contains("\"app_prod\"")
    );
    assert!(
        f.read("terraform/accounts-nonprod/contacts.tf")
            .contains("app_dev__security")
    );
    assert!(
        !f.read("terraform/organization/contacts.tf")
            .contains("app_dev__")
    );
    // The lock records each account's stack.
    let lock = f.read("landform.lock");
    assert!(lock.contains("name: \"app-dev\", ou: \"nonprod\", workload: \"app\", environment: \"dev\", stack: \"accounts-nonprod\" }"), "{lock}");
    assert!(lock.contains("network: { email: \"aws+network@acme.example\", name: \"network\", ou: \"infrastructure\" }"), "{lock}");
    fmt_init_validate(
        "accounts_split_across_shard_stacks_that_validate_and_ci_applies_in_order",
        &f,
        "terraform",
    );
}

#[test]
fn a_move_between_shards_is_removed_plus_import_and_the_gate_accepts_it() {
    let f = generated(BLUEPRINT);
    let moved = BLUEPRINT.replace("security: { ou: security }", "security: { ou: prod }");
    f.write("landform.yaml", &moved);
    // Without the account's id there is no import block to write: refused, located, with
    // the command to run, and nothing written.
    let before = (f.tree("terraform"), f.read("landform.lock"));
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("1 account would move out of the stack `accounts-security` (`security`), but landform.lock does not know its account id"),
        "{}",
        o.text()
    );
    assert!(o.stderr.contains("--> landform.yaml:15:3"), "{}", o.text());
    assert!(
        o.stderr.contains("`landform lock --from-state state.json`"),
        "{}",
        o.text()
    );
    assert_eq!((f.tree("terraform"), f.read("landform.lock")), before);

    // The ids come from the state of the stack the account is in.
    f.write("state.json", STATE);
    f.run_ok(&["lock", "--from-state", "state.json"]);
    assert!(f.read("landform.lock").contains("id: \"222233334444\""));

    // `diff` calls it a move, never a replacement or a destroy.
    let d = f.run(&["diff"]);
    assert_eq!(d.code, 1, "{}", d.text());
    assert!(
        d.stdout.contains("~ account security moves from the stack accounts-security to accounts-prod (forgotten there, imported here: not replaced)"),
        "{}",
        d.text()
    );
    assert!(
        !d.stdout.contains("REPLACED") && !d.stdout.contains("DESTROYED"),
        "{}",
        d.stdout
    );

    // A template override that drops the `removed` block is stopped by the gate.
    f.write("templates/shard/removed.tf.tera", "");
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("account `security` moves from the stack `accounts-security` to `accounts-prod` with no `removed` block (`destroy = false`) in `accounts-security`"),
        "{}",
        o.text()
    );
    assert!(
        o.stderr
            .contains("--> terraform/accounts-security/accounts.tf:"),
        "{}",
        o.text()
    );
    std::fs::remove_dir_all(f.join("templates")).unwrap();

    f.run_ok(&["generate"]);
    let removed = f.read("terraform/accounts-security/removed.tf");
    assert!(
        removed.contains("removed {\n  from = aws_organizations_account.security\n\n  lifecycle {\n    destroy = false\n  }\n}"),
        "{removed}"
    );
    assert!(!f.exists("terraform/accounts-security/accounts.tf"));
    let imports = f.read("terraform/accounts-prod/imports.tf");
    assert!(
        imports.contains(
            "import {\n  to = aws_organizations_account.security\n  id = \"222233334444\"\n}"
        ),
        "{imports}"
    );
    assert!(
        f.read("terraform/accounts-prod/accounts.tf")
            .contains("\"security\"")
    );
    let lock = f.read("landform.lock");
    assert!(
        lock.contains("stack: \"accounts-prod\", left: [\"accounts-security\"] }"),
        "{lock}"
    );
    assert!(lock.ends_with("1 stacks left\n"), "{lock}");
    // The stack left stays in the pipeline until its blocks are gone.
    let ci = f.read(".github/workflows/landform.yml");
    assert!(pipeline_stacks("github", &ci).contains(&"accounts-security".to_string()));

    // Generating again before anyone applied keeps both blocks: nothing changes.
    let tree = f.tree("terraform");
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stdout.contains("0 added, 0 changed, 0 removed"),
        "{}",
        o.text()
    );
    assert_eq!(f.tree("terraform"), tree);
    assert_eq!(f.run(&["generate", "--check"]).code, 0);
}
