use serde::Deserialize;

/// `logging:`: the organization trail and its locked-down bucket in the log archive account.
/// Absent: no log-archive stack and no trail.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Logging {
    /// The account key that holds the log bucket.
    pub account: String,
    /// The organization trail's name.
    pub trail_name: String,
    /// Days a log object is kept before it expires.
    pub retention_days: u32,
    /// Days before logs move to `transition_storage_class`; `null` keeps them in Standard.
    pub glacier_after_days: Option<u32>,
    /// The storage class logs move to after `glacier_after_days`.
    pub transition_storage_class: StorageClass,
    /// S3 Object Lock (governance mode, for `retention_days`) on the log bucket. Off by default:
    /// it can only be switched on when the bucket is created and then holds every object for
    /// the whole retention.
    pub object_lock: bool,
    /// SSE-KMS with a customer managed key (else SSE-S3) for the bucket and the trail.
    pub kms: bool,
    /// The trail also delivers to a CloudWatch Logs group in the management account.
    pub cloudwatch_logs: CloudWatchLogs,
}

impl Default for Logging {
    fn default() -> Logging {
        Logging {
            account: "log_archive".to_string(),
            trail_name: "organization-trail".to_string(),
            retention_days: 2555,
            glacier_after_days: Some(90),
            transition_storage_class: StorageClass::Glacier,
            object_lock: false,
            kms: true,
            cloudwatch_logs: CloudWatchLogs::default(),
        }
    }
}

/// `logging.cloudwatch_logs:`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CloudWatchLogs {
    pub enabled: bool,
    /// One of the retention values CloudWatch Logs accepts.
    pub retention_days: u32,
}

impl Default for CloudWatchLogs {
    fn default() -> CloudWatchLogs {
        CloudWatchLogs {
            enabled: true,
            retention_days: 365,
        }
    }
}

/// S3 storage classes a lifecycle rule can move logs to, in the API's names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StorageClass {
    /// S3 Glacier Flexible Retrieval.
    Glacier,
    /// S3 Glacier Instant Retrieval.
    GlacierIr,
    DeepArchive,
    StandardIa,
    OnezoneIa,
    IntelligentTiering,
}
