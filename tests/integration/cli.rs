//! Commands and exit codes: 0 ok, 1 `--check` drift, 2 bad input or usage.

use crate::fixture::{Fixture, preset};

#[test]
fn init_writes_blueprint_and_tree_and_refuses_to_overwrite() {
    let f = Fixture::new();
    let o = f.run_ok(&["init", "--preset", "minimal"]);
    assert!(o.stdout.contains("wrote"), "{}", o.text());
    let written = format!(
        "# yaml-language-server: $schema=./landform.schema.json\n{}",
        preset("minimal")
    );
    assert_eq!(f.read("landform.yaml"), written);
    assert!(f.exists("terraform/organization/accounts.tf"));
    let again = f.run(&["init", "--preset", "smb"]);
    assert_eq!(again.code, 2, "{}", again.text());
    assert!(
        again.stderr.contains("never overwrites"),
        "{}",
        again.text()
    );
    assert_eq!(f.read("landform.yaml"), written);
}

#[test]
fn init_into_a_new_folder() {
    let f = Fixture::new();
    f.run_ok(&["init", "repo", "--preset", "enterprise"]);
    assert!(f.exists("repo/landform.yaml"));
    assert!(f.exists("repo/terraform/organization/organization.tf"));
}

#[test]
fn unknown_preset_is_a_usage_error() {
    let f = Fixture::new();
    let o = f.run(&["init", "--preset", "huge"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("minimal, smb, enterprise"),
        "{}",
        o.text()
    );
    assert!(!f.exists("landform.yaml"));
}

#[test]
fn bad_usage_exits_2() {
    let f = Fixture::new();
    assert_eq!(f.run(&["frobnicate"]).code, 2);
    assert_eq!(f.run(&["generate", "--no-such-flag"]).code, 2);
    assert_eq!(f.run(&["--version"]).code, 0);
}

#[test]
fn missing_blueprint_exits_2_and_says_what_to_do() {
    let f = Fixture::new();
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("landform.yaml"), "{}", o.text());
    assert!(o.stderr.contains("landform init"), "{}", o.text());
}

#[test]
fn check_exits_1_on_drift_and_0_when_up_to_date() {
    let f = Fixture::with_blueprint(preset("minimal"));
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("added    organization/accounts.tf"),
        "{}",
        o.text()
    );
    assert!(!f.exists("terraform"), "--check wrote files");
    f.run_ok(&["generate"]);
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 0, "{}", o.text());
    // A declared rename (an undeclared one is an error: see lock.rs).
    f.write(
        "landform.yaml",
        &preset("minimal").replace("app: {", "shop: { renamed_from: app,"),
    );
    let o = f.run(&["generate", "--check"]);
    assert_eq!(o.code, 1, "{}", o.text());
    assert!(
        o.stdout.contains("changed  organization/accounts.tf"),
        "{}",
        o.text()
    );
}

#[test]
fn validate_reports_ok_with_counts() {
    let f = Fixture::with_blueprint(preset("smb"));
    let o = f.run_ok(&["validate"]);
    assert!(
        o.stdout.contains("12 accounts in 7 OUs, 8 policies"),
        "{}",
        o.text()
    );
}

#[test]
fn output_directory_flag_and_default() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate", "-o", "elsewhere"]);
    assert!(f.exists("elsewhere/organization/accounts.tf"));
    assert!(!f.exists("terraform"));
    f.write("sub/landform.yaml", preset("minimal"));
    f.run_ok(&["generate", "sub/landform.yaml"]);
    assert!(f.exists("sub/terraform/organization/accounts.tf"));
}

#[test]
fn guardrails_lists_the_library() {
    let f = Fixture::new();
    let o = f.run_ok(&["guardrails"]);
    for name in [
        "deny_leave_organization",
        "region_restriction",
        "exempt_roles",
    ] {
        assert!(o.stdout.contains(name), "{}", o.stdout);
    }
}

/// The README's blueprint reference is a blueprint that validates, so the docs stay true.
#[test]
fn readme_blueprint_reference_validates() {
    let readme = include_str!("../../README.md");
    let section = readme
        .find("## The blueprint")
        .expect("the blueprint section");
    let start =
        section + readme[section..].find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let f = Fixture::with_blueprint(&readme[start..end]);
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": "{{ allowed_regions }}"}}}]}"#;
    f.write("policies/deny-large-instances.json", deny);
    f.write(
        "policies/deployer.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let o = f.run(&["validate"]);
    assert_eq!(o.code, 0, "{}", o.text());
    f.run_ok(&["generate"]);
}

#[test]
fn diff_takes_generates_options_and_refuses_a_missing_template_folder() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate", "--pack"]);
    let o = f.run_ok(&["diff", "--pack"]);
    assert!(o.stdout.starts_with("no changes"), "{}", o.text());
    let o = f.run(&["diff"]);
    assert!(!o.stdout.starts_with("no changes"), "{}", o.text());
    assert!(o.stdout.contains("policies"), "{}", o.text());
    let o = f.run(&["diff", "--pack", "--templates", "missing"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("template folder missing does not exist"),
        "{}",
        o.stderr
    );
    // The flag never reaches the blueprint.
    assert_eq!(f.read("landform.yaml"), preset("smb"));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let f = Fixture::with_blueprint(preset("enterprise"));
    for args in [&["guardrails"][..], &["diff"], &["generate"]] {
        // A pipe whose reader has already gone: every write to it fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_landform"))
            .args(args)
            .current_dir(f.path())
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        // 0, or 1 for a diff that finds changes: never 101 (a panic).
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
    }
    // The generate went through although nobody read what it printed.
    assert!(f.exists("terraform/organization/accounts.tf"));
}

/// The minimal preset with an empty OU (a warning) and, when `bad`, an unknown environment
/// (an error).
fn conventions_blueprint(bad: bool) -> String {
    let mut text = preset("minimal").replace(
        "  nonprod:   { name: NonProd, parent: workloads }\n",
        "  nonprod:   { name: NonProd, parent: workloads }\n  parking:   { name: Parking }\n",
    );
    if bad {
        text = text.replace("environments: [dev, prod]", "environments: [dev, prd]");
    }
    assert!(text.contains("parking"));
    text
}

/// Exit code, stdout and stderr of a run, for a snapshot; per-stage timings (`-v`) are `[T]`.
fn shown(o: &crate::fixture::Outcome) -> String {
    let timing = regex_lite_ms(&o.stderr);
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        o.code, o.stdout, timing
    )
}

/// Replaces ` 12.3 ms (` by ` [T] ms (` in `-v` stage lines.
fn regex_lite_ms(text: &str) -> String {
    text.lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("landform: ")
                && let Some(ms) = rest.find(" ms (")
            {
                let stage_end = rest[..ms].rfind(' ').unwrap();
                let number = &rest[stage_end + 1..ms];
                assert!(number.parse::<f64>().is_ok(), "{l}");
                format!("landform: {} [T]{}\n", &rest[..stage_end], &rest[ms..])
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

#[test]
fn quiet_prints_only_errors() {
    let f = Fixture::with_blueprint(&conventions_blueprint(false));
    // Normally: the warning and the status lines.
    let normal = f.run(&["generate"]);
    assert_eq!(normal.code, 0, "{}", normal.text());
    assert!(
        normal
            .stderr
            .contains("warning: OU `parking` has no accounts"),
        "{}",
        normal.text()
    );
    // -q: nothing at all; `diff -q` prints no diff and exits 1 on changes (`git diff --quiet`).
    let quiet_validate = f.run(&["validate", "-q"]);
    let quiet_generate = f.run(&["-q", "generate"]);
    let quiet_check = f.run(&["generate", "--check", "--quiet"]);
    f.write(
        "landform.yaml",
        &conventions_blueprint(false).replace("app-team", "apps-team"),
    );
    let quiet_diff_changes = f.run(&["diff", "-q"]);
    f.write("landform.yaml", &conventions_blueprint(true));
    let quiet_error = f.run(&["validate", "-q"]);
    insta::assert_snapshot!(
        "quiet",
        [
            ("validate -q", &quiet_validate),
            ("-q generate", &quiet_generate),
            ("generate --check --quiet", &quiet_check),
            ("diff -q (a tag changed)", &quiet_diff_changes),
            ("validate -q (an error)", &quiet_error),
        ]
        .iter()
        .map(|(what, o)| format!("=== landform {what}\n{}", shown(o)))
        .collect::<String>()
    );
    assert_eq!(quiet_validate.code, 0);
    assert_eq!(quiet_validate.text(), "");
    assert_eq!(quiet_generate.text(), "");
    assert_eq!(quiet_check.text(), "");
    assert_eq!(quiet_diff_changes.code, 1);
    assert_eq!(quiet_diff_changes.text(), "");
    assert_eq!(quiet_error.code, 2);
    assert!(
        quiet_error.stderr.starts_with("error: workload `app`"),
        "{}",
        quiet_error.text()
    );
    assert!(
        !quiet_error.stderr.contains("warning"),
        "{}",
        quiet_error.text()
    );
    // The document a command exists to print is still printed.
    f.write("landform.yaml", &conventions_blueprint(false));
    let explain = f.run(&["explain", "app_prod", "-q", "--format", "text"]);
    assert_eq!(explain.code, 0);
    assert!(
        explain.stdout.starts_with("account app_prod"),
        "{}",
        explain.text()
    );
    assert_eq!(explain.stderr, "");
    // -q and -v together are a usage error.
    assert_eq!(f.run(&["validate", "-q", "-v"]).code, 2);
}

#[test]
fn verbose_reports_each_stage_on_stderr() {
    let f = Fixture::with_blueprint(&conventions_blueprint(false));
    let first = f.run(&["generate", "-v"]);
    let again = f.run(&["-v", "generate"]);
    let explain = f.run(&["explain", "root", "--verbose", "--format", "json"]);
    insta::assert_snapshot!(
        "verbose",
        [
            ("generate -v (first)", &first),
            ("-v generate (again)", &again),
        ]
        .iter()
        .map(|(what, o)| format!("=== landform {what}\n{}", shown(o)))
        .collect::<String>()
    );
    assert_eq!(first.code, 0);
    for stage in [
        "load",
        "validate",
        "expand",
        "check model",
        "render",
        "verify",
        "plan",
        "write",
    ] {
        assert!(
            first.stderr.contains(&format!("landform: {stage} ")),
            "{stage}:\n{}",
            first.stderr
        );
    }
    // stdout stays the document (valid JSON); the stages go to stderr.
    assert_eq!(explain.code, 0);
    serde_json::from_str::<serde_json::Value>(&explain.stdout).expect("json on stdout");
    assert!(
        explain.stderr.contains("landform: expand "),
        "{}",
        explain.stderr
    );
}

#[test]
fn colour_always_never_and_no_color() {
    let f = Fixture::with_blueprint(&conventions_blueprint(true));
    // --color always paints the error (and wins over NO_COLOR, the more general request).
    let always = f.run_env(
        &["validate", "--color", "always"],
        &[("NO_COLOR", Some("1"))],
    );
    // Not a terminal: auto never colours, with or without NO_COLOR; never never does.
    let auto = f.run_env(&["validate"], &[("NO_COLOR", None)]);
    let no_color = f.run_env(&["validate", "--color", "auto"], &[("NO_COLOR", Some("1"))]);
    let never = f.run_env(&["validate", "--color", "never"], &[("NO_COLOR", None)]);
    insta::assert_snapshot!(
        "colour",
        [
            ("validate --color always (NO_COLOR=1)", &always),
            ("validate (not a terminal)", &auto),
            ("validate --color auto (NO_COLOR=1)", &no_color),
            ("validate --color never", &never),
        ]
        .iter()
        .map(|(what, o)| format!(
            "=== landform {what}\n{}",
            shown(o).replace('\u{1b}', "<ESC>")
        ))
        .collect::<String>()
    );
    for o in [&always, &auto, &no_color, &never] {
        assert_eq!(o.code, 2, "{}", o.text());
    }
    assert!(
        always.stderr.starts_with("\u{1b}[1;31merror\u{1b}[0m: "),
        "{}",
        always.stderr
    );
    for o in [&auto, &no_color, &never] {
        assert!(!o.text().contains('\u{1b}'), "{}", o.text());
        assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    }
    // A warning in yellow; the diff in green and red.
    let f = Fixture::with_blueprint(&conventions_blueprint(false));
    let w = f.run(&["generate", "--color", "always"]);
    assert!(
        w.stderr
            .contains("\u{1b}[1;33mwarning\u{1b}[0m: OU `parking` has no accounts"),
        "{}",
        w.stderr
    );
    f.write(
        "landform.yaml",
        &conventions_blueprint(false).replace("app-team", "apps-team"),
    );
    let d = f.run(&["diff", "--color", "always"]);
    assert_eq!(d.code, 1);
    assert!(d.stdout.contains("\u{1b}[32m+"), "{}", d.stdout);
    assert!(d.stdout.contains("\u{1b}[31m-"), "{}", d.stdout);
    let plain = f.run(&["diff"]);
    assert!(!plain.text().contains('\u{1b}'));
    // An unknown choice is a usage error.
    assert_eq!(f.run(&["validate", "--color", "sometimes"]).code, 2);
}

#[test]
fn colour_never_lets_a_blueprint_string_carry_its_own_escapes() {
    // A hostile OU name with a terminal escape, in an error and in a diff, coloured.
    let hostile = conventions_blueprint(false).replace(
        "  parking:   { name: Parking }\n",
        "  parking:   { name: \"Park\\e[2J\\e]0;pwned\\u0007ing\" }\n",
    );
    let f = Fixture::with_blueprint(&conventions_blueprint(false));
    f.run_ok(&["generate"]);
    f.write("landform.yaml", &hostile);
    let d = f.run(&["diff", "--color", "always"]);
    assert_eq!(d.code, 1, "{}", d.text());
    let e = f.run(&[
        "explain", "parking", "--color", "always", "--format", "text",
    ]);
    let bad = f.run(&["explain", "Park\u{1b}[2J", "--color", "always"]);
    assert_eq!(bad.code, 2);
    for o in [&d, &e, &bad] {
        // Every escape byte in the output starts one of landform's own colour codes.
        let text = o.text();
        for (i, _) in text.match_indices('\u{1b}') {
            let code = &text[i..];
            assert!(
                [
                    "\u{1b}[0m",
                    "\u{1b}[1;31m",
                    "\u{1b}[1;33m",
                    "\u{1b}[1;34m",
                    "\u{1b}[36m",
                    "\u{1b}[32m",
                    "\u{1b}[31m",
                    "\u{1b}[1m"
                ]
                .iter()
                .any(|c| code.starts_with(c)),
                "a foreign escape at {i}: {:?}",
                &code[..code.len().min(20)]
            );
        }
        assert!(!text.contains('\u{7}'), "{text:?}");
    }
    // The tree holds it escaped (HCL); the terminal report shows its escapes visibly.
    assert!(
        d.stdout
            .contains("name      = \"Park\\u001b[2J\\u001b]0;pwned\\u0007ing\""),
        "{}",
        d.stdout
    );
    // (explain's title drops control characters.)
    assert!(
        e.stdout.contains("OU parking (Park\\[2J\\]0;pwneding)"),
        "{}",
        e.stdout
    );
    assert!(bad.stderr.contains("Park\\u{1b}[2J"), "{}", bad.stderr);
}
