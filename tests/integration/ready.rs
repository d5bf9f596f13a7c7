//! From `landform init` to a repository ready to commit: state backends and the bootstrap
//! stack, the CI pipeline beside the blueprint, `.gitignore`, the blueprint's JSON Schema,
//! shell completions, and the README's picture of the organization.

use serde_yaml::Value;

use crate::fixture::{Fixture, preset};
use crate::oracle;
use crate::terraform::{fmt_init_validate, stacks};

const PRESETS: &[&str] = &["minimal", "smb", "enterprise"];

/// The stacks of a generated tree in apply order, as landform's model orders them.
pub fn apply_order(f: &Fixture, blueprint: &str, out: &str) -> Vec<String> {
    let loaded = landform::load_file(&f.join(blueprint)).expect("load");
    let (model, _) = landform::check(&loaded).expect("valid blueprint");
    let present = stacks(f, out);
    let order: Vec<String> = model
        .stack_order
        .iter()
        .filter(|s| present.contains(s))
        .cloned()
        .collect();
    assert_eq!(
        order.len(),
        present.len(),
        "every stack folder of the tree is in the model's apply order: {present:?} vs {order:?}"
    );
    order
}

fn key(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The stacks a pipeline file names, in the order it applies them, checking that each apply
/// waits for the one before.
pub fn pipeline_stacks(provider: &str, text: &str) -> Vec<String> {
    let doc: Value =
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{provider}: {e}\n{text}"));
    let mut out = Vec::new();
    match provider {
        "github" => {
            let jobs = doc["jobs"].as_mapping().expect("jobs");
            for (name, job) in jobs {
                let Some(stack) = key(name).strip_prefix("apply-").map(str::to_string) else {
                    continue;
                };
                let needs: Vec<String> = job["needs"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(key)
                    .collect();
                if let Some(prev) = out.last() {
                    assert!(
                        needs.contains(&format!("apply-{prev}")),
                        "{stack}: {needs:?}"
                    );
                }
                assert_eq!(key(&job["environment"]), "production");
                assert_eq!(
                    key(&job["defaults"]["run"]["working-directory"]),
                    format!("terraform/{stack}")
                );
                out.push(stack);
            }
            // The path filters name the same stacks, in the same order.
            let filters: Value = serde_yaml::from_str(
                doc["jobs"]["changes"]["steps"][1]["with"]["filters"]
                    .as_str()
                    .unwrap(),
            )
            .unwrap();
            let names: Vec<String> = filters.as_mapping().unwrap().keys().map(key).collect();
            assert_eq!(names, out, "path filters");
            let check = &doc["jobs"]["check"]["steps"];
            assert!(
                check
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .any(|s| key(&s["run"]).contains("landform generate --check")),
                "{text}"
            );
            assert!(text.contains("$GITHUB_STEP_SUMMARY"), "{text}");
            // The diff includes the README's own ``` fences: the summary's fence is longer.
            assert!(text.contains("echo '``````````'"), "{text}");
        }
        "gitlab" => {
            for (name, job) in doc.as_mapping().unwrap() {
                let name = key(name);
                let Some(stack) = name.strip_prefix("apply:").map(str::to_string) else {
                    continue;
                };
                let needs = serde_yaml::to_string(&job["needs"]).unwrap();
                if let Some(prev) = out.last() {
                    assert!(needs.contains(&format!("apply:{prev}")), "{stack}: {needs}");
                }
                assert!(
                    doc[format!("plan:{stack}").as_str()].is_mapping(),
                    "plan job for {stack}"
                );
                out.push(stack);
            }
            assert!(text.contains("landform generate --check"), "{text}");
        }
        "atlantis" => {
            for (i, p) in doc["projects"].as_sequence().unwrap().iter().enumerate() {
                let stack = key(&p["name"]);
                assert_eq!(key(&p["dir"]), format!("terraform/{stack}"));
                assert_eq!(p["execution_order_group"].as_u64(), Some(i as u64));
                assert!(p["autoplan"]["when_modified"].is_sequence());
                out.push(stack);
            }
            assert!(text.contains("landform generate --check '../../landform.yaml'"));
        }
        _ => unreachable!(),
    }
    out
}

#[test]
fn init_with_state_and_ci_is_a_repository_ready_to_commit() {
    let f = Fixture::new();
    f.run_ok(&["init", "repo", "--preset", "smb"]);
    let ignore = f.read("repo/.gitignore");
    let lines: Vec<&str> = ignore.lines().map(str::trim).collect();
    for want in [
        ".terraform/",
        "*.tfstate",
        "*.tfstate.*",
        "*.tfplan",
        "!.terraform.lock.hcl",
    ] {
        assert!(lines.contains(&want), "{want} in .gitignore:\n{ignore}");
    }
    assert!(
        !lines.contains(&".terraform.lock.hcl"),
        "the lock file is committed"
    );
    let blueprint = f.read("repo/landform.yaml");
    assert!(
        blueprint.starts_with("# yaml-language-server: $schema=./landform.schema.json\n"),
        "{blueprint}"
    );
    assert_eq!(
        f.read("repo/landform.schema.json"),
        f.run_ok(&["schema"]).stdout
    );

    for provider in ["github", "gitlab", "atlantis"] {
        f.write(
            "repo/landform.yaml",
            &format!(
                "{blueprint}\nstate: {{ bucket: acme-tfstate, region: eu-central-1 }}\nci: {{ provider: {provider} }}\n"
            ),
        );
        f.run_ok(&["generate", "repo/landform.yaml"]);
        let order = apply_order(&f, "repo/landform.yaml", "repo/terraform");
        assert_eq!(order[0], "bootstrap");
        assert_eq!(order[1], "organization");
        for stack in &order {
            let dir = format!("repo/terraform/{stack}");
            let terraform = f.read(&format!("{dir}/terraform.tf"));
            assert!(
                terraform.contains("version = \">= 5.100, < 6.0\""),
                "{stack}: {terraform}"
            );
            if stack == "bootstrap" {
                assert!(
                    !f.exists(&format!("{dir}/backend.tf")),
                    "step 1: local state"
                );
                continue;
            }
            let backend = f.read(&format!("{dir}/backend.tf"));
            for want in [
                "backend \"s3\"".to_string(),
                "bucket       = \"acme-tfstate\"".to_string(),
                format!("key          = \"{stack}/terraform.tfstate\""),
                "region       = \"eu-central-1\"".to_string(),
                "encrypt      = true".to_string(),
                "use_lockfile = true".to_string(),
            ] {
                assert!(backend.contains(&want), "{stack}: {want} in\n{backend}");
            }
            assert!(
                terraform.contains("required_version = \">= 1.10\""),
                "{terraform}"
            );
        }
        let path = landform::CI_PATHS
            .iter()
            .find(|p| f.exists(&format!("repo/{p}")))
            .unwrap_or_else(|| panic!("{provider}: no pipeline written"));
        let others = landform::CI_PATHS.iter().filter(|p| *p != path);
        for other in others {
            assert!(!f.exists(&format!("repo/{other}")), "{other} left behind");
        }
        let text = f.read(&format!("repo/{path}"));
        assert_eq!(pipeline_stacks(provider, &text), order, "{provider}");
        assert_eq!(
            f.run(&["generate", "--check", "repo/landform.yaml"]).code,
            0
        );
    }

    // Step 2 of the migration: bootstrap/ gets its backend too.
    let text = f.read("repo/landform.yaml").replace(
        "region: eu-central-1 }",
        "region: eu-central-1, bootstrapped: true, key_prefix: lz }",
    );
    f.write("repo/landform.yaml", &text);
    f.run_ok(&["generate", "repo/landform.yaml"]);
    let backend = f.read("repo/terraform/bootstrap/backend.tf");
    assert!(
        backend.contains("key          = \"lz/bootstrap/terraform.tfstate\""),
        "{backend}"
    );
    let bucket = f.read("repo/terraform/bootstrap/main.tf");
    for want in [
        "prevent_destroy = true",
        "status = \"Enabled\"",
        "sse_algorithm = \"aws:kms\"",
        "restrict_public_buckets = true",
        "\"aws:SecureTransport\" = \"false\"",
    ] {
        assert!(bucket.contains(want), "{want}");
    }
    let readme = f.read("repo/terraform/README.md");
    assert!(readme.contains("## Before the first apply"), "{readme}");
    assert!(readme.contains("terraform init -migrate-state"), "{readme}");
    assert!(!readme.contains("crates.io"), "{readme}");
    fmt_init_validate(
        "init_with_state_and_ci_is_a_repository_ready_to_commit",
        &f,
        "repo/terraform",
    );

    // Without `ci:`, the pipeline landform wrote goes; a hand-written one stays.
    let text = f.read("repo/landform.yaml");
    let cut = text.find("\nci:").unwrap();
    f.write("repo/landform.yaml", &text[..cut + 1]);
    f.run_ok(&["generate", "repo/landform.yaml"]);
    assert!(!f.exists("repo/atlantis.yaml"));
}

#[test]
fn a_hand_written_pipeline_is_never_overwritten() {
    let f = Fixture::with_blueprint(&format!(
        "{}\nci: {{ provider: gitlab }}\n",
        preset("minimal")
    ));
    let mine = "stages: [mine]\n";
    f.write(".gitlab-ci.yml", mine);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.text().contains(".gitlab-ci.yml"), "{}", o.text());
    assert!(o.text().contains("not written by landform"), "{}", o.text());
    assert_eq!(f.read(".gitlab-ci.yml"), mine);
    assert!(!f.exists("terraform"), "nothing written");
    // The tree in the blueprint's own folder cannot share it with a pipeline.
    let o = f.run(&["generate", "-o", "."]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.text().contains("inside"), "{}", o.text());
}

#[test]
fn without_state_a_users_own_backend_is_left_alone() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    assert!(!f.exists("terraform/organization/backend.tf"));
    assert!(!f.exists("terraform/bootstrap"));
    let readme = f.read("terraform/README.md");
    assert!(readme.contains("Add `state: { bucket:"), "{readme}");
    let mine = "terraform {\n  backend \"s3\" {}\n}\n";
    f.write("terraform/organization/backend.tf", mine);
    f.run_ok(&["generate"]);
    assert_eq!(f.run(&["generate", "--check"]).code, 0);
    assert_eq!(f.read("terraform/organization/backend.tf"), mine);
    assert!(
        !f.read("terraform/.landform-manifest")
            .contains("backend.tf")
    );
    // Asking for `state:` now would replace it: refused, and it is still there.
    f.write(
        "landform.yaml",
        &format!("{}\nstate: {{ bucket: acme-tfstate }}\n", preset("minimal")),
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.text().contains("organization/backend.tf"), "{}", o.text());
    assert_eq!(f.read("terraform/organization/backend.tf"), mine);
}

#[test]
fn bad_state_and_ci_values_are_located_errors() {
    let f = Fixture::with_blueprint(&format!(
        "{}\nstate: {{ bucket: Acme_State, region: mars-1 }}\nci: {{ provider: github, branch: \"main'; x\", role_arn: nope }}\n",
        preset("minimal")
    ));
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    for want in [
        "`Acme_State` is not a valid S3 bucket name",
        "`mars-1` is not an AWS region",
        "is not a usable CI branch name",
        "`nope` is not an IAM role ARN",
        "landform.yaml:",
    ] {
        assert!(o.text().contains(want), "{want}:\n{}", o.text());
    }
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2);
    assert!(!f.exists("terraform"));
    let f = Fixture::with_blueprint(&format!(
        "{}\nci: {{ provider: jenkins }}\n",
        preset("minimal")
    ));
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2);
    assert!(o.text().contains("unknown value `jenkins`"), "{}", o.text());
}

#[test]
fn the_schema_accepts_every_preset_and_rejects_a_typo() {
    let f = Fixture::new();
    let schema: serde_json::Value =
        serde_json::from_str(&f.run_ok(&["schema"]).stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let as_json = |yaml: &str| -> serde_json::Value { serde_yaml::from_str(yaml).expect("yaml") };
    let extra =
        "\nstate: { bucket: acme-tfstate, region: eu-west-1 }\nci: { provider: atlantis }\n";
    for name in PRESETS {
        let text = preset(name);
        let errors: Vec<String> = validator
            .iter_errors(&as_json(text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert!(
            validator.is_valid(&as_json(&format!("{text}{extra}"))),
            "{name} + state + ci"
        );
        for (from, to) in [
            ("home_region:", "home_regoin:"),
            ("\norganization:", "\norganisation:"),
            ("ou: ", "uo: "),
        ] {
            assert!(text.contains(from), "{name}: {from}");
            let typo = text.replacen(from, to, 1);
            assert!(
                !validator.is_valid(&as_json(&typo)),
                "{name}: {to} accepted"
            );
        }
        assert!(
            !validator.is_valid(&as_json(&format!("{text}\nci: {{ provider: jenkins }}\n"))),
            "{name}: unknown CI provider accepted"
        );
    }
}

#[test]
fn completions_for_every_shell() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = f.run_ok(&["completions", shell]);
        assert!(o.stdout.contains("generate"), "{shell}");
        assert!(o.stdout.contains("schema"), "{shell}");
    }
    assert_eq!(f.run(&["completions", "tcsh"]).code, 2);
}

/// The lines of the README's mermaid block.
fn mermaid(readme: &str) -> Vec<String> {
    let start = readme.find("```mermaid\n").expect("a mermaid block") + 11;
    let end = start + readme[start..].find("```").expect("closed");
    readme[start..end].lines().map(str::to_string).collect()
}

#[test]
fn the_readme_draws_the_organization_with_every_label_escaped() {
    let f = Fixture::with_blueprint(&crate::generate::hostile_blueprint());
    f.write("policies/hostile.json", &crate::generate::hostile_policy());
    f.run_ok(&["generate"]);
    let lines = mermaid(&f.read("terraform/README.md"));
    assert_eq!(lines[0], "flowchart LR");
    for line in &lines[1..] {
        let l = line.trim();
        // A node: id, an opening, one quoted label, a closing; or an edge between ids.
        if l.contains("-->") {
            assert!(
                l.split(" --> ")
                    .all(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
                "{l}"
            );
            continue;
        }
        let open = l.find('"').expect(l);
        let close = l.rfind('"').unwrap();
        // Entity codes (`#34;`) are the escaped form; what remains must be plain.
        let mut label = l[open + 1..close].replace("<br/>", "");
        while let Some(at) = label.find('#') {
            let digits = label[at + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            assert!(
                digits > 0 && label[at + 1 + digits..].starts_with(';'),
                "a bare `#` in {l}"
            );
            label.replace_range(at..at + digits + 2, "");
        }
        assert!(
            !label.contains(['"', '<', '>', '`', '[', ']', '{', '}', '|', ';', '\\']),
            "unescaped label: {l}"
        );
        assert!(
            l[..open]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_([".contains(c)),
            "{l}"
        );
    }
    assert!(lines.iter().any(|l| l.contains("(OU)")));

    // Many accounts in one OU: one summary node.
    let mut text = preset("minimal").to_string();
    text.push_str("\nsandboxes: [a, b, c, d, e, f, g, h, i, j, k, l]\n");
    let text = text.replacen(
        "organizational_units:\n",
        "organizational_units:\n  sandbox: { name: Sandbox }\n",
        1,
    );
    let f = Fixture::with_blueprint(&text);
    f.run_ok(&["generate"]);
    let lines = mermaid(&f.read("terraform/README.md"));
    assert!(
        lines.iter().any(|l| l.contains("[\"12 accounts")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("sandbox-a")), "{lines:#?}");
}

/// `terraform test` with a mocked provider: the organization's accounts exist, Identity Center
/// has no instance yet. The plan must stop at the postcondition with its instruction, not at an
/// index error.
#[test]
fn identity_center_not_enabled_is_a_plan_time_instruction() {
    let test = "identity_center_not_enabled_is_a_plan_time_instruction";
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    let main = f.read("terraform/identity-center/main.tf");
    assert!(main.contains("postcondition"), "{main}");
    if crate::tools::terraform().is_none() {
        return crate::tools::missing(test, "terraform");
    }
    let Some(plugins) = crate::tools::plugin_dir() else {
        return crate::tools::missing(test, "the hashicorp/aws provider mirror");
    };
    let emails: std::collections::BTreeSet<String> = f
        .read("terraform/identity-center/assignments.tf")
        .split("email = \"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect();
    assert!(!emails.is_empty());
    let accounts: Vec<String> = emails
        .iter()
        .enumerate()
        .map(|(i, e)| {
            format!(
                "{{ id = \"{:012}\", email = \"{e}\" }}",
                100_000_000_000 + i
            )
        })
        .collect();
    let mock = |expect: bool| {
        format!(
            "mock_provider \"aws\" {{\n  override_data {{\n    target = data.aws_ssoadmin_instances.this\n    \
             values = {{ arns = [], identity_store_ids = [] }}\n  }}\n  override_data {{\n    \
             target = data.aws_organizations_organization.this\n    values = {{ accounts = [{}] }}\n  }}\n}}\n\n\
             run \"not_enabled\" {{\n  command = plan\n{}}}\n",
            accounts.join(", "),
            if expect {
                "  expect_failures = [data.aws_ssoadmin_instances.this]\n"
            } else {
                ""
            }
        )
    };
    let dir = f.join("terraform/identity-center");
    let run = |args: &[&str]| {
        let o = crate::tools::terraform_cmd(&dir)
            .args(args)
            .output()
            .unwrap();
        (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    let (ok, text) = run(&[
        "init",
        "-backend=false",
        "-input=false",
        "-no-color",
        &format!("-plugin-dir={}", plugins.display()),
    ]);
    assert!(ok, "{text}");
    f.write(
        "terraform/identity-center/tests/not_enabled.tftest.hcl",
        &mock(false),
    );
    let (ok, text) = run(&["test", "-no-color"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("IAM Identity Center is not enabled"),
        "{text}"
    );
    assert!(!text.contains("Invalid index"), "{text}");
    f.write(
        "terraform/identity-center/tests/not_enabled.tftest.hcl",
        &mock(true),
    );
    let (ok, text) = run(&["test", "-no-color"]);
    assert!(ok, "only the postcondition fails:\n{text}");
}

#[test]
fn the_bootstrap_stack_applies_in_the_emulator() {
    let test = "the_bootstrap_stack_applies_in_the_emulator";
    let Some(py) = oracle::available(test) else {
        return;
    };
    let f = Fixture::with_blueprint(&format!(
        "{}\nstate: {{ bucket: acme-tfstate }}\n",
        preset("minimal")
    ));
    f.run_ok(&["generate"]);
    oracle::write_model(&f, "landform.yaml", "model.json");
    let (ok, text) = oracle::run_oracle_on(&py, &f, "terraform", "model.json", &["bootstrap"]);
    eprintln!("{test}:\n{text}");
    assert!(ok, "{test}: the oracle failed:\n{text}");
    assert!(
        text.contains("[bootstrap] emulator state matches the model"),
        "{text}"
    );
    assert!(text.contains("ORACLE: PASS"), "{text}");
}

/// `--format json` for validate, diff, access and explain: one JSON document on stdout (a bidi
/// override in a name arrives as an escape, not raw), the same exit codes as the text output.
#[test]
fn json_output_for_validate_diff_access_and_explain() {
    let json = |o: &crate::fixture::Outcome| -> serde_json::Value {
        assert!(o.stdout.is_ascii(), "{}", o.stdout);
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", o.stdout))
    };
    let text = preset("smb").replacen(
        "{ name: Prod, parent: workloads }",
        "{ name: \"Prod\u{202e}x\", parent: workloads }",
        1,
    );
    let f = Fixture::with_blueprint(&text);

    let o = f.run(&["validate", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.text());
    let v = json(&o);
    assert_eq!(v["ok"], true);
    assert!(v["summary"]["accounts"].as_u64().unwrap() > 5, "{v}");

    let o = f.run(&["diff", "--format", "json"]);
    assert_eq!(o.code, 1, "changes: exit 1\n{}", o.text());
    let v = json(&o);
    assert_eq!(v["changes"], true);
    assert!(
        v["files"]["added"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "organization/accounts.tf"),
        "{v}"
    );
    f.run_ok(&["generate"]);
    let o = f.run(&["diff", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.text());
    assert_eq!(json(&o)["changes"], false);

    let o = f.run_ok(&["access", "--format", "json"]);
    let v = json(&o);
    assert!(!v["rows"].as_array().unwrap().is_empty(), "{v}");
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ou"].as_str().unwrap().contains("Prod\u{202e}x")),
        "the name round-trips through the escape: {v}"
    );

    let o = f.run_ok(&["explain", "prod", "--format", "json"]);
    assert!(o.stdout.contains("\\u202e"), "{}", o.stdout);
    json(&o);

    // Errors: still JSON on stdout, located, exit 2.
    f.write(
        "landform.yaml",
        &text.replacen("home_region:", "home_regoin:", 1),
    );
    let o = f.run(&["validate", "--format", "json"]);
    assert_eq!(o.code, 2, "{}", o.text());
    let v = json(&o);
    assert_eq!(v["ok"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "landform.yaml");
    assert!(d["line"].as_u64().unwrap() > 1, "{d}");
    assert!(d["help"].as_str().unwrap().contains("home_region"), "{d}");
}
