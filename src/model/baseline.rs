//! The `baseline` stack: service-managed StackSets that reach every member account of the
//! targeted OUs in every allowed region, and organization-wide account features.

use serde::Serialize;

use super::Provider;

#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    /// The delegated StackSets administrator's account key; None: the management account.
    pub admin_account: Option<String>,
    /// Its lower-case root email; empty for the management account.
    pub admin_account_email: String,
    /// The provider the stack sets are managed with: `aws` or `aws.<alias>`.
    pub stack_set_provider: String,
    /// `SELF` (management account) or `DELEGATED_ADMIN`.
    pub call_as: String,
    /// What the stack set instances target: the root alone, or the largest OU subtrees that
    /// hold no excluded OU.
    pub targets: Vec<OuTarget>,
    /// The OUs to look up by name (parents first), for `targets`.
    pub lookups: Vec<OuLookup>,
    /// Excluded OU keys, with the OUs below them.
    pub excluded: Vec<String>,
    pub stack_sets: Vec<StackSet>,
    /// AWS Config records in every account: the log archive admits its deliveries.
    pub config: bool,
    /// `aws_iam_organizations_features`: root credentials management and root sessions.
    pub root_access_management: bool,
    /// The management account's and (when delegated) the admin account's aliases, and the
    /// log archive account's when Config delivers with its KMS key.
    pub providers: Vec<Provider>,
}

/// One deployment target of the stack set instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OuTarget {
    /// `root` or an OU key.
    pub key: String,
    /// The HCL expression of its id.
    pub id: String,
}

/// An OU found by name under its parent (`data "aws_organizations_organizational_unit"`).
#[derive(Debug, Clone, Serialize)]
pub struct OuLookup {
    pub key: String,
    pub name: String,
    /// The HCL expression of the parent's id.
    pub parent_id: String,
}

/// One stack set: one concern, deployed to `targets` in `regions`.
#[derive(Debug, Clone, Serialize)]
pub struct StackSet {
    /// Terraform name: `config`.
    pub key: String,
    /// The stack set's name in AWS: `landform-config`.
    pub name: String,
    pub description: String,
    /// The template's path inside the stack: `templates/config.yaml`.
    pub template: String,
    pub parameters: Vec<Parameter>,
    /// Where its instances run.
    pub regions: Vec<InstanceRegion>,
}

/// A stack set parameter: a literal (quoted and escaped on output) or a fixed HCL expression
/// landform wrote (never a blueprint string).
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub name: String,
    pub value: String,
    pub literal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct InstanceRegion {
    pub region: String,
    /// `eu_west_1`.
    pub key: String,
}
