//! One transaction per run: the tree, its manifest and landform.lock change together or not at
//! all, and runs on one output directory never interleave.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::fixture::{Fixture, Outcome, preset};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs landform in the fixture as an unprivileged user (root ignores folder permissions, so
/// under root the binary runs as `nobody`, from a copy it can read).
fn run_unprivileged(f: &Fixture, args: &[&str]) -> Outcome {
    use std::os::unix::process::CommandExt;
    let bin = f.join(".bin/landform");
    if !bin.exists() {
        std::fs::create_dir_all(f.join(".bin")).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_landform"), &bin).unwrap();
        for p in [f.path(), &f.join(".bin"), &bin] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
    }
    let mut cmd = Command::new(&bin);
    cmd.args(args).current_dir(f.path()).env("NO_COLOR", "1");
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("run landform");
    let clean =
        |b: &[u8]| String::from_utf8_lossy(b).replace(&f.path().display().to_string(), "[TMP]");
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
    }
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_folder_fails_the_run_before_anything_is_replaced() {
    let f = Fixture::new();
    chmod(f.path(), 0o777);
    f.write("landform.yaml", preset("smb"));
    chmod(&f.join("landform.yaml"), 0o666);
    let o = run_unprivileged(&f, &["generate"]);
    assert_eq!(o.code, 0, "{}", o.text());
    let before = f.tree("terraform");
    let lock_before = f.read("landform.lock");
    // Dropping a guardrail changes organization/policies.tf and deletes a file in the
    // policies folder, which is read-only; a pattern change rewrites the lock.
    f.write(
        "landform.yaml",
        &preset("smb")
            .replace("  deny_root_user: [root]\n", "")
            .replace("aws+{account}@acme.example", "cloud+{account}@acme.example"),
    );
    let policies = f.join("terraform/organization/policies");
    chmod(&policies, 0o555);
    let o = run_unprivileged(&f, &["generate"]);
    chmod(&policies, 0o755);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("nothing was written"), "{}", o.stderr);
    assert_eq!(f.tree("terraform"), before, "the tree changed");
    assert_eq!(f.read("landform.lock"), lock_before, "the lock changed");
    // With the folder writable again the run goes through, and nothing is "edited by hand".
    let o = run_unprivileged(&f, &["generate"]);
    assert_eq!(o.code, 0, "{}", o.text());
    assert!(!f.exists("terraform/organization/policies/deny-root-user.json"));
    assert_ne!(f.read("landform.lock"), lock_before);
}

#[test]
fn a_run_while_another_holds_the_output_stops_with_a_clear_message() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    f.write(
        "landform.yaml",
        &preset("minimal").replace("{account}@", "{account}-x@"),
    );
    let before = (f.tree("terraform"), f.read("landform.lock"));
    // This test process plays the other run.
    let held = std::fs::File::open(f.join("terraform")).unwrap();
    // SAFETY: flock on a descriptor `held` owns and keeps open.
    let locked = unsafe {
        libc::flock(
            std::os::fd::AsRawFd::as_raw_fd(&held),
            libc::LOCK_EX | libc::LOCK_NB,
        )
    };
    assert_eq!(locked, 0, "{}", std::io::Error::last_os_error());
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("another landform run is writing here"),
        "{}",
        o.stderr
    );
    assert_eq!((f.tree("terraform"), f.read("landform.lock")), before);
    drop(held);
    f.run_ok(&["generate"]);
}

#[test]
fn two_blueprints_generating_into_one_output_at_once_never_mix() {
    let f = Fixture::new();
    // The same accounts and emails (so the replacement gate lets either follow the other), but
    // different trees: every tag differs.
    f.write("a/landform.yaml", preset("minimal"));
    f.write(
        "b/landform.yaml",
        &preset("minimal").replace(
            "tags: { managed-by: landform }",
            "tags: { managed-by: landform, team: b }",
        ),
    );
    // What each gives alone.
    f.run_ok(&["generate", "a/landform.yaml", "-o", "ref-a"]);
    f.run_ok(&["generate", "b/landform.yaml", "-o", "ref-b"]);
    let (ref_a, ref_b) = (f.tree("ref-a"), f.tree("ref-b"));
    assert_ne!(ref_a, ref_b);
    let mut refused = 0;
    for round in 0..6 {
        let spawn = |bp: &str| {
            Command::new(env!("CARGO_BIN_EXE_landform"))
                .args(["generate", bp, "-o", "out"])
                .current_dir(f.path())
                .output()
                .unwrap()
        };
        let (oa, ob) = std::thread::scope(|s| {
            let a = s.spawn(|| spawn("a/landform.yaml"));
            let b = s.spawn(|| spawn("b/landform.yaml"));
            (a.join().unwrap(), b.join().unwrap())
        });
        for o in [&oa, &ob] {
            let code = o.status.code();
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                code == Some(0)
                    || (code == Some(2) && err.contains("another landform run is writing here")),
                "round {round}: {code:?} {err}"
            );
            refused += usize::from(code == Some(2));
        }
        let tree = f.tree("out");
        assert!(
            tree == ref_a || tree == ref_b,
            "round {round}: the output is neither blueprint's tree"
        );
    }
    eprintln!("{refused} of 12 runs found the other one writing");
}
