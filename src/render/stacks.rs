//! Files every stack gets, whatever templates made the rest of it: `terraform.tf` (the
//! Terraform/OpenTofu version its constructs need, the provider constraint CI tests) and, with
//! `state:`, `backend.tf`. A stack is a top-level folder of the tree holding a `.tf` file; a
//! stack added by a new template gets both with no further wiring.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Tree;

/// The templates rendered once per stack into `<stack>/<name without .tera>`. They see
/// `stack`, `key` (its state key), `state` (the model's, or nothing), `required` and
/// `aws_provider`, not `model`.
pub const STACK_TEMPLATES: &[(&str, &str)] = &[
    (
        "stack/terraform.tf.tera",
        include_str!("../../templates/stack/terraform.tf.tera"),
    ),
    (
        "stack/backend.tf.tera",
        include_str!("../../templates/stack/backend.tf.tera"),
    ),
];

/// The hashicorp/aws versions every stack accepts: the release CI validates and applies with,
/// up to the next major (whose breaking changes landform has not been tested against).
pub const AWS_PROVIDER: &str = ">= 5.100, < 6.0";

/// The oldest Terraform landform writes for when a stack uses nothing newer.
const FLOOR: (u32, u32) = (1, 5);

/// The first OpenTofu release: a requirement at or below it holds for every OpenTofu.
const FIRST_TOFU: (u32, u32) = (1, 6);

/// A language construct, the marker that finds it in generated HCL, and the Terraform and
/// OpenTofu releases that introduced it.
struct Construct {
    marker: &'static str,
    what: &'static str,
    terraform: (u32, u32),
    tofu: (u32, u32),
}

const CONSTRUCTS: &[Construct] = &[
    Construct {
        marker: "removed {",
        what: "`removed` blocks with `lifecycle`",
        terraform: (1, 7),
        tofu: (1, 10),
    },
    Construct {
        marker: "use_lockfile",
        what: "the S3 backend's `use_lockfile`",
        terraform: (1, 10),
        tofu: (1, 10),
    },
    Construct {
        marker: "import {",
        what: "`import` blocks",
        terraform: (1, 5),
        tofu: (1, 6),
    },
    Construct {
        marker: "id = format(",
        what: "`import` blocks whose id is an expression",
        terraform: (1, 6),
        tofu: (1, 6),
    },
    Construct {
        marker: "check \"",
        what: "`check` blocks",
        terraform: (1, 5),
        tofu: (1, 6),
    },
    Construct {
        marker: "moved {",
        what: "`moved` blocks",
        terraform: (1, 1),
        tofu: (1, 6),
    },
    Construct {
        marker: "condition {",
        what: "preconditions and postconditions",
        terraform: (1, 2),
        tofu: (1, 6),
    },
];

/// What a stack's `required_version` says, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Required {
    pub constraint: String,
    /// One line per construct found, e.g. "`removed` blocks with `lifecycle`: Terraform 1.7+,
    /// OpenTofu 1.10+".
    pub reasons: Vec<String>,
}

fn version((major, minor): (u32, u32)) -> String {
    format!("{major}.{minor}")
}

/// The `required_version` for a stack's files: one constraint both Terraform and OpenTofu read
/// against their own version, so the higher of the two minimums (an OpenTofu minimum at or
/// below its first release holds for every OpenTofu and raises nothing).
pub fn required<'a>(files: impl IntoIterator<Item = &'a str>) -> Required {
    let mut found = BTreeSet::new();
    for text in files {
        for (i, c) in CONSTRUCTS.iter().enumerate() {
            if !found.contains(&i)
                && text
                    .lines()
                    .any(|l| l.trim_start().starts_with(c.marker) || contains_marker(l, c))
            {
                found.insert(i);
            }
        }
    }
    let mut bar = FLOOR;
    let mut reasons = Vec::new();
    for i in found {
        let c = &CONSTRUCTS[i];
        let tofu = if c.tofu > FIRST_TOFU { c.tofu } else { (0, 0) };
        bar = bar.max(c.terraform).max(tofu);
        reasons.push(format!(
            "{}: Terraform {}+, OpenTofu {}+",
            c.what,
            version(c.terraform),
            version(c.tofu)
        ));
    }
    Required {
        constraint: format!(">= {}", version(bar)),
        reasons,
    }
}

/// Markers that are attributes or nested blocks rather than top-level blocks.
fn contains_marker(line: &str, c: &Construct) -> bool {
    let l = line.trim_start();
    match c.marker {
        "use_lockfile" => l.starts_with("use_lockfile"),
        "condition {" => l.starts_with("precondition {") || l.starts_with("postcondition {"),
        _ => false,
    }
}

/// The stacks of a tree: top-level folders holding a `.tf` file, in `order` first, then any
/// other in name order.
pub fn stacks(tree: &Tree, order: &[String]) -> Vec<String> {
    let present: BTreeSet<&str> = tree
        .keys()
        .filter(|p| p.ends_with(".tf"))
        .filter_map(|p| p.split_once('/').map(|(dir, _)| dir))
        .collect();
    let mut out: Vec<String> = order
        .iter()
        .filter(|s| present.contains(s.as_str()))
        .cloned()
        .collect();
    for s in present {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_version_follows_the_newest_construct() {
        let plain = required(["resource \"aws_s3_bucket\" \"x\" {}\n"]);
        assert_eq!(plain.constraint, ">= 1.5");
        assert!(plain.reasons.is_empty());
        let imports = required(["import {\n  to = a.b\n  id = \"x\"\n}\n"]);
        assert_eq!(
            imports.constraint, ">= 1.5",
            "OpenTofu 1.6 is every OpenTofu"
        );
        let removed = required(["import {\n}\n", "removed {\n  from = a.b\n}\n"]);
        assert_eq!(removed.constraint, ">= 1.10");
        assert_eq!(
            removed.reasons,
            [
                "`removed` blocks with `lifecycle`: Terraform 1.7+, OpenTofu 1.10+",
                "`import` blocks: Terraform 1.5+, OpenTofu 1.6+"
            ]
        );
        let backend = required(["terraform {\n  backend \"s3\" {\n    use_lockfile = true\n"]);
        assert_eq!(backend.constraint, ">= 1.10");
        let post = required(["  lifecycle {\n    postcondition {\n"]);
        assert_eq!(post.constraint, ">= 1.5");
        assert_eq!(post.reasons.len(), 1);
    }

    #[test]
    fn stacks_keep_the_apply_order_then_add_the_rest() {
        let mut tree = Tree::new();
        for p in [
            "b/main.tf",
            "a/main.tf",
            "z/x.tf",
            "README.md",
            "a/policies/p.json",
        ] {
            tree.insert(p.to_string(), String::new());
        }
        let order = ["b".to_string(), "a".to_string(), "gone".to_string()];
        assert_eq!(stacks(&tree, &order), ["b", "a", "z"]);
    }
}
