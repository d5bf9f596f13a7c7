use indexmap::IndexMap;
use serde::Deserialize;

/// `tagging:`: the organization's tag policy.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tagging {
    /// Targets: `root`, OU keys, account keys.
    #[serde(default = "root")]
    pub attach: Vec<String>,
    /// Tag keys, written in the case they must have.
    pub tags: IndexMap<String, TagRule>,
}

fn root() -> Vec<String> {
    vec!["root".to_string()]
}

/// `tagging.tags.<Key>:`
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagRule {
    /// Allowed values; empty means any value.
    #[serde(default)]
    pub values: Vec<String>,
    /// Resource types (`ec2:instance`, `s3:bucket`...) where a non-compliant tag is refused.
    #[serde(default)]
    pub enforced_for: Vec<String>,
    /// Resource types that must carry the tag (reported as non-compliant without it).
    #[serde(default)]
    pub required_for: Vec<String>,
}
