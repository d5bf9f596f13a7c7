//! Organizations policy documents: the IAM action catalogue and the structural lint that every
//! document passes before anything is written, placeholders the blueprint fills, the tag and
//! backup policies built from their blueprint sections, guardrail packing, and the effective
//! policy of every target as AWS computes it.

pub mod catalogue;
pub mod effective;
pub mod lint;
pub mod management;
pub mod pack;
pub mod placeholders;
pub mod sections;

use crate::blueprint::PolicyType;

/// The most characters AWS accepts in a document of this type, counted on what it receives
/// (AWS's quotas page for Organizations).
pub fn max_size(kind: PolicyType, limits: &crate::blueprint::Limits) -> usize {
    match kind {
        PolicyType::Scp => limits.scp_size,
        PolicyType::Rcp => limits.rcp_size,
        PolicyType::Tag | PolicyType::Backup | PolicyType::DeclarativeEc2 => 10_000,
        PolicyType::AiOptOut => 2_500,
    }
}

/// The most policies of this type AWS lets one root, OU or account carry directly (AWS's
/// quotas page), and the AWS-managed policy that takes one of the places, if any.
pub fn max_per_target(
    kind: PolicyType,
    limits: &crate::blueprint::Limits,
) -> (usize, Option<&'static str>) {
    match kind {
        PolicyType::Scp => (limits.scps_per_target, Some("FullAWSAccess")),
        PolicyType::Rcp => (limits.rcps_per_target, Some("RCPFullAWSAccess")),
        PolicyType::Tag | PolicyType::Backup | PolicyType::DeclarativeEc2 => (10, None),
        PolicyType::AiOptOut => (5, None),
    }
}

/// The document as Terraform sends it: `jsonencode(jsondecode(file(...)))` minifies, and
/// escapes `<`, `>`, `&` (and U+2028, U+2029) as `\u003c`-style sequences, which AWS counts.
pub fn as_sent(doc: &serde_json::Value) -> String {
    let minified = doc.to_string();
    if !minified.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return minified;
    }
    let mut out = String::with_capacity(minified.len() + 16);
    for c in minified.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}
