//! Every validation rule has a failing blueprint whose located message is pinned.
