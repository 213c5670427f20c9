//! The moderation queue: submissions by status, each with the published state of what it
//! would change beside what it proposes.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::rows::{JsonRow, all_typed};
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

/// A submission as moderators see it ([`ITEM_JSON`]).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub id: i64,
    /// What the submitter follows it by.
    pub reference: String,
    /// city, membership, demand, practice or correction.
    pub kind: String,
    /// pending, published or rejected.
    pub status: String,
    /// What a correction changes, or what an approval published.
    pub target: Option<SubmissionTarget>,
    /// The proposal's fields as stored, read by `kind` (and a correction's target type) as the
    /// submission body's `payload` is: one of NewCityDoc, NewPracticeDoc, MembershipState,
    /// DemandState, CityPatch, PracticePatch.
    #[schema(value_type = Object)]
    pub payload: Map<String, Value>,
    /// 1 to 10 source URLs.
    pub source_urls: Vec<String>,
    /// The submitter's message to moderators.
    pub message: Option<String>,
    /// The signed-in account that submitted it.
    pub submitter: Option<Submitter>,
    /// The address the submitter gave for the decision.
    pub email: Option<String>,
    /// Why it was rejected (or the moderator's note).
    pub reason: Option<String>,
    /// The display name of the moderator who decided.
    pub reviewed_by: Option<String>,
    /// When it was decided (RFC 3339).
    pub reviewed_at: Option<String>,
    /// When it arrived (RFC 3339).
    pub created_at: String,
    /// In the queue only: the published state beside what is proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff>,
}

/// The entity a submission is about.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionTarget {
    /// city, practice, membership or demand.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Option<i64>,
    /// The slug of a target city or practice.
    pub slug: Option<String>,
}

/// The account behind a submission.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Submitter {
    pub id: i64,
    pub display_name: Option<String>,
}

/// What a submission would change.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Diff {
    /// The published values of the fields the payload sets (null for those without one), or
    /// null for something new.
    #[schema(value_type = Option<Object>)]
    pub before: Option<Map<String, Value>>,
    /// The payload.
    #[schema(value_type = Object)]
    pub after: Map<String, Value>,
}

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
