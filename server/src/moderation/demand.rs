//! A city's status on one of Seebrücke's eight demands, as submissions propose it. Revisions
//! of a demand carry the city's id as `entity_id` and the demand's key in their snapshots.

use diesel::sql_types::{BigInt, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::AppResult;
use crate::moderation::first;

/// The city id a demand proposal or snapshot refers to.
///
/// # Errors
/// 404 when the city is unknown.
pub async fn city_of(conn: &mut AsyncPgConnection, state: &Value) -> AppResult<i64> {
    crate::moderation::city::id_by_slug(conn, state["city"].as_str().unwrap_or("")).await
}

/// A city's status on a demand as revisions record it ([`snapshot`]).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandSnapshot {
    /// The city's slug.
    pub city: String,
    /// The demand's key.
    pub demand: String,
    /// Whether the council decided it (null: unknown).
    pub decided: Option<bool>,
    /// Whether it is fulfilled (null: unknown).
    pub fulfilled: Option<bool>,
    /// A partial date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub as_of: Option<String>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
}

/// The published status of `demand` in the city `city_id`, if any.
///
/// # Errors
/// Database errors.
pub async fn snapshot(
    conn: &mut AsyncPgConnection,
    city_id: i64,
    demand: &str,
) -> AppResult<Option<Value>> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('city', c.slug, 'demand', d.demand_key, 'decided', d.decided,
                'fulfilled', d.fulfilled, 'as_of', d.as_of, 'evidence_url', d.evidence_url, 'note', d.note) AS value
           FROM safe_harbour_demands d JOIN cities c ON c.id = d.city_id
          WHERE d.city_id = $1 AND d.demand_key = $2",
    )
    .bind::<BigInt, _>(city_id)
    .bind::<Text, _>(demand)
    .load(conn)
    .await?;
    Ok(first(rows))
}

/// Writes a demand status (creating the row when needed); returns the city's id.
///
/// # Errors
/// 422 when the database refuses.
pub async fn write(conn: &mut AsyncPgConnection, city_id: i64, state: &Value) -> AppResult<i64> {
    let row: IdRow = diesel::sql_query(
        "INSERT INTO safe_harbour_demands (city_id, demand_key, decided, fulfilled, as_of, evidence_url, note)
         VALUES ($2, $1->>'demand', ($1->>'decided')::boolean, ($1->>'fulfilled')::boolean, $1->>'as_of',
                 $1->>'evidence_url', $1->>'note')
         ON CONFLICT (city_id, demand_key) DO UPDATE SET decided = EXCLUDED.decided, fulfilled = EXCLUDED.fulfilled,
                as_of = EXCLUDED.as_of, evidence_url = EXCLUDED.evidence_url, note = EXCLUDED.note
         RETURNING city_id AS id",
    )
    .bind::<Jsonb, _>(state)
    .bind::<BigInt, _>(city_id)
    .get_result(conn)
    .await?;
    Ok(row.id)
}

/// Removes a demand status (reverting its creation).
///
/// # Errors
/// Database errors.
pub async fn delete(conn: &mut AsyncPgConnection, city_id: i64, demand: &str) -> AppResult<()> {
    diesel::sql_query("DELETE FROM safe_harbour_demands WHERE city_id = $1 AND demand_key = $2")
        .bind::<BigInt, _>(city_id)
        .bind::<Text, _>(demand)
        .execute(conn)
        .await?;
    Ok(())
}
