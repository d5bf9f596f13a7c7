//! Writing the tree: deterministic, minimal, owned, and safe against hostile strings.
