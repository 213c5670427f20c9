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

/// The text folded once (`fold`, and `fold_de` in the German transliteration), and whether it
/// is `short`: one or two characters, for which `place_prefix_tops` holds the best places,
/// whose transliteration starts with the folding (it leaves them as they are, or lengthens only
/// the last: `kö` is `ko` and `koe`). The places whose transliterated name starts with `koe`
/// are then among those whose own name starts with `ko`, so the kept best places of `ko` hold
/// the best of both (`äb`, `ab` and `aeb`, would miss `Aebi`: it searches the names).
const INPUT: &str = "input AS MATERIALIZED (
    SELECT f.fold, f.fold_de, length(f.fold) <= 2 AND starts_with(f.fold_de, f.fold) AS short
    FROM (SELECT haven_fold($1::text) AS fold, haven_fold_de($1::text) AS fold_de) f
)";

/// Whether the key `{key}` starts with `{prefix}`: a range of the key's `text_pattern_ops`
/// index, then the exact test (as the collections' full text finds cities by name).
const STARTS_WITH: &str = "{key} ~>=~ {prefix} AND {key} ~<~ ({prefix} || chr(1114111))
    AND starts_with({key}, {prefix})";

/// [`STARTS_WITH`] for `key` and `prefix`.
fn starts_with(key: &str, prefix: &str) -> String {
    STARTS_WITH
        .replace("{key}", key)
        .replace("{prefix}", prefix)
}

/// A row when the place `p` is that of a listed city (read per place found, by its index: a
/// join over every listed city cost 20 ms with 20,000 of them).
const LISTED: &str = "SELECT true AS listed FROM cities c JOIN city_stats cs ON cs.city_id = c.id
                      WHERE c.place_id = p.id AND cs.listed";

/// The search statement: `$1` the text, `$2` the limit. Places whose own name starts with the
/// text come before places found by an alternate name only; among each, the places of listed
/// cities first, then the most populous.
static SEARCH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH {INPUT},
        hits AS (
            SELECT p.id FROM input i JOIN places p ON {own}
             WHERE NOT i.short
            UNION
            SELECT p.id FROM input i JOIN places p ON {own_de}
             WHERE NOT i.short
            UNION
            SELECT pn.place_id FROM input i JOIN place_names pn ON {alternate}
             WHERE NOT i.short
            UNION
            (SELECT t.place_id FROM input i JOIN place_prefix_tops t ON t.prefix = i.fold
              WHERE i.short
              ORDER BY t.own_name DESC, t.population DESC NULLS LAST, t.name, t.place_id
              LIMIT $2)
            UNION
            SELECT c.place_id FROM input i JOIN cities c ON {city}
              JOIN city_stats cs ON cs.city_id = c.id AND cs.listed
             WHERE i.short AND c.place_id IS NOT NULL
            UNION
            SELECT c.place_id FROM input i JOIN cities c ON {city_de}
              JOIN city_stats cs ON cs.city_id = c.id AND cs.listed
             WHERE i.short AND c.place_id IS NOT NULL
        ),
        ranked AS (
            SELECT p.*, (starts_with(p.name_key, i.fold)
                         OR coalesce(starts_with(p.name_key_de, i.fold_de), false)) AS own,
                   l.listed IS NOT NULL AS listed
            FROM hits h
            CROSS JOIN input i
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
        own = starts_with("p.name_key", "i.fold"),
        own_de = starts_with("p.name_key_de", "i.fold_de"),
        alternate = starts_with("pn.name_key", "i.fold"),
        city = starts_with("c.name_key", "i.fold"),
        city_de = starts_with("c.name_key_de", "i.fold_de"),
    )
});

/// Places whose name, German transliteration or alternate name starts with `q` (case and
/// accents ignored: `koln`, `Koeln`, `Köln` and `Cologne` find Köln). Places whose own name
/// starts with `q` come before those found by an alternate name only, and among each the
/// places of listed cities before the others, then the most populous (so `ko` offers Köln
/// and Konstanz first, not Istanbul for "Konstantinopel").
///
/// Each instance answers from its gazetteer in memory ([`super::gazetteer`], tested text for
/// text against this statement); the statement answers while the gazetteer is read.
///
/// One statement text, prepared once per connection: the text is folded once in `input`, and
/// each branch finds its names by a range of a `text_pattern_ops` index from it (a full name
/// takes well under a millisecond instead of scanning all 128k places and 180k names). A
/// prefix of one or two characters matches thousands of names: its best places are read
/// from `place_prefix_tops` (migrations `000703`, `000705`) instead, together with the
/// listed cities whose name is under it (by the prefix indexes of migration `000708`); the
/// branches that do not apply to the text read nothing (their `input` row is filtered out).
/// PostgreSQL is told to keep the generic plan (left to choose, it planned the statement
/// anew for every text: 1.6 ms of a two-letter prefix's 2 ms); before, the prefixes were
/// inlined LIKE patterns, planned anew for every request by design.
///
/// # Errors
/// When the query fails.
pub async fn search(conn: &mut AsyncPgConnection, q: &str, limit: i64) -> AppResult<String> {
    let statement = crate::db::Prepared::fixed(
        diesel::sql_query(SEARCH.as_str())
            .bind::<Text, _>(q)
            .bind::<BigInt, _>(limit),
    );
    let row: JsonText = conn
        .build_transaction()
        .read_only()
        .run(async |conn| {
            diesel::sql_query("SET LOCAL plan_cache_mode = force_generic_plan")
                .execute(conn)
                .await?;
            statement.get_result(conn).await
        })
        .await?;
    Ok(row.json)
}
