use std::path::PathBuf;

use crate::error::Error;
use crate::lock;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder of AWS CLI JSON exports (see "Adopting an existing organization" in the README)
    #[arg(long)]
    from: PathBuf,
    /// The blueprint to write [default: landform.yaml]; must not exist
    blueprint: Option<PathBuf>,
    /// The region Terraform runs in (the export does not say)
    #[arg(long, default_value = "us-east-1")]
    home_region: String,
}

fn write(path: &std::path::Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Error::Usage(format!("cannot write {}: {e}", path.display())))
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let lock_path = lock::path_for(&path);
    for p in [&path, &lock_path] {
        if p.exists() {
            return Err(Error::Usage(format!(
                "{} exists already; landform adopt never overwrites it",
                p.display()
            )));
        }
    }
    let adopted = crate::adopt::adopt(&args.from, &args.home_region).map_err(Error::Usage)?;
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    for (rel, text) in &adopted.documents {
        let p = dir.join(rel);
        if p.exists() {
            return Err(Error::Usage(format!(
                "{} exists already; landform adopt never overwrites it",
                p.display()
            )));
        }
        write(&p, text)?;
    }
    write(&path, &adopted.blueprint)?;
    write(&lock_path, &adopted.lock.to_text())?;
    for n in &adopted.notes {
        println!("note: {n}");
    }
    println!(
        "wrote {} and {}: {} accounts, {} OUs, {} policies to import",
        path.display(),
        lock_path.display(),
        adopted.lock.accounts.len(),
        adopted.lock.organizational_units.len(),
        adopted.lock.policies.len()
    );
    let loaded = super::load(&path)?;
    let out = super::generate::default_out(&path);
    super::generate::generate_into(
        &loaded,
        &out,
        None,
        false,
        false,
        crate::lock::RunOptions::default(),
    )
}
