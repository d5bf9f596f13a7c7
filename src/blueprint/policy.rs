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
    /// A declarative policy for EC2 (`DECLARATIVE_POLICY_EC2`): account attributes AWS keeps
    /// set whatever an account's own API calls try.
    DeclarativeEc2,
}

/// Every name of a policy type, in one table: the blueprint's `type:`, the Organizations API's,
/// and how messages say it.
struct Labels {
    kind: PolicyType,
    /// `type:` in the blueprint.
    key: &'static str,
    /// The Organizations API type name.
    aws: &'static str,
    /// `an SCP`, `a tag policy`.
    one: &'static str,
    /// `SCPs`, `tag policies`.
    many: &'static str,
    /// `Service control policy`: the start of a sentence or a description.
    title: &'static str,
}

const LABELS: &[Labels] = &[
    Labels {
        kind: PolicyType::Scp,
        key: "scp",
        aws: "SERVICE_CONTROL_POLICY",
        one: "an SCP",
        many: "SCPs",
        title: "Service control policy",
    },
    Labels {
        kind: PolicyType::Rcp,
        key: "rcp",
        aws: "RESOURCE_CONTROL_POLICY",
        one: "an RCP",
        many: "RCPs",
        title: "Resource control policy",
    },
    Labels {
        kind: PolicyType::Tag,
        key: "tag",
        aws: "TAG_POLICY",
        one: "a tag policy",
        many: "tag policies",
        title: "Tag policy",
    },
    Labels {
        kind: PolicyType::Backup,
        key: "backup",
        aws: "BACKUP_POLICY",
        one: "a backup policy",
        many: "backup policies",
        title: "Backup policy",
    },
    Labels {
        kind: PolicyType::AiOptOut,
        key: "ai_opt_out",
        aws: "AISERVICES_OPT_OUT_POLICY",
        one: "an AI services opt-out policy",
        many: "AI services opt-out policies",
        title: "AI services opt-out policy",
    },
    Labels {
        kind: PolicyType::DeclarativeEc2,
        key: "declarative_ec2",
        aws: "DECLARATIVE_POLICY_EC2",
        one: "an EC2 declarative policy",
        many: "EC2 declarative policies",
        title: "EC2 declarative policy",
    },
];

impl PolicyType {
    /// Every type, in the order the listing and `explain` show them.
    pub const ALL: [PolicyType; 6] = [
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::Tag,
        PolicyType::Backup,
        PolicyType::AiOptOut,
        PolicyType::DeclarativeEc2,
    ];

    fn labels(self) -> &'static Labels {
        LABELS
            .iter()
            .find(|l| l.kind == self)
            .expect("every policy type has labels")
    }

    /// The name the Organizations API uses.
    pub fn aws_name(self) -> &'static str {
        self.labels().aws
    }

    /// The type from its Organizations API name (`SERVICE_CONTROL_POLICY`).
    #[cfg(test)]
    pub fn from_aws_name(name: &str) -> Option<PolicyType> {
        LABELS.iter().find(|l| l.aws == name).map(|l| l.kind)
    }

    /// The blueprint's `type:` value (`scp`, `declarative_ec2`).
    pub fn key(self) -> &'static str {
        self.labels().key
    }

    /// With an article, for messages: `an SCP`, `a tag policy`.
    pub fn one(self) -> &'static str {
        self.labels().one
    }

    /// Plural, for messages: `SCPs`, `tag policies`.
    pub fn many(self) -> &'static str {
        self.labels().many
    }

    /// Capitalised, for descriptions: `Service control policy`.
    pub fn title(self) -> &'static str {
        self.labels().title
    }

    /// Authorization policies (IAM grammar); the others are management policies
    /// (inheritance operators).
    pub fn is_authorization(self) -> bool {
        matches!(self, PolicyType::Scp | PolicyType::Rcp)
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

#[cfg(test)]
mod tests {
    use super::PolicyType;

    #[test]
    fn one_label_table_round_trips() {
        for kind in PolicyType::ALL {
            assert_eq!(PolicyType::from_aws_name(kind.aws_name()), Some(kind));
            let parsed: PolicyType = serde_yaml::from_str(kind.key()).unwrap();
            assert_eq!(parsed, kind);
        }
        assert_eq!(
            PolicyType::from_aws_name("DECLARATIVE_POLICY_EC2"),
            Some(PolicyType::DeclarativeEc2)
        );
    }
}
