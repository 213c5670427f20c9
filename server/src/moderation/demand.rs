//! A city's status on one of Seebrücke's eight demands, as submissions propose it. Revisions
//! of a demand carry the city's id as `entity_id` and the demand's key in their snapshots.

use diesel::sql_types::{BigInt, Bool, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::AppResult;
use crate::moderation::first;
use crate::moderation::input::{partial_date, text, unprocessable, web_url};

/// Checks a proposed demand status: `city` and `demand` that exist, `decided` and
/// `fulfilled` as true, false or null, optional `as_of`, `evidence_url`, `note`.
///
/// # Errors
/// 422 naming the field.
pub async fn check(
    conn: &mut AsyncPgConnection,
    fields: &Map<String, Value>,
    prefix: &str,
) -> AppResult<()> {
    for (key, value) in fields {
        let field = format!("{prefix}{key}");
        if value.is_null() && !matches!(key.as_str(), "city" | "demand") {
            continue;
        }
        let as_text = value
            .as_str()
            .ok_or_else(|| unprocessable(&field, "must be text"));
        match key.as_str() {
            "city" | "demand" => {}
            "decided" | "fulfilled" => {
                if !value.is_boolean() {
                    return Err(unprocessable(&field, "must be true, false or null"));
                }
            }
            "as_of" => partial_date(&field, as_text?)?,
            "evidence_url" => web_url(&field, as_text?)?,
            "note" => text(&field, as_text?, 2000)?,
            _ => return Err(unprocessable(&field, "is not a field of a demand status")),
        }
    }
    check_exists(conn, fields, prefix, "city", "cities").await?;
    check_exists(conn, fields, prefix, "demand", "demands").await
}

/// 422 naming `prefix` + `key` unless `fields[key]` names a row of `table`.
pub(crate) async fn check_exists(
    conn: &mut AsyncPgConnection,
    fields: &Map<String, Value>,
    prefix: &str,
    key: &str,
    table: &str,
) -> AppResult<()> {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        found: bool,
    }
    let field = format!("{prefix}{key}");
    let Some(value) = fields.get(key).and_then(Value::as_str) else {
        return Err(unprocessable(&field, "is required"));
    };
    let (table, column) = match table {
        "cities" => ("cities", "slug"),
        "networks" => ("networks", "slug"),
        "countries" => ("countries", "iso2"),
        _ => ("demands", "key"),
    };
    let found: Found = diesel::sql_query(format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} = $1) AS found"
    ))
    .bind::<Text, _>(value)
    .get_result(conn)
    .await?;
    if found.found {
        Ok(())
    } else {
        Err(unprocessable(
            &field,
            format!("there is no {key} '{value}'"),
        ))
    }
}

/// The city id a demand proposal or snapshot refers to.
///
/// # Errors
/// 404 when the city is unknown.
pub async fn city_of(conn: &mut AsyncPgConnection, state: &Value) -> AppResult<i64> {
    crate::moderation::city::id_by_slug(conn, state["city"].as_str().unwrap_or("")).await
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
