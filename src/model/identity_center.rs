use indexmap::IndexMap;
use serde::Serialize;

/// The `identity-center` stack: groups, users, permission sets and account assignments.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityCenter {
    /// The account the stack is applied in: an account key, or None for the management account.
    pub admin_account: Option<String>,
    pub groups: Vec<Group>,
    pub users: Vec<User>,
    pub permission_sets: Vec<PermissionSet>,
    /// One per (principal, permission set, account), merged, ordered by principal, permission
    /// set, then account order.
    pub assignments: Vec<Assignment>,
    /// The accounts assignments target, in model order (the management account first).
    pub targets: Vec<AssignmentTarget>,
    /// Who has what where, for the README and `landform access`.
    pub matrix: Matrix,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Terraform name and the principal in assignment keys (snake_case of the name).
    pub key: String,
    /// The display name in the identity store.
    pub name: String,
    pub description: Option<String>,
    /// Looked up (synced from an IdP) rather than created.
    pub external: bool,
    /// The name as written in the blueprint.
    #[serde(skip)]
    pub blueprint_name: String,
    #[serde(skip)]
    pub privileged: bool,
    #[serde(skip)]
    pub admin: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub key: String,
    pub user_name: String,
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// Group keys.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PermissionSet {
    pub key: String,
    /// The name in AWS (≤ 32 characters).
    pub name: String,
    pub description: Option<String>,
    /// ISO-8601 (`PT1H`, `PT1H30M`).
    pub session_duration: String,
    pub relay_state: Option<String>,
    /// AWS managed policy ARNs.
    pub managed: Vec<String>,
    /// The same, each with a key for its attachment's resource name.
    pub managed_attachments: Vec<ManagedPolicy>,
    pub customer_managed: Vec<PolicyRef>,
    /// The inline policy's file inside the stack (`policies/<name>.json`) and its document.
    pub inline_file: Option<String>,
    pub inline: Option<serde_json::Value>,
    pub boundary: Option<Boundary>,
    pub tags: IndexMap<String, String>,
    #[serde(skip)]
    pub origin: String,
}

/// An AWS managed policy attached to a permission set.
#[derive(Debug, Clone, Serialize)]
pub struct ManagedPolicy {
    /// Unique within the permission set; part of the attachment's resource name.
    pub key: String,
    pub arn: String,
}

/// A customer-managed policy by name and path (it must exist in every target account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRef {
    pub key: String,
    pub name: String,
    pub path: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Boundary {
    Managed { arn: String },
    CustomerManaged { name: String, path: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// `<principal>/<permission set>/<account>`, all keys: stable across regenerations.
    pub key: String,
    /// Group key (None for a user assignment).
    pub group: Option<String>,
    /// User key (None for a group assignment).
    pub user: Option<String>,
    pub permission_set: String,
    /// Account key, or `management` for the management account.
    pub account: String,
    /// Indexes of the `access:` rules that produce it (merged duplicates have several).
    #[serde(skip)]
    pub rules: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentTarget {
    pub key: String,
    /// The root email (None for the management account, found through the organization).
    pub email: Option<String>,
}

/// Accounts as rows (grouped by OU), principals as columns, permission set names in cells.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Matrix {
    /// Group display names, then user names.
    pub columns: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// The OU path (`Workloads/Prod`), `Root` for the management account.
    pub ou: String,
    /// The account name.
    pub account: String,
    /// One per column: permission set names, comma-separated; empty for none.
    pub cells: Vec<String>,
}

/// The account key that stands for the management account in access rules.
pub const MANAGEMENT: &str = "management";
