//! Cities as moderation writes them: creating a city (from a
//! gazetteer place or a point), changing one (a rename moves the slug and keeps the old one
//! as a redirect), and the JSON snapshot revisions keep.

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use utoipa::ToSchema;

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::unprocessable;
use crate::error::{AppError, AppResult, not_found};
use crate::moderation::{first, slug};

/// A city's state as revisions record it ([`snapshot`]) and editors' writes answer it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitySnapshot {
    pub slug: String,
    pub name: String,
    pub official_name: Option<String>,
    /// Names by language where they differ from `name`.
    pub names: BTreeMap<String, String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// municipality, district, municipal_association, state or borough.
    pub kind: String,
    pub population: Option<i64>,
    pub website: Option<String>,
    /// A Wikidata id (`Q…`).
    pub wikidata: Option<String>,
    /// Featured profile by language.
    pub summary: BTreeMap<String, String>,
    /// Takeaways by language.
    pub takeaways: BTreeMap<String, String>,
    /// WGS84 longitude.
    #[schema(value_type = f64)]
    pub lon: Number,
    /// WGS84 latitude.
    #[schema(value_type = f64)]
    pub lat: Number,
    pub published: bool,
}

/// The published state of a city as revisions record it.
///
/// # Errors
/// Database errors.
pub async fn snapshot(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Value>> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('slug', slug, 'name', name, 'official_name', official_name,
                'names', names, 'country', country, 'kind', kind, 'population', population,
                'website', website, 'wikidata', wikidata, 'summary', summary, 'takeaways', takeaways,
                'lon', ST_X(geom), 'lat', ST_Y(geom), 'published', published) AS value
           FROM cities WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    Ok(first(rows))
}

/// The id of the city with `slug` (or a former slug of it).
///
/// # Errors
/// 404 when there is none.
pub async fn id_by_slug(conn: &mut AsyncPgConnection, slug: &str) -> AppResult<i64> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "SELECT id FROM cities WHERE slug = $1
         UNION ALL SELECT city_id AS id FROM city_slug_redirects WHERE slug = $1 LIMIT 1",
    )
    .bind::<Text, _>(slug)
    .load(conn)
    .await?;
    rows.into_iter()
        .next()
        .map(|row| row.id)
        .ok_or_else(|| not_found(format!("There is no city '{slug}'.")))
}

/// Creates a city from a proposal (`name` and either `place_id` or `country`, `lon`, `lat`,
/// plus any field of a [`CityPatch`](crate::moderation::payload::CityPatch)); the gazetteer place fills in codes, region and location.
///
/// # Errors
/// 422/409 when the database refuses (unknown country, a city with the same code exists).
pub async fn create(conn: &mut AsyncPgConnection, proposal: &Value) -> AppResult<i64> {
    let name = proposal["name"].as_str().unwrap_or("");
    let suffixes = match proposal["place_id"].as_i64() {
        Some(place) => slug::suffixes(conn, slug::SuffixesOf::Place(place)).await?,
        None => proposal["country"]
            .as_str()
            .map(|c| vec![c.to_ascii_lowercase()])
            .unwrap_or_default(),
    };
    let slug = slug::city_slug(conn, name, &suffixes, None).await?;
    let row: IdRow = diesel::sql_query(
        "INSERT INTO cities (slug, name, official_name, names, country, region_id, district_id, place_id,
                             kind, ags, geonameid, population, geom, website, wikidata, summary, takeaways)
         SELECT $2, $1->>'name', $1->>'official_name', coalesce($1->'names', '{}'),
                coalesce(p.country, upper($1->>'country')), p.region_id, p.district_id, p.id,
                coalesce($1->>'kind', 'municipality'), p.ags, p.geonameid,
                coalesce(($1->>'population')::bigint, p.population),
                coalesce(ST_SetSRID(ST_MakePoint(($1->>'lon')::float8, ($1->>'lat')::float8), 4326), p.geom),
                $1->>'website', $1->>'wikidata', coalesce($1->'summary', '{}'), coalesce($1->'takeaways', '{}')
           FROM (SELECT 1) AS one LEFT JOIN places p ON p.id = ($1->>'place_id')::bigint
         RETURNING id",
    )
    .bind::<Jsonb, _>(proposal)
    .bind::<Text, _>(&slug)
    .get_result(conn)
    .await?;
    Ok(row.id)
}

/// Whether a gazetteer place exists and is not listed as a city yet.
///
/// # Errors
/// 422 naming `field` when the place is unknown, 409 when it is listed already.
pub async fn check_place(
    conn: &mut AsyncPgConnection,
    place_id: i64,
    field: &str,
) -> AppResult<()> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('listed', (SELECT slug FROM cities WHERE place_id = p.id LIMIT 1)) AS value
           FROM places p WHERE p.id = $1",
    )
    .bind::<BigInt, _>(place_id)
    .load(conn)
    .await?;
    match first(rows) {
        None => Err(unprocessable(
            field,
            "There is no such place in the gazetteer.",
        )),
        Some(found) if found["listed"].is_string() => Err(AppError::Conflict {
            field: Some(field.to_owned()),
            detail: format!(
                "This place is listed already as '{}'.",
                found["listed"].as_str().unwrap_or("")
            ),
        }),
        Some(_) => Ok(()),
    }
}

/// A city's state after `changes`: a new name brings a new slug.
///
/// # Errors
/// Database errors.
pub async fn apply_changes(
    conn: &mut AsyncPgConnection,
    id: i64,
    before: &Value,
    changes: &Map<String, Value>,
) -> AppResult<Value> {
    let mut after = crate::moderation::merged(before, changes);
    if let Some(name) = changes.get("name").and_then(Value::as_str)
        && Some(name) != before["name"].as_str()
    {
        let base = crate::domain::Slug::from_name_or(name, "city");
        if Some(base.as_str()) != before["slug"].as_str() {
            let suffixes = slug::suffixes(conn, slug::SuffixesOf::City(id)).await?;
            after["slug"] = Value::String(slug::city_slug(conn, name, &suffixes, Some(id)).await?);
        }
    }
    Ok(after)
}

/// Writes a snapshot back to the city (a changed slug leaves the old one as a redirect).
///
/// # Errors
/// 422/409 when the database refuses.
pub async fn write(conn: &mut AsyncPgConnection, id: i64, state: &Value) -> AppResult<()> {
    diesel::sql_query(
        "WITH old AS (SELECT slug FROM cities WHERE id = $2),
              moved AS (INSERT INTO city_slug_redirects (slug, city_id)
                        SELECT old.slug, $2 FROM old WHERE old.slug <> $1->>'slug'
                        ON CONFLICT (slug) DO UPDATE SET city_id = EXCLUDED.city_id)
         UPDATE cities SET slug = $1->>'slug', name = $1->>'name', official_name = $1->>'official_name',
                names = coalesce($1->'names', '{}'), kind = $1->>'kind',
                population = ($1->>'population')::bigint, website = $1->>'website',
                wikidata = $1->>'wikidata', summary = coalesce($1->'summary', '{}'),
                takeaways = coalesce($1->'takeaways', '{}'),
                geom = ST_SetSRID(ST_MakePoint(($1->>'lon')::float8, ($1->>'lat')::float8), 4326),
                published = ($1->>'published')::boolean
          WHERE id = $2",
    )
    .bind::<Jsonb, _>(state)
    .bind::<BigInt, _>(id)
    .execute(conn)
    .await?;
    diesel::sql_query("DELETE FROM city_slug_redirects WHERE slug = $1->>'slug' AND city_id = $2")
        .bind::<Jsonb, _>(state)
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await?;
    Ok(())
}
