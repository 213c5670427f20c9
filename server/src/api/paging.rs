//! Pages of a moderator's list: `limit` and `offset` read once, `next_offset` computed once.

use crate::error::{AppResult, bad_request};

/// The page asked for, `(limit, offset)`: 1 to 1000 items (default 100) after `offset` ≥ 0.
pub(crate) fn page(limit: Option<i64>, offset: Option<i64>) -> AppResult<(i64, i64)> {
    let limit = limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(bad_request("limit", "must be between 1 and 1000"));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(bad_request("offset", "must be 0 or more"));
    }
    Ok((limit, offset))
}

/// The `offset` of the page after the `count` items at `offset`, of `total`; `None` on the
/// last page.
pub(crate) fn next_offset(offset: i64, count: usize, total: i64) -> Option<i64> {
    let next = offset.saturating_add(i64::try_from(count).unwrap_or(i64::MAX));
    (next < total).then_some(next)
}
