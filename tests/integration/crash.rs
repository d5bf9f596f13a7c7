//! The crash test: `kill -9` at random instants of a large generate. After each kill, what the
//! next run recovers is exactly the old tree and lock or exactly the new ones (never a mix, no
//! stray file), and a following clean generate is byte-identical to an uninterrupted run.
//!
//! The quick version (300 accounts, 10 kills) runs with every `cargo test`; the full one
//! (10,000 accounts, 200 kills) is `#[ignore]`d; run it on a release binary:
//! `cargo build --release --bin landform` then
//! `LANDFORM_CRASH_BIN=target/release/landform cargo test --test integration crash --
//! --ignored --nocapture`. Three kills in four are timed to the write phase: the test watches
//! the output directory (inotify on Linux) and kills at a random point of the write phase (or
//! just after it) measured first on the machine, counted from the instant the journal's staging
//! file appears; the others fall anywhere in a run. Delays come from a seeded generator (a fixed
//! seed unless `LANDFORM_CRASH_SEED` sets one); `LANDFORM_CRASH_KILLS` sets the count (200 by default), `LANDFORM_CRASH_ACCOUNTS` the size
//! (10,000 by default; `.ci/run` runs 500 accounts on the debug build to stay within its budget).

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::Fixture;

/// A blueprint with `accounts` accounts; `variant` changes the email pattern (the lock), every
/// workload's owner tag (accounts.tf), a guardrail (a policy file deleted or added) and a
/// session length (Identity Center).
fn blueprint(accounts: usize, variant: bool) -> String {
    let workloads = accounts.saturating_sub(4) / 4;
    let mut s = String::from(
        r#"version: 1
organization:
  name: crash
  email: "EMAIL+{account}@crash.example"
  home_region: eu-west-1
  regions: [eu-west-1, eu-central-1]
  tags: { cost-center: platform, managed-by: landform }
environments:
  dev:     { ou: nonprod }
  staging: { ou: nonprod }
  prod:    { ou: prod, per_region: true }
accounts:
  security:        { ou: security }
  log_archive:     { ou: security }
  network:         { ou: infrastructure }
  shared_services: { ou: infrastructure }
organizational_units:
  security:       { name: Security }
  infrastructure: { name: Infrastructure }
  workloads:      { name: Workloads }
  prod:           { name: Prod, parent: workloads }
  nonprod:        { name: NonProd, parent: workloads }
guardrails:
  deny_leave_organization: [root]
DENY_ROOT  region_restriction: [workloads]
  protect_audit_logging: [root]
identity_center:
  groups: [admins, developers]
  permission_sets:
    admin:     { managed: [AdministratorAccess], session: 1h }
    readonly:  { managed: [ReadOnlyAccess], session: SESSION }
  access:
    - { group: admins, permission_set: admin, accounts: all }
    - { group: developers, permission_set: readonly, environments: [prod] }
workloads:
"#,
    );
    s = s
        .replace("EMAIL", if variant { "cloud" } else { "aws" })
        .replace(
            "DENY_ROOT",
            if variant {
                ""
            } else {
                "  deny_root_user: [root]\n"
            },
        )
        .replace("SESSION", if variant { "4h" } else { "8h" });
    for i in 0..workloads {
        s.push_str(&format!(
            "  w{i:05}: {{ environments: [dev, staging, prod], owner: team-{} }}\n",
            (i + usize::from(variant)) % 37
        ));
    }
    s
}

/// Everything landform owns in the fixture: the output tree and, beside the blueprint, every
/// other entry (the lock; a stray staging file would show here too).
type State = (Vec<(String, String)>, BTreeMap<String, String>);

fn state(f: &Fixture) -> State {
    let mut beside = BTreeMap::new();
    for e in std::fs::read_dir(f.path()).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "terraform" || name == "landform.yaml" {
            continue;
        }
        beside.insert(name, std::fs::read_to_string(e.path()).unwrap_or_default());
    }
    (f.tree("terraform"), beside)
}

/// xorshift64*: enough to spread kill instants, reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [lo, hi).
    fn between(&mut self, lo: Duration, hi: Duration) -> Duration {
        let span = hi.saturating_sub(lo).as_micros().max(1) as u64;
        lo + Duration::from_micros(self.next() % span)
    }
}

/// Watches the output directory for the start and end of a run's write phase: the journal's
/// staging file (`.landform-….tmp`) or the journal itself appearing at its top, then the journal
/// going. Linux: inotify, so the kill follows the start within microseconds without a busy
/// poll taking a core from the run; elsewhere a short poll.
struct Watch {
    #[cfg(target_os = "linux")]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(target_os = "linux"))]
    dir: std::path::PathBuf,
    #[cfg(not(target_os = "linux"))]
    started: bool,
    /// Events read but not yet waited for, with the instant they were read.
    #[cfg(target_os = "linux")]
    seen: std::collections::VecDeque<(Instant, Phase)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// A staging file or the journal appeared: the run is writing.
    Started,
    /// The journal went: the run's changes are all made.
    Ended,
}

fn landform_file(name: &str) -> bool {
    name == landform::transaction::JOURNAL || name.starts_with(".landform-")
}

impl Watch {
    /// Waits for `phase` while `child` runs; None if it ended first.
    fn wait_while(&mut self, child: &mut std::process::Child, phase: Phase) -> Option<Instant> {
        loop {
            let running = child.try_wait().unwrap().is_none();
            if let Some(at) = self.wait(phase, Duration::from_millis(20)) {
                return Some(at);
            }
            if !running {
                return None;
            }
        }
    }

    #[cfg(target_os = "linux")]
    fn new(dir: &std::path::Path) -> Watch {
        use std::os::fd::FromRawFd;
        use std::os::unix::ffi::OsStrExt;
        // SAFETY: plain syscalls; the descriptor is owned by the OwnedFd from here on.
        let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) };
        assert!(
            fd >= 0,
            "inotify_init1: {}",
            std::io::Error::last_os_error()
        );
        let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).unwrap();
        let mask = libc::IN_CREATE | libc::IN_MOVED_TO | libc::IN_DELETE;
        use std::os::fd::AsRawFd;
        // SAFETY: a valid descriptor and a NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(fd.as_raw_fd(), path.as_ptr(), mask) };
        assert!(
            wd >= 0,
            "inotify_add_watch: {}",
            std::io::Error::last_os_error()
        );
        Watch {
            fd,
            seen: Default::default(),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn new(dir: &std::path::Path) -> Watch {
        Watch {
            dir: dir.to_path_buf(),
            started: false,
        }
    }

    /// Waits up to `limit` for `phase`; None if it did not come (the run ended or failed).
    #[cfg(target_os = "linux")]
    fn wait(&mut self, phase: Phase, limit: Duration) -> Option<Instant> {
        use std::os::fd::AsRawFd;
        let deadline = Instant::now() + limit;
        let mut buf = [0u8; 4096];
        loop {
            while let Some((at, seen)) = self.seen.pop_front() {
                if seen == phase {
                    return Some(at);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut pfd = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            if unsafe { libc::poll(&mut pfd, 1, left.as_millis().max(1) as i32) } <= 0 {
                continue;
            }
            // SAFETY: reading into a buffer of the length given.
            let n = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            let now = Instant::now();
            let mut at = 0;
            // Each event: wd (i32), mask, cookie, len (u32 each), then `len` name bytes.
            while n > 0 && at + 16 <= n as usize {
                let word =
                    |i: usize| u32::from_ne_bytes(buf[at + i..at + i + 4].try_into().unwrap());
                let (mask, len) = (word(4), word(12) as usize);
                let name = buf[at + 16..at + 16 + len]
                    .split(|b| *b == 0)
                    .next()
                    .unwrap_or(&[]);
                let name = String::from_utf8_lossy(name);
                at += 16 + len;
                if mask & (libc::IN_CREATE | libc::IN_MOVED_TO) != 0 && landform_file(&name) {
                    self.seen.push_back((now, Phase::Started));
                } else if mask & libc::IN_DELETE != 0 && name == landform::transaction::JOURNAL {
                    self.seen.push_back((now, Phase::Ended));
                }
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn wait(&mut self, phase: Phase, limit: Duration) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let names: Vec<String> = std::fs::read_dir(&self.dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let writing = names.iter().any(|n| landform_file(n));
            match phase {
                Phase::Started if writing => {
                    self.started = true;
                    return Some(Instant::now());
                }
                Phase::Ended if self.started && !writing => return Some(Instant::now()),
                _ => std::thread::sleep(Duration::from_micros(200)),
            }
        }
        None
    }
}

/// The binary under test: LANDFORM_CRASH_BIN (a release build) or the test build's.
fn binary() -> std::path::PathBuf {
    std::env::var_os("LANDFORM_CRASH_BIN")
        .map(std::path::PathBuf::from)
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_landform").into())
}

fn generate(f: &Fixture) {
    let o = Command::new(binary())
        .arg("generate")
        .current_dir(f.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A generate that writes, watched: how long it takes, and how long its write phase lasts
/// (from the journal's staging file appearing to the journal's removal).
fn watched_generate(f: &Fixture) -> (Duration, Duration) {
    let mut watch = Watch::new(&f.join("terraform"));
    let start = Instant::now();
    let mut child = Command::new(binary())
        .arg("generate")
        .current_dir(f.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let began = watch
        .wait_while(&mut child, Phase::Started)
        .expect("the run ended without writing");
    let ended = watch
        .wait_while(&mut child, Phase::Ended)
        .expect("the run ended without finishing its writes");
    assert!(child.wait().unwrap().success(), "generate failed");
    (start.elapsed(), ended - began)
}

/// The last few writing runs' times (whole run, write phase), to time kills by: the machine's
/// load changes while the test runs, and with it how long a run and its write phase take.
#[derive(Default)]
struct Timings(std::collections::VecDeque<(Duration, Duration)>);

impl Timings {
    fn add(&mut self, t: (Duration, Duration)) {
        if self.0.len() == 5 {
            self.0.pop_front();
        }
        self.0.push_back(t);
    }

    /// The medians of the recent runs: (whole run, write phase).
    fn median(&self) -> (Duration, Duration) {
        let mut runs: Vec<Duration> = self.0.iter().map(|t| t.0).collect();
        let mut phases: Vec<Duration> = self.0.iter().map(|t| t.1).collect();
        runs.sort();
        phases.sort();
        (runs[runs.len() / 2], phases[phases.len() / 2])
    }
}

#[derive(Debug, Default)]
struct Counts {
    kills: usize,
    finished_before_kill: usize,
    found_old: usize,
    found_new: usize,
    rolled_back: usize,
    rolled_forward: usize,
    /// Kills after which the next run itself (the CLI) recovered and reported it.
    by_the_cli: usize,
    /// Kills timed from the start of the write phase (the others: anywhere in a run).
    timed_to_the_write_phase: usize,
}

fn crash_test(accounts: usize, kills: usize) -> Counts {
    let f = Fixture::new();
    let text = [blueprint(accounts, false), blueprint(accounts, true)];
    // The reference states, from uninterrupted runs: A, then B on top of A, then A again.
    f.write("landform.yaml", &text[0]);
    generate(&f);
    let mut timings = Timings::default();
    f.write("landform.yaml", &text[1]);
    timings.add(watched_generate(&f));
    let mut reference = Vec::new();
    for t in &text {
        f.write("landform.yaml", t);
        timings.add(watched_generate(&f));
        reference.push(state(&f));
    }
    assert_ne!(reference[0], reference[1]);
    let (transition, phase) = timings.median();
    let seed = std::env::var("LANDFORM_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1a2d_f0a4_c0de);
    eprintln!(
        "crash test: {accounts} accounts, {kills} kills, seed {seed}; a writing run takes \
         {transition:?}, its write phase {phase:?}"
    );
    let mut rng = Rng(seed);
    let mut counts = Counts::default();
    let mut current = 1;
    let out = f.join("terraform");
    for k in 0..kills {
        let target = 1 - current;
        f.write("landform.yaml", &text[target]);
        // A quarter of the kills anywhere in a run; the others timed from the instant the
        // write phase begins (the journal's staging file appears in the output directory), to a
        // random point of it or just after it.
        let (transition, phase) = timings.median();
        let write_to = transition.mul_f64(1.05);
        let timed = !rng.next().is_multiple_of(4);
        let delay = if timed {
            rng.between(Duration::ZERO, phase.mul_f64(1.1))
        } else {
            rng.between(Duration::ZERO, write_to)
        };
        let mut watch = Watch::new(&out);
        let mut child = Command::new(binary())
            .arg("generate")
            .current_dir(f.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let when = if timed && watch.wait_while(&mut child, Phase::Started).is_some() {
            counts.timed_to_the_write_phase += 1;
            format!("{delay:?} into the write phase")
        } else {
            format!("after {delay:?}")
        };
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_some() {
            counts.finished_before_kill += 1;
        } else {
            child.kill().unwrap(); // SIGKILL
        }
        child.wait().unwrap();
        counts.kills += 1;
        if k % 4 == 3 {
            // Every fourth kill, the next run recovers by itself: it says what it found and
            // did, and ends at the new state like an uninterrupted run.
            let pending = landform::transaction::pending(&out).unwrap();
            let o = Command::new(binary())
                .arg("generate")
                .current_dir(f.path())
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&o.stdout);
            assert!(o.status.success(), "kill {k} (seed {seed}): {said}");
            let (expected, n) = match pending {
                landform::transaction::Pending::Committed => {
                    (Some("completed it"), &mut counts.rolled_forward)
                }
                landform::transaction::Pending::Prepared => {
                    (Some("rolled back"), &mut counts.rolled_back)
                }
                landform::transaction::Pending::None => (None, &mut counts.by_the_cli),
            };
            *n += 1;
            match expected {
                Some(words) => assert!(
                    said.contains(words),
                    "kill {k} (seed {seed}): the run did not report its recovery: {said}"
                ),
                None => assert!(!said.contains("interrupted"), "kill {k}: {said}"),
            }
            counts.by_the_cli += usize::from(expected.is_some());
            assert!(
                state(&f) == reference[target],
                "kill {k} {when} (seed {seed}): the run after recovery differs from an \
                 uninterrupted run"
            );
            current = target;
            continue;
        }
        // What the next run starts from: the interrupted run finished or undone.
        match landform::transaction::recover(&[&out, f.path()]).unwrap() {
            Some(landform::transaction::Recovered::RolledBack { .. }) => counts.rolled_back += 1,
            Some(landform::transaction::Recovered::RolledForward { .. }) => {
                counts.rolled_forward += 1
            }
            None => {}
        }
        let now = state(&f);
        if now == reference[current] {
            counts.found_old += 1;
        } else if now == reference[target] {
            counts.found_new += 1;
        } else {
            panic!(
                "kill {k} {when} (seed {seed}): the recovered state is neither the old \
                 nor the new one"
            );
        }
        // From the old state the clean run writes: watched, it times the next kills.
        if now == reference[current] {
            timings.add(watched_generate(&f));
        } else {
            generate(&f);
        }
        assert!(
            state(&f) == reference[target],
            "kill {k} {when} (seed {seed}): a clean generate after recovery differs \
             from an uninterrupted run"
        );
        current = target;
    }
    eprintln!(
        "crash test: {counts:?} ({} kills inside the write phase)",
        counts.rolled_back + counts.rolled_forward
    );
    counts
}

#[test]
fn killed_runs_leave_the_old_or_the_new_state() {
    let c = crash_test(300, 10);
    assert_eq!(c.found_old + c.found_new + c.by_the_cli, c.kills);
}

/// The acceptance run: 200 kills of a 10,000-account generate (run by `.ci/run`, release build).
#[test]
#[ignore = "slow: .ci/run runs it on a release build"]
fn killed_runs_of_ten_thousand_accounts_leave_the_old_or_the_new_state() {
    let kills = std::env::var("LANDFORM_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let accounts = std::env::var("LANDFORM_CRASH_ACCOUNTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let c = crash_test(accounts, kills);
    assert_eq!(c.found_old + c.found_new + c.by_the_cli, c.kills);
    // Kills must have landed on both sides of the commit point, and (timed to the write phase)
    // a good share of them inside it.
    assert!(c.rolled_back > 0 && c.rolled_forward > 0, "{c:?}");
    assert!(c.rolled_back + c.rolled_forward >= c.kills / 4, "{c:?}");
}
