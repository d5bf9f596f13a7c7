use std::path::PathBuf;

use serde_json::Value;

use crate::error::Error;
use crate::lock::{self, LockedId};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The blueprint whose lock to update [default: landform.yaml]
    blueprint: Option<PathBuf>,
    /// The output of `terraform show -json` in the organization stack
    #[arg(long)]
    from_state: PathBuf,
}

/// Every managed resource in a `terraform show -json` document, modules included.
fn resources(module: &Value, out: &mut Vec<(String, String, Value)>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if r.get("mode").and_then(Value::as_str) != Some("managed") {
            continue;
        }
        let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
        let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
        let values = r.get("values").cloned().unwrap_or(Value::Null);
        out.push((ty.to_string(), name.to_string(), values));
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        resources(child, out);
    }
}

pub fn run(args: Args) -> Result<i32, Error> {
    let path = super::blueprint_path(args.blueprint);
    let (lock_path, filled) =
        crate::app::update_lock(&path, |lock_path| update(lock_path, &args.from_state))?;
    info!("{}: {filled} ids from the state", lock_path.display());
    Ok(0)
}

/// The lock with the ids found in a `terraform show -json` document.
fn update(
    lock_path: &std::path::Path,
    from_state: &std::path::Path,
) -> Result<(String, (PathBuf, usize)), Error> {
    let mut lock = lock::read(lock_path)
        .map_err(Error::Input)?
        .ok_or_else(|| {
            Error::Usage(format!(
                "{} does not exist; run `landform generate` first",
                lock_path.display()
            ))
        })?;
    let text = std::fs::read_to_string(from_state).map_err(|source| Error::Read {
        path: from_state.to_path_buf(),
        source,
    })?;
    let state: Value = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not `terraform show -json` output: {e}",
            from_state.display()
        ))
    })?;
    let root = state
        .pointer("/values/root_module")
        .ok_or_else(|| Error::Usage("the state has no values.root_module (empty state?)".into()))?;
    let mut found = Vec::new();
    resources(root, &mut found);
    let mut filled = 0;
    for (ty, name, values) in found {
        let id = values.get("id").and_then(Value::as_str).map(str::to_string);
        if id.is_none() || !lock::is_identifier(&name) {
            continue;
        }
        match ty.as_str() {
            "aws_organizations_organization" => {
                lock.organization.id = id;
                lock.organization.root_id = values
                    .pointer("/roots/0/id")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            "aws_organizations_account" => match lock.accounts.get_mut(&name) {
                Some(a) => a.id = id,
                None => continue,
            },
            "aws_organizations_organizational_unit" => {
                lock.organizational_units.insert(name, LockedId { id });
            }
            "aws_organizations_policy" => {
                lock.policies.insert(name, LockedId { id });
            }
            _ => continue,
        }
        filled += 1;
    }
    Ok((lock.to_text(), (lock_path.to_path_buf(), filled)))
}
