use serde::Serialize;

/// A `moved` block: the state at `from` now belongs to `to` (Terraform addresses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub from: String,
    pub to: String,
    /// The stack it is written in.
    pub stack: String,
}

/// A `removed` block: Terraform forgets `from`; the object stays in AWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub from: String,
    /// The stack it is written in.
    pub stack: String,
}

/// An `import` block: the existing object `id` becomes the resource `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    pub to: String,
    pub id: String,
    /// An HCL expression for the id instead of `id` (written as is; every blueprint string in
    /// it is already quoted).
    pub expr: Option<String>,
    /// The stack it is written in.
    pub stack: String,
}
