use serde::Deserialize;

/// `security:`: organization-wide security services run from a delegated administrator
/// account, auto-enrolling every member account in every allowed region. Absent: none.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    /// The account key of the delegated administrator.
    pub admin_account: String,
    pub guardduty: GuardDuty,
    pub securityhub: SecurityHub,
    pub config: Config,
    pub access_analyzer: Toggle,
}

impl Default for Security {
    fn default() -> Security {
        Security {
            admin_account: "security".to_string(),
            guardduty: GuardDuty::default(),
            securityhub: SecurityHub::default(),
            config: Config::default(),
            access_analyzer: Toggle::default(),
        }
    }
}

/// A service that is on unless `enabled: false`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Toggle {
    pub enabled: bool,
}

impl Default for Toggle {
    fn default() -> Toggle {
        Toggle { enabled: true }
    }
}

/// `security.guardduty:`: the detector and its protection plans, enabled for every member.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GuardDuty {
    pub enabled: bool,
    /// Malware Protection for EC2 (EBS volumes; its own service principal must be trusted).
    pub malware_protection: bool,
    /// S3 Protection: S3 data events.
    pub s3_protection: bool,
    /// EKS Protection: Kubernetes audit logs.
    pub eks_protection: bool,
    /// RDS Protection: Aurora and RDS login activity.
    pub rds_protection: bool,
    /// Lambda Protection: function network activity.
    pub lambda_protection: bool,
    /// Runtime Monitoring with GuardDuty-managed agents (EKS, ECS Fargate, EC2); off by
    /// default: it installs an agent and is priced per vCPU.
    pub runtime_monitoring: bool,
}

impl Default for GuardDuty {
    fn default() -> GuardDuty {
        GuardDuty {
            enabled: true,
            malware_protection: true,
            s3_protection: true,
            eks_protection: true,
            rds_protection: true,
            lambda_protection: true,
            runtime_monitoring: false,
        }
    }
}

/// `security.securityhub:`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityHub {
    pub enabled: bool,
    /// Standards by name (see `security::STANDARDS` in the validator for the list).
    pub standards: Vec<String>,
}

impl Default for SecurityHub {
    fn default() -> SecurityHub {
        SecurityHub {
            enabled: true,
            standards: vec![
                "aws-foundational-security-best-practices".to_string(),
                "cis-aws-foundations-benchmark-v3.0.0".to_string(),
            ],
        }
    }
}

/// `security.config:`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub enabled: bool,
    /// An organization aggregator in the admin account over every allowed region.
    pub aggregator: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            enabled: true,
            aggregator: true,
        }
    }
}

/// Security Hub standards landform knows: blueprint name → the ARN path after
/// `arn:aws:securityhub:<region>::`.
pub const STANDARDS: &[(&str, &str)] = &[
    (
        "aws-foundational-security-best-practices",
        "standards/aws-foundational-security-best-practices/v/1.0.0",
    ),
    (
        "cis-aws-foundations-benchmark-v1.4.0",
        "standards/cis-aws-foundations-benchmark/v/1.4.0",
    ),
    (
        "cis-aws-foundations-benchmark-v3.0.0",
        "standards/cis-aws-foundations-benchmark/v/3.0.0",
    ),
    ("nist-800-53", "standards/nist-800-53/v/5.0.0"),
    ("pci-dss", "standards/pci-dss/v/3.2.1"),
    (
        "aws-resource-tagging-standard",
        "standards/aws-resource-tagging-standard/v/1.0.0",
    ),
];

pub fn standard(name: &str) -> Option<&'static str> {
    STANDARDS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}
