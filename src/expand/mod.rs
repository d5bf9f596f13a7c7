//! expand: a pure function from a validated blueprint to the [`Model`].
//!
//! workloads × environments (× regions for per-region environments) become accounts; each gets
//! a stable key, a name, a root email, an OU and tags. Guardrails and custom policies become
//! documents with resolved targets. A new account kind is a new loop in [`accounts`].

mod backup;
mod baseline;
mod billing;
mod foundation;
pub mod shards;
pub(crate) use foundation::bucket_prefix;
pub mod identity_center;
pub mod network;

use heck::ToKebabCase;
use indexmap::IndexMap;

use crate::blueprint::{Blueprint, PolicyType, SANDBOX_OU};
use crate::guardrails::{self, Inputs};
use crate::load::Loaded;
use crate::lock::{LockPlan, RunOptions, reconcile};
use crate::model::{
    Account, AccountKind, Model, ORGANIZATION, Organization, Ou, Policy, PolicySource, Target,
};
use crate::naming::{email_for, key_of, sandbox_account_name, workload_account_name};
use crate::orgpolicy::{pack, placeholders, sections};

/// Expands a blueprint that passed validation.
pub fn expand(loaded: &Loaded, options: RunOptions) -> Model {
    let bp = &loaded.blueprint;
    let mut accounts = accounts(bp);
    accounts.iter_mut().for_each(|a| {
        a.tags.sort_keys();
        a.resource_tags = a
            .tags
            .iter()
            .filter(|(k, v)| bp.organization.tags.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    });
    let ous = ous(bp, &accounts);
    let policies = policies(loaded, &accounts, &ous, options.pack);
    shards::assign(bp, &mut accounts, &ous, &policies);
    // The lock decides emails before anything reads them (provider aliases, reports).
    let plan = reconcile::reconcile(loaded, &accounts, &ous, &policies, options);
    reconcile::apply_emails(loaded, &plan, &mut accounts);
    let organization = organization(bp, &policies);
    let logging = foundation::logging(bp, &accounts);
    let security = foundation::security(bp, &accounts, logging.as_ref());
    let baseline = baseline::expand(bp, &accounts, &ous, logging.as_ref());
    let mut stacks = foundation::stacks(logging.as_ref(), security.as_ref());
    stacks.extend(baseline.as_ref().map(baseline::stack));
    let backup = backup::expand(bp, &accounts, &ous);
    stacks.extend(backup.as_ref().map(backup::stack));
    let network = network::network(bp, &accounts);
    let dns = network::dns(bp, &accounts, network.as_ref());
    stacks.extend(network::stacks(network.as_ref(), dns.as_ref()));
    let contacts = billing::contacts(bp, &accounts);
    let budgets = billing::budgets(bp, &accounts);
    let cost_allocation_tags = billing::cost_allocation_tags(bp);
    let identity_center = identity_center::expand(loaded, &accounts, &ous);
    let mut model = Model {
        organization,
        ous,
        accounts,
        policies,
        logging,
        security,
        baseline,
        backup,
        contacts,
        budgets,
        cost_allocation_tags,
        shards: Vec::new(),
        organization_accounts: 0,
        network,
        dns,
        stacks,
        identity_center,
        moved: Vec::new(),
        removed: Vec::new(),
        imports: Vec::new(),
        state: state(bp),
        stack_order: Vec::new(),
        lock: LockPlan::default(),
    };
    reconcile::finish(loaded, &mut model, plan);
    shards::split(&mut model);
    model.stack_order = model.apply_order();
    model
}

/// `state:`: the bucket's region defaults to the home region; the key prefix ends in `/`.
fn state(bp: &Blueprint) -> Option<crate::model::State> {
    let s = bp.state.as_ref()?;
    let prefix = s
        .key_prefix
        .as_deref()
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
        .map(|p| format!("{p}/"))
        .unwrap_or_default();
    Some(crate::model::State {
        bucket: s.bucket.clone(),
        region: s
            .region
            .clone()
            .unwrap_or_else(|| bp.organization.home_region.clone()),
        key_prefix: prefix,
        bootstrapped: s.bootstrapped,
    })
}

/// The regions accounts may use: `organization.regions`, or the home region alone.
pub fn allowed_regions(bp: &Blueprint) -> Vec<String> {
    if bp.organization.regions.is_empty() {
        vec![bp.organization.home_region.clone()]
    } else {
        bp.organization.regions.clone()
    }
}

fn organization(bp: &Blueprint, policies: &[Policy]) -> Organization {
    let mut types: Vec<String> = policies.iter().map(|p| p.aws_type.clone()).collect();
    types.sort();
    types.dedup();
    let mut principals: Vec<String> = Vec::new();
    if bp.identity_center.is_some() {
        principals.push("sso.amazonaws.com".to_string());
    }
    // Backup policies need AWS Backup's trusted access; tag policies report compliance through
    // the tag policies service.
    if policies.iter().any(|p| p.kind == PolicyType::Backup) {
        principals.push("backup.amazonaws.com".to_string());
    }
    if policies.iter().any(|p| p.kind == PolicyType::Tag) {
        principals.push("tagpolicies.tag.amazonaws.com".to_string());
    }
    principals.extend(foundation::service_principals(bp));
    principals.extend(baseline::service_principals(bp));
    principals.extend(billing::service_principals(bp));
    principals.extend(network::service_principals(bp));
    principals.sort();
    principals.dedup();
    Organization {
        name: bp.organization.name.clone(),
        home_region: bp.organization.home_region.clone(),
        regions: allowed_regions(bp),
        tags: bp.organization.tags.clone(),
        feature_set: "ALL".to_string(),
        enabled_policy_types: types,
        service_access_principals: principals,
        access_role: bp.organization.access_role.clone(),
        delegated_administrators: delegated_administrators(bp),
    }
}

/// The delegated administrators the organization stack registers.
fn delegated_administrators(bp: &Blueprint) -> Vec<crate::model::DelegatedAdministrator> {
    let mut out = Vec::new();
    if let Some(admin) = bp
        .identity_center
        .as_ref()
        .and_then(|ic| ic.admin_account.as_ref())
    {
        out.push(crate::model::DelegatedAdministrator {
            key: "sso".to_string(),
            account: key_of(admin),
            service_principal: "sso.amazonaws.com".to_string(),
        });
    }
    out
}

fn base_tags(bp: &Blueprint) -> IndexMap<String, String> {
    bp.organization.tags.clone()
}

fn accounts(bp: &Blueprint) -> Vec<Account> {
    let pattern = &bp.organization.email;
    let mut out = Vec::new();

    for (key, entry) in &bp.accounts {
        let name = entry.name.clone().unwrap_or_else(|| key.to_kebab_case());
        let mut tags = base_tags(bp);
        if let Some(owner) = &entry.owner {
            tags.insert("owner".into(), owner.clone());
        }
        tags.extend(entry.tags.clone());
        out.push(Account {
            key: key_of(key),
            email: entry
                .email
                .clone()
                .unwrap_or_else(|| email_for(pattern, &name)),
            name,
            // `ou: root`: directly under the organization root.
            ou: (entry.ou != "root").then(|| entry.ou.clone()),
            kind: AccountKind::Named,
            workload: None,
            environment: None,
            region: None,
            owner: entry.owner.clone(),
            tags,
            resource_tags: IndexMap::new(),
            close_on_deletion: false,
            stack: ORGANIZATION.to_string(),
            origin: format!("accounts.{key}"),
        });
    }

    let regions = allowed_regions(bp);
    for (wkey, workload) in &bp.workloads {
        // Environment order is the order of `environments:`, not of the workload's list.
        for (ekey, env) in bp
            .environments
            .iter()
            .filter(|(e, _)| workload.environments.contains(e))
        {
            let region_list: Vec<Option<&String>> = if env.per_region {
                regions.iter().map(Some).collect()
            } else {
                vec![None]
            };
            for region in region_list {
                let name = workload_account_name(wkey, ekey, region.map(String::as_str));
                let mut tags = base_tags(bp);
                tags.insert("workload".into(), wkey.clone());
                tags.insert("environment".into(), ekey.clone());
                if let Some(owner) = &workload.owner {
                    tags.insert("owner".into(), owner.clone());
                }
                tags.extend(env.tags.clone());
                tags.extend(workload.tags.clone());
                out.push(Account {
                    key: key_of(&name),
                    email: email_for(pattern, &name),
                    name,
                    ou: Some(env.ou.clone()),
                    kind: AccountKind::Workload,
                    workload: Some(wkey.clone()),
                    environment: Some(ekey.clone()),
                    region: region.cloned(),
                    owner: workload.owner.clone(),
                    tags,
                    resource_tags: IndexMap::new(),
                    close_on_deletion: false,
                    stack: ORGANIZATION.to_string(),
                    origin: format!("workloads.{wkey}"),
                });
            }
        }
    }

    for (i, person) in bp.sandboxes.iter().enumerate() {
        let name = sandbox_account_name(person);
        let mut tags = base_tags(bp);
        tags.insert("owner".into(), person.clone());
        out.push(Account {
            key: key_of(&name),
            email: email_for(pattern, &name),
            name,
            ou: Some(SANDBOX_OU.to_string()),
            kind: AccountKind::Sandbox,
            workload: None,
            environment: None,
            region: None,
            owner: Some(person.clone()),
            tags,
            resource_tags: IndexMap::new(),
            close_on_deletion: false,
            stack: ORGANIZATION.to_string(),
            origin: format!("sandboxes[{i}]"),
        });
    }
    out
}

/// OUs in depth-first order from the root, siblings in blueprint order.
fn ous(bp: &Blueprint, accounts: &[Account]) -> Vec<Ou> {
    let mut out = Vec::new();
    fn visit(
        bp: &Blueprint,
        accounts: &[Account],
        parent: Option<&str>,
        depth: usize,
        out: &mut Vec<Ou>,
    ) {
        if depth > 64 {
            return; // a cycle; validation reports it
        }
        for (key, ou) in &bp.organizational_units {
            if ou.parent.as_deref() == parent {
                out.push(Ou {
                    key: key.clone(),
                    name: ou.name.clone(),
                    parent: parent.map(str::to_string),
                    depth,
                    tags: ou.tags.clone(),
                    accounts: accounts
                        .iter()
                        .filter(|a| a.ou.as_deref() == Some(key))
                        .map(|a| a.key.clone())
                        .collect(),
                });
                visit(bp, accounts, Some(key), depth + 1, out);
            }
        }
    }
    visit(bp, accounts, None, 1, &mut out);
    out
}

/// Resolves an attach target: `root`, an OU key or an account key.
pub fn target(bp: &Blueprint, accounts: &[Account], name: &str) -> Option<Target> {
    if name == "root" {
        Some(Target::Root)
    } else if bp.organizational_units.contains_key(name) {
        Some(Target::Ou(name.to_string()))
    } else {
        let key = key_of(name);
        accounts
            .iter()
            .any(|a| a.key == key)
            .then_some(Target::Account(key))
    }
}

fn targets(bp: &Blueprint, accounts: &[Account], names: &[String]) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for t in names.iter().filter_map(|n| target(bp, accounts, n)) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn policies(loaded: &Loaded, accounts: &[Account], ous: &[Ou], pack_all: bool) -> Vec<Policy> {
    let bp = &loaded.blueprint;
    let regions = allowed_regions(bp);
    let is_account = |k: &str| accounts.iter().any(|a| a.key == k);
    let mut out = Vec::new();
    for (name, usage) in &bp.guardrails {
        let Some(g) = guardrails::find(name) else {
            continue;
        };
        let doc = (g.build)(&Inputs::new(&bp.organization, &usage.params));
        let policy_name = guardrails::policy_name(name);
        out.push(Policy {
            key: key_of(name),
            file: format!("policies/{policy_name}.json"),
            name: policy_name,
            kind: g.kind,
            aws_type: g.kind.aws_name().to_string(),
            description: g.summary.split_whitespace().collect::<Vec<_>>().join(" "),
            substitutions: placeholders::substitutions(&doc, is_account),
            document: doc,
            targets: targets(bp, accounts, &usage.attach),
            source: PolicySource::Guardrail,
            packed_from: Vec::new(),
            origin: format!("guardrails.{name}"),
        });
    }
    if let Some(tagging) = &bp.tagging {
        let doc = sections::tag_policy(tagging);
        out.push(Policy {
            key: "tagging".to_string(),
            file: "policies/tagging.json".to_string(),
            name: "tagging".to_string(),
            kind: PolicyType::Tag,
            aws_type: PolicyType::Tag.aws_name().to_string(),
            description: sections::TAG_SUMMARY
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            substitutions: Vec::new(),
            document: doc,
            targets: targets(bp, accounts, &tagging.attach),
            source: PolicySource::Guardrail,
            packed_from: Vec::new(),
            origin: "tagging".to_string(),
        });
    }
    if let Some(backup) = &bp.backup {
        let vault_account = key_of(&backup.account);
        for (env, plan) in &backup.plans {
            let doc = sections::backup_policy(env, plan, backup, &vault_account, &regions);
            let policy_name = format!("backup-{}", env.to_kebab_case());
            let env_accounts: Vec<String> = accounts
                .iter()
                .filter(|a| a.environment.as_deref() == Some(env.as_str()))
                .map(|a| a.key.clone())
                .collect();
            out.push(Policy {
                key: key_of(&policy_name),
                file: format!("policies/{policy_name}.json"),
                name: policy_name,
                kind: PolicyType::Backup,
                aws_type: PolicyType::Backup.aws_name().to_string(),
                description: sections::backup_summary(env, plan, backup),
                substitutions: placeholders::substitutions(&doc, is_account),
                document: doc,
                targets: targets(bp, accounts, &env_accounts),
                source: PolicySource::Guardrail,
                packed_from: Vec::new(),
                origin: format!("backup.plans.{env}"),
            });
        }
    }
    if let Some(doc) = bp
        .baseline
        .as_ref()
        .and_then(|b| sections::ec2_declarative_policy(&b.ec2))
    {
        // The OUs the baseline stack sets target: the root, or the largest subtrees holding no
        // excluded OU.
        let keys = baseline::target_keys(ous, &baseline::excluded(bp, ous));
        out.push(Policy {
            key: "baseline_ec2".to_string(),
            file: "policies/baseline-ec2.json".to_string(),
            name: "baseline-ec2".to_string(),
            kind: PolicyType::DeclarativeEc2,
            aws_type: PolicyType::DeclarativeEc2.aws_name().to_string(),
            description: sections::EC2_SUMMARY
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            substitutions: Vec::new(),
            document: doc,
            targets: targets(bp, accounts, &keys),
            source: PolicySource::Guardrail,
            packed_from: Vec::new(),
            origin: "baseline.ec2".to_string(),
        });
    }
    for (name, custom) in &bp.policies {
        let Some(document) = loaded.document(&custom.file) else {
            continue;
        };
        let (document, _, _) = placeholders::fill(&document, &regions);
        let policy_name = name.to_kebab_case();
        out.push(Policy {
            key: key_of(name),
            file: format!("policies/{policy_name}.json"),
            name: policy_name,
            kind: custom.kind,
            aws_type: custom.kind.aws_name().to_string(),
            description: custom
                .description
                .clone()
                .unwrap_or_else(|| format!("{} from {}", custom.kind.title(), custom.file)),
            substitutions: placeholders::substitutions(&document, is_account),
            document,
            targets: targets(bp, accounts, &custom.attach),
            source: PolicySource::Custom,
            packed_from: Vec::new(),
            origin: format!("policies.{name}"),
        });
    }
    if pack_all || bp.organization.pack_guardrails {
        out = pack::pack(out, &bp.organization.limits);
    }
    out
}

#[cfg(test)]
mod tests;
