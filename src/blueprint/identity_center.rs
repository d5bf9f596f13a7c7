use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use super::AccountSelector;

/// `identity_center:`: groups, users, permission sets and who gets what where.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenter {
    /// The delegated Identity Center administrator account (an account key) the stack is
    /// applied in; the management account when absent.
    #[serde(default)]
    pub admin_account: Option<String>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Users by user name, for small teams without an external identity provider.
    #[serde(default)]
    pub users: IndexMap<String, User>,
    #[serde(default)]
    pub permission_sets: IndexMap<String, PermissionSet>,
    #[serde(default)]
    pub access: Vec<AccessRule>,
}

/// One entry of `identity_center.groups:`: a name, or a map with `name:` and options.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// The name access rules use.
    pub name: String,
    /// The display name in the identity store; defaults to `name`.
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Synced from an external IdP (SCIM): looked up by display name, not created.
    pub external: bool,
    /// A small, trusted group (admins, seniors, on-call): exempt from the broad-group lints.
    /// When absent, guessed from the name.
    pub privileged: Option<bool>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct GroupMap {
    name: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    external: bool,
    #[serde(default)]
    privileged: Option<bool>,
}

impl<'de> Deserialize<'de> for Group {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Group;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a group name, or a map with `name:` and options")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Group, E> {
                Ok(Group {
                    name: v.to_string(),
                    ..Group::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Group, A::Error> {
                let m = GroupMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Group {
                    name: m.name,
                    display_name: m.display_name,
                    description: m.description,
                    external: m.external,
                    privileged: m.privileged,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// `identity_center.users.<user name>:`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    /// Defaults to "given family".
    #[serde(default)]
    pub display_name: Option<String>,
    /// Group names the user is a member of.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// `identity_center.permission_sets.<name>:`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// AWS managed policy names (`AdministratorAccess`, `job-function/ViewOnlyAccess`) or ARNs.
    #[serde(default)]
    pub managed: Vec<String>,
    /// Customer-managed policy names, each present in every target account
    /// (`MyPolicy` or `/path/MyPolicy`).
    #[serde(default)]
    pub customer_managed: Vec<String>,
    /// Path to an inline policy JSON document, relative to the blueprint.
    #[serde(default)]
    pub inline: Option<String>,
    /// The permissions boundary.
    #[serde(default)]
    pub boundary: Option<Boundary>,
    /// Session duration: `1h`, `90m`, `12h`.
    #[serde(default)]
    pub session: Option<String>,
    /// The URL users land on in the console.
    #[serde(default)]
    pub relay_state: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
}

/// `permission_sets.<name>.boundary:`: one AWS managed or one customer-managed policy.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    #[serde(default)]
    pub managed: Option<String>,
    #[serde(default)]
    pub customer_managed: Option<String>,
}

/// One entry of `identity_center.access:`: a principal, a permission set and the accounts,
/// chosen by selectors that all have to match (`environments: [prod]` and `workloads: [web]`
/// is web's prod accounts).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRule {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    pub permission_set: String,
    /// `all` (every member account, not the management account) or account keys; the key
    /// `management` names the management account.
    #[serde(default)]
    pub accounts: Option<AccountSelector>,
    #[serde(default)]
    pub environments: Option<Vec<String>>,
    #[serde(default)]
    pub workloads: Option<Vec<String>>,
    /// OU keys; their accounts and those of every OU below.
    #[serde(default)]
    pub ous: Option<Vec<String>>,
    /// Account or OU keys taken out of the selection.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl schemars::JsonSchema for Group {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Group".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let map = generator.subschema_for::<GroupMap>();
        schemars::json_schema!({
            "description": "A group name, or a map with `name:` and options",
            "oneOf": [ { "type": "string" }, map ]
        })
    }
}
