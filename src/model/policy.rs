use serde::Serialize;

use crate::blueprint::PolicyType;
use crate::orgpolicy::placeholders::{self, Substitution};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// From the built-in guardrail library.
    Guardrail,
    /// From a file the team wrote.
    Custom,
}

/// Where a policy is attached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum Target {
    Root,
    Ou(String),
    Account(String),
}

impl Target {
    /// `root`, `ou_<key>`, `account_<key>`: a fragment for Terraform resource names.
    pub fn slug(&self) -> String {
        match self {
            Target::Root => "root".to_string(),
            Target::Ou(k) => format!("ou_{k}"),
            Target::Account(k) => format!("account_{k}"),
        }
    }

    /// How the target reads in messages: `the root`, `OU prod`, `account payments_prod`.
    pub fn describe(&self) -> String {
        match self {
            Target::Root => "the root".to_string(),
            Target::Ou(k) => format!("OU `{k}`"),
            Target::Account(k) => format!("account `{k}`"),
        }
    }
}

/// One Organizations policy document and its attachments.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// Terraform resource name (snake_case).
    pub key: String,
    /// The policy name in AWS (kebab-case).
    pub name: String,
    pub kind: PolicyType,
    /// The Organizations API type name (`SERVICE_CONTROL_POLICY`...).
    #[serde(rename = "type")]
    pub aws_type: String,
    pub description: String,
    /// The document's path inside the stack (`policies/<name>.json`).
    pub file: String,
    pub document: serde_json::Value,
    pub targets: Vec<Target>,
    pub source: PolicySource,
    /// Tokens the HCL replaces when Terraform applies (`{{org_id}}`, account ids).
    pub substitutions: Vec<Substitution>,
    /// The guardrails merged into this document by packing; empty when not packed.
    pub packed_from: Vec<String>,
    /// The blueprint path this policy comes from, for diagnostics.
    #[serde(skip)]
    pub origin: String,
}

impl Policy {
    /// The document as Terraform sends it and AWS counts it: minified JSON with `<`, `>`, `&`
    /// escaped (see `orgpolicy::as_sent`).
    pub fn minified(&self) -> String {
        crate::orgpolicy::as_sent(&self.document)
    }

    /// The size AWS will count: the sent text, with each apply-time token at its longest value.
    pub fn size(&self) -> usize {
        placeholders::worst_case(&self.minified()).chars().count()
    }

    /// The document as written for review: pretty-printed, with a final newline.
    pub fn pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.document).unwrap_or_default();
        s.push('\n');
        s
    }
}
