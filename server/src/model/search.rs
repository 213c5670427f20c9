//! The search box's answer for one text: listed cities, practices and policy areas that the
//! full text (with the synonym list) or a name prefix finds, beside the gazetteer's places,
//! and words to try when nothing at all is found.

use std::sync::LazyLock;

use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::JsonText;
use super::city::{CITY_Q, CITY_Q_CTE};
use super::collection::{ALT_NAMES_CTE, TEXT_INPUT_CTE};
use super::place::PlaceDoc;
use super::practice::{CityRef, PRACTICE_Q, PRACTICE_Q_CTE};
use crate::error::AppResult;
use crate::query::Lang;

/// The statement: `$1` the text, `$2` lang, `$3` hits per group, `$4` the places' JSON,
/// `$5` whether the places are empty. The cities' and practices' predicates are the
/// collections' own (`q` of `GET /api/v1/cities` and `/practices`), so a hit here is a hit
/// there.
static SEARCH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH {TEXT_INPUT_CTE},
        {ALT_NAMES_CTE},
        {CITY_Q_CTE},
        {PRACTICE_Q_CTE},
        city_hits AS (
            SELECT c.id, c.slug, c.name, c.country, c.population, ts_rank(c.search, input.tsq) AS rank,
                   CASE WHEN starts_with(c.name_key, input.fold)
                             OR starts_with(c.name_key_de, input.fold_de) THEN 0
                        WHEN c.search @@ input.tsq THEN 1
                        WHEN c.place_id IN (SELECT place_id FROM alt_names) THEN 2
                        ELSE 3 END AS tier
            FROM cities c JOIN city_stats cs ON cs.city_id = c.id AND cs.listed, input
            WHERE c.published AND {CITY_Q}
        ),
        practice_hits AS (
            SELECT p.id, ts_rank(p.search, input.tsq) AS rank,
                   p.title ->> haven_pick_lang(p.title, $2::text, p.original_lang) AS title,
                   haven_pick_lang(p.title, $2::text, p.original_lang) AS title_lang,
                   c.slug AS city_slug, c.name AS city_name
            FROM practices p JOIN cities c ON c.id = p.city_id, input
            WHERE p.published AND c.published AND {PRACTICE_Q}
        ),
        area_hits AS (
            SELECT pa.slug, pa.position, pa.labels ->> $2::text AS label,
                   coalesce((SELECT s.practice_count FROM policy_area_stats s
                             WHERE s.policy_area = pa.slug), 0) AS practice_count
            FROM policy_areas pa, input
            WHERE to_tsvector('simple', haven_unaccent(pa.labels ->> 'de' || ' ' || (pa.labels ->> 'en') || ' '
                      || (pa.labels ->> 'fr') || ' ' || (pa.labels ->> 'es')))
                  || to_tsvector('german', haven_unaccent(pa.labels ->> 'de'))
                  || to_tsvector('english', haven_unaccent(pa.labels ->> 'en')) @@ input.tsq
               OR EXISTS (SELECT 1 FROM jsonb_each_text(pa.labels) l WHERE starts_with(haven_fold(l.value), input.fold))
        ),
        vocabulary AS (
            SELECT DISTINCT term AS word FROM search_synonyms
            UNION SELECT c.name FROM cities c JOIN city_stats cs ON cs.city_id = c.id AND cs.listed
            UNION SELECT pa.labels ->> $2::text FROM policy_areas pa
        )
        SELECT json_build_object(
            'q', $1::text,
            'places', $4::json,
            'cities', coalesce((SELECT json_agg(json_build_object(
                    'slug', h.slug, 'name', h.name, 'country', h.country) ORDER BY h.tier, h.rank DESC, h.population DESC NULLS LAST, h.name)
                FROM (SELECT * FROM city_hits ORDER BY tier, rank DESC, population DESC NULLS LAST, name LIMIT $3) h), '[]'::json),
            'cities_matched', (SELECT count(*) FROM city_hits),
            'practices', coalesce((SELECT json_agg(json_build_object(
                    'slug', p.slug, 'title', h.title, 'title_lang', h.title_lang,
                    'city', json_build_object('slug', h.city_slug, 'name', h.city_name))
                    ORDER BY h.rank DESC, h.title)
                FROM (SELECT * FROM practice_hits ORDER BY rank DESC, title LIMIT $3) h
                JOIN practices p ON p.id = h.id), '[]'::json),
            'practices_matched', (SELECT count(*) FROM practice_hits),
            'policy_areas', coalesce((SELECT json_agg(json_build_object(
                    'slug', a.slug, 'label', a.label, 'practice_count', a.practice_count) ORDER BY a.position)
                FROM area_hits a), '[]'::json),
            'suggestions', CASE WHEN $5::bool AND NOT EXISTS (SELECT 1 FROM city_hits)
                    AND NOT EXISTS (SELECT 1 FROM practice_hits) AND NOT EXISTS (SELECT 1 FROM area_hits)
                THEN coalesce((SELECT json_agg(s.word ORDER BY s.score DESC, s.word) FROM (
                        SELECT v.word, similarity(haven_fold(v.word), input.fold) AS score
                        FROM vocabulary v, input
                        WHERE similarity(haven_fold(v.word), input.fold) >= 0.3
                        ORDER BY score DESC, v.word LIMIT 5) s), '[]'::json)
                ELSE '[]'::json END
        )::text AS json"
    )
});

/// The grouped hits for `q` in `lang`, at most `limit` per group, with `places` (the
/// gazetteer's answer, JSON) put in as they are.
///
/// # Errors
/// When the query fails.
pub async fn search(
    conn: &mut AsyncPgConnection,
    q: &str,
    lang: Lang,
    limit: i64,
    places: &str,
) -> AppResult<String> {
    let row: JsonText = diesel::sql_query(SEARCH.as_str())
        .bind::<Text, _>(q)
        .bind::<Text, _>(lang.code())
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(places)
        .bind::<Bool, _>(places.trim() == "[]")
        .get_result(conn)
        .await?;
    Ok(row.json)
}

/// A listed city found by the search.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityHit {
    pub slug: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A practice found by the search.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeHit {
    pub slug: String,
    /// Title in `title_lang`: `lang`, else `en`, else the original.
    pub title: String,
    pub title_lang: String,
    pub city: CityRef,
}

/// A policy area whose name (in any language) the search found.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyAreaHit {
    pub slug: String,
    /// Label in `lang`.
    pub label: String,
    /// Published practices in the area.
    pub practice_count: i64,
}

/// `GET /api/v1/search`: what one text finds, grouped.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchDoc {
    /// The text searched for.
    pub q: String,
    /// Places of the gazetteer whose name starts with `q` (listed or not), most populous first.
    pub places: Vec<PlaceDoc>,
    /// Listed cities, best match first (at most `limit`): those whose own name starts with
    /// `q`, then those whose own text matches, then those found by an alternate name of their
    /// place, then by their practices; by text rank, then the most populous, within each.
    pub cities: Vec<CityHit>,
    /// All listed cities found.
    pub cities_matched: i64,
    /// Practices, best match first (at most `limit`).
    pub practices: Vec<PracticeHit>,
    /// All practices found.
    pub practices_matched: i64,
    /// Policy areas whose name matches.
    pub policy_areas: Vec<PolicyAreaHit>,
    /// When nothing at all is found: similar words that would find something.
    pub suggestions: Vec<String>,
}
