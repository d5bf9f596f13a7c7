//! The oracle: every generated tree is applied with the real terraform CLI and the real
//! hashicorp/aws provider against the moto AWS emulator on loopback, re-planned (which must show
//! no changes), and the emulator's state is compared with the Model. The harness is Python
//! (tests/oracle/run.py); this module generates the trees and runs it.
//!
//! Needs terraform, the provider mirror and a Python with moto and boto3 (LANDFORM_PYTHON, or
//! `.venv/bin/python` as `.ci/run` creates it). CI requires them; a plain `cargo test` without
//! them skips loudly.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixture::{Fixture, preset};
use crate::tools;

/// The order stacks are applied in; a tree holds some of them.
pub const STACK_ORDER: &[&str] = &[
    "organization",
    "log-archive",
    "security",
    "identity-center",
    "network",
    "dns",
];

/// A Python that can import moto and boto3.
pub fn python() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("LANDFORM_PYTHON") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"),
            PathBuf::from("python3"),
        ],
    };
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import moto, boto3"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Whether the oracle can run here; reports a loud skip (or fails under CI) when not.
pub fn available(test: &str) -> Option<PathBuf> {
    if tools::terraform().is_none() {
        tools::missing(test, "terraform");
        return None;
    }
    if tools::plugin_dir().is_none() {
        tools::missing(
            test,
            "the hashicorp/aws provider mirror (LANDFORM_TF_PLUGIN_DIR)",
        );
        return None;
    }
    let py = python();
    if py.is_none() {
        tools::missing(
            test,
            "a Python with moto and boto3 (LANDFORM_PYTHON or .venv)",
        );
    }
    py
}

/// Writes the Model of the fixture's blueprint as JSON, for the harness to check against.
pub fn write_model(f: &Fixture, blueprint: &str, to: &str) {
    let loaded = landform::load::load_file(&f.join(blueprint)).expect("load");
    let (model, _) = landform::check(&loaded).expect("valid blueprint");
    f.write(to, &serde_json::to_string_pretty(&model).unwrap());
}

/// Runs the harness over the stacks of `tree` present in the fixture, leaving out the stacks in
/// `except` (applied by another test already); returns its output.
pub fn run_oracle(
    py: &Path,
    f: &Fixture,
    tree: &str,
    model: &str,
    except: &[&str],
) -> (bool, String) {
    let stacks: Vec<&str> = STACK_ORDER
        .iter()
        .copied()
        .filter(|s| f.join(&format!("{tree}/{s}")).is_dir() && !except.contains(s))
        .collect();
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/run.py");
    let out = Command::new(py)
        .arg(harness)
        .arg("--tree")
        .arg(f.join(tree))
        .arg("--stacks")
        .arg(stacks.join(","))
        .arg("--model")
        .arg(f.join(model))
        .args(["--timeout", "1200"])
        .output()
        .expect("run the oracle harness");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn apply_blueprint(test: &str, blueprint: &str) {
    apply_fixture(test, Fixture::with_blueprint(blueprint));
}

fn apply_fixture(test: &str, f: Fixture) {
    apply_fixture_except(test, f, &[]);
}

fn apply_fixture_except(test: &str, f: Fixture, except: &[&str]) {
    let Some(py) = available(test) else { return };
    f.run_ok(&["generate"]);
    write_model(&f, "landform.yaml", "model.json");
    let (ok, text) = run_oracle(&py, &f, "terraform", "model.json", except);
    eprintln!("{test}:\n{text}");
    assert!(ok, "{test}: the oracle failed:\n{text}");
    assert!(text.contains("ORACLE: PASS"), "{text}");
}

#[test]
fn minimal_preset_applies_and_matches_the_model() {
    apply_blueprint(
        "minimal_preset_applies_and_matches_the_model",
        preset("minimal"),
    );
}

/// The one emulator apply of the network and dns stacks: the smb preset, with a subdomain
/// delegated to a workload account. The harness checks the Transit Gateways, their route tables
/// (blackholes, no route between prod and nonprod) and RAM shares in the network account, the
/// zones and NS records in the DNS account; IPAM and the Route 53 Profile are left out with the
/// call moto lacks named.
#[test]
fn smb_preset_applies_and_matches_the_model() {
    let text = format!(
        "{}  delegations:\n    payments_prod: [ns-1.awsdns-01.org, ns-2.awsdns-02.net]\n",
        preset("smb")
    );
    assert!(text.contains("\ndns:"), "the smb preset has dns:");
    apply_blueprint("smb_preset_applies_and_matches_the_model", &text);
}

/// The enterprise preset's network and dns stacks (egress included) are validated and checked
/// by checkov; their emulator apply is the smb one, to keep CI lean.
#[test]
fn enterprise_preset_applies_and_matches_the_model() {
    apply_fixture_except(
        "enterprise_preset_applies_and_matches_the_model",
        Fixture::with_blueprint(preset("enterprise")),
        &["network", "dns"],
    );
}

#[test]
fn hostile_strings_round_trip_through_the_emulator() {
    apply_fixture(
        "hostile_strings_round_trip_through_the_emulator",
        crate::generate::hostile_fixture(),
    );
}

#[test]
fn the_whole_guardrail_library_applies_and_matches_the_model() {
    use crate::policies::{EVERYTHING, NETWORK_JSON, fixture};
    let f = fixture(EVERYTHING);
    f.write("policies/network.json", NETWORK_JSON);
    apply_fixture(
        "the_whole_guardrail_library_applies_and_matches_the_model",
        f,
    );
}

/// Adoption: an organization built in the emulator out of band (OUs, accounts, an SCP and its
/// attachments) is exported with the README's API calls, adopted, and planned: every object is
/// imported, nothing is created or destroyed, and after apply the next plan is empty
/// (tests/oracle/adopt_check.py).
#[test]
fn adopting_an_existing_organization_imports_everything() {
    let test = "adopting_an_existing_organization_imports_everything";
    let Some(py) = available(test) else { return };
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/adopt_check.py");
    let out = Command::new(py)
        .arg(harness)
        .arg("--landform")
        .arg(env!("CARGO_BIN_EXE_landform"))
        .output()
        .expect("run the adoption probe");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{test}:\n{text}");
    assert!(
        out.status.success() && text.contains("ADOPT: PASS"),
        "{text}"
    );
}
