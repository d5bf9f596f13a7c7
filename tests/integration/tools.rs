//! External tools (terraform, the provider mirror, the emulator). CI must have them: there
//! (CI or LANDFORM_REQUIRE_TOOLS set) a missing tool fails the test. A newcomer's plain
//! `cargo test` skips such tests and says so loudly.

use std::path::PathBuf;
use std::process::Command;

/// Whether missing tools are a failure rather than a skip.
pub fn required() -> bool {
    std::env::var_os("LANDFORM_REQUIRE_TOOLS").is_some() || std::env::var_os("CI").is_some()
}

/// Reports a missing tool: panics where tools are required, else prints a loud skip.
pub fn missing(test: &str, what: &str) {
    skip(test, &format!("{what} not found"));
}

/// Reports why a test cannot run here: panics where tools are required (CI /
/// LANDFORM_REQUIRE_TOOLS), else prints a loud skip.
pub fn skip(test: &str, why: &str) {
    if required() {
        panic!("{test}: {why}; every tool is required here (CI / LANDFORM_REQUIRE_TOOLS)");
    }
    eprintln!(
        "\n!!!!! SKIPPED {test}: {why}. This test did NOT run. \
         Run `bash .ci/run` to install what it needs. !!!!!\n"
    );
}

/// The terraform binary, if on PATH.
pub fn terraform() -> Option<PathBuf> {
    let ok = Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| PathBuf::from("terraform"))
}

/// The offline provider mirror: LANDFORM_TF_PLUGIN_DIR, or a folder that holds
/// `registry.terraform.io/hashicorp/aws/<version>/<os_arch>` in a usual place.
pub fn plugin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LANDFORM_TF_PLUGIN_DIR") {
        return Some(PathBuf::from(dir));
    }
    let mut candidates = vec![PathBuf::from("/opt/tf-plugins")];
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        candidates.push(home.join(".terraform.d/plugins"));
        candidates.push(home.join(".local/share/terraform/plugins"));
    }
    candidates.push(PathBuf::from("/usr/share/terraform/plugins"));
    candidates
        .into_iter()
        .find(|d| d.join("registry.terraform.io/hashicorp/aws").is_dir())
}

/// A terraform command with a quiet, offline configuration.
pub fn terraform_cmd(dir: &std::path::Path) -> Command {
    let mut c = Command::new("terraform");
    c.current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1");
    c
}
