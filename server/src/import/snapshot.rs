//! A directory written by `haven export` (see [`crate::export`]).

use super::Unit;

/// The loaders of an export directory, in the order they must run.
#[must_use]
pub fn units() -> Vec<Unit> {
    Vec::new()
}
