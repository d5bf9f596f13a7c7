//! Alternate contacts and budgets: management-account resources that take an account id, so
//! they grow as plain resources with the accounts, never as providers.

use serde::Serialize;

/// `aws_account_alternate_contact`.
#[derive(Debug, Clone, Serialize)]
pub struct AlternateContact {
    /// Terraform name: `<account key>__billing`, `management__billing`.
    pub key: String,
    /// The account key; None for the management account.
    pub account: Option<String>,
    /// `BILLING`, `OPERATIONS` or `SECURITY`.
    pub kind: String,
    pub name: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    /// Where the blueprint sets it: `contacts` or `contacts.overrides.<key>` (for explain).
    #[serde(skip)]
    pub defined_at: String,
    /// The stack that declares it: its account's.
    pub stack: String,
}

/// `aws_budgets_budget` with a linked-account filter.
#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    /// The account key (also the Terraform name).
    pub account: String,
    /// `<account name>-monthly`.
    pub name: String,
    /// The monthly limit, as the API writes it (`100.0`).
    pub limit: String,
    pub currency: String,
    pub actual: Vec<u32>,
    pub forecast: Vec<u32>,
    pub emails: Vec<String>,
    /// The blueprint key its limit comes from: `budgets.accounts.<key>`,
    /// `budgets.workloads.<workload>.<environment>`, `budgets.environments.<environment>` or
    /// `budgets.default` (for explain).
    #[serde(skip)]
    pub defined_at: String,
    /// The stack that declares it: its account's.
    pub stack: String,
}

/// `aws_ce_cost_allocation_tag`.
#[derive(Debug, Clone, Serialize)]
pub struct CostAllocationTag {
    /// Terraform name: `tag_<n>_<slug>`, unique.
    pub key: String,
    pub tag: String,
}
