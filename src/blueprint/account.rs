use indexmap::IndexMap;
use serde::Deserialize;

/// `accounts.<key>:`: a foundation account (security, log archive, network...) or any other
/// single account.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedAccount {
    /// The OU key it goes to; `root` places it directly under the organization root.
    pub ou: String,
    /// The account name; defaults to the key in kebab-case.
    #[serde(default)]
    pub name: Option<String>,
    /// The root email; defaults to the organization's pattern.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The key this account had before a rename.
    #[serde(default)]
    pub renamed_from: Option<String>,
}
