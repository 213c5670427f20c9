//! Every subject that has a page (listed cities, published practices, networks, policy
//! areas) with its name in one language: the index page and the sitemap.

use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::JsonText;
use crate::error::{AppError, AppResult};
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

/// Every page subject, named in `lang`.
///
/// # Errors
/// When the query fails.
pub async fn all(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<Site> {
    let row: JsonText = crate::db::Prepared::fixed(diesel::sql_query(
        "SELECT json_build_object(
            'cities', coalesce((SELECT json_agg(json_build_object('slug', c.slug, 'name', c.name,
                    'country', c.country, 'country_name', coalesce(co.names ->> $1::text, co.name),
                    'updated', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                    ORDER BY coalesce(co.names ->> $1::text, co.name), c.name, c.slug)
                FROM cities c JOIN city_stats cs ON cs.city_id = c.id JOIN countries co ON co.iso2 = c.country
                WHERE c.published AND cs.listed), '[]'::json),
            'practices', coalesce((SELECT json_agg(json_build_object('slug', p.slug,
                    'name', p.title ->> haven_pick_lang(p.title, $1::text, p.original_lang),
                    'name_lang', haven_pick_lang(p.title, $1::text, p.original_lang),
                    'country', c.country, 'city', c.name,
                    'updated', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                    ORDER BY c.name, p.slug)
                FROM practices p JOIN cities c ON c.id = p.city_id
                WHERE p.published AND c.published), '[]'::json),
            'networks', coalesce((SELECT json_agg(json_build_object('slug', n.slug,
                    'name', coalesce(n.names ->> $1::text, n.name),
                    'updated', to_char(n.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                    ORDER BY coalesce(n.names ->> $1::text, n.name), n.slug)
                FROM networks n), '[]'::json),
            'policy_areas', coalesce((SELECT json_agg(json_build_object('slug', pa.slug,
                    'name', pa.labels ->> $1::text,
                    'updated', to_char(pa.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                    ORDER BY pa.position)
                FROM policy_areas pa), '[]'::json)
         )::text AS json",
    )
    .bind::<Text, _>(lang.code()))
    .get_result(conn)
    .await?;
    serde_json::from_str(&row.json).map_err(|error| AppError::Internal(error.into()))
}
