use serde::Deserialize;

use super::security::Toggle;

/// `baseline:`: what every member account gets, through service-managed CloudFormation
/// StackSets targeted at OUs (new accounts are baselined with no Terraform run) and
/// organization-wide features. `baseline: {}` turns every item on.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Baseline {
    /// OU keys (with every OU below them) that get no baseline, e.g. `suspended`.
    pub exclude: Vec<String>,
    /// An account key that administers the stack sets as the delegated StackSets
    /// administrator; the management account when absent.
    pub admin_account: Option<String>,
    /// An AWS Config recorder and delivery channel in every account and allowed region,
    /// delivering to the log archive bucket (global resources recorded in the home region).
    pub config: ConfigRecorder,
    /// The IAM account password policy, set (and re-set daily) in every account.
    pub password_policy: PasswordPolicy,
    /// EBS encryption by default in every account and allowed region.
    pub ebs_encryption: Toggle,
    /// S3 Block Public Access at the account level in every account.
    pub s3_block_public_access: Toggle,
    /// Centralized root access management: member accounts have no root credentials and
    /// privileged root tasks run from the management account.
    pub root_access_management: Toggle,
    /// EC2 account attributes AWS enforces itself through a declarative policy
    /// (`DECLARATIVE_POLICY_EC2`) on the baselined OUs; accounts cannot change them.
    pub ec2: Ec2Attributes,
}

/// `baseline.ec2:`: the settings of the EC2 declarative policy. Each `true` (or a VPC mode
/// other than `off`) is one attribute of the policy; with none, there is no policy.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Ec2Attributes {
    pub enabled: bool,
    /// AMIs cannot be shared publicly (`block_new_sharing`).
    pub image_block_public_access: bool,
    /// EBS snapshots cannot be public, and public ones become private (`block_all_sharing`).
    pub snapshot_block_public_access: bool,
    /// New instances default to IMDSv2 only, with a hop limit of 2 (containers).
    pub require_imdsv2: bool,
    /// The EC2 serial console is disabled.
    pub block_serial_console: bool,
    /// VPC Block Public Access for internet gateways; `off` by default because it cuts the
    /// internet traffic of every VPC that has no exclusion.
    pub vpc_block_public_access: VpcBlockPublicAccess,
}

impl Default for Ec2Attributes {
    fn default() -> Ec2Attributes {
        Ec2Attributes {
            enabled: true,
            image_block_public_access: true,
            snapshot_block_public_access: true,
            require_imdsv2: true,
            block_serial_console: true,
            vpc_block_public_access: VpcBlockPublicAccess::Off,
        }
    }
}

/// `baseline.ec2.vpc_block_public_access:`, in the policy's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VpcBlockPublicAccess {
    #[default]
    Off,
    /// Only traffic VPCs start (NAT and egress-only gateways) reaches the internet.
    BlockIngress,
    /// No internet traffic through internet gateways at all.
    BlockBidirectional,
}

impl VpcBlockPublicAccess {
    pub fn policy_value(self) -> &'static str {
        match self {
            VpcBlockPublicAccess::Off => "off",
            VpcBlockPublicAccess::BlockIngress => "block_ingress",
            VpcBlockPublicAccess::BlockBidirectional => "block_bidirectional",
        }
    }
}

/// `baseline.config:`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigRecorder {
    pub enabled: bool,
    /// How often configuration snapshots are delivered: 1, 3, 6, 12 or 24 hours.
    pub snapshot_hours: u32,
}

impl Default for ConfigRecorder {
    fn default() -> ConfigRecorder {
        ConfigRecorder {
            enabled: true,
            snapshot_hours: 24,
        }
    }
}

/// `baseline.password_policy:` (defaults follow the CIS AWS Foundations Benchmark).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordPolicy {
    pub enabled: bool,
    pub minimum_length: u32,
    /// Days a password is valid; 0: no expiry.
    pub max_age_days: u32,
    /// Previous passwords that cannot be reused; 0: no check.
    pub reuse_prevention: u32,
}

impl Default for PasswordPolicy {
    fn default() -> PasswordPolicy {
        PasswordPolicy {
            enabled: true,
            minimum_length: 14,
            max_age_days: 90,
            reuse_prevention: 24,
        }
    }
}
