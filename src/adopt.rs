//! adopt: an existing organization, as exported by the AWS CLI, → a blueprint, a lock with
//! every id, and policy documents. `generate` then writes `import` blocks from the lock, so
//! the first plan imports everything instead of creating it.
//!
//! The export folder holds the JSON the AWS CLI prints (see the README's "Adopting an existing
//! organization" for the script):
//!
//! | file | command |
//! | --- | --- |
//! | `organization.json` | `describe-organization` |
//! | `roots.json` | `list-roots` |
//! | `ous-<parent-id>.json` | `list-organizational-units-for-parent --parent-id <parent-id>` |
//! | `accounts.json` | `list-accounts` |
//! | `parents-<account-id>.json` | `list-parents --child-id <account-id>` |
//! | `policies-<TYPE>.json` | `list-policies --filter <TYPE>` |
//! | `policy-<policy-id>.json` | `describe-policy --policy-id <policy-id>` |
//! | `targets-<policy-id>.json` | `list-targets-for-policy --policy-id <policy-id>` |

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use heck::ToKebabCase;
use indexmap::IndexMap;
use serde_json::Value;

use crate::lock::{Lock, LockedAccount, LockedId};
use crate::naming::{email_for, key_of, workload_account_name};
use crate::validate::is_plain_key;

/// What adoption produces: files relative to the blueprint's folder.
#[derive(Debug, Clone)]
pub struct Adopted {
    pub blueprint: String,
    pub lock: Lock,
    /// `policies/<name>.json` → pretty JSON.
    pub documents: BTreeMap<String, String>,
    /// What could not be reproduced, for the user.
    pub notes: Vec<String>,
}

/// Why an export folder cannot be adopted.
#[derive(Debug)]
pub enum AdoptError {
    /// A file of the export cannot be read.
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// A file of the export (or a policy's content) is not JSON.
    NotJson {
        what: String,
        source: serde_json::Error,
    },
    /// A file of the export lacks what every AWS CLI export has.
    Incomplete { file: String, missing: &'static str },
}

impl std::fmt::Display for AdoptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdoptError::Read { path, source } => write!(
                f,
                "cannot read {}: {source}",
                crate::write::contain::shown(path)
            ),
            AdoptError::NotJson { what, source } => write!(f, "{what} is not JSON: {source}"),
            AdoptError::Incomplete { file, missing } => write!(
                f,
                "{file} has no {missing}; export it again as the README's \"Adopting an \
                 existing organization\" shows"
            ),
        }
    }
}

impl std::error::Error for AdoptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AdoptError::Read { source, .. } => Some(source),
            AdoptError::NotJson { source, .. } => Some(source),
            AdoptError::Incomplete { .. } => None,
        }
    }
}

fn read(dir: &Path, name: &str) -> Result<Value, AdoptError> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|source| AdoptError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| AdoptError::NotJson {
        what: crate::write::contain::shown(&path),
        source,
    })
}

fn read_opt(dir: &Path, name: &str) -> Result<Option<Value>, AdoptError> {
    if dir.join(name).is_file() {
        read(dir, name).map(Some)
    } else {
        Ok(None)
    }
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field).and_then(Value::as_str).unwrap_or_default()
}

fn items<'a>(v: &'a Value, field: &str) -> Vec<&'a Value> {
    v.get(field)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// A YAML double-quoted string.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// A plain, unused key for a name.
fn unique_key(name: &str, prefix: &str, used: &mut HashSet<String>) -> String {
    let mut key = key_of(name);
    if !is_plain_key(&key) {
        key = format!("{prefix}_{key}");
    }
    let mut candidate = key.clone();
    let mut n = 2;
    while used.contains(&candidate) || candidate == "root" {
        candidate = format!("{key}_{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

struct OuInfo {
    key: String,
    name: String,
    parent: Option<String>,
}

struct AccountInfo {
    id: String,
    name: String,
    email: String,
    ou: Option<String>,
}

/// Reads an export folder and builds the blueprint, lock and documents.
pub fn adopt(dir: &Path, home_region: &str) -> Result<Adopted, AdoptError> {
    let org = read(dir, "organization.json")?;
    let org = org.get("Organization").unwrap_or(&org);
    let org_id = s(org, "Id").to_string();
    let management = s(org, "MasterAccountId").to_string();
    let roots = read(dir, "roots.json")?;
    let root = items(&roots, "Roots")
        .into_iter()
        .next()
        .ok_or(AdoptError::Incomplete {
            file: "roots.json".into(),
            missing: "root",
        })?;
    let root_id = s(root, "Id").to_string();
    let mut notes = Vec::new();

    // OUs, depth first from the root.
    let mut ous: Vec<OuInfo> = Vec::new();
    let mut ou_ids: IndexMap<String, String> = IndexMap::new(); // id → key
    let mut used = HashSet::new();
    let mut stack = vec![(root_id.clone(), None::<String>, 0usize)];
    while let Some((parent_id, parent_key, depth)) = stack.pop() {
        let Some(list) = read_opt(dir, &format!("ous-{parent_id}.json"))? else {
            continue;
        };
        let mut pushed = Vec::new();
        for ou in items(&list, "OrganizationalUnits") {
            let id = s(ou, "Id").to_string();
            let name = s(ou, "Name").to_string();
            if depth > 8 || ou_ids.contains_key(&id) {
                continue;
            }
            let key = unique_key(&name, "ou", &mut used);
            ou_ids.insert(id.clone(), key.clone());
            ous.push(OuInfo {
                key: key.clone(),
                name,
                parent: parent_key.clone(),
            });
            pushed.push((id, Some(key), depth + 1));
        }
        stack.extend(pushed.into_iter().rev());
    }
    // Tree order: depth first, siblings in export order.
    let mut ordered: Vec<OuInfo> = Vec::new();
    fn visit(all: &mut Vec<OuInfo>, parent: Option<&str>, out: &mut Vec<OuInfo>) {
        let mut i = 0;
        while i < all.len() {
            if all[i].parent.as_deref() == parent {
                let ou = all.remove(i);
                let key = ou.key.clone();
                out.push(ou);
                visit(all, Some(&key), out);
            } else {
                i += 1;
            }
        }
    }
    visit(&mut ous, None, &mut ordered);
    let ous = ordered;

    // Accounts.
    let list = read(dir, "accounts.json")?;
    let mut accounts: Vec<AccountInfo> = Vec::new();
    for a in items(&list, "Accounts") {
        let id = s(a, "Id").to_string();
        let name = s(a, "Name").to_string();
        if id == management {
            notes.push(format!(
                "the management account `{name}` ({id}) is not managed as an `aws_organizations_account`"
            ));
            continue;
        }
        let parent = read_opt(dir, &format!("parents-{id}.json"))?;
        let parent_id = parent
            .as_ref()
            .and_then(|p| items(p, "Parents").into_iter().next())
            .map(|p| s(p, "Id").to_string())
            .unwrap_or_default();
        let ou = ou_ids.get(&parent_id).cloned();
        if ou.is_none() {
            notes.push(format!(
                "account `{name}` ({id}) sits directly under the root; the blueprint places every account in an OU, so it was left out"
            ));
            continue;
        }
        accounts.push(AccountInfo {
            id,
            name,
            email: s(a, "Email").to_string(),
            ou,
        });
    }

    // The email pattern most accounts follow.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for a in &accounts {
        if a.email.matches(a.name.as_str()).count() == 1 && !a.name.is_empty() {
            *counts
                .entry(a.email.replacen(a.name.as_str(), "{account}", 1))
                .or_default() += 1;
        }
    }
    let pattern = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| {
            let domain = s(org, "MasterAccountEmail")
                .split_once('@')
                .map(|(_, d)| d.to_string())
                .unwrap_or_else(|| "example.com".to_string());
            format!("aws+{{account}}@{domain}")
        });

    // Workload × environment: `<workload>-<environment>` names that follow the pattern, where
    // every account of an environment sits in one OU and an environment has two accounts or more.
    let fits = |a: &AccountInfo| {
        a.name == a.name.to_kebab_case()
            && email_for(&pattern, &a.name) == a.email
            && a.name.contains('-')
    };
    let mut env_ous: IndexMap<String, Vec<Option<String>>> = IndexMap::new();
    for a in accounts.iter().filter(|a| fits(a)) {
        let (_, e) = a.name.rsplit_once('-').unwrap_or_default();
        env_ous.entry(e.to_string()).or_default().push(a.ou.clone());
    }
    let envs: IndexMap<String, String> = env_ous
        .into_iter()
        .filter(|(e, ous)| ous.len() >= 2 && ous.iter().all(|o| *o == ous[0]) && is_plain_key(e))
        .map(|(e, ous)| (e, ous[0].clone().unwrap_or_default()))
        .collect();
    let mut workloads: IndexMap<String, Vec<String>> = IndexMap::new();
    let mut placed: HashSet<String> = HashSet::new();
    for a in accounts.iter().filter(|a| fits(a)) {
        let (w, e) = a.name.rsplit_once('-').unwrap_or_default();
        if envs.contains_key(e)
            && is_plain_key(w)
            && workload_account_name(w, e, None) == a.name
            && !ou_ids.values().any(|k| k == w)
        {
            workloads
                .entry(w.to_string())
                .or_default()
                .push(e.to_string());
            placed.insert(a.id.clone());
        }
    }

    let mut lock = Lock::new();
    lock.email_pattern = Some(pattern.clone());
    lock.organization.id = Some(org_id.clone());
    lock.organization.root_id = Some(root_id.clone());
    for ou in &ous {
        let id = ou_ids
            .iter()
            .find(|(_, k)| **k == ou.key)
            .map(|(i, _)| i.clone());
        lock.organizational_units
            .insert(ou.key.clone(), LockedId { id });
    }

    // The blueprint text.
    let mut bp = String::new();
    bp.push_str(&format!(
        "# landform blueprint adopted from organization {} by `landform adopt`.\n\
         # Review it, then `landform generate`: the first plan imports every object listed in\n\
         # landform.lock instead of creating it.\n",
        org_id.replace('\n', " ")
    ));
    for n in &notes {
        bp.push_str(&format!("# note: {}\n", n.replace('\n', " ")));
    }
    bp.push_str("version: 1\n\norganization:\n");
    let org_name = if is_plain_key(&org_id) {
        org_id.clone()
    } else {
        "organization".into()
    };
    bp.push_str(&format!("  name: {}\n", q(&org_name)));
    bp.push_str(&format!("  email: {}\n", q(&pattern)));
    bp.push_str(&format!("  home_region: {}\n", q(home_region)));
    bp.push_str(&format!("  regions: [{}]\n", q(home_region)));

    let mut account_keys: IndexMap<String, String> = IndexMap::new(); // id → key
    let mut used_accounts: HashSet<String> = HashSet::new();
    if !envs.is_empty() && !workloads.is_empty() {
        bp.push_str("\nenvironments:\n");
        for (e, ou) in &envs {
            bp.push_str(&format!("  {e}: {{ ou: {} }}\n", q(ou)));
        }
        bp.push_str("\nworkloads:\n");
        for (w, es) in &workloads {
            let list: Vec<String> = envs.keys().filter(|e| es.contains(e)).cloned().collect();
            bp.push_str(&format!(
                "  {w}: {{ environments: [{}] }}\n",
                list.join(", ")
            ));
        }
        for a in accounts.iter().filter(|a| placed.contains(&a.id)) {
            let (w, e) = a.name.rsplit_once('-').unwrap_or_default();
            let key = key_of(&a.name);
            used_accounts.insert(key.clone());
            account_keys.insert(a.id.clone(), key.clone());
            lock.accounts.insert(
                key,
                LockedAccount {
                    email: a.email.clone(),
                    name: Some(a.name.clone()),
                    id: Some(a.id.clone()),
                    ou: a.ou.clone(),
                    workload: Some(w.to_string()),
                    environment: Some(e.to_string()),
                    ..LockedAccount::default()
                },
            );
        }
    }
    let named: Vec<&AccountInfo> = accounts
        .iter()
        .filter(|a| !placed.contains(&a.id))
        .collect();
    if !named.is_empty() {
        bp.push_str("\naccounts:\n");
        for a in named {
            let key = unique_key(&a.name, "account", &mut used_accounts);
            account_keys.insert(a.id.clone(), key.clone());
            let mut fields = vec![format!("ou: {}", q(a.ou.as_deref().unwrap_or_default()))];
            let name = key.to_kebab_case();
            if name != a.name {
                fields.push(format!("name: {}", q(&a.name)));
            }
            if email_for(&pattern, &a.name) != a.email {
                fields.push(format!("email: {}", q(&a.email)));
            }
            bp.push_str(&format!("  {key}: {{ {} }}\n", fields.join(", ")));
            lock.accounts.insert(
                key,
                LockedAccount {
                    email: a.email.clone(),
                    name: Some(a.name.clone()),
                    id: Some(a.id.clone()),
                    ou: a.ou.clone(),
                    ..LockedAccount::default()
                },
            );
        }
    }
    if !ous.is_empty() {
        bp.push_str("\norganizational_units:\n");
        for ou in &ous {
            let parent = ou
                .parent
                .as_ref()
                .map(|p| format!(", parent: {p}"))
                .unwrap_or_default();
            bp.push_str(&format!(
                "  {}: {{ name: {}{parent} }}\n",
                ou.key,
                q(&ou.name)
            ));
        }
    }

    // Policies the organization wrote (AWS managed ones, like FullAWSAccess, stay AWS's).
    let mut documents = BTreeMap::new();
    let mut policy_lines = Vec::new();
    let mut used_policies = HashSet::new();
    for policy_type in crate::blueprint::PolicyType::ALL {
        let (aws_type, kind) = (policy_type.aws_name(), policy_type.key());
        let Some(list) = read_opt(dir, &format!("policies-{aws_type}.json"))? else {
            continue;
        };
        for p in items(&list, "Policies") {
            if p.get("AwsManaged").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let id = s(p, "Id").to_string();
            let name = s(p, "Name").to_string();
            let described = read(dir, &format!("policy-{id}.json"))?;
            let content = described
                .pointer("/Policy/Content")
                .and_then(Value::as_str)
                .ok_or_else(|| AdoptError::Incomplete {
                    file: format!("policy-{id}.json"),
                    missing: "Policy.Content",
                })?;
            let document: Value =
                serde_json::from_str(content).map_err(|source| AdoptError::NotJson {
                    what: format!("the content of policy {name} ({id})"),
                    source,
                })?;
            let key = unique_key(&name, "policy", &mut used_policies);
            let file = format!("policies/{}.json", key.to_kebab_case());
            let mut pretty = serde_json::to_string_pretty(&document).unwrap_or_default();
            pretty.push('\n');
            documents.insert(file.clone(), pretty);
            let targets = read_opt(dir, &format!("targets-{id}.json"))?;
            let mut attach = Vec::new();
            for t in targets.iter().flat_map(|t| items(t, "Targets")) {
                let tid = s(t, "TargetId");
                let target = match s(t, "Type") {
                    "ROOT" => Some("root".to_string()),
                    "ORGANIZATIONAL_UNIT" => ou_ids.get(tid).cloned(),
                    "ACCOUNT" => account_keys.get(tid).cloned(),
                    _ => None,
                };
                match target {
                    Some(t) => attach.push(t),
                    None => notes.push(format!(
                        "policy `{name}`: its attachment to {tid} was left out (a target the blueprint does not manage)"
                    )),
                }
            }
            let mut line = format!("  {key}:\n    type: {kind}\n    file: {}\n", q(&file));
            let description = s(p, "Description");
            if !description.is_empty() {
                line.push_str(&format!("    description: {}\n", q(description)));
            }
            line.push_str(&format!("    attach: [{}]\n", attach.join(", ")));
            policy_lines.push(line);
            lock.policies.insert(key, LockedId { id: Some(id) });
        }
    }
    if !policy_lines.is_empty() {
        bp.push_str("\npolicies:\n");
        for l in policy_lines {
            bp.push_str(&l);
        }
    }
    Ok(Adopted {
        blueprint: bp,
        lock,
        documents,
        notes,
    })
}
