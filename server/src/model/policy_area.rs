//! Policy areas: the twelve fields of local migration policy practices are filed under.

use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::JsonText;
use crate::error::AppResult;
use crate::query::Lang;

/// A policy area with its label in the requested language.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyAreaDoc {
    pub slug: String,
    /// Label in `lang`.
    pub label: String,
    /// Description in `lang`.
    pub description: String,
    pub position: i32,
    /// Published practices in this area.
    pub practice_count: i64,
}

/// Every policy area in order, as a JSON array, with the number of published practices of
/// each (kept by triggers in `policy_area_stats`, migration `000706`).
///
/// # Errors
/// When the query fails.
pub async fn list(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<String> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(
            "SELECT coalesce(json_agg(json_build_object(
            'slug', pa.slug,
            'label', pa.labels ->> $1::text,
            'description', pa.descriptions ->> $1::text,
            'position', pa.position,
            'practice_count', coalesce(s.practice_count, 0)
         ) ORDER BY pa.position), '[]'::json)::text AS json
         FROM policy_areas pa LEFT JOIN policy_area_stats s ON s.policy_area = pa.slug",
        )
        .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await?;
    Ok(row.json)
}

/// A policy area's slug and its label in one language.
#[derive(Debug, diesel::QueryableByName)]
pub struct AreaLabel {
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub label: String,
}

/// The label of every policy area in `lang`, in their order (what pages name areas with;
/// without the practice counts of [`list`]).
///
/// # Errors
/// When the query fails.
pub async fn labels(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<Vec<AreaLabel>> {
    Ok(crate::db::Prepared::fixed(
        diesel::sql_query(
            "SELECT pa.slug, coalesce(pa.labels ->> $1::text, pa.slug) AS label
             FROM policy_areas pa ORDER BY pa.position",
        )
        .bind::<Text, _>(lang.code()),
    )
    .load(conn)
    .await?)
}

/// A practice filed under a policy area, for the area's page.
#[derive(Debug, Deserialize)]
pub struct AreaPracticeDoc {
    pub slug: String,
    pub title: String,
    pub title_lang: String,
    pub city_slug: String,
    pub city_name: String,
    pub country: String,
}

/// A policy area with its practices, for the area's page.
#[derive(Debug, Deserialize)]
pub struct PolicyAreaDetail {
    pub slug: String,
    pub label: String,
    pub description: String,
    pub updated_at: String,
    /// Published practices in the area, by city and title.
    pub practices: Vec<AreaPracticeDoc>,
}

/// One policy area with its practices, or `None`.
///
/// # Errors
/// When the query fails.
pub async fn find(
    conn: &mut AsyncPgConnection,
    slug: &str,
    lang: Lang,
) -> AppResult<Option<PolicyAreaDetail>> {
    use diesel::OptionalExtension;
    let row: Option<JsonText> = crate::db::Prepared::fixed(
        diesel::sql_query(
            "SELECT json_build_object(
            'slug', pa.slug,
            'label', pa.labels ->> $2::text,
            'description', pa.descriptions ->> $2::text,
            'updated_at', pa.updated_at,
            'practices', coalesce((SELECT json_agg(json_build_object(
                    'slug', p.slug,
                    'title', p.title ->> haven_pick_lang(p.title, $2::text, p.original_lang),
                    'title_lang', haven_pick_lang(p.title, $2::text, p.original_lang),
                    'city_slug', c.slug, 'city_name', c.name, 'country', c.country)
                    ORDER BY c.name, p.slug)
                FROM practice_policy_areas ppa JOIN practices p ON p.id = ppa.practice_id
                JOIN cities c ON c.id = p.city_id
                WHERE ppa.policy_area = pa.slug AND p.published AND c.published), '[]'::json)
         )::text AS json
         FROM policy_areas pa WHERE pa.slug = $1::text",
        )
        .bind::<Text, _>(slug)
        .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await
    .optional()?;
    row.map(|row| row.read()).transpose()
}
