//! Practices: local refugee-policy practices as GeoJSON (at their own point or their
//! city's), and one practice in full.

use std::sync::LazyLock;

use diesel::OptionalExtension;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::collection::{COUNT_MATCHED, ENVELOPE, Link, PageLinks, ROWS, Shape};
use super::{JsonText, Lookup, Redirect};
use crate::error::AppResult;
use crate::query::{CollectionQuery, Lang};

/// The point of a practice: its own location, else its city's.
const POINT: &str = "coalesce(p.geom, c.geom)";

/// Properties of a practice (alias `p` practice, `c` its city; `$13` lang).
const PROPERTIES: &str = "'slug', p.slug,
    'title', p.title ->> haven_pick_lang(p.title, $13::text, p.original_lang),
    'title_lang', haven_pick_lang(p.title, $13::text, p.original_lang),
    'summary', p.summary ->> haven_pick_lang(p.summary, $13::text, p.original_lang),
    'summary_lang', haven_pick_lang(p.summary, $13::text, p.original_lang),
    'city', json_build_object('slug', c.slug, 'name', c.name),
    'country', c.country,
    'policy_areas', coalesce((SELECT json_agg(pa.slug ORDER BY pa.position)
        FROM practice_policy_areas ppa JOIN policy_areas pa ON pa.slug = ppa.policy_area
        WHERE ppa.practice_id = p.id), '[]'::json),
    'status', p.status,
    'status_as_of', p.status_as_of,
    'needs_checking', p.status = 'unknown' OR haven_needs_checking(p.status_as_of),
    'single_source', (SELECT count(*) FROM practice_sources s WHERE s.practice_id = p.id) = 1,
    'started', p.started,
    'ended', p.ended,
    'organisation', p.organisation";

/// The practices that full text finds (needs `input`, [`Shape::inputs`]): by their titles,
/// summaries and organisation, or a prefix of their city's name or of their original title.
/// Each arm is an index scan (the text's GIN index, the cities' folded names, the folded
/// original titles of migration `000712`), once per statement; an `OR` of them per practice
/// read every practice (seconds with a million). An empty folded text (only punctuation) is a
/// prefix of every city's name, as `starts_with` says.
pub const PRACTICE_Q_CTE: &str = "practice_q AS MATERIALIZED (
    SELECT p.id FROM practices p, input WHERE p.search @@ input.tsq
    UNION
    SELECT p.id FROM cities c JOIN practices p ON p.city_id = c.id, input
    WHERE c.name_key ~>=~ input.fold AND c.name_key ~<~ (input.fold || chr(1114111))
      AND starts_with(c.name_key, input.fold)
    UNION
    SELECT p.id FROM cities c JOIN practices p ON p.city_id = c.id, input
    WHERE c.name_key_de ~>=~ input.fold_de AND c.name_key_de ~<~ (input.fold_de || chr(1114111))
      AND starts_with(c.name_key_de, input.fold_de)
    UNION
    SELECT p.id FROM practices p, input
    WHERE haven_fold(p.title ->> p.original_lang) ~>=~ input.fold
      AND haven_fold(p.title ->> p.original_lang) ~<~ (input.fold || chr(1114111))
      AND starts_with(haven_fold(p.title ->> p.original_lang), input.fold)
    UNION
    SELECT p.id FROM practices p, input WHERE input.fold = '' OR input.fold_de = ''
)";

/// Full text on a practice `p` (needs [`PRACTICE_Q_CTE`]).
pub const PRACTICE_Q: &str = "p.id IN (SELECT id FROM practice_q)";

/// `policy_area` on the practice's own areas: any of them, all of them.
const PRACTICE_AREAS_OF: [&str; 2] = [
    "EXISTS (SELECT 1 FROM practice_policy_areas ppa
             WHERE ppa.practice_id = p.id AND ppa.policy_area = ANY($1::text[]))",
    "NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS wanted(area)
                 WHERE NOT EXISTS (SELECT 1 FROM practice_policy_areas ppa
                                   WHERE ppa.practice_id = p.id AND ppa.policy_area = wanted.area))",
];

/// `network` on the practice's city.
const PRACTICE_NETWORKS: &str =
    "EXISTS (SELECT 1 FROM city_stats cs WHERE cs.city_id = c.id AND cs.networks && $2::text[])";

fn list_sql(shape: Shape, tail: &str) -> String {
    let inputs = shape.inputs();
    let input_join = shape.input_join();
    let clauses = shape.clauses(
        "c.country",
        PRACTICE_NETWORKS,
        PRACTICE_AREAS_OF,
        PRACTICE_Q,
        POINT,
    );
    let matched_head = shape.matched_head();
    let distance = shape.distance(POINT);
    let distance_property = if shape.near {
        "|| ', \"distance_km\" : ' || round((m.distance_m / 1000.0)::numeric, 2)::text"
    } else {
        ""
    };
    let practice_q = if shape.q {
        format!("{PRACTICE_Q_CTE},\n")
    } else {
        String::new()
    };
    format!(
        "WITH {inputs}{practice_q}{matched_head}
            SELECT p.id, p.slug, {distance} AS distance_m
            FROM practices p JOIN cities c ON c.id = p.city_id{input_join}
            WHERE p.published AND c.published{clauses}
        ),
        page AS (SELECT * FROM matched ORDER BY distance_m, slug LIMIT $14 OFFSET $15),
        features AS (
            -- The kept parts of the Feature (migration `000715_practice_features`), with
            -- the texts in the language asked for (kept where they differ from English's),
            -- whether the status needs checking today and the distance spliced in.
            SELECT m.slug, m.distance_m,
                {FEATURE} {distance_property} || '}}}}' AS feature
            FROM page m JOIN practice_features f ON f.practice_id = m.id
        )
        {tail}"
    )
    .replace("{matched}", count(shape))
}

/// A practice's Feature in a page without its closing `}}` (alias `f` its
/// `practice_features` row; `$13` lang): the kept parts (migration `000715_practice_features`)
/// with the texts in the language asked for (kept where they differ from English's) and
/// whether the status needs checking today spliced in.
pub const FEATURE: &str =
    "f.head || ', ' || coalesce(f.texts ->> $13::text, f.texts ->> 'en') || ', ' || f.middle
    || CASE WHEN f.confirmed_until IS NULL
                 OR f.confirmed_until < current_date - interval '2 years'
            THEN ', \"needs_checking\" : true, ' ELSE ', \"needs_checking\" : false, ' END
    || f.tail";

/// `numberMatched` from the kept counts where they answer it: with no filter, the published
/// practices of the listed cities (`city_stats`: a city with a published practice is listed
/// when it is published); with one policy area alone, that area's (`policy_area_stats`).
/// Else the matches counted.
fn count(shape: Shape) -> &'static str {
    if shape.is_everything() {
        "(SELECT coalesce(sum(practice_count), 0)::bigint FROM city_stats WHERE listed)"
    } else if shape.is_one_policy_area() {
        "coalesce((SELECT practice_count FROM policy_area_stats
                   WHERE policy_area = ($1::text[])[1]), 0)"
    } else {
        COUNT_MATCHED
    }
}

/// The statement of [`super::collection::stream`] for `query`: every matching feature, one
/// per row, in the collection's order.
#[must_use]
pub fn rows_sql(query: &CollectionQuery) -> String {
    list_sql(Shape::of(query), ROWS)
}

/// The published practices matching `query`, as a FeatureCollection page.
///
/// # Errors
/// 400 naming a filter whose value names nothing; 500 when the query fails.
pub async fn list(
    conn: &mut AsyncPgConnection,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<String> {
    super::collection::run(conn, &list_sql(Shape::of(query), ENVELOPE), query, links).await
}

/// One practice: `$1` slug, `$2` lang, `$3` links.
static DETAIL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT json_build_object(
            'type', 'Feature',
            'id', p.slug,
            'geometry', ST_AsGeoJSON({POINT}, 5)::json,
            'properties', json_build_object({PROPERTIES},
                'original_lang', p.original_lang,
                'title_original', p.title ->> p.original_lang,
                'body', p.body ->> haven_pick_lang(p.body, $13::text, p.original_lang),
                'body_lang', haven_pick_lang(p.body, $13::text, p.original_lang),
                'transferability', p.transferability ->> haven_pick_lang(p.transferability, $13::text, p.original_lang),
                'transferability_lang', haven_pick_lang(p.transferability, $13::text, p.original_lang),
                'contact', p.contact,
                'sources', coalesce((SELECT json_agg(json_build_object(
                        'url', s.url, 'title', s.title, 'accessed_on', s.accessed_on) ORDER BY s.position)
                    FROM practice_sources s WHERE s.practice_id = p.id), '[]'::json),
                'confidence', p.confidence,
                'updated_at', p.updated_at,
                'links', $14::json)
        )::text AS json
        FROM practices p JOIN cities c ON c.id = p.city_id
        WHERE p.slug = $1::text AND p.published AND c.published"
    )
    .replace("$13::text", "$2::text")
    .replace("$14::json", "$3::json")
});

/// One published practice by slug, or where an old slug moved to.
///
/// # Errors
/// When the query fails.
pub async fn find(
    conn: &mut AsyncPgConnection,
    slug: &str,
    lang: Lang,
    links: &[Link],
) -> AppResult<Lookup> {
    let links = serde_json::to_string(links)
        .map_err(|error| crate::error::AppError::Internal(error.into()))?;
    let found: Option<JsonText> = crate::db::Prepared::fixed(
        diesel::sql_query(DETAIL.as_str())
            .bind::<Text, _>(slug)
            .bind::<Text, _>(lang.code())
            .bind::<Text, _>(links),
    )
    .get_result(conn)
    .await
    .optional()?;
    if let Some(found) = found {
        return Ok(Lookup::Found(found.json));
    }
    let moved: Option<Redirect> = crate::db::Prepared::fixed(
        diesel::sql_query(
            "SELECT p.slug::text AS slug FROM practice_slug_redirects r
         JOIN practices p ON p.id = r.practice_id JOIN cities c ON c.id = p.city_id
         WHERE r.slug = $1::text AND p.published AND c.published",
        )
        .bind::<Text, _>(slug),
    )
    .get_result(conn)
    .await
    .optional()?;
    Ok(moved.map_or(Lookup::Missing, |moved| Lookup::Moved(moved.slug)))
}

/// The city of a practice.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityRef {
    pub slug: String,
    pub name: String,
}

/// Properties of a practice in `GET /api/v1/practices`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeProperties {
    pub slug: String,
    /// Title in `title_lang`: `lang`, else `en`, else the original.
    pub title: String,
    pub title_lang: String,
    pub summary: Option<String>,
    pub summary_lang: Option<String>,
    pub city: CityRef,
    pub country: String,
    pub policy_areas: Vec<String>,
    /// `planned`, `active`, `ended` or `unknown`.
    pub status: String,
    /// The date of the newest fact that confirms `status` (partial date).
    pub status_as_of: Option<String>,
    /// Status unknown, or no dated source from the last two years: to be checked again.
    pub needs_checking: bool,
    /// All its facts rest on one source.
    pub single_source: bool,
    pub started: Option<i32>,
    pub ended: Option<i32>,
    pub organisation: Option<String>,
    /// Distance from `near`, only with `near`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distance_km: Option<f64>,
}

/// A source of a practice.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    pub url: String,
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub accessed_on: Option<String>,
}

/// Properties of `GET /api/v1/practices/{slug}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeDetailProperties {
    pub slug: String,
    pub title: String,
    pub title_lang: String,
    pub summary: Option<String>,
    pub summary_lang: Option<String>,
    pub city: CityRef,
    pub country: String,
    pub policy_areas: Vec<String>,
    pub status: String,
    /// The date of the newest fact that confirms `status` (partial date).
    pub status_as_of: Option<String>,
    /// Status unknown, or no dated source from the last two years: to be checked again.
    pub needs_checking: bool,
    /// All its facts rest on one source.
    pub single_source: bool,
    pub started: Option<i32>,
    pub ended: Option<i32>,
    pub organisation: Option<String>,
    /// Language the practice was documented in.
    pub original_lang: String,
    pub title_original: String,
    pub body: Option<String>,
    pub body_lang: Option<String>,
    pub transferability: Option<String>,
    pub transferability_lang: Option<String>,
    pub contact: Option<String>,
    pub sources: Vec<SourceDoc>,
    /// `high` (every fact read on the cited pages), `medium` (partly from a secondary or
    /// truncated source) or `low`.
    pub confidence: Option<String>,
    pub updated_at: String,
    pub links: Vec<Link>,
}
