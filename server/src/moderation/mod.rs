//! Moderation: what the public proposes ([`proposal`], [`submission`]), what moderators decide, what verified
//! city editors write directly, and the revision history that records every published change.
//!
//! Every write to published data happens in one transaction with its revision row
//! ([`revision::record`]), so that nothing published changes without a record of
//! who, when, what (before/after) and why. Snapshots of an entity are JSON built in SQL; the
//! same JSON shape is what a revert writes back.

pub mod city;
pub mod demand;
pub mod edit;
pub mod editor;
pub mod known;
pub mod membership;
pub mod notice;
pub mod payload;
pub mod practice;
pub mod proposal;
pub mod queue;
pub mod recheck;
pub mod revision;
pub mod slug;
pub mod stale;
pub mod submission;
pub mod submission_view;

use serde_json::Value;

use crate::auth::rows::JsonRow;

/// The first row's JSON, if any.
#[must_use]
pub fn first(rows: Vec<JsonRow>) -> Option<Value> {
    rows.into_iter().next().map(|row| row.value)
}

/// `base` with the keys of `changes` replaced (a JSON merge of one level).
#[must_use]
pub fn merged(base: &Value, changes: &serde_json::Map<String, Value>) -> Value {
    let mut out = base.clone();
    if let Value::Object(map) = &mut out {
        for (key, value) in changes {
            map.insert(key.clone(), value.clone());
        }
    }
    out
}
