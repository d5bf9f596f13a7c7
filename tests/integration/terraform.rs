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
    let Some(_) = tools::terraform() else {
        return tools::missing(test, "terraform");
    };
    let Some(plugins) = tools::plugin_dir() else {
        return tools::missing(
            test,
            "the hashicorp/aws provider mirror (set LANDFORM_TF_PLUGIN_DIR)",
        );
    };
    for (name, text) in blueprints {
        let f = Fixture::with_blueprint(text);
        for (path, content) in files {
            f.write(path, content);
        }
        f.run_ok(&["generate"]);
        let fmt = tools::terraform_cmd(&f.join("terraform"))
            .args(["fmt", "-check", "-recursive", "-diff"])
            .output()
            .unwrap();
        assert!(
            fmt.status.success(),
            "preset {name}: terraform fmt would change:\n{}",
            String::from_utf8_lossy(&fmt.stdout)
        );
        let stacks = stacks(&f, "terraform");
        assert!(stacks.contains(&"organization".to_string()), "{stacks:?}");
        for stack in stacks {
            let dir = f.join(&format!("terraform/{stack}"));
            let init = tools::terraform_cmd(&dir)
                .args(["init", "-backend=false", "-input=false", "-no-color"])
                .arg(format!("-plugin-dir={}", plugins.display()))
                .output()
                .unwrap();
            assert!(
                init.status.success(),
                "preset {name} stack {stack}: init failed:\n{}{}",
                String::from_utf8_lossy(&init.stdout),
                String::from_utf8_lossy(&init.stderr)
            );
            let validate = tools::terraform_cmd(&dir)
                .args(["validate", "-no-color"])
                .output()
                .unwrap();
            assert!(
                validate.status.success(),
                "preset {name} stack {stack}: validate failed:\n{}{}",
                String::from_utf8_lossy(&validate.stdout),
                String::from_utf8_lossy(&validate.stderr)
            );
        }
    }
}
