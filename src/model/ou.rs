use indexmap::IndexMap;
use serde::Serialize;

/// One organizational unit.
#[derive(Debug, Clone, Serialize)]
pub struct Ou {
    pub key: String,
    pub name: String,
    /// The parent OU key; None for the root.
    pub parent: Option<String>,
    /// 1 for a child of the root.
    pub depth: usize,
    pub tags: IndexMap<String, String>,
    /// Keys of the accounts placed directly in this OU.
    pub accounts: Vec<String>,
}
