//! Places of the gazetteer: the search behind the registration form and the map's search box.

use std::sync::LazyLock;

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::JsonText;
use crate::error::AppResult;

/// A place found by name.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceDoc {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Name of the state or first-level region.
    pub region: Option<String>,
    /// Name of the district (Germany).
    pub district: Option<String>,
    pub population: Option<i64>,
    pub lon: f64,
    pub lat: f64,
    pub ags: Option<String>,
    pub geonameid: Option<i64>,
    /// The listed city at this place, if any.
    pub city_slug: Option<String>,
}

/// `fold` of the bound text as a LIKE prefix pattern (`\`, `%` and `_` escaped).
fn like_prefix(fold: &str) -> String {
    format!(r"replace(replace(replace({fold}($1::text), '\', '\\'), '%', '\%'), '_', '\_') || '%'")
}

/// Whether the folded text is a prefix of one or two characters that the German
/// transliteration leaves as it is: then `place_prefix_tops` holds its best places.
const SHORT: &str =
    "(haven_fold($1::text) = haven_fold_de($1::text) AND length(haven_fold($1::text)) <= 2)";

/// A row when the place `p` is that of a listed city (read per place found, by its index: a
/// join over every listed city cost 20 ms with 20,000 of them).
const LISTED: &str = "SELECT true AS listed FROM cities c JOIN city_stats cs ON cs.city_id = c.id
                      WHERE c.place_id = p.id AND cs.listed";

/// The search statement: `$1` the text, `$2` the limit. Places whose own name starts with the
/// text come before places found by an alternate name only; among each, the places of listed
/// cities first, then the most populous.
static SEARCH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH hits AS (
            SELECT p.id FROM places p
             WHERE NOT {SHORT} AND (p.name_key LIKE {fold} OR p.name_key_de LIKE {fold_de})
            UNION
            SELECT pn.place_id FROM place_names pn
             WHERE NOT {SHORT} AND pn.name_key LIKE {fold}
            UNION
            (SELECT t.place_id FROM place_prefix_tops t
              WHERE {SHORT} AND t.prefix = haven_fold($1::text)
              ORDER BY t.own_name DESC, t.population DESC NULLS LAST, t.name, t.place_id
              LIMIT $2)
            UNION
            SELECT c.place_id FROM cities c
              JOIN city_stats cs ON cs.city_id = c.id AND cs.listed
             WHERE {SHORT} AND c.place_id IS NOT NULL
               AND c.id IN (SELECT id FROM cities WHERE name_key LIKE {fold}
                            UNION SELECT id FROM cities WHERE name_key_de LIKE {fold_de})
        ),
        ranked AS (
            SELECT p.*, (p.name_key LIKE {fold} OR coalesce(p.name_key_de LIKE {fold_de}, false)) AS own,
                   l.listed IS NOT NULL AS listed
            FROM hits h
            -- Per place found, by its key (OFFSET 0 keeps the planner from reading all places).
            CROSS JOIN LATERAL (SELECT * FROM places WHERE id = h.id OFFSET 0) p
            LEFT JOIN LATERAL ({LISTED} LIMIT 1) l ON true
            ORDER BY own DESC, listed DESC, p.population DESC NULLS LAST, p.name, p.id
            LIMIT $2
        )
        SELECT coalesce(json_agg(json_build_object(
            'id', p.id,
            'name', p.name,
            'country', p.country,
            'region', (SELECT r.name FROM regions r WHERE r.id = p.region_id),
            'district', (SELECT r.name FROM regions r WHERE r.id = p.district_id),
            'population', p.population,
            'lon', round(ST_X(p.geom)::numeric, 5),
            'lat', round(ST_Y(p.geom)::numeric, 5),
            'ags', p.ags,
            'geonameid', p.geonameid,
            'city_slug', (SELECT c.slug FROM cities c WHERE c.place_id = p.id AND c.published
                          ORDER BY c.id LIMIT 1)
         ) ORDER BY p.own DESC, p.listed DESC, p.population DESC NULLS LAST, p.name, p.id),
         '[]'::json)::text AS json
         FROM ranked p",
        fold = like_prefix("haven_fold"),
        fold_de = like_prefix("haven_fold_de"),
    )
});

/// Places whose name, German transliteration or alternate name starts with `q` (case and
/// accents ignored: `koln`, `Koeln`, `Köln` and `Cologne` find Köln). Places whose own name
/// starts with `q` come before those found by an alternate name only, and among each the
/// places of listed cities before the others, then the most populous (so `ko` offers Köln
/// and Konstanz first, not Istanbul for "Konstantinopel").
///
/// The prefixes are LIKE patterns with `\`, `%` and `_` escaped, written inline (not in a
/// CTE) so that PostgreSQL folds the immutable `haven_fold` of the bound text into a constant
/// when it plans the statement and the `text_pattern_ops` indexes serve them: a full name
/// takes well under a millisecond instead of scanning all 128k places and 180k names. A
/// prefix of one or two characters matches thousands of names: its best places are read
/// from `place_prefix_tops` (migrations `000703`, `000705`) instead, together with the
/// listed cities whose name is under it (by the prefix indexes of migration `000708`), and
/// the plan for such a text leaves the other branches out (their condition folds to false).
///
/// # Errors
/// When the query fails.
pub async fn search(conn: &mut AsyncPgConnection, q: &str, limit: i64) -> AppResult<String> {
    let row: JsonText = diesel::sql_query(SEARCH.as_str())
        .bind::<Text, _>(q)
        .bind::<BigInt, _>(limit)
        .get_result(conn)
        .await?;
    Ok(row.json)
}
