use indexmap::IndexMap;
use serde::Deserialize;

/// `contacts:`: billing, operations and security alternate contacts for every account, set from
/// the management account. Emails default to the organization's pattern with `{account}` =
/// `billing`, `operations` or `security`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Contacts {
    /// The phone number of every contact that does not give its own (AWS requires one).
    pub phone: Option<String>,
    pub billing: Contact,
    pub operations: Contact,
    pub security: Contact,
    /// Per workload or named-account key: contacts that replace the organization's.
    pub overrides: IndexMap<String, ContactOverride>,
}

/// One alternate contact; every field has a default.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Contact {
    pub name: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// `contacts.overrides.<key>:`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ContactOverride {
    pub billing: Option<Contact>,
    pub operations: Option<Contact>,
    pub security: Option<Contact>,
}
