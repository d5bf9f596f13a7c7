use serde::{Deserialize, Serialize};

/// The Organizations policy types.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PolicyType {
    Scp,
    Rcp,
    Tag,
    Backup,
    AiOptOut,
}

impl PolicyType {
    /// The name the Organizations API uses.
    pub fn aws_name(self) -> &'static str {
        match self {
            PolicyType::Scp => "SERVICE_CONTROL_POLICY",
            PolicyType::Rcp => "RESOURCE_CONTROL_POLICY",
            PolicyType::Tag => "TAG_POLICY",
            PolicyType::Backup => "BACKUP_POLICY",
            PolicyType::AiOptOut => "AISERVICES_OPT_OUT_POLICY",
        }
    }
}

/// `policies.<name>:`: a document the team wrote.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomPolicy {
    #[serde(rename = "type")]
    pub kind: PolicyType,
    /// Path to the JSON document, relative to the blueprint.
    pub file: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Targets: `root`, OU keys, account keys.
    #[serde(default)]
    pub attach: Vec<String>,
}
