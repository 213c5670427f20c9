//! Memberships (city × network) as submissions propose them ([`MembershipState`](crate::moderation::payload::MembershipState)): the submitted state replaces
//! the published one whole, so approval publishes exactly what was sent.

use diesel::sql_types::{BigInt, Jsonb};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::AppResult;
use crate::moderation::first;

/// The membership of the city and network a proposal names, if one exists.
///
/// # Errors
/// Database errors.
pub async fn find(conn: &mut AsyncPgConnection, proposal: &Value) -> AppResult<Option<i64>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "SELECT m.id FROM memberships m JOIN cities c ON c.id = m.city_id JOIN networks n ON n.id = m.network_id
          WHERE c.slug = $1->>'city' AND n.slug = $1->>'network'",
    )
    .bind::<Jsonb, _>(proposal)
    .load(conn)
    .await?;
    Ok(rows.into_iter().next().map(|row| row.id))
}

/// A membership's state as revisions record it ([`snapshot`]).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipSnapshot {
    /// The city's slug.
    pub city: String,
    /// The network's slug.
    pub network: String,
    /// declared, member, founding_member or left.
    pub status: String,
    /// The role as the source words it.
    pub role: Option<String>,
    /// Partial dates (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub since: Option<String>,
    pub until: Option<String>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
    /// The date a source last confirmed it.
    pub verified_on: Option<String>,
    pub published: bool,
}

/// The published state of a membership.
///
/// # Errors
/// Database errors.
pub async fn snapshot(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Value>> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('city', c.slug, 'network', n.slug, 'status', m.status, 'role', m.role,
                'since', m.since, 'until', m.until, 'evidence_url', m.evidence_url, 'note', m.note,
                'verified_on', m.verified_on, 'published', m.published) AS value
           FROM memberships m JOIN cities c ON c.id = m.city_id JOIN networks n ON n.id = m.network_id
          WHERE m.id = $1",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    Ok(first(rows))
}

/// Writes a membership state (creating the row when the pair has none); returns its id. A
/// state without `verified_on` (a proposal, a revision recorded before re-checks) keeps the
/// date a source last confirmed the membership.
///
/// # Errors
/// 422/409 when the database refuses.
pub async fn write(conn: &mut AsyncPgConnection, state: &Value) -> AppResult<i64> {
    let row: IdRow = diesel::sql_query(
        "INSERT INTO memberships (city_id, network_id, status, role, since, until, evidence_url, note,
                                  verified_on, published)
         VALUES ((SELECT id FROM cities WHERE slug = $1->>'city'), (SELECT id FROM networks WHERE slug = $1->>'network'),
                 $1->>'status', $1->>'role', $1->>'since', $1->>'until', $1->>'evidence_url', $1->>'note',
                 $1->>'verified_on', coalesce(($1->>'published')::boolean, true))
         ON CONFLICT (city_id, network_id) DO UPDATE SET status = EXCLUDED.status, role = EXCLUDED.role,
                since = EXCLUDED.since, until = EXCLUDED.until, evidence_url = EXCLUDED.evidence_url,
                note = EXCLUDED.note, published = EXCLUDED.published,
                verified_on = CASE WHEN $1 ? 'verified_on' THEN EXCLUDED.verified_on
                                   ELSE memberships.verified_on END
         RETURNING id",
    )
    .bind::<Jsonb, _>(state)
    .get_result(conn)
    .await?;
    Ok(row.id)
}
