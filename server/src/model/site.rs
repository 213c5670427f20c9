//! Every subject that has a page (listed cities, published practices, networks, policy
//! areas) with its name in one language: the index page and the sitemap.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use crate::error::AppResult;
use crate::query::Lang;

/// One subject with a page.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub slug: String,
    pub name: String,
    /// The language of `name` where it is a text (practice titles).
    pub name_lang: Option<String>,
    /// Country (cities, practices) as a code, and its name in the language.
    pub country: Option<String>,
    pub country_name: Option<String>,
    /// The practice's city.
    pub city: Option<String>,
    /// `YYYY-MM-DD` of the last change.
    pub updated: String,
}

/// Everything that has a page.
#[derive(Debug, Deserialize)]
pub struct Site {
    /// By country name, then name.
    pub cities: Vec<Entry>,
    /// By title.
    pub practices: Vec<Entry>,
    /// By name.
    pub networks: Vec<Entry>,
    /// In their order.
    pub policy_areas: Vec<Entry>,
}

/// One row of [`SITE`].
#[derive(Debug, QueryableByName)]
struct SiteRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    name_lang: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    country: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    country_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    city: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    updated: DateTime<Utc>,
}

/// Every subject with a page, one row each, named in `$1` (lang): cities by country name and
/// name, practices by city and slug, networks by name, policy areas in their order.
///
/// Plain rows rather than one JSON document: building and parsing JSON for some 900 entries
/// cost more than reading them.
const SITE: &str = "SELECT kind, slug, name, name_lang, country, country_name, city, updated FROM (
    SELECT 1 AS k, row_number() OVER (ORDER BY coalesce(co.names ->> $1::text, co.name), c.name, c.slug) AS pos,
           'city' AS kind, c.slug::text AS slug, c.name, NULL::text AS name_lang, c.country::text AS country,
           coalesce(co.names ->> $1::text, co.name) AS country_name, NULL::text AS city, c.updated_at AS updated
    FROM cities c JOIN city_stats cs ON cs.city_id = c.id JOIN countries co ON co.iso2 = c.country
    WHERE c.published AND cs.listed
    UNION ALL
    SELECT 2, row_number() OVER (ORDER BY c.name, p.slug),
           'practice', p.slug::text, p.title ->> haven_pick_lang(p.title, $1::text, p.original_lang),
           haven_pick_lang(p.title, $1::text, p.original_lang), c.country::text, NULL, c.name, p.updated_at
    FROM practices p JOIN cities c ON c.id = p.city_id
    WHERE p.published AND c.published
    UNION ALL
    SELECT 3, row_number() OVER (ORDER BY coalesce(n.names ->> $1::text, n.name), n.slug),
           'network', n.slug::text, coalesce(n.names ->> $1::text, n.name), NULL, NULL, NULL, NULL, n.updated_at
    FROM networks n
    UNION ALL
    SELECT 4, row_number() OVER (ORDER BY pa.position),
           'policy_area', pa.slug::text, pa.labels ->> $1::text, NULL, NULL, NULL, NULL, pa.updated_at
    FROM policy_areas pa
) s ORDER BY k, pos";

/// Every page subject, named in `lang`.
///
/// # Errors
/// When the query fails.
pub async fn all(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<Site> {
    let rows: Vec<SiteRow> =
        crate::db::Prepared::fixed(diesel::sql_query(SITE).bind::<Text, _>(lang.code()))
            .load(conn)
            .await?;
    let mut site = Site {
        cities: Vec::new(),
        practices: Vec::new(),
        networks: Vec::new(),
        policy_areas: Vec::new(),
    };
    for row in rows {
        let list = match row.kind.as_str() {
            "city" => &mut site.cities,
            "practice" => &mut site.practices,
            "network" => &mut site.networks,
            _ => &mut site.policy_areas,
        };
        list.push(Entry {
            slug: row.slug,
            name: row.name,
            name_lang: row.name_lang,
            country: row.country,
            country_name: row.country_name,
            city: row.city,
            updated: row.updated.format("%Y-%m-%d").to_string(),
        });
    }
    Ok(site)
}
