//! Submissions as moderators and submitters see them: the JSON the SQL builds and the typed
//! answers it is read into.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::rows::{JsonRow, one_typed};
use crate::error::AppResult;

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

/// What the submitter may see of a submission.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracked {
    pub reference: String,
    /// city, membership, demand, practice or correction.
    pub kind: String,
    /// pending, published or rejected.
    pub status: String,
    /// Why it was rejected, or the moderator's note.
    pub reason: Option<String>,
    /// When it arrived (RFC 3339).
    pub created_at: String,
    /// When it was decided (RFC 3339).
    pub reviewed_at: Option<String>,
}

/// What the submitter may see of a submission.
///
/// # Errors
/// 404 for an unknown reference.
pub async fn status(conn: &mut AsyncPgConnection, reference: &str) -> AppResult<Tracked> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('reference', reference, 'kind', kind, 'status', status,
                'reason', review_reason, 'created_at', created_at, 'reviewed_at', reviewed_at) AS value
           FROM submissions WHERE reference = upper($1)",
    )
    .bind::<Text, _>(reference)
    .load(conn)
    .await?;
    one_typed(rows, "There is no submission with this reference.")
}

/// A published submission: the submission, the revision that records it and what it
/// published.
#[derive(Debug, Serialize, ToSchema)]
pub struct Approved {
    pub submission: Submission,
    pub revision_id: i64,
    pub entity: Published,
}

/// What an approval published.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    /// city, practice, membership or demand.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its id (a demand's: its city's).
    pub id: i64,
    /// A city's or practice's slug, or a membership's or demand's city.
    pub slug: Option<String>,
}

/// One submission as moderators see it.
///
/// # Errors
/// 404 for an unknown submission.
pub(crate) async fn item(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Submission> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {ITEM_JSON} AS value FROM submissions s
           LEFT JOIN users u ON u.id = s.submitter_id LEFT JOIN users r ON r.id = s.reviewed_by
          WHERE s.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    one_typed(rows, "There is no such submission.")
}
