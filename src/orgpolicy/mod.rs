//! Organizations policy documents: the IAM action catalogue and the structural lint that every
//! document passes before anything is written, placeholders the blueprint fills, the tag and
//! backup policies built from their blueprint sections, and guardrail packing.

pub mod catalogue;
pub mod lint;
pub mod pack;
pub mod placeholders;
pub mod sections;

use crate::blueprint::PolicyType;

/// The most characters AWS accepts in a minified document of this type.
pub fn max_size(kind: PolicyType, limits: &crate::blueprint::Limits) -> usize {
    match kind {
        PolicyType::Scp => limits.scp_size,
        PolicyType::Rcp => limits.rcp_size,
        PolicyType::Tag | PolicyType::Backup | PolicyType::DeclarativeEc2 => 10_000,
        PolicyType::AiOptOut => 2_500,
    }
}
