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

/// Every policy area in order, as a JSON array.
///
/// # Errors
/// When the query fails.
pub async fn list(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<String> {
    let row: JsonText = diesel::sql_query(
        "SELECT coalesce(json_agg(json_build_object(
            'slug', pa.slug,
            'label', pa.labels ->> $1::text,
            'description', pa.descriptions ->> $1::text,
            'position', pa.position,
            'practice_count', (SELECT count(*) FROM practice_policy_areas ppa
                JOIN practices p ON p.id = ppa.practice_id JOIN cities c ON c.id = p.city_id
                WHERE ppa.policy_area = pa.slug AND p.published AND c.published)
         ) ORDER BY pa.position), '[]'::json)::text AS json
         FROM policy_areas pa",
    )
    .bind::<Text, _>(lang.code())
    .get_result(conn)
    .await?;
    Ok(row.json)
}
