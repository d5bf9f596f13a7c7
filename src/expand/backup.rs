//! `backup:` → the backup stack: central vaults per copy region, the lock, and the stack set
//! targeted at exactly the OUs of the environments that have a plan.

use std::collections::BTreeSet;

use crate::blueprint::{Blueprint, LockMode};
use crate::model::backup::{Backup, Lock, VaultRegion};
use crate::model::baseline::{InstanceRegion, Parameter, StackSet};
use crate::model::{Account, Ou, Stack};

use super::baseline::lookups_for;
use super::foundation::provider;
use super::{allowed_regions, key_of};
use crate::naming::region_key;

/// The role's path and name from `backup.role` (`service-role/landform-backup`).
pub fn role_parts(role: &str) -> (String, String) {
    match role.rsplit_once('/') {
        Some((path, name)) => (format!("/{}/", path.trim_matches('/')), name.to_string()),
        None => ("/".to_string(), role.to_string()),
    }
}

pub fn expand(bp: &Blueprint, accounts: &[Account], ous: &[Ou]) -> Option<Backup> {
    let b = bp.backup.as_ref()?;
    let mut copy_regions: Vec<&String> = b.plans.values().map(|p| &p.copy_region).collect();
    copy_regions.sort();
    copy_regions.dedup();
    let mut providers = Vec::new();
    let regions = copy_regions
        .into_iter()
        .map(|r| {
            let p = provider(&b.account, accounts, r);
            let out = VaultRegion {
                region: r.clone(),
                key: region_key(r),
                provider: p.alias.clone(),
            };
            providers.push(p);
            out
        })
        .collect();
    let email = provider(&b.account, accounts, &bp.organization.home_region).email;

    // Exactly the OUs the plans reach: those of the environments with a plan.
    let env_ous: BTreeSet<&str> = b
        .plans
        .keys()
        .filter_map(|e| bp.environments.get(e))
        .map(|e| e.ou.as_str())
        .collect();
    let keys: Vec<String> = ous
        .iter()
        .filter(|o| env_ous.contains(o.key.as_str()))
        .map(|o| o.key.clone())
        .collect();
    let (targets, lookups) = lookups_for(&keys, ous);

    let (path, name) = role_parts(&b.role);
    let stack_set = StackSet {
        key: "member_vault".to_string(),
        name: "landform-backup".to_string(),
        description: "AWS Backup vault, key and service role for the backup policies (landform)"
            .to_string(),
        template: "templates/member-vault.yaml".to_string(),
        parameters: vec![
            Parameter {
                name: "VaultName".to_string(),
                value: b.vault.clone(),
                literal: true,
            },
            Parameter {
                name: "RoleName".to_string(),
                value: name,
                literal: true,
            },
            Parameter {
                name: "RolePath".to_string(),
                value: path,
                literal: true,
            },
            Parameter {
                name: "HomeRegion".to_string(),
                value: bp.organization.home_region.clone(),
                literal: true,
            },
        ],
        regions: allowed_regions(bp)
            .iter()
            .map(|r| InstanceRegion {
                region: r.clone(),
                key: region_key(r),
            })
            .collect(),
    };
    Some(Backup {
        account: key_of(&b.account),
        account_email: email,
        vault: b.vault.clone(),
        regions,
        vault_lock: b.vault_lock.as_ref().map(|l| Lock {
            mode: l.mode,
            min_retention_days: l.min_retention_days,
            max_retention_days: l.max_retention_days,
            changeable_for_days: match l.mode {
                LockMode::Compliance => Some(l.changeable_for_days.unwrap_or(3)),
                LockMode::Governance => None,
            },
        }),
        stack_set,
        targets,
        lookups,
        providers,
    })
}

pub fn stack(b: &Backup) -> Stack {
    Stack {
        name: "backup".to_string(),
        runs_in: format!("management and `{}` accounts", b.account),
        holds: format!(
            "the central vault `{}` in {} with its KMS key and organization access policy{}; \
             cross-account backup; the stack set giving the accounts of OUs {} their vault and \
             AWS Backup role",
            b.vault,
            b.regions
                .iter()
                .map(|r| format!("`{}`", r.region))
                .collect::<Vec<_>>()
                .join(", "),
            if b.vault_lock.is_some() {
                " and vault lock"
            } else {
                ""
            },
            b.targets
                .iter()
                .map(|t| format!("`{}`", t.key))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
