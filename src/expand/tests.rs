//! Expansion, blueprint in, model out: account naming and emails per workload × environment
//! (× region), placement in OUs, tags, renames carried through the lock plan, Identity Center
//! assignments and policy targets.

use std::path::Path;

use super::*;
use crate::diagnostic::Diagnostic;
use crate::lock::Lock;
use crate::model::AccountKind;
use crate::model::identity_center::MANAGEMENT;

/// Regions, a per-region environment, named accounts (one at the root, one with its own name
/// and email), a sandbox, a three-level OU tree.
const BP: &str = r#"version: 1
organization:
  name: acme
  email: "aws+{account}@acme.example"
  home_region: eu-west-1
  regions: [eu-west-1, us-east-1]
  tags: { cost-center: platform, owner: cloud-team }
environments:
  dev:  { ou: nonprod, tags: { tier: low } }
  prod: { ou: prod, per_region: true, tags: { tier: high } }
accounts:
  security:    { ou: security }
  log_archive: { ou: security, name: audit-logs }
  billing:     { ou: root, email: finance@acme.example, owner: finance }
workloads:
  payments_api: { environments: [prod, dev], owner: payments }
  web:          { environments: [dev] }
sandboxes: [jane-doe]
organizational_units:
  security:  { name: Security }
  workloads: { name: Workloads }
  prod:      { name: Prod, parent: workloads }
  nonprod:   { name: NonProd, parent: workloads }
  sandbox:   { name: Sandbox }
"#;

/// Loads `bp` (validation must pass) with `lock`, and expands it.
fn expand_with(bp: &str, lock: Option<&Lock>) -> Model {
    let mut loaded = crate::load::load_str(Path::new("landform.yaml"), bp).expect("loads");
    loaded.lock = lock.cloned();
    let diags = crate::validate::blueprint(&loaded);
    assert!(!diags.iter().any(Diagnostic::is_error), "{diags:#?}");
    expand(&loaded, RunOptions::default())
}

fn model(bp: &str) -> Model {
    expand_with(bp, None)
}

fn account<'m>(m: &'m Model, key: &str) -> &'m Account {
    m.accounts
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no account {key} in {:?}", keys(m)))
}

fn keys(m: &Model) -> Vec<&str> {
    m.accounts.iter().map(|a| a.key.as_str()).collect()
}

#[test]
fn accounts_are_named_accounts_then_workload_by_environment_by_region_then_sandboxes() {
    let m = model(BP);
    // Environments follow `environments:` order, not the workload's list; per-region
    // environments give one account per organization region, in that order.
    assert_eq!(
        keys(&m),
        [
            "security",
            "log_archive",
            "billing",
            "payments_api_dev",
            "payments_api_prod_eu_west_1",
            "payments_api_prod_us_east_1",
            "web_dev",
            "sandbox_jane_doe",
        ]
    );
    let names: Vec<&str> = m.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "security",
            "audit-logs",
            "billing",
            "payments-api-dev",
            "payments-api-prod-eu-west-1",
            "payments-api-prod-us-east-1",
            "web-dev",
            "sandbox-jane-doe",
        ]
    );
    let prod = account(&m, "payments_api_prod_us_east_1");
    assert_eq!(prod.kind, AccountKind::Workload);
    assert_eq!(prod.workload.as_deref(), Some("payments_api"));
    assert_eq!(prod.environment.as_deref(), Some("prod"));
    assert_eq!(prod.region.as_deref(), Some("us-east-1"));
    assert_eq!(account(&m, "payments_api_dev").region, None);
    assert_eq!(account(&m, "security").kind, AccountKind::Named);
    assert_eq!(account(&m, "sandbox_jane_doe").kind, AccountKind::Sandbox);
    assert_eq!(prod.origin, "workloads.payments_api");
    assert_eq!(account(&m, "log_archive").origin, "accounts.log_archive");
    assert_eq!(account(&m, "sandbox_jane_doe").origin, "sandboxes[0]");
}

#[test]
fn emails_follow_the_pattern_with_the_account_name_unless_set() {
    let m = model(BP);
    let email = |k: &str| account(&m, k).email.clone();
    assert_eq!(
        email("payments_api_prod_eu_west_1"),
        "aws+payments-api-prod-eu-west-1@acme.example"
    );
    assert_eq!(email("web_dev"), "aws+web-dev@acme.example");
    // A named account's `name:` is what the pattern uses, not its key.
    assert_eq!(email("log_archive"), "aws+audit-logs@acme.example");
    // An explicit `email:` wins over the pattern.
    assert_eq!(email("billing"), "finance@acme.example");
    assert_eq!(
        email("sandbox_jane_doe"),
        "aws+sandbox-jane-doe@acme.example"
    );
    // No lock before: every email is new, and the next lock records each.
    for a in &m.accounts {
        assert_eq!(m.lock.next.accounts[&a.key].email, a.email, "{}", a.key);
    }
}

#[test]
fn tags_layer_organization_environment_workload_and_owner() {
    let m = model(BP);
    let prod = account(&m, "payments_api_prod_eu_west_1");
    let tag = |a: &Account, k: &str| a.tags.get(k).cloned();
    assert_eq!(tag(prod, "cost-center").as_deref(), Some("platform"));
    assert_eq!(tag(prod, "workload").as_deref(), Some("payments_api"));
    assert_eq!(tag(prod, "environment").as_deref(), Some("prod"));
    assert_eq!(tag(prod, "tier").as_deref(), Some("high"));
    // The workload's owner replaces the organization's `owner` tag.
    assert_eq!(tag(prod, "owner").as_deref(), Some("payments"));
    // Tags are sorted; the resource declares only what default_tags does not already set.
    let sorted: Vec<&String> = prod.tags.keys().collect();
    let mut expected = sorted.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    assert!(!prod.resource_tags.contains_key("cost-center"));
    assert_eq!(
        prod.resource_tags.get("owner").map(String::as_str),
        Some("payments")
    );
    let web = account(&m, "web_dev");
    assert_eq!(tag(web, "owner").as_deref(), Some("cloud-team"));
    assert!(!web.resource_tags.contains_key("owner"));
    assert_eq!(tag(web, "tier").as_deref(), Some("low"));
    assert_eq!(
        tag(account(&m, "sandbox_jane_doe"), "owner").as_deref(),
        Some("jane-doe")
    );
}

#[test]
fn accounts_are_placed_in_their_environment_ou_and_ous_are_depth_first() {
    let m = model(BP);
    let ou_of = |k: &str| account(&m, k).ou.clone();
    assert_eq!(ou_of("payments_api_dev").as_deref(), Some("nonprod"));
    assert_eq!(
        ou_of("payments_api_prod_us_east_1").as_deref(),
        Some("prod")
    );
    assert_eq!(ou_of("security").as_deref(), Some("security"));
    // `ou: root`: directly under the organization root.
    assert_eq!(ou_of("billing"), None);
    assert_eq!(ou_of("sandbox_jane_doe").as_deref(), Some(SANDBOX_OU));

    let tree: Vec<(&str, Option<&str>, usize)> = m
        .ous
        .iter()
        .map(|o| (o.key.as_str(), o.parent.as_deref(), o.depth))
        .collect();
    assert_eq!(
        tree,
        [
            ("security", None, 1),
            ("workloads", None, 1),
            ("prod", Some("workloads"), 2),
            ("nonprod", Some("workloads"), 2),
            ("sandbox", None, 1),
        ]
    );
    let members = |k: &str| m.ous.iter().find(|o| o.key == k).unwrap().accounts.clone();
    assert_eq!(members("security"), ["security", "log_archive"]);
    assert_eq!(
        members("prod"),
        ["payments_api_prod_eu_west_1", "payments_api_prod_us_east_1"]
    );
    assert_eq!(members("nonprod"), ["payments_api_dev", "web_dev"]);
    // An OU holds its direct accounts only.
    assert!(members("workloads").is_empty());
}

/// `BP` generated once, then `edit` on top of its lock.
fn regenerate(edit: impl Fn(&str) -> String) -> (Model, Model) {
    let first = model(BP);
    let second = expand_with(&edit(BP), Some(&first.lock.next));
    (first, second)
}

#[test]
fn a_renamed_workload_keeps_every_email_and_moves_its_accounts() {
    let (first, m) = regenerate(|bp| {
        bp.replace(
            "  payments_api: { environments: [prod, dev], owner: payments }",
            "  billing_api: { environments: [prod, dev], owner: payments, renamed_from: payments_api }",
        )
    });
    for (new, old) in [
        ("billing_api_dev", "payments_api_dev"),
        ("billing_api_prod_eu_west_1", "payments_api_prod_eu_west_1"),
        ("billing_api_prod_us_east_1", "payments_api_prod_us_east_1"),
    ] {
        // The account keeps the email it was created with (a new one would replace it)...
        assert_eq!(account(&m, new).email, account(&first, old).email);
        assert_eq!(m.lock.emails[new], account(&first, old).email);
        // ...and Terraform moves it instead of destroying and creating it.
        assert_eq!(m.lock.renamed[new], old);
        let mv = crate::lock::Move {
            from: reconcile::account_address(old),
            to: reconcile::account_address(new),
        };
        assert!(m.lock.new_moves.contains(&mv), "{:?}", m.lock.new_moves);
        assert!(m.moved.iter().any(|x| x.from == mv.from && x.to == mv.to));
        // The next lock knows the account by its new key only.
        assert_eq!(m.lock.next.accounts[new].email, account(&first, old).email);
        assert!(!m.lock.next.accounts.contains_key(old));
    }
    // Its name (what AWS shows) follows the new key; the untouched accounts move nowhere.
    assert_eq!(account(&m, "billing_api_dev").name, "billing-api-dev");
    assert!(
        m.lock
            .new_moves
            .iter()
            .all(|mv| mv.to.contains("billing_api"))
    );
    assert!(m.lock.newly_removed.is_empty());
    assert!(m.lock.diagnostics.iter().all(|d| !d.is_error()));
}

#[test]
fn renames_of_a_workload_and_then_an_environment_compose() {
    let renamed_workload = BP.replace(
        "  payments_api: { environments: [prod, dev], owner: payments }",
        "  billing_api: { environments: [prod, dev], owner: payments, renamed_from: payments_api }",
    );
    let first = model(BP);
    let second = expand_with(&renamed_workload, Some(&first.lock.next));
    // The workload's renamed_from stays; now the environment is renamed too.
    let both = renamed_workload
        .replace(
            "  dev:  { ou: nonprod, tags: { tier: low } }",
            "  development: { ou: nonprod, tags: { tier: low }, renamed_from: dev }",
        )
        .replace("[prod, dev]", "[prod, development]")
        .replace(
            "  web:          { environments: [dev] }",
            "  web: { environments: [development] }",
        );
    let third = expand_with(&both, Some(&second.lock.next));
    assert_eq!(
        account(&third, "billing_api_development").email,
        account(&first, "payments_api_dev").email
    );
    assert_eq!(
        account(&third, "web_development").email,
        account(&first, "web_dev").email
    );
    assert_eq!(
        third.lock.renamed["billing_api_development"],
        "billing_api_dev"
    );
    assert!(third.lock.diagnostics.iter().all(|d| !d.is_error()));
}

#[test]
fn a_new_email_pattern_applies_to_new_accounts_only() {
    let (first, m) = regenerate(|bp| {
        bp.replace("aws+{account}@acme.example", "cloud+{account}@acme.example")
            .replace(
                "  web:          { environments: [dev] }",
                "  web: { environments: [dev, prod] }",
            )
    });
    assert_eq!(
        account(&m, "web_dev").email,
        account(&first, "web_dev").email
    );
    assert_eq!(account(&m, "web_dev").email, "aws+web-dev@acme.example");
    assert_eq!(
        account(&m, "web_prod_us_east_1").email,
        "cloud+web-prod-us-east-1@acme.example"
    );
    // The next lock records the kept email, not the pattern's.
    assert_eq!(
        m.lock.next.accounts["web_dev"].email,
        "aws+web-dev@acme.example"
    );
}

#[test]
fn an_account_dropped_without_the_flag_is_an_error_and_keeps_its_lock_entry() {
    let (first, m) = regenerate(|bp| bp.replace("  web:          { environments: [dev] }\n", ""));
    assert!(first.accounts.iter().any(|a| a.key == "web_dev"));
    assert!(
        m.lock
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("web_dev")),
        "{:#?}",
        m.lock.diagnostics
    );
    assert!(m.lock.newly_removed.is_empty());
}

const ACCESS: &str = r#"identity_center:
  groups: [Admins, developers]
  users:
    jdoe: { given_name: Jane, family_name: Doe, email: jane@acme.example, groups: [developers] }
  permission_sets:
    admin:    { managed: [AdministratorAccess], session: 1h }
    readonly: { managed: [ReadOnlyAccess], session: 1h30m }
  access:
    - { group: Admins, permission_set: admin, accounts: all }
    - { group: Admins, permission_set: admin, accounts: [management, security] }
    - { group: developers, permission_set: readonly, environments: [prod] }
    - { group: developers, permission_set: readonly, ous: [workloads], exclude: [prod] }
    - { user: jdoe, permission_set: admin, workloads: [web] }
"#;

fn with_access() -> Model {
    model(&format!("{BP}{ACCESS}"))
}

#[test]
fn access_rules_expand_to_one_assignment_per_principal_set_and_account() {
    let m = with_access();
    let ic = m.identity_center.as_ref().expect("identity center");
    let of = |principal: &str, ps: &str| -> Vec<&str> {
        ic.assignments
            .iter()
            .filter(|a| {
                a.group.as_deref().or(a.user.as_deref()) == Some(principal)
                    && a.permission_set == ps
            })
            .map(|a| a.account.as_str())
            .collect()
    };
    // `all`: every member account (not the management account), in model order; the second
    // rule adds the management account, first, and merges with the first on `security`.
    let mut all_members = vec![MANAGEMENT];
    all_members.extend(keys(&m));
    assert_eq!(of("admins", "admin"), all_members);
    let security = ic
        .assignments
        .iter()
        .find(|a| a.key == "admins/admin/security")
        .unwrap();
    assert_eq!(security.rules, [0, 1]);
    // An environment selector, then an OU subtree minus an excluded OU below it.
    assert_eq!(
        of("developers", "readonly"),
        [
            "payments_api_dev",
            "payments_api_prod_eu_west_1",
            "payments_api_prod_us_east_1",
            "web_dev",
        ]
    );
    let dev = ic
        .assignments
        .iter()
        .find(|a| a.key == "developers/readonly/payments_api_dev")
        .unwrap();
    assert_eq!(dev.rules, [3]);
    assert_eq!(of("jdoe", "admin"), ["web_dev"]);
    // Order: groups in declaration order, then users; permission sets; accounts.
    let principals: Vec<&str> = ic
        .assignments
        .iter()
        .map(|a| a.group.as_deref().or(a.user.as_deref()).unwrap())
        .collect();
    let first_user = principals.iter().position(|p| *p == "jdoe").unwrap();
    assert!(principals[..first_user].iter().all(|p| *p != "jdoe"));
    assert!(principals[first_user..].iter().all(|p| *p == "jdoe"));
    // Assignment targets: the management account first (found through the organization),
    // then every assigned account with the email the model decided.
    assert_eq!(ic.targets[0].key, MANAGEMENT);
    assert_eq!(ic.targets[0].email, None);
    for t in &ic.targets[1..] {
        assert_eq!(t.email.as_deref(), Some(account(&m, &t.key).email.as_str()));
    }
    assert_eq!(ic.targets.len(), 1 + m.accounts.len());
}

#[test]
fn identity_center_groups_users_and_permission_sets_get_keys_and_sessions() {
    let m = with_access();
    let ic = m.identity_center.as_ref().unwrap();
    let groups: Vec<(&str, &str)> = ic
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.name.as_str()))
        .collect();
    assert_eq!(groups, [("admins", "Admins"), ("developers", "developers")]);
    assert_eq!(ic.users[0].key, "jdoe");
    assert_eq!(ic.users[0].display_name, "Jane Doe");
    assert_eq!(ic.users[0].groups, ["developers"]);
    let sessions: Vec<&str> = ic
        .permission_sets
        .iter()
        .map(|p| p.session_duration.as_str())
        .collect();
    assert_eq!(sessions, ["PT1H", "PT1H30M"]);
    assert_eq!(
        ic.permission_sets[0].managed,
        ["arn:aws:iam::aws:policy/AdministratorAccess"]
    );
    // Identity Center needs the organization's trusted access.
    assert!(
        m.organization
            .service_access_principals
            .contains(&"sso.amazonaws.com".to_string())
    );
}

#[test]
fn policy_targets_resolve_to_the_root_ous_and_accounts_once_each() {
    let m = model(&format!(
        "{BP}guardrails:\n  deny_leave_organization: [root, prod, security, prod]\n  \
         region_restriction: [workloads, payments_api_dev]\n"
    ));
    let policy = |key: &str| m.policies.iter().find(|p| p.key == key).unwrap();
    let deny = policy("deny_leave_organization");
    // `security` is both an OU and an account: the OU wins. A repeated target counts once.
    assert_eq!(
        deny.targets,
        [
            Target::Root,
            Target::Ou("prod".into()),
            Target::Ou("security".into())
        ]
    );
    assert_eq!(deny.file, format!("policies/{}.json", deny.name));
    assert_eq!(deny.aws_type, "SERVICE_CONTROL_POLICY");
    assert_eq!(
        policy("region_restriction").targets,
        [
            Target::Ou("workloads".into()),
            Target::Account("payments_api_dev".into())
        ]
    );
    assert_eq!(
        m.organization.enabled_policy_types,
        ["SERVICE_CONTROL_POLICY"]
    );
}

#[test]
fn a_target_that_names_nothing_resolves_to_nothing() {
    let m = model(BP);
    let loaded = crate::load::load_str(Path::new("landform.yaml"), BP).unwrap();
    let bp = &loaded.blueprint;
    assert_eq!(target(bp, &m.accounts, "root"), Some(Target::Root));
    assert_eq!(
        target(bp, &m.accounts, "nonprod"),
        Some(Target::Ou("nonprod".into()))
    );
    // Account targets are matched by key, however they are written.
    assert_eq!(
        target(bp, &m.accounts, "web-dev"),
        Some(Target::Account("web_dev".into()))
    );
    assert_eq!(target(bp, &m.accounts, "payments_api"), None);
}

#[test]
fn session_durations_become_iso_8601() {
    assert_eq!(crate::naming::session_minutes("1h"), Some(60));
    assert_eq!(crate::naming::session_minutes("90m"), Some(90));
    assert_eq!(crate::naming::session_minutes("1h30m"), Some(90));
    assert_eq!(crate::naming::session_minutes("12h"), Some(720));
    assert_eq!(crate::naming::session_minutes("h"), None);
    assert_eq!(crate::naming::session_minutes("1d"), None);
    assert_eq!(crate::naming::session_minutes("60"), None);
    assert_eq!(identity_center::iso_duration(60), "PT1H");
    assert_eq!(identity_center::iso_duration(90), "PT1H30M");
    assert_eq!(identity_center::iso_duration(720), "PT12H");
    assert_eq!(identity_center::iso_duration(45), "PT45M");
}

#[test]
fn managed_policy_names_become_arns() {
    assert_eq!(
        identity_center::managed_arn("ReadOnlyAccess"),
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    assert_eq!(
        identity_center::managed_arn("job-function/ViewOnlyAccess"),
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
    );
    assert_eq!(
        identity_center::managed_arn("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"),
        "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"
    );
    assert_eq!(
        identity_center::policy_ref("Mine"),
        ("Mine".into(), "/".into())
    );
    assert_eq!(
        identity_center::policy_ref("/team/Mine"),
        ("Mine".into(), "/team/".into())
    );
}
