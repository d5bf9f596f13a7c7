use indexmap::IndexMap;
use serde::Deserialize;

/// `organizational_units.<key>:`. Wide, not deep.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationalUnit {
    pub name: String,
    /// The parent OU key; the root when absent.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The key this OU had before a rename.
    #[serde(default)]
    pub renamed_from: Option<String>,
}
