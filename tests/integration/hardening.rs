//! Hostile or damaged input: duplicate keys, deep nesting, a byte order mark, terminal escape
//! bytes in values, a closed stdout. Each ends in a located error (exit 2) or a quiet success,
//! never a crash, a silently dropped value or raw control bytes on the terminal.

use std::process::{Command, Stdio};

use crate::fixture::Fixture;

/// A small valid blueprint that each case changes in one place.
const BASE: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: eu-west-1
  regions: [eu-west-1]
  tags: { cost-center: platform, owner: platform-team }
environments:
  dev:  { ou: nonprod }
workloads:
  payments: { environments: [dev], owner: payments-team }
accounts:
  security: { ou: security }
  log_archive: { ou: security }
organizational_units:
  security:  { name: Security }
  nonprod:   { name: NonProd }
"#;

fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "case does not apply: {from}");
    BASE.replacen(from, to, 1)
}

/// Runs `validate` on a blueprint text; expects exit 2 and returns the output.
fn rejected(text: &str) -> String {
    let f = Fixture::with_blueprint(text);
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2, "expected an error:\n{}", o.text());
    assert!(!o.text().contains("panicked"), "{}", o.text());
    o.text()
}

#[test]
fn base_blueprint_is_valid() {
    Fixture::with_blueprint(BASE).run_ok(&["validate"]);
}

#[test]
fn duplicate_named_account_is_an_error_at_the_second_occurrence() {
    let text = rejected(&with(
        "  log_archive: { ou: security }\n",
        "  log_archive: { ou: security }\n  security: { ou: nonprod }\n",
    ));
    assert!(
        text.contains("error: duplicate key `security` in `accounts`"),
        "{text}"
    );
    assert!(text.contains("--> landform.yaml:15:3"), "{text}");
    assert!(
        text.contains("note: `security` is first written at landform.yaml:13:3"),
        "{text}"
    );
}

#[test]
fn duplicate_tag_is_an_error_at_the_second_occurrence() {
    let text = rejected(&with(
        "owner: platform-team }",
        "owner: platform-team, owner: x }",
    ));
    assert!(
        text.contains("error: duplicate key `owner` in `organization.tags`"),
        "{text}"
    );
    assert!(text.contains("--> landform.yaml:7:56"), "{text}");
    assert!(
        text.contains("first written at landform.yaml:7:34"),
        "{text}"
    );
}

#[test]
fn duplicate_top_level_key_is_located_at_the_second_occurrence() {
    let text = rejected(&format!("{BASE}environments:\n  prod: {{ ou: nonprod }}\n"));
    assert!(
        text.contains("error: duplicate key `environments`"),
        "{text}"
    );
    assert!(text.contains("--> landform.yaml:18:1"), "{text}");
    assert!(
        text.contains("first written at landform.yaml:8:1"),
        "{text}"
    );
    assert_eq!(text.matches("error:").count(), 1, "{text}");
}

#[test]
fn every_duplicate_is_reported_and_nothing_is_written() {
    let f = Fixture::with_blueprint(&with(
        "  dev:  { ou: nonprod }\n",
        "  dev:  { ou: nonprod, ou: security }\n  dev: { ou: nonprod }\n",
    ));
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert_eq!(
        o.text().matches("error: duplicate key").count(),
        2,
        "{}",
        o.text()
    );
    assert!(!f.exists("terraform"));
    assert!(!f.exists("landform.lock"));
}

#[test]
fn duplicate_key_in_the_lock_is_located_in_the_lock() {
    let f = Fixture::with_blueprint(BASE);
    f.run_ok(&["generate"]);
    let lock = f.read("landform.lock");
    let line = lock
        .lines()
        .find(|l| l.trim_start().starts_with("security:"))
        .expect("security in the lock")
        .to_string();
    // What a careless merge produces: the entry twice, the later one different.
    let second = line.replace("aws+security@", "aws+other@");
    f.write(
        "landform.lock",
        &lock.replacen(&line, &format!("{line}\n{second}"), 1),
    );
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.text().contains("duplicate key `security` in `accounts`"),
        "{}",
        o.text()
    );
    assert!(o.text().contains("--> landform.lock:"), "{}", o.text());
    assert!(
        o.text().contains("restore it from version control"),
        "{}",
        o.text()
    );
}

#[test]
fn deep_block_nesting_is_a_located_error_not_a_crash() {
    // 30,000 levels of block sequences in 60 KB: this overflowed the stack (exit 134).
    let text = format!("version: 1\nworkloads:\n  {}x\n", "- ".repeat(30_000));
    let out = rejected(&text);
    assert!(
        out.contains("error: nesting deeper than 64 levels"),
        "{out}"
    );
    assert!(out.contains("--> landform.yaml:3:"), "{out}");
    // The source line is cut around the caret, not printed whole.
    assert!(out.len() < 2_000, "{} bytes of output", out.len());
}

#[test]
fn deep_mapping_and_flow_nesting_are_located_errors() {
    let mut text = String::from("version: 1\nworkloads:\n");
    for depth in 1..200 {
        text.push_str(&format!("{}k:\n", " ".repeat(depth * 2)));
    }
    let out = rejected(&text);
    assert!(out.contains("nesting deeper than 64 levels"), "{out}");
    assert!(out.contains("--> landform.yaml:"), "{out}");

    let out = rejected(&format!("version: 1\nworkloads: {}\n", "[".repeat(30_000)));
    assert!(out.contains("nesting deeper than 64 levels"), "{out}");
}

#[test]
fn a_byte_order_mark_is_accepted_and_changes_nothing() {
    let plain = Fixture::with_blueprint(BASE);
    plain.run_ok(&["generate"]);
    let bom = Fixture::with_blueprint(&format!("\u{feff}{BASE}"));
    bom.run_ok(&["validate"]);
    bom.run_ok(&["generate"]);
    assert_eq!(plain.tree("terraform"), bom.tree("terraform"));
    assert_eq!(plain.read("landform.lock"), bom.read("landform.lock"));
    // Columns are counted without it.
    let o = Fixture::with_blueprint(&format!(
        "\u{feff}{}",
        with("ou: nonprod }", "ou: nonprd }")
    ))
    .run(&["validate"]);
    assert!(o.text().contains("--> landform.yaml:9:15"), "{}", o.text());
}

/// No byte a terminal acts on (ESC, CSI, BEL, CR, bidi overrides) in `text`.
fn assert_no_raw_controls(text: &str) {
    for c in text.chars() {
        assert!(
            !(matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || c.is_control() && c != '\n' && c != '\t'),
            "raw {c:?} in:\n{text}"
        );
    }
}

#[test]
fn escape_bytes_in_values_are_escaped_in_errors() {
    let f = Fixture::with_blueprint(&with(
        "dev:  { ou: nonprod }",
        r#"dev:  { ou: "non\e]0;owned\aprod\e[2J\r" }"#,
    ));
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert_no_raw_controls(&o.text());
    assert!(
        o.text()
            .contains(r"unknown OU `non\u{1b}]0;owned\u{7}prod\u{1b}[2J\u{d}`"),
        "{}",
        o.text()
    );
}

#[test]
fn bidi_overrides_in_source_lines_are_escaped_in_warnings() {
    // An OU with no accounts is a warning; its source line carries a raw U+202E.
    let text = format!("{BASE}  empty:     {{ name: \"Empty\u{202e}txt.exe\" }}\n");
    let o = Fixture::with_blueprint(&text).run(&["validate"]);
    assert_eq!(o.code, 0, "{}", o.text());
    assert!(
        o.text().contains("warning: OU `empty` has no accounts"),
        "{}",
        o.text()
    );
    assert!(o.text().contains(r"Empty\u{202e}txt.exe"), "{}", o.text());
    assert_no_raw_controls(&o.text());
}

#[test]
fn escape_bytes_in_printed_paths_are_escaped() {
    let f = Fixture::new();
    let name = "evil\u{1b}[2J.yaml";
    f.write(name, BASE);
    let o = f.run(&["validate", name]);
    assert_eq!(o.code, 0, "{}", o.text());
    assert!(o.stdout.contains(r"evil\u{1b}[2J.yaml: ok"), "{}", o.text());
    assert_no_raw_controls(&o.text());
}

/// Runs landform with its stdout already closed at the other end (like `landform … | head -0`).
fn run_with_closed_stdout(f: &Fixture, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_landform"))
        .args(args)
        .current_dir(f.path())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run landform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_quietly_and_the_work_is_done() {
    let f = Fixture::with_blueprint(BASE);
    let (code, stderr) = run_with_closed_stdout(&f, &["guardrails"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    // generate still writes the whole tree and the lock when nobody reads what it prints.
    let (code, stderr) = run_with_closed_stdout(&f, &["generate"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(f.exists("terraform/organization/accounts.tf"));
    assert!(f.exists("landform.lock"));
    let (code, stderr) = run_with_closed_stdout(&f, &["diff"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

// AWS limits on tags, descriptions and names (see src/validate/limits.rs).

/// `validate` output of BASE plus `extra`, with `files` beside it; expects exit 2.
fn rejected_with(extra: &str, files: &[(&str, &str)]) -> String {
    let f = Fixture::with_blueprint(&format!("{BASE}{extra}"));
    for (name, text) in files {
        f.write(name, text);
    }
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 2, "expected an error:\n{}", o.text());
    o.text()
}

#[test]
fn a_tag_value_of_300_characters_fails_wherever_it_is_written() {
    let long = "v".repeat(300);
    for (from, to) in [
        ("owner: platform-team }", format!("owner: {long} }}")),
        ("owner: payments-team }", format!("owner: {long} }}")),
        (
            "security: { ou: security }",
            format!("security: {{ ou: security, tags: {{ a: {long} }} }}"),
        ),
    ] {
        let text = rejected(&with(from, &to));
        assert!(text.contains("has a value of 300 characters"), "{text}");
        assert!(text.contains("at most 256 characters"), "{text}");
        assert!(text.contains("--> landform.yaml:"), "{text}");
    }
}

#[test]
fn tag_characters_aws_refuses_fail() {
    let text = rejected(&with(
        "cost-center: platform",
        "\"cost;center\": \"plat<form>\"",
    ));
    assert!(
        text.contains("error: tag key `cost;center` has `;` (U+003B), which AWS refuses"),
        "{text}"
    );
    assert!(
        text.contains("error: the value of tag `cost;center` has `<` (U+003C), which AWS refuses"),
        "{text}"
    );
    assert!(text.contains("--> landform.yaml:7:11"), "{text}");
    let text = rejected(&with("cost-center: platform", "\"AWS:cost\": platform"));
    assert!(text.contains("reserved `aws:` prefix"), "{text}");
    let text = rejected(&with("owner: payments-team", "owner: \"payments\\tteam\""));
    assert!(
        text.contains("the value of tag `owner` has U+0009"),
        "{text}"
    );
    // Letters and spaces of any script are fine.
    Fixture::with_blueprint(&with(
        "cost-center: platform",
        "Kostenstelle: Plattform Ü 日本",
    ))
    .run_ok(&["validate"]);
}

#[test]
fn too_many_tags_on_one_account_fail() {
    let tags: Vec<String> = (0..50).map(|i| format!("t{i}: x")).collect();
    let text = rejected(&with(
        "cost-center: platform,",
        &format!("{},", tags.join(", ")),
    ));
    // 50 organization tags plus owner, workload and environment on the workload account.
    assert!(text.contains("tags on one resource"), "{text}");
    assert!(text.contains("at most 50 tags per resource"), "{text}");
}

#[test]
fn a_policy_description_of_1000_characters_fails() {
    let scp = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    let text = rejected_with(
        &format!(
            "policies:\n  no-delete:\n    type: scp\n    file: no-delete.json\n    description: {}\n    attach: [root]\n",
            "d".repeat(1000)
        ),
        &[("no-delete.json", scp)],
    );
    assert!(
        text.contains("error: policy description of 1000 characters"),
        "{text}"
    );
    assert!(text.contains("--> landform.yaml:22:18"), "{text}");
    assert!(text.contains("at most 512"), "{text}");
    assert_eq!(text.matches("error:").count(), 1, "{text}");
}

#[test]
fn permission_set_and_group_limits_fail() {
    let text = rejected_with(
        &format!(
            r#"identity_center:
  groups:
    - {{ name: admins, description: "Admins{esc}" }}
    - {{ name: ops, display_name: "{long_group}" }}
  permission_sets:
    admin: {{ managed: [AdministratorAccess], description: "{long}" }}
    euro: {{ managed: [ReadOnlyAccess], description: "costs in €", tags: {{ team: "a|b" }} }}
  access:
    - {{ group: admins, permission_set: admin, accounts: all }}
    - {{ group: ops, permission_set: euro, accounts: all }}
"#,
            esc = "\\e[2J",
            long = "p".repeat(701),
            long_group = "g".repeat(1025),
        ),
        &[],
    );
    for needle in [
        "error: permission set description of 701 characters",
        "1 to 700 characters",
        "error: permission set description has `€` (U+20AC), which AWS refuses",
        "error: the value of tag `team` has `|` (U+007C), which AWS refuses",
        "error: group description has U+001B, which AWS refuses",
        "error: group display name of 1025 characters",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    assert_no_raw_controls(&text);
}

// Template overrides.

fn builtin_template(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates")
            .join(name),
    )
    .unwrap()
}

#[test]
fn an_override_that_drops_the_accounts_file_is_an_error() {
    let f = Fixture::with_blueprint(crate::fixture::preset("minimal"));
    f.write("templates/organization/accounts.tf.tera", "");
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr
            .contains("template `organization/accounts.tf.tera`"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("the override drops 4 accounts"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("`aws_organizations_account.app_dev`"),
        "{}",
        o.stderr
    );
    assert!(!f.exists("terraform"));
    assert!(!f.exists("landform.lock"));

    // After a first generate, the same override still refuses and leaves the tree alone.
    std::fs::remove_dir_all(f.join("templates")).unwrap();
    f.run_ok(&["generate"]);
    let before = f.tree("terraform");
    let filtered = builtin_template("organization/accounts.tf.tera")
        .replace(
            "{% for a in model.accounts %}",
            "{% for a in model.accounts %}{% if a.key != \"app_prod\" %}",
        )
        .replace("{% endfor %}", "{% endif %}{% endfor %}");
    f.write("templates/organization/accounts.tf.tera", &filtered);
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains(
            "drops 1 account the built-in template declares: `aws_organizations_account.app_prod`"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(f.tree("terraform"), before);
}

#[test]
fn an_override_that_keeps_every_account_is_fine() {
    let f = Fixture::with_blueprint(crate::fixture::preset("minimal"));
    let text = builtin_template("organization/accounts.tf.tera").replace(
        "# landform keeps emails stable",
        "# Reviewed by the platform team.\n# landform keeps emails stable",
    );
    f.write("templates/organization/accounts.tf.tera", &text);
    let o = f.run_ok(&["generate"]);
    assert!(!o.text().contains("warning"), "{}", o.text());
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("Reviewed by the platform team")
    );
}

#[test]
fn a_misspelt_override_is_a_warning_naming_the_closest_template() {
    let f = Fixture::with_blueprint(crate::fixture::preset("minimal"));
    f.write("templates/organization/acounts.tf.tera", "");
    f.write("templates/organization/outputs.tf", "");
    f.write("templates/.keep", "");
    let o = f.run_ok(&["generate"]);
    assert!(
        o.stderr.contains("warning: template override `templates/organization/acounts.tf.tera` matches no built-in template; it is ignored"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("did you mean `organization/accounts.tf.tera`?"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(
            "overrides keep the `.tera` extension: did you mean `organization/outputs.tf.tera`?"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.matches("warning:").count(), 2, "{}", o.stderr);
    // The misspelt override changed nothing.
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("app-dev")
    );
    let o = f.run_ok(&["validate"]);
    assert!(
        !o.stderr.contains("template override"),
        "validate renders nothing: {}",
        o.stderr
    );
}

#[test]
fn a_missing_template_folder_is_an_error_for_diff_too() {
    let f = Fixture::with_blueprint(crate::fixture::preset("minimal"));
    for cmd in ["generate", "diff"] {
        let o = f.run(&[cmd, "--templates", "no-such-dir"]);
        assert_eq!(o.code, 2, "{cmd}: {}", o.text());
        assert!(o.stderr.contains("no-such-dir"), "{cmd}: {}", o.stderr);
        assert!(o.stderr.contains("does not exist"), "{cmd}: {}", o.stderr);
    }
    assert!(!f.exists("terraform"));
}
