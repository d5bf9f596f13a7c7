//! The foundation stacks: the log archive, the organization trail and the security services,
//! with the cross-account provider aliases each stack needs.

use serde::Serialize;

/// A `provider "aws"` alias: one account (by its root email, resolved to an id through the
/// organization data source) in one region. `assume_role` is false for the management account,
/// whose credentials run every stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provider {
    /// `security_eu_west_1`.
    pub alias: String,
    /// The account key, or `management`.
    pub account: String,
    /// Lower-case root email; empty for the management account.
    pub email: String,
    pub region: String,
    pub assume_role: bool,
}

/// One stack of the output tree, for the README's apply order.
#[derive(Debug, Clone, Serialize)]
pub struct Stack {
    /// The folder name.
    pub name: String,
    /// Which accounts it changes, in words.
    pub runs_in: String,
    pub holds: String,
}

/// The `log-archive` stack: the log bucket, its key and its access-log bucket.
#[derive(Debug, Clone, Serialize)]
pub struct Logging {
    /// The log archive account key.
    pub account: String,
    /// Its lower-case root email.
    pub account_email: String,
    /// The provider alias for the log archive account in the home region.
    pub provider: String,
    pub trail_name: String,
    /// Bucket names are `<bucket_prefix>-<purpose>-<account id>`.
    pub bucket_prefix: String,
    /// The KMS alias of the log key (without `alias/`); empty without KMS.
    pub kms_alias: String,
    pub kms: bool,
    pub retention_days: u32,
    pub glacier_after_days: Option<u32>,
    pub transition_storage_class: crate::blueprint::StorageClass,
    pub object_lock: bool,
    /// CloudWatch Logs retention in days; None: no CloudWatch Logs delivery.
    pub cloudwatch_logs_days: Option<u32>,
    pub providers: Vec<Provider>,
}

/// The `security` stack: delegated administrators, per-region service configuration in the
/// admin account, and the organization trail.
#[derive(Debug, Clone, Serialize)]
pub struct Security {
    /// The delegated administrator account key; empty when only the trail is managed.
    pub admin_account: String,
    /// Its lower-case root email.
    pub admin_account_email: String,
    pub regions: Vec<SecurityRegion>,
    pub guardduty: bool,
    pub malware_protection: bool,
    /// GuardDuty protection plans auto-enabled for every member, in the API's feature names.
    pub guardduty_features: Vec<GuardDutyFeature>,
    pub securityhub: bool,
    /// Standard ARN paths after `arn:aws:securityhub:<region>::`, with their blueprint names.
    pub standards: Vec<Standard>,
    pub config: bool,
    pub config_aggregator: bool,
    pub access_analyzer: bool,
    /// The provider alias for the admin account in the home region (global resources).
    pub home_provider: String,
    pub providers: Vec<Provider>,
}

/// Per-region resources of the security stack.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityRegion {
    pub region: String,
    /// A Terraform identifier for the region: `eu_west_1`.
    pub key: String,
    /// The management account's alias in this region.
    pub management: String,
    /// The admin account's alias in this region; empty without a `security:` section.
    pub admin: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Standard {
    pub name: String,
    pub key: String,
    pub path: String,
}

/// One `aws_guardduty_organization_configuration_feature`.
#[derive(Debug, Clone, Serialize)]
pub struct GuardDutyFeature {
    /// `EBS_MALWARE_PROTECTION`.
    pub name: String,
    /// `ebs_malware_protection`.
    pub key: String,
    /// Agent management settings (Runtime Monitoring).
    pub additional: Vec<String>,
}
