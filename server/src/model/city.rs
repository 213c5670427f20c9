//! Cities: the listed cities as GeoJSON, one city with everything its page needs, and the
//! extent for OGC.

use std::sync::LazyLock;

use diesel::OptionalExtension;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::collection::{COUNT_MATCHED, ENVELOPE, Link, PageLinks, ROWS, Shape};
use super::{Lookup, Redirect};
use crate::error::AppResult;
use crate::query::{CollectionQuery, Lang};

/// Properties of a city in the collection and on its page (alias `c` city, `co` country,
/// `cs` its `city_stats` summary; `$13` lang), except `region` which the page gives in full.
const COMMON_PROPERTIES: &str = "'slug', c.slug,
    'name', c.name,
    'kind', c.kind,
    'country', c.country,
    'country_name', coalesce(co.names ->> $13::text, co.names ->> 'en', co.name),
    'population', c.population,
    'networks', to_json(cs.networks),
    'safe_harbour', CASE WHEN cs.safe_harbour IS NOT NULL
        THEN json_build_object('status', cs.safe_harbour, 'since', cs.safe_harbour_since) END,
    'alliance_member', cs.alliance,
    'policy_areas', to_json(cs.areas),
    'practice_count', cs.practice_count";

/// The cities that full text finds (needs `input` and `alt_names`, [`Shape::inputs`]): by
/// their own names and summary, an alternate name of their place, the titles and summaries of
/// their practices, or a name prefix. Each arm is an index scan (the text's GIN index, the
/// folded names' `text_pattern_ops` indexes, the places found by alternate name, the
/// practices' GIN index), once per statement; an `OR` of them per city read every city. An
/// empty folded text (only punctuation) is a prefix of every name, as `starts_with` says.
pub const CITY_Q_CTE: &str = "city_q AS MATERIALIZED (
    SELECT c.id FROM cities c, input WHERE c.search @@ input.tsq
    UNION
    SELECT c.id FROM cities c, input
    WHERE c.name_key ~>=~ input.fold AND c.name_key ~<~ (input.fold || chr(1114111))
      AND starts_with(c.name_key, input.fold)
    UNION
    SELECT c.id FROM cities c, input
    WHERE c.name_key_de ~>=~ input.fold_de AND c.name_key_de ~<~ (input.fold_de || chr(1114111))
      AND starts_with(c.name_key_de, input.fold_de)
    UNION
    SELECT c.id FROM cities c, input WHERE input.fold = '' OR input.fold_de = ''
    UNION
    SELECT c.id FROM cities c WHERE c.place_id IN (SELECT place_id FROM alt_names)
    UNION
    SELECT p.city_id FROM practices p, input WHERE p.published AND p.search @@ input.tsq
)";

/// Full text on a city `c` (needs [`CITY_Q_CTE`]).
pub const CITY_Q: &str = "c.id IN (SELECT id FROM city_q)";

/// `policy_area` on the city's policy areas (`cs.areas`): any of them, all of them.
const CITY_AREAS_OF: [&str; 2] = ["cs.areas && $1::text[]", "cs.areas @> $1::text[]"];

fn list_sql(shape: Shape, tail: &str) -> String {
    let inputs = shape.inputs();
    let input_join = shape.input_join();
    let clauses = shape.clauses(
        "cs.country",
        "cs.networks && $2::text[]",
        CITY_AREAS_OF,
        CITY_Q,
        "c.geom",
    );
    // The summary alone answers the filters but `region`, `q`, `bbox` and `near` (a listed
    // city is published).
    let city_join = if shape.reads_city() {
        " JOIN cities c ON c.id = cs.city_id"
    } else {
        ""
    };
    let matched_head = shape.matched_head();
    let distance = shape.distance("c.geom");
    let distance_property = if shape.near {
        "|| ', \"distance_km\" : ' || round((m.distance_m / 1000.0)::numeric, 2)::text"
    } else {
        ""
    };
    let city_q = if shape.q {
        format!("{CITY_Q_CTE},\n")
    } else {
        String::new()
    };
    format!(
        "WITH {inputs}{city_q}{matched_head}
            SELECT cs.city_id AS id, cs.slug, {distance} AS distance_m
            FROM city_stats cs{city_join}{input_join}
            WHERE cs.listed{clauses}
        ),
        page AS (SELECT * FROM matched ORDER BY distance_m, slug LIMIT $14 OFFSET $15),
        features AS (
            -- The pre-rendered feature of `city_stats`, with the properties that depend on
            -- the request spliced in before its closing `}}`.
            SELECT m.slug, m.distance_m,
                left(cs.feature, -2)
                || ', \"country_name\" : '
                || to_json(coalesce(co.names ->> $13::text, co.names ->> 'en', co.name))::text
                {distance_property} || '}}}}' AS feature
            FROM page m JOIN city_stats cs ON cs.city_id = m.id
            JOIN countries co ON co.iso2 = cs.country
        )
        {tail}"
    )
    .replace("{matched}", count(shape))
}

/// `numberMatched`: with no filter, the listed cities kept in `city_stats` (a listed city is
/// published); else the matches counted.
fn count(shape: Shape) -> &'static str {
    if shape.is_everything() {
        "(SELECT count(*) FROM city_stats WHERE listed)"
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

/// The listed cities matching `query`, as a FeatureCollection page.
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

/// One city (`$1` slug, `$2` lang) without its links, and its point (`lon`, `lat`).
static DETAIL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT json_build_object(
            'type', 'Feature',
            'id', c.slug,
            'geometry', ST_AsGeoJSON(c.geom, 5)::json,
            'properties', json_build_object({properties},
                'official_name', c.official_name,
                'region', (SELECT json_build_object('name', coalesce(r.names ->> $13::text, r.name),
                                                    'code', r.code, 'level', r.level)
                           FROM regions r WHERE r.id = c.region_id),
                'district', (SELECT json_build_object('name', coalesce(r.names ->> $13::text, r.name),
                                                      'code', r.code, 'level', r.level)
                             FROM regions r WHERE r.id = c.district_id),
                'ags', c.ags,
                'place_id', c.place_id,
                'geonameid', c.geonameid,
                'wikidata', c.wikidata,
                'website', c.website,
                'summary', c.summary ->> haven_pick_lang(c.summary, $13::text, NULL),
                'summary_lang', haven_pick_lang(c.summary, $13::text, NULL),
                'summary_sources', c.summary_sources,
                'policy_area_labels', coalesce((SELECT json_agg(pa.labels ->> $13::text ORDER BY pa.position)
                    FROM policy_areas pa WHERE pa.slug = ANY(cs.areas)), '[]'::json),
                'memberships', coalesce((SELECT json_agg(json_build_object(
                        'network', n.slug, 'network_name', coalesce(n.names ->> $13::text, n.name),
                        'status', m.status, 'role', m.role,
                        'since', m.since, 'until', m.until, 'evidence_url', m.evidence_url,
                        'verified_on', m.verified_on, 'as_of', coalesce(m.verified_on, m.since),
                        'needs_checking', haven_needs_checking(coalesce(m.verified_on, m.since)))
                        ORDER BY m.since NULLS LAST, n.slug)
                    FROM memberships m JOIN networks n ON n.id = m.network_id
                    WHERE m.city_id = c.id AND m.published), '[]'::json),
                'demands', (SELECT json_agg(json_build_object(
                        'key', d.key, 'label', d.labels ->> $13::text, 'position', d.position,
                        'decided', s.decided, 'fulfilled', s.fulfilled, 'as_of', s.as_of,
                        'evidence_url', s.evidence_url,
                        'needs_checking', s.city_id IS NOT NULL
                            AND (s.decided IS NULL OR haven_needs_checking(s.as_of)),
                        'evidence', coalesce((SELECT json_agg(json_build_object(
                                'status', e.status, 'as_of', e.as_of, 'source_url', e.source_url)
                                ORDER BY e.as_of DESC NULLS LAST, e.id)
                            FROM demand_evidence e WHERE e.city_id = c.id AND e.demand_key = d.key), '[]'::json))
                        ORDER BY d.position)
                    FROM demands d LEFT JOIN safe_harbour_demands s ON s.demand_key = d.key AND s.city_id = c.id),
                'practices', coalesce((SELECT json_agg(json_build_object(
                        'slug', p.slug,
                        'title', p.title ->> haven_pick_lang(p.title, $13::text, p.original_lang),
                        'title_lang', haven_pick_lang(p.title, $13::text, p.original_lang),
                        'policy_areas', coalesce((SELECT json_agg(pa.slug ORDER BY pa.position)
                            FROM practice_policy_areas ppa JOIN policy_areas pa ON pa.slug = ppa.policy_area
                            WHERE ppa.practice_id = p.id), '[]'::json)) ORDER BY p.slug)
                    FROM practices p WHERE p.city_id = c.id AND p.published), '[]'::json),
                'updated_at', c.updated_at)
        )::text AS json, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
        FROM cities c JOIN city_stats cs ON cs.city_id = c.id JOIN countries co ON co.iso2 = c.country
        WHERE c.slug = $1::text AND c.published",
        properties = COMMON_PROPERTIES
    )
    // The detail statement has no collection binds: renumber lang.
    .replace("$13::text", "$2::text")
});

/// The document links of a city page, given its self and OGC hrefs.
#[must_use]
pub fn detail_links(self_href: String, ogc_href: String) -> Vec<Link> {
    vec![
        Link::new("self", "application/geo+json", self_href),
        Link::new("alternate", "application/geo+json", ogc_href).titled("OGC API - Features"),
    ]
}

/// The statement's row of [`DETAIL`].
#[derive(Debug, diesel::QueryableByName)]
struct DetailRow {
    #[diesel(sql_type = Text)]
    json: String,
    #[diesel(sql_type = diesel::sql_types::Double)]
    lon: f64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    lat: f64,
}

/// One published city's page by slug (without links), or where an old slug moved to.
///
/// # Errors
/// When the query fails.
pub async fn find_page(
    conn: &mut AsyncPgConnection,
    slug: &str,
    lang: Lang,
) -> AppResult<Lookup<CityPage>> {
    let found: Option<DetailRow> = crate::db::Prepared::fixed(
        diesel::sql_query(DETAIL.as_str())
            .bind::<Text, _>(slug)
            .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await
    .optional()?;
    if let Some(found) = found {
        let page = CityPage::new(&found.json, lang, (found.lon, found.lat))
            .map_err(|error| crate::error::AppError::Internal(error.into()))?;
        return Ok(Lookup::Found(page));
    }
    let moved: Option<Redirect> = crate::db::Prepared::fixed(diesel::sql_query(
        "SELECT c.slug::text AS slug FROM city_slug_redirects r JOIN cities c ON c.id = r.city_id
         WHERE r.slug = $1::text AND c.published",
    )
    .bind::<Text, _>(slug))
    .get_result(conn)
    .await
    .optional()?;
    Ok(moved.map_or(Lookup::Missing, |moved| Lookup::Moved(moved.slug)))
}

/// A city's page in one language, its profile composed, but for its links (which name the
/// address it was asked at): what [`find_page`] reads and each instance keeps
/// ([`super::city_pages`]).
#[derive(Debug)]
pub struct CityPage {
    /// The Feature up to the end of its properties, without their closing braces.
    head: String,
    /// The city's point (longitude, latitude).
    pub point: (f64, f64),
}

impl CityPage {
    /// The page of the statement's Feature `feature`, with its profile composed in `lang`.
    fn new(feature: &str, lang: Lang, point: (f64, f64)) -> serde_json::Result<Self> {
        let mut document = super::profile::with_profile(feature, lang)?;
        let properties = document
            .as_object_mut()
            .and_then(|feature| feature.remove("properties"))
            .unwrap_or_else(|| serde_json::json!({}));
        let feature = serde_json::to_string(&document)?;
        let properties = serde_json::to_string(&properties)?;
        // Both are objects, `{...}`: the Feature's members, then its properties'.
        let mut head = String::with_capacity(feature.len() + properties.len() + 16);
        head.push_str(feature.strip_suffix('}').unwrap_or(&feature));
        if head.len() > 1 {
            head.push(',');
        }
        head.push_str("\"properties\":");
        head.push_str(properties.strip_suffix('}').unwrap_or(&properties));
        Ok(Self { head, point })
    }

    /// The page's Feature with `links` as its properties' last member.
    ///
    /// # Errors
    /// When the links cannot be written (never for [`Link`]s).
    pub fn with_links(&self, links: &[Link]) -> AppResult<String> {
        let links = serde_json::to_string(links)
            .map_err(|error| crate::error::AppError::Internal(error.into()))?;
        let mut feature = String::with_capacity(self.head.len() + links.len() + 16);
        feature.push_str(&self.head);
        if !self.head.ends_with('{') {
            feature.push(',');
        }
        feature.push_str("\"links\":");
        feature.push_str(&links);
        feature.push_str("}}");
        Ok(feature)
    }

    /// Bytes the page holds.
    #[must_use]
    pub fn weight(&self) -> usize {
        self.head.len()
    }
}

/// Safe Harbour status of a city.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SafeHarbour {
    /// Membership status in the Seebrücke campaign (`declared`, `member`, ...).
    pub status: String,
    /// Partial date (`2018`, `2018-09`, `2018-09-14`).
    pub since: Option<String>,
}

/// Properties of a city in `GET /api/v1/cities`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityProperties {
    pub slug: String,
    pub name: String,
    /// `municipality`, `district`, `municipal_association`, `state` or `borough`.
    pub kind: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Country name in `lang`.
    pub country_name: String,
    /// Name of the state or first-level region.
    pub region: Option<String>,
    pub population: Option<i64>,
    /// Slugs of the networks it is a member of (not counting memberships it left).
    pub networks: Vec<String>,
    /// Its Safe Harbour declaration, if any.
    pub safe_harbour: Option<SafeHarbour>,
    /// Member of the alliance "Bündnis Städte Sicherer Häfen".
    pub alliance_member: bool,
    /// Policy areas covered by its practices.
    pub policy_areas: Vec<String>,
    pub practice_count: i64,
    /// Distance from `near`, only with `near`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distance_km: Option<f64>,
}

/// A region of a city.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionRef {
    pub name: String,
    /// AGS for German states and districts, GeoNames admin1 code elsewhere.
    pub code: String,
    /// `state`, `district` or `admin1`.
    pub level: String,
}

/// A city's membership of a network.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipDoc {
    pub network: String,
    pub network_name: String,
    /// `declared`, `member`, `founding_member` or `left`.
    pub status: String,
    pub role: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub evidence_url: Option<String>,
    pub verified_on: Option<String>,
    /// The newest date a source confirmed it: `verified_on`, else `since`.
    pub as_of: Option<String>,
    /// No date, or the newest source is older than two years.
    pub needs_checking: bool,
}

/// What one cited source says about a demand.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandEvidenceDoc {
    /// `decided`, `fulfilled` or `not_decided`.
    pub status: String,
    pub as_of: Option<String>,
    pub source_url: String,
}

/// One of Seebrücke's eight demands and where the city stands (null = unknown). The values
/// are read by Haven from council decisions and membership reports, not taken from
/// Seebrücke's own database.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandDoc {
    pub key: String,
    /// Label in `lang`.
    pub label: String,
    pub position: i32,
    pub decided: Option<bool>,
    pub fulfilled: Option<bool>,
    pub as_of: Option<String>,
    pub evidence_url: Option<String>,
    /// A value is recorded, but it is undecided or its newest source is older than two years.
    pub needs_checking: bool,
    /// Every source on this demand, newest first (the newest decides the value).
    pub evidence: Vec<DemandEvidenceDoc>,
}

/// A practice of a city, in short.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeRef {
    pub slug: String,
    pub title: String,
    /// Language of `title`: `lang`, else `en`, else the original.
    pub title_lang: String,
    pub policy_areas: Vec<String>,
}

/// Properties of `GET /api/v1/cities/{slug}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityDetailProperties {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub country_name: String,
    pub region: Option<RegionRef>,
    pub district: Option<RegionRef>,
    pub population: Option<i64>,
    pub networks: Vec<String>,
    pub safe_harbour: Option<SafeHarbour>,
    pub alliance_member: bool,
    pub policy_areas: Vec<String>,
    pub practice_count: i64,
    pub official_name: Option<String>,
    /// German AGS.
    pub ags: Option<String>,
    /// The gazetteer place (its gap sheet: `/api/v1/places/{place_id}/gaps`).
    pub place_id: Option<i64>,
    pub geonameid: Option<i64>,
    pub wikidata: Option<String>,
    pub website: Option<String>,
    /// Featured profile in `summary_lang`, written by Haven from sourced facts.
    pub summary: Option<String>,
    pub summary_lang: Option<String>,
    /// The sources the featured profile was written from.
    pub summary_sources: Vec<String>,
    /// A short profile composed from the city's data, in `lang`.
    pub profile: String,
    /// Labels in `lang` of `policy_areas`, in the same order.
    pub policy_area_labels: Vec<String>,
    pub memberships: Vec<MembershipDoc>,
    /// Always all eight.
    pub demands: Vec<DemandDoc>,
    pub practices: Vec<PracticeRef>,
    pub updated_at: String,
    pub links: Vec<Link>,
}
