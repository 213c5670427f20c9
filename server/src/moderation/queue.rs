//! The moderation queue: submissions by status, each with the published state of what it
//! would change beside what it proposes.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};

use crate::auth::rows::{JsonRow, all_typed};
use crate::domain::Parse;
use crate::error::AppResult;
use crate::moderation::proposal::{Patch, Proposal, ProposalKind, TargetKind};
use crate::moderation::submission_view::{Diff, ITEM_JSON, Submission};
use crate::moderation::{city, demand, membership, practice};

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
) -> AppResult<(Vec<Submission>, i64)> {
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
    let mut items: Vec<Submission> = all_typed(rows)?;
    for item in &mut items {
        let before = published_state(conn, item).await?;
        let after = item.payload.clone();
        let before = before.map(|state| only_keys(&state, &after));
        item.diff = Some(Diff { before, after });
    }
    Ok((items, total.id))
}

async fn published_state(
    conn: &mut AsyncPgConnection,
    item: &Submission,
) -> AppResult<Option<Value>> {
    let Ok(kind) = ProposalKind::parse(&item.kind) else {
        return Ok(None);
    };
    let target = item
        .target
        .as_ref()
        .and_then(|target| TargetKind::parse(&target.kind).ok().zip(target.id));
    let Ok(proposal) = Proposal::read(kind, target, Value::Object(item.payload.clone())) else {
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

fn only_keys(state: &Value, keys_of: &Map<String, Value>) -> Map<String, Value> {
    keys_of
        .keys()
        .map(|key| (key.clone(), state.get(key).cloned().unwrap_or(Value::Null)))
        .collect()
}
