//! The moderation queue: submissions by status, each with the published state of what it
//! would change beside what it proposes.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value, json};

use crate::auth::rows::JsonRow;
use crate::domain::Parse;
use crate::error::AppResult;
use crate::moderation::proposal::{Patch, Proposal, ProposalKind, TargetKind};
use crate::moderation::{city, demand, membership, practice};

pub(crate) const ITEM_JSON: &str = "jsonb_build_object('id', s.id, 'reference', s.reference, 'kind', s.kind, 'status', s.status,
        'target', CASE WHEN s.target_type IS NULL THEN NULL ELSE jsonb_build_object('type', s.target_type, 'id', s.target_id,
            'slug', CASE s.target_type WHEN 'city' THEN (SELECT slug FROM cities WHERE id = s.target_id)
                                       WHEN 'practice' THEN (SELECT slug FROM practices WHERE id = s.target_id) END) END,
        'payload', s.payload, 'source_urls', to_jsonb(s.source_urls), 'message', s.message,
        'submitter', CASE WHEN u.id IS NULL THEN NULL ELSE jsonb_build_object('id', u.id, 'display_name', u.display_name) END,
        'email', s.submitter_email, 'reason', s.review_reason, 'reviewed_by', r.display_name,
        'reviewed_at', s.reviewed_at, 'created_at', s.created_at)";

/// The moderation queue: a page of the submissions of `status`, newest first, each with `diff`
/// (`before`: the published values of the fields the payload sets, or null for something
/// new; `after`: the payload).
///
/// # Errors
/// Database errors.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    status: &str,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<Value>, i64)> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {ITEM_JSON} AS value FROM submissions s
           LEFT JOIN users u ON u.id = s.submitter_id LEFT JOIN users r ON r.id = s.reviewed_by
          WHERE s.status = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind::<Text, _>(status)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await?;
    let total: crate::auth::rows::IdRow =
        diesel::sql_query("SELECT count(*) AS id FROM submissions WHERE status = $1")
            .bind::<Text, _>(status)
            .get_result(conn)
            .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let mut item = row.value;
        let before = published_state(conn, &item).await?;
        let after = item["payload"].clone();
        let before = before.map(|state| only_keys(&state, &after));
        item["diff"] = json!({ "before": before, "after": after });
        items.push(item);
    }
    Ok((items, total.id))
}

async fn published_state(conn: &mut AsyncPgConnection, item: &Value) -> AppResult<Option<Value>> {
    let Ok(kind) = ProposalKind::parse(item["kind"].as_str().unwrap_or("")) else {
        return Ok(None);
    };
    let target = TargetKind::parse(item["target"]["type"].as_str().unwrap_or(""))
        .ok()
        .zip(item["target"]["id"].as_i64());
    let Ok(proposal) = Proposal::read(kind, target, item["payload"].clone()) else {
        return Ok(None);
    };
    match &proposal {
        Proposal::City(_) | Proposal::Practice(_) => Ok(None),
        Proposal::Correction {
            target,
            patch: Patch::City(_),
        } => city::snapshot(conn, *target).await,
        Proposal::Correction {
            target,
            patch: Patch::Practice(_),
        } => practice::snapshot(conn, *target).await,
        Proposal::Membership(_) => match membership::find(conn, &proposal.payload()).await? {
            Some(id) => membership::snapshot(conn, id).await,
            None => Ok(None),
        },
        Proposal::Demand(state) => match demand::city_of(conn, &proposal.payload()).await {
            Ok(city_id) => demand::snapshot(conn, city_id, state.demand.as_str()).await,
            Err(_) => Ok(None),
        },
    }
}

fn only_keys(state: &Value, keys_of: &Value) -> Value {
    let mut out = Map::new();
    if let Some(keys) = keys_of.as_object() {
        for key in keys.keys() {
            out.insert(key.clone(), state.get(key).cloned().unwrap_or(Value::Null));
        }
    }
    Value::Object(out)
}
