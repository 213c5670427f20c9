//! The gap sheet of a place: what a municipality (listed on Haven or not) has done of
//! Seebrücke's eight demands and of the chosen policy areas, and, for each gap, the three
//! nearest cities that did it and the three most similar ones (same country, closest
//! population), each with its evidence, practices and distance.

use diesel::OptionalExtension;
use diesel::sql_types::{Array, BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use super::JsonText;
use crate::error::AppResult;
use crate::model::read_json;
use crate::query::Lang;

/// The place id of a path segment, or `None` (a 404: no place has that address).
#[must_use]
pub fn place_id(segment: &str) -> Option<i64> {
    segment
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0 && segment.bytes().all(|b| b.is_ascii_digit()))
}

/// The gap sheet of one place.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GapSheetDoc {
    pub place: GapPlace,
    /// The day the sheet was made (`YYYY-MM-DD`).
    pub made_on: String,
    /// Haven's data version the sheet was made from.
    pub data_version: i64,
    /// The networks the place's listed city belongs to (empty when it is not listed).
    pub networks: Vec<GapMembership>,
    /// Seebrücke's eight demands in order, each with the place's standing and, for a gap,
    /// the cities that did it.
    pub demands: Vec<DemandGap>,
    /// The policy areas asked for (`policy_area`), in order.
    pub policy_areas: Vec<AreaGap>,
}

/// The place a gap sheet is about.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GapPlace {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The country's name in `lang`.
    pub country_name: String,
    /// The state or first-level region, in `lang` where known.
    pub region: Option<String>,
    pub district: Option<String>,
    pub population: Option<i64>,
    pub lon: f64,
    pub lat: f64,
    /// The city listed on Haven at this place, if any.
    pub city_slug: Option<String>,
    pub city_name: Option<String>,
}

/// A network the place's city belongs to.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GapMembership {
    pub slug: String,
    /// The network's name in `lang`.
    pub name: String,
    /// `declared`, `member`, `founding_member` or `left`.
    pub status: String,
    pub since: Option<String>,
    pub evidence_url: Option<String>,
}

/// One of Seebrücke's demands for the place.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandGap {
    pub key: String,
    /// The demand in `lang`.
    pub label: String,
    pub position: i32,
    /// `fulfilled`, `decided`, `not_decided`, or `unknown` when no source known to Haven
    /// says (every place that is not listed).
    pub status: String,
    pub as_of: Option<String>,
    pub evidence_url: Option<String>,
    /// Neither decided nor fulfilled: the examples below are filled.
    pub gap: bool,
    /// Whether a take-action guide exists for this demand (`/{lang}/take-action/{key}`).
    pub guide: bool,
    /// The 3 nearest cities that decided or fulfilled it.
    pub nearest: Vec<GapExample>,
    /// The 3 cities of the same country with the closest population that did.
    pub similar: Vec<GapExample>,
}

/// A policy area asked for, for the place.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaGap {
    pub slug: String,
    /// The area in `lang`.
    pub label: String,
    /// The place's own published practices in the area.
    pub practices: Vec<ExamplePractice>,
    /// No practice of its own in the area: the examples below are filled.
    pub gap: bool,
    /// Whether a take-action guide exists for this area (`/{lang}/take-action/{slug}`).
    pub guide: bool,
    /// The 3 nearest cities with a practice in the area.
    pub nearest: Vec<GapExample>,
    /// The 3 cities of the same country with the closest population that have one.
    pub similar: Vec<GapExample>,
}

/// A city that did what the place has not.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GapExample {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub population: Option<i64>,
    /// Distance from the place, in kilometres (one decimal).
    pub distance_km: f64,
    /// For a demand: `fulfilled` or `decided`.
    pub status: Option<String>,
    /// For a demand: the date of the evidence.
    pub as_of: Option<String>,
    /// For a demand: the source of the status.
    pub evidence_url: Option<String>,
    /// For a policy area: its practices in the area; for a demand: up to two of its practices.
    pub practices: Vec<ExamplePractice>,
}

/// A practice named as an example, with its first source.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamplePractice {
    pub slug: String,
    pub title: String,
    /// The language of `title`.
    pub title_lang: String,
    pub started: Option<i32>,
    pub source_url: Option<String>,
}

/// The JSON of a practice `p` as an example (`$2` is the reader's language).
const PRACTICE: &str = "json_build_object(
    'slug', p.slug,
    'title', p.title ->> haven_pick_lang(p.title, $2::text, p.original_lang),
    'title_lang', haven_pick_lang(p.title, $2::text, p.original_lang),
    'started', p.started,
    'source_url', (SELECT ps.url FROM practice_sources ps WHERE ps.practice_id = p.id
                   ORDER BY ps.position LIMIT 1))";

/// The 3 examples among `candidates` (a FROM list binding `c` to cities and providing the
/// columns `status`, `as_of`, `evidence_url`, `practices`), ordered by `order`.
fn examples(candidates: &str, order: &str) -> String {
    format!(
        "coalesce((SELECT json_agg(json_build_object(
            'slug', x.slug, 'name', x.name, 'country', x.country, 'population', x.population,
            'distance_km', x.distance_km, 'status', x.status, 'as_of', x.as_of,
            'evidence_url', x.evidence_url, 'practices', x.practices) ORDER BY x.rank)
         FROM (SELECT c.slug, c.name, c.country, c.population,
                 round((ST_Distance(c.geom::geography, h.geom::geography) / 1000)::numeric, 1)
                     AS distance_km,
                 v.status, v.as_of, v.evidence_url, v.practices,
                 row_number() OVER (ORDER BY {order}, c.name, c.id) AS rank
               FROM {candidates}
               ORDER BY {order}, c.name, c.id LIMIT 3) x), '[]'::json)"
    )
}

/// Nearest first.
const BY_DISTANCE: &str = "ST_Distance(c.geom::geography, h.geom::geography)";
/// The closest population in the same country first; only municipalities whose population
/// is known (none when the place's own is not).
const BY_SIZE: &str = "abs(ln(c.population::float8) - ln(h.population::float8))";
const SIMILAR: &str = "c.country = h.country AND c.kind = 'municipality' \
    AND c.population > 0 AND h.population > 0";

/// The statement: `$1` the place id, `$2` the language, `$3` the policy areas.
static SHEET: LazyLock<String> = LazyLock::new(|| {
    let demand_candidates = format!(
        "safe_harbour_demands e JOIN cities c ON c.id = e.city_id,
         LATERAL (SELECT CASE WHEN e.fulfilled THEN 'fulfilled' ELSE 'decided' END AS status,
                         e.as_of::text AS as_of, e.evidence_url::text AS evidence_url,
                         coalesce((SELECT json_agg(pj ORDER BY pj ->> 'slug') FROM (
                             SELECT {PRACTICE} AS pj FROM practices p
                             WHERE p.city_id = c.id AND p.published ORDER BY p.slug LIMIT 2) pp),
                           '[]'::json) AS practices) v
         WHERE e.demand_key = d.key AND (e.decided OR e.fulfilled) AND c.published
           AND c.id IS DISTINCT FROM h.city_id"
    );
    let area_candidates = format!(
        "cities c,
         LATERAL (SELECT NULL::text AS status, NULL::text AS as_of, NULL::text AS evidence_url,
                         (SELECT json_agg({PRACTICE} ORDER BY p.slug) FROM practices p
                          JOIN practice_policy_areas ppa ON ppa.practice_id = p.id
                          WHERE p.city_id = c.id AND ppa.policy_area = pa.slug AND p.published)
                             AS practices) v
         WHERE c.published AND c.id IS DISTINCT FROM h.city_id AND v.practices IS NOT NULL"
    );
    format!(
        "WITH h AS (
            SELECT pl.*, (SELECT c.id FROM cities c WHERE c.place_id = pl.id AND c.published
                          ORDER BY c.id LIMIT 1) AS city_id
            FROM places pl WHERE pl.id = $1
        )
        SELECT json_build_object(
          'place', json_build_object(
              'id', h.id, 'name', h.name, 'country', h.country,
              'country_name', coalesce(co.names ->> $2::text, co.name),
              'region', (SELECT coalesce(r.names ->> $2::text, r.name) FROM regions r
                         WHERE r.id = h.region_id),
              'district', (SELECT r.name FROM regions r WHERE r.id = h.district_id),
              'population', h.population,
              'lon', round(ST_X(h.geom)::numeric, 5), 'lat', round(ST_Y(h.geom)::numeric, 5),
              'city_slug', hc.slug, 'city_name', hc.name),
          'made_on', current_date::text,
          'data_version', (SELECT version FROM data_version),
          'networks', coalesce((SELECT json_agg(json_build_object(
                  'slug', n.slug, 'name', coalesce(n.names ->> $2::text, n.name),
                  'status', m.status, 'since', m.since, 'evidence_url', m.evidence_url)
                  ORDER BY n.is_safe_harbour_campaign DESC, n.name)
              FROM memberships m JOIN networks n ON n.id = m.network_id
              WHERE m.city_id = h.city_id AND m.published), '[]'::json),
          'demands', (SELECT json_agg(json_build_object(
                  'key', d.key, 'label', d.labels ->> $2::text, 'position', d.position,
                  'status', CASE WHEN s.fulfilled THEN 'fulfilled' WHEN s.decided THEN 'decided'
                                 WHEN NOT s.decided THEN 'not_decided' ELSE 'unknown' END,
                  'as_of', s.as_of, 'evidence_url', s.evidence_url,
                  'gap', NOT coalesce(s.decided OR s.fulfilled, false),
                  'guide', EXISTS (SELECT 1 FROM take_action_guides g WHERE g.key = d.key),
                  'nearest', CASE WHEN coalesce(s.decided OR s.fulfilled, false) THEN '[]'::json
                                  ELSE {demand_nearest} END,
                  'similar', CASE WHEN coalesce(s.decided OR s.fulfilled, false) THEN '[]'::json
                                  ELSE {demand_similar} END)
                  ORDER BY d.position)
              FROM demands d
              LEFT JOIN safe_harbour_demands s ON s.demand_key = d.key AND s.city_id = h.city_id),
          'policy_areas', coalesce((SELECT json_agg(json_build_object(
                  'slug', pa.slug, 'label', pa.labels ->> $2::text,
                  'practices', own.practices,
                  'gap', json_array_length(own.practices) = 0,
                  'guide', EXISTS (SELECT 1 FROM take_action_guides g WHERE g.key = pa.slug),
                  'nearest', CASE WHEN json_array_length(own.practices) > 0 THEN '[]'::json
                                  ELSE {area_nearest} END,
                  'similar', CASE WHEN json_array_length(own.practices) > 0 THEN '[]'::json
                                  ELSE {area_similar} END)
                  ORDER BY pa.position)
              FROM policy_areas pa,
              LATERAL (SELECT coalesce(json_agg({PRACTICE} ORDER BY p.slug), '[]'::json) AS practices
                       FROM practices p JOIN practice_policy_areas ppa ON ppa.practice_id = p.id
                       WHERE p.city_id = h.city_id AND ppa.policy_area = pa.slug
                         AND p.published) own
              WHERE pa.slug = ANY($3::text[])), '[]'::json)
        )::text AS json
        FROM h JOIN countries co ON co.iso2 = h.country
        LEFT JOIN cities hc ON hc.id = h.city_id",
        demand_nearest = examples(&demand_candidates, BY_DISTANCE),
        demand_similar = examples(&format!("{demand_candidates} AND {SIMILAR}"), BY_SIZE),
        area_nearest = examples(&area_candidates, BY_DISTANCE),
        area_similar = examples(&format!("{area_candidates} AND {SIMILAR}"), BY_SIZE),
    )
});

/// The gap sheet of place `id` for a reader in `lang`, with the policy areas `areas`; `None`
/// when there is no such place.
///
/// # Errors
/// When the query fails.
pub async fn sheet(
    conn: &mut AsyncPgConnection,
    id: i64,
    lang: Lang,
    areas: &[String],
) -> AppResult<Option<String>> {
    let row: Option<JsonText> = crate::db::Prepared::fixed(
        diesel::sql_query(SHEET.as_str())
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(lang.code())
            .bind::<Array<Text>, _>(areas),
    )
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|row| row.json))
}

/// The gap sheet, read (for the page).
///
/// # Errors
/// When the query fails or its answer does not read as a sheet.
pub async fn read(
    conn: &mut AsyncPgConnection,
    id: i64,
    lang: Lang,
    areas: &[String],
) -> AppResult<Option<GapSheetDoc>> {
    sheet(conn, id, lang, areas)
        .await?
        .map(|json| read_json(&json))
        .transpose()
}
