//! End-to-end benchmark: synthetic blueprints of 100, 1,000 and 10,000 accounts through the
//! whole pipeline (load → validate → expand → render → verify → write into an empty folder).
//! Reports the median wall time and the peak heap (a counting allocator) for each size.
//!
//! Run: `cargo bench --bench generate` (add `-- --quick` for one iteration per size).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new) };
        if !q.is_null() {
            if new > layout.size() {
                let now =
                    CURRENT.fetch_add(new - layout.size(), Ordering::Relaxed) + new - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// A blueprint with `accounts` accounts: workloads in dev, staging and prod (per region, two
/// regions), so four accounts per workload, plus the foundation accounts.
fn synthetic(accounts: usize) -> String {
    let workloads = accounts.saturating_sub(4) / 4;
    let mut s = String::from(
        r#"version: 1
organization:
  name: bench
  email: "aws+{account}@bench.example"
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
  deny_root_user: [root]
  region_restriction: [workloads]
  protect_audit_logging: [root]
identity_center:
  groups: [admins, developers]
  permission_sets:
    admin:     { managed: [AdministratorAccess], session: 1h }
    readonly:  { managed: [ReadOnlyAccess], session: 8h }
  access:
    - { group: admins, permission_set: admin, accounts: all }
    - { group: developers, permission_set: readonly, environments: [prod] }
workloads:
"#,
    );
    for i in 0..workloads {
        s.push_str(&format!(
            "  w{i:05}: {{ environments: [dev, staging, prod], owner: team-{} }}\n",
            i % 37
        ));
    }
    s
}

fn run_once(text: &str, out: &Path) -> (usize, usize) {
    let loaded = landform::load_str(Path::new("landform.yaml"), text).expect("load");
    let output = landform::generate(&loaded, None).expect("generate");
    let plan = landform::transaction::plan(out, &output.tree).expect("plan");
    landform::transaction::apply(out, &output.tree, &plan).expect("write");
    (output.model.accounts.len(), output.tree.len())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    println!("size      accounts  files   median      min         peak heap");
    for size in [100usize, 1_000, 10_000] {
        let text = synthetic(size);
        let iterations = if quick {
            1
        } else if size >= 10_000 {
            5
        } else {
            15
        };
        let mut times: Vec<Duration> = Vec::new();
        let mut peak = 0;
        let mut counts = (0, 0);
        for _ in 0..iterations {
            let dir = tempfile::tempdir().expect("tempdir");
            let base = CURRENT.load(Ordering::Relaxed);
            PEAK.store(base, Ordering::Relaxed);
            let start = Instant::now();
            counts = run_once(&text, dir.path());
            times.push(start.elapsed());
            peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
        }
        times.sort();
        println!(
            "{size:<9} {:<9} {:<7} {:<11} {:<11} {:.1} MB",
            counts.0,
            counts.1,
            format!("{:.1?}", times[times.len() / 2]),
            format!("{:.1?}", times[0]),
            peak as f64 / 1_048_576.0
        );
    }
}
