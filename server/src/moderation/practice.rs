//! Practices as moderation writes them: creating one for a city, changing
//! one (policy areas and sources are rewritten only when they change), and the snapshot.

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use utoipa::ToSchema;

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::{AppResult, not_found};
use crate::moderation::{first, slug};

/// A practice's state as revisions record it ([`snapshot`]) and editors' writes answer it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeSnapshot {
    pub slug: String,
    /// Its city's slug.
    pub city: String,
    /// The language of the original texts.
    pub original_lang: String,
    /// Titles by language (the original's always there).
    pub title: BTreeMap<String, String>,
    /// Summaries by language.
    pub summary: BTreeMap<String, String>,
    /// Full texts by language.
    pub body: BTreeMap<String, String>,
    /// What other cities need to copy it, by language.
    pub transferability: BTreeMap<String, String>,
    pub organisation: Option<String>,
    /// The year it started.
    pub started: Option<i64>,
    /// The year it ended.
    pub ended: Option<i64>,
    /// planned, active, ended or unknown.
    pub status: String,
    /// The date the status was last confirmed (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub status_as_of: Option<String>,
    pub contact: Option<String>,
    /// WGS84 longitude of its own point (null: the city's).
    #[schema(value_type = Option<f64>)]
    pub lon: Option<Number>,
    /// WGS84 latitude of its own point (null: the city's).
    #[schema(value_type = Option<f64>)]
    pub lat: Option<Number>,
    pub published: bool,
    /// Policy-area slugs.
    pub policy_areas: Vec<String>,
    pub sources: Vec<SourceSnapshot>,
}

/// A practice's source.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSnapshot {
    pub url: String,
    pub title: Option<String>,
    /// When it was read (`YYYY-MM-DD`).
    pub accessed_on: Option<String>,
}

/// The published state of a practice as revisions record it.
///
/// # Errors
/// Database errors.
pub async fn snapshot(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Value>> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('slug', p.slug, 'city', c.slug, 'original_lang', p.original_lang,
                'title', p.title, 'summary', p.summary, 'body', p.body, 'transferability', p.transferability,
                'organisation', p.organisation, 'started', p.started, 'ended', p.ended, 'status', p.status,
                'status_as_of', p.status_as_of, 'contact', p.contact, 'lon', ST_X(p.geom), 'lat', ST_Y(p.geom), 'published', p.published,
                'policy_areas', coalesce((SELECT jsonb_agg(policy_area ORDER BY policy_area)
                                            FROM practice_policy_areas WHERE practice_id = p.id), '[]'),
                'sources', coalesce((SELECT jsonb_agg(jsonb_build_object('url', url, 'title', title,
                                            'accessed_on', accessed_on) ORDER BY position)
                                       FROM practice_sources WHERE practice_id = p.id), '[]')) AS value
           FROM practices p JOIN cities c ON c.id = p.city_id WHERE p.id = $1",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    Ok(first(rows))
}

/// The id and city of the practice with `slug` (or a former slug of it).
///
/// # Errors
/// 404 when there is none.
pub async fn find(conn: &mut AsyncPgConnection, slug: &str) -> AppResult<(i64, i64)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = BigInt)]
        city_id: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT p.id, p.city_id FROM practices p
          WHERE p.slug = $1 OR p.id = (SELECT practice_id FROM practice_slug_redirects WHERE slug = $1)
          LIMIT 1",
    )
    .bind::<Text, _>(slug)
    .load(conn)
    .await?;
    rows.into_iter()
        .next()
        .map(|row| (row.id, row.city_id))
        .ok_or_else(|| not_found(format!("There is no practice '{slug}'.")))
}

/// Creates a practice of the city `city_id` from checked fields ([`PracticePatch`](crate::moderation::payload::PracticePatch)); `sources` default to
/// `fallback_sources` (a submission's source URLs).
///
/// # Errors
/// 422/409 when the database refuses.
pub async fn create(
    conn: &mut AsyncPgConnection,
    city_id: i64,
    fields: &Value,
    fallback_sources: &[String],
) -> AppResult<i64> {
    #[derive(diesel::QueryableByName)]
    struct CitySlug {
        #[diesel(sql_type = Text)]
        slug: String,
    }
    let city: CitySlug = diesel::sql_query("SELECT slug FROM cities WHERE id = $1")
        .bind::<BigInt, _>(city_id)
        .get_result(conn)
        .await?;
    let lang = fields["original_lang"].as_str().unwrap_or("en");
    let title = fields["title"][lang].as_str().unwrap_or("practice");
    let slug = slug::practice_slug(conn, &city.slug, title).await?;
    let row: IdRow = diesel::sql_query(
        "INSERT INTO practices (slug, city_id, original_lang, title, published) VALUES ($1, $2, $3, $4, true)
         RETURNING id",
    )
    .bind::<Text, _>(&slug)
    .bind::<BigInt, _>(city_id)
    .bind::<Text, _>(lang)
    .bind::<Jsonb, _>(&fields["title"])
    .get_result(conn)
    .await?;
    let mut state = fields.clone();
    if let Value::Object(map) = &mut state {
        map.insert("slug".to_owned(), Value::String(slug));
        map.insert("published".to_owned(), Value::Bool(true));
        if !map.get("sources").is_some_and(Value::is_array) {
            let sources = fallback_sources
                .iter()
                .map(|url| serde_json::json!({ "url": url }))
                .collect();
            map.insert("sources".to_owned(), Value::Array(sources));
        }
        map.entry("policy_areas")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    write(conn, row.id, &Value::Null, &state).await?;
    Ok(row.id)
}

/// Writes a snapshot to the practice; `before` tells whether areas and sources changed. A
/// snapshot without `status_as_of` (one recorded before it existed) keeps the current date.
///
/// # Errors
/// 422/409 when the database refuses.
pub async fn write(
    conn: &mut AsyncPgConnection,
    id: i64,
    before: &Value,
    state: &Value,
) -> AppResult<()> {
    diesel::sql_query(
        "UPDATE practices SET original_lang = $1->>'original_lang', title = $1->'title',
                summary = coalesce($1->'summary', '{}'), body = coalesce($1->'body', '{}'),
                transferability = coalesce($1->'transferability', '{}'),
                organisation = $1->>'organisation', contact = $1->>'contact',
                started = ($1->>'started')::smallint, ended = ($1->>'ended')::smallint,
                status = coalesce($1->>'status', 'unknown'),
                status_as_of = CASE WHEN $1 ? 'status_as_of' THEN $1->>'status_as_of' ELSE status_as_of END,
                geom = CASE WHEN $1->>'lon' IS NULL OR $1->>'lat' IS NULL THEN NULL
                            ELSE ST_SetSRID(ST_MakePoint(($1->>'lon')::float8, ($1->>'lat')::float8), 4326) END,
                published = coalesce(($1->>'published')::boolean, true)
          WHERE id = $2",
    )
    .bind::<Jsonb, _>(state)
    .bind::<BigInt, _>(id)
    .execute(conn)
    .await?;
    if before["policy_areas"] != state["policy_areas"] {
        diesel::sql_query("DELETE FROM practice_policy_areas WHERE practice_id = $1")
            .bind::<BigInt, _>(id)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT DISTINCT $1, jsonb_array_elements_text(coalesce($2, '[]'))",
        )
        .bind::<BigInt, _>(id)
        .bind::<Jsonb, _>(&state["policy_areas"])
        .execute(conn)
        .await?;
    }
    if before["sources"] != state["sources"] {
        diesel::sql_query("DELETE FROM practice_sources WHERE practice_id = $1")
            .bind::<BigInt, _>(id)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "INSERT INTO practice_sources (practice_id, position, url, title, accessed_on)
             SELECT $1, ord, s->>'url', s->>'title', coalesce((s->>'accessed_on')::date, current_date)
               FROM jsonb_array_elements(coalesce($2, '[]')) WITH ORDINALITY AS t(s, ord)",
        )
        .bind::<BigInt, _>(id)
        .bind::<Jsonb, _>(&state["sources"])
        .execute(conn)
        .await?;
    }
    Ok(())
}
