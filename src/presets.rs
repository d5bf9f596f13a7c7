//! The starter blueprints `landform init` writes, embedded so an installed binary needs no
//! checkout beside it.

pub const PRESETS: &[(&str, &str, &str)] = &[
    (
        "minimal",
        "management, security and log archive accounts, one workload in dev and prod",
        include_str!("../blueprints/minimal.yaml"),
    ),
    (
        "smb",
        "the seeds' starter structure: Security, Infrastructure, Workloads (Prod/NonProd), Sandbox",
        include_str!("../blueprints/smb.yaml"),
    ),
    (
        "enterprise",
        "several workloads × dev/staging/prod, prod in two regions, every foundation account",
        include_str!("../blueprints/enterprise.yaml"),
    ),
];

pub fn find(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, text)| *text)
}
