//! The real terraform judges every preset's tree: `fmt -check` finds nothing to change, and
//! `init` from the offline provider mirror plus `validate` succeed.

use crate::fixture::{Fixture, preset};
use crate::tools;

const PRESETS: &[&str] = &["minimal", "smb", "enterprise"];

/// Stack folders of a generated tree (those holding .tf files).
pub fn stacks(f: &Fixture, out: &str) -> Vec<String> {
    let mut stacks: Vec<String> = f
        .tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".tf") && p.matches('/').count() == 1)
        .map(|(p, _)| p.split('/').next().unwrap().to_string())
        .collect();
    stacks.dedup();
    stacks
}

#[test]
fn hostile_strings_pass_terraform_fmt_and_validate() {
    check_blueprints(
        "hostile_strings_pass_terraform_fmt_and_validate",
        &[("hostile", crate::generate::hostile_blueprint())],
        &[("policies/hostile.json", crate::generate::hostile_policy())],
    );
}

#[test]
fn presets_pass_terraform_fmt_and_validate() {
    let blueprints: Vec<(&str, String)> = PRESETS
        .iter()
        .map(|n| (*n, preset(n).to_string()))
        .collect();
    check_blueprints("presets_pass_terraform_fmt_and_validate", &blueprints, &[]);
}

fn check_blueprints(test: &str, blueprints: &[(&str, String)], files: &[(&str, String)]) {
    for (name, text) in blueprints {
        let f = Fixture::with_blueprint(text);
        for (path, content) in files {
            f.write(path, content);
        }
        f.run_ok(&["generate"]);
        if !fmt_init_validate(test, &f, "terraform") {
            return;
        }
        assert!(
            stacks(&f, "terraform").contains(&"organization".to_string()),
            "{name}"
        );
    }
}

/// `terraform fmt -check` over the tree `out`, then `init` from the offline mirror and
/// `validate` in each stack, asserting each succeeds. False (after a loud skip, or a failure in
/// CI) when terraform or the mirror is missing.
pub fn fmt_init_validate(test: &str, f: &Fixture, out: &str) -> bool {
    if tools::terraform().is_none() {
        tools::missing(test, "terraform");
        return false;
    }
    let Some(plugins) = tools::plugin_dir() else {
        tools::missing(
            test,
            "the hashicorp/aws provider mirror (set LANDFORM_TF_PLUGIN_DIR)",
        );
        return false;
    };
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let fmt = tools::terraform_cmd(&f.join(out))
        .args(["fmt", "-check", "-recursive", "-diff"])
        .output()
        .unwrap();
    assert!(
        fmt.status.success(),
        "{test}: terraform fmt would change:\n{}",
        text(&fmt)
    );
    for stack in stacks(f, out) {
        let dir = f.join(&format!("{out}/{stack}"));
        let init = tools::terraform_cmd(&dir)
            .args(["init", "-backend=false", "-input=false", "-no-color"])
            .arg(format!("-plugin-dir={}", plugins.display()))
            .output()
            .unwrap();
        assert!(
            init.status.success(),
            "{test}: {stack}: init failed:\n{}",
            text(&init)
        );
        let validate = tools::terraform_cmd(&dir)
            .args(["validate", "-no-color"])
            .output()
            .unwrap();
        assert!(
            validate.status.success(),
            "{test}: {stack}: validate failed:\n{}",
            text(&validate)
        );
    }
    true
}
