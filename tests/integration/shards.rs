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

/// Contacts and budgets: resources that follow their account.
const EXTRA: &str = "contacts:\n  phone: \"+1 555 0100\"\n  security: { email: \"sec@acme.example\" }\nbudgets: { default: 100 }\n";

fn generated(text: &str) -> Fixture {
    let f = Fixture::with_blueprint(text);
    f.run_ok(&["generate"]);
    f
}

#[test]
fn accounts_split_across_shard_stacks_and_ci_applies_them_in_order() {
    let f = generated(&format!("{BLUEPRINT}{EXTRA}"));
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
}

#[test]
fn a_move_between_shards_is_removed_plus_import_and_the_gate_accepts_it() {
    let blueprint = format!("{BLUEPRINT}{EXTRA}");
    let f = generated(&blueprint);
    let moved = blueprint.replace("security: { ou: security }", "security: { ou: prod }");
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
    // Its contacts and budget are forgotten where it was; the budget is imported where it
    // goes (the contacts are written again: PutAlternateContact replaces them in place).
    for from in [
        "aws_account_alternate_contact.security__security",
        "aws_budgets_budget.security",
    ] {
        assert!(
            removed.contains(&format!("from = {from}\n")),
            "{from}: {removed}"
        );
    }
    assert!(
        imports.contains("import {\n  to = aws_budgets_budget.security\n  id = format(\"%s:%s\", data.aws_organizations_organization.this.master_account_id, \"security-monthly\")\n}"),
        "{imports}"
    );
    assert!(
        f.read("terraform/accounts-prod/terraform.tf")
            .contains("required_version = \">= 1.6\"")
    );
    assert!(
        f.read("terraform/accounts-prod/contacts.tf")
            .contains("security__security")
    );
    let lock = f.read("landform.lock");
    assert!(
        lock.contains(
            "stack: \"accounts-prod\", import_budget: true, left: [\"accounts-security\"] }"
        ),
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
    // What it wrote is valid Terraform, formatted as `terraform fmt` would.
    fmt_init_validate(
        "a_move_between_shards_is_removed_plus_import_and_the_gate_accepts_it",
        &f,
        "terraform",
    );
}

/// 12 accounts over 3 shards (`shard_by: ou`), with contacts and budgets that follow them
/// (moto lacks Cost Explorer's UpdateCostAllocationTagsStatus: no cost-allocation tags).
const EMULATOR: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: us-east-1
  shard_above: 8
  shard_by: ou
environments:
  dev: { ou: nonprod }
  prod: { ou: prod }
workloads:
  w1: { environments: [dev, prod] }
  w2: { environments: [dev, prod] }
  w3: { environments: [dev, prod] }
  w4: { environments: [dev, prod] }
  w5: { environments: [dev, prod] }
accounts:
  security: { ou: security }
  log_archive: { ou: security }
organizational_units:
  security: { name: Security }
  workloads: { name: Workloads }
  prod: { name: Prod, parent: workloads }
  nonprod: { name: NonProd, parent: workloads }
contacts:
  phone: "+1 555 0100"
  security: { email: "sec@acme.example" }
budgets: { default: 100, cost_allocation_tags: false }
"#;

/// The emulator proof: a sharded organization applies; its ids are recorded from the states
/// (`landform lock --from-state`); an account moves to another OU across a shard boundary and
/// the tree is generated twice before anyone applies; then every stack plans 0 destroys and 0
/// replacements (the account, its contacts and its budget are forgotten by one stack and
/// imported by the other), applies, and plans nothing more; the account keeps its id.
#[test]
fn emulator_an_account_moves_between_shards_with_no_destroy() {
    let test = "emulator_an_account_moves_between_shards_with_no_destroy";
    let Some(py) = crate::oracle::available(test) else {
        return;
    };
    let started = std::time::Instant::now();
    let f = generated(EMULATOR);
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
    let bin = env!("CARGO_BIN_EXE_landform");
    f.write(
        "between.sh",
        &format!(
            "set -e\n\
             for s in \"$LANDFORM_STATES\"/*.json; do '{bin}' lock --from-state \"$s\"; done\n\
             sed -i 's/log_archive: {{ ou: security }}/log_archive: {{ ou: prod }}/' landform.yaml\n\
             '{bin}' generate\n\
             '{bin}' generate\n"
        ),
    );
    let harness = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/shards.py");
    let out = std::process::Command::new(py)
        .arg(harness)
        .arg("--tree")
        .arg(f.join("terraform"))
        .arg("--stacks")
        .arg(order.join(","))
        .arg("--between")
        .arg("bash between.sh")
        .arg("--expect")
        .arg("aws+log-archive@acme.example=Prod")
        .current_dir(f.path())
        .output()
        .expect("run the shard harness");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{test} ({} s):\n{text}", started.elapsed().as_secs());
    assert!(
        out.status.success() && text.contains("SHARDS: PASS"),
        "{text}"
    );
    // The account, its three alternate contacts and its budget leave one stack; the account
    // and the budget are imported by the other (the contacts are written again in place).
    assert!(
        text.contains("accounts-security: 0 destroyed, 0 replaced, 0 imported, 5 forgotten"),
        "{text}"
    );
    assert!(
        text.contains("accounts-prod: 0 destroyed, 0 replaced, 2 imported, 0 forgotten"),
        "{text}"
    );
    // The harness prints "EMAIL (ID, the same id) is in OU" for the moved account.
    assert!(
        text.contains("aws+log-archive@acme.example (")
            && text.contains(", the same id) is in Prod"),
        "{text}"
    );
    // The lock keeps the move (and so the blocks) until they are gone from the stacks.
    let lock = f.read("landform.lock");
    assert!(
        lock.contains(
            "stack: \"accounts-prod\", import_budget: true, left: [\"accounts-security\"] }"
        ),
        "{lock}"
    );
}
