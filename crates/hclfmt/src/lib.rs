//! hclfmt: HCL the way `terraform fmt` writes it, and HCL string literals that say exactly what
//! they are given.
//!
//! * [`format`] equals `terraform fmt` (hclwrite's formatter plus terraform's rewrites) on
//!   valid HCL; [`tidy`] additionally normalises blank lines, for generated text.
//! * [`format_by_block`] is [`tidy`] a top-level block at a time (memory bounded by the largest
//!   block); [`top_level`] is the cut it uses.
//! * [`escape`] quotes any string as an HCL literal that `terraform fmt` leaves alone.
//!
//! No dependency but `unicode-segmentation` (hclwrite counts alignment columns in grapheme
//! clusters). Everything runs in time linear in the input.

pub mod escape;
mod format;
mod split;

pub use format::{format, tidy};
pub use split::{format_by_block, top_level};
