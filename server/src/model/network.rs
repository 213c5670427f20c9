//! City networks: alliances, campaigns and programmes cities are members of.

use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::JsonText;
use crate::error::AppResult;
use crate::query::Lang;

/// A network with its number of member cities.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkDoc {
    pub slug: String,
    /// Name in `lang` where Haven has one, else the network's own.
    pub name: String,
    /// E.g. `municipal alliance`.
    pub kind: String,
    /// Geographic scope, e.g. `DE` or `Europe`.
    pub scope: Option<String>,
    /// Partial date of founding.
    pub founded: Option<String>,
    pub website: Option<String>,
    /// Published cities with a membership that was not left.
    pub member_count: i64,
    /// The Seebrücke declaration campaign: its members are Safe Harbours.
    pub is_safe_harbour_campaign: bool,
    /// Description in `description_lang`.
    pub description: Option<String>,
    pub description_lang: Option<String>,
}

/// Every network by name, as a JSON array. The member counts read the per-city summary
/// (`city_stats.networks`: a published city with a current membership is listed), one index
/// lookup per network instead of counting the memberships.
///
/// # Errors
/// When the query fails.
pub async fn list(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<String> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(
            "SELECT coalesce(json_agg(json_build_object(
            'slug', n.slug,
            'name', coalesce(n.names ->> $1::text, n.name),
            'kind', n.kind,
            'scope', n.scope,
            'founded', n.founded,
            'website', n.website,
            'member_count', (SELECT count(*) FROM city_stats cs
                WHERE cs.listed AND cs.networks @> ARRAY[n.slug::text]),
            'is_safe_harbour_campaign', n.is_safe_harbour_campaign,
            'description', n.description ->> haven_pick_lang(n.description, $1::text, NULL),
            'description_lang', haven_pick_lang(n.description, $1::text, NULL)
         ) ORDER BY n.name, n.slug), '[]'::json)::text AS json
         FROM networks n",
        )
        .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await?;
    Ok(row.json)
}

/// A member city of a network, for the network's page.
#[derive(Debug, Deserialize)]
pub struct MemberDoc {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub status: String,
    pub role: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub evidence_url: Option<String>,
}

/// A network with its members, for the network's page.
#[derive(Debug, Deserialize)]
pub struct NetworkDetail {
    pub slug: String,
    pub name: String,
    /// The network's own name, when `name` is a translation.
    pub own_name: String,
    pub kind: String,
    pub scope: Option<String>,
    pub founded: Option<String>,
    pub website: Option<String>,
    pub is_safe_harbour_campaign: bool,
    pub description: Option<String>,
    pub description_lang: Option<String>,
    pub updated_at: String,
    /// Published, listed member cities by name (also those that left).
    pub members: Vec<MemberDoc>,
}

/// One network with its members, or `None`.
///
/// # Errors
/// When the query fails.
pub async fn find(
    conn: &mut AsyncPgConnection,
    slug: &str,
    lang: Lang,
) -> AppResult<Option<NetworkDetail>> {
    use diesel::OptionalExtension;
    let row: Option<JsonText> = crate::db::Prepared::fixed(diesel::sql_query(
        "SELECT json_build_object(
            'slug', n.slug,
            'name', coalesce(n.names ->> $2::text, n.name),
            'own_name', n.name,
            'kind', n.kind,
            'scope', n.scope,
            'founded', n.founded,
            'website', n.website,
            'is_safe_harbour_campaign', n.is_safe_harbour_campaign,
            'description', n.description ->> haven_pick_lang(n.description, $2::text, NULL),
            'description_lang', haven_pick_lang(n.description, $2::text, NULL),
            'updated_at', n.updated_at,
            'members', coalesce((SELECT json_agg(json_build_object(
                    'slug', c.slug, 'name', c.name, 'country', c.country, 'status', m.status,
                    'role', m.role, 'since', m.since, 'until', m.until, 'evidence_url', m.evidence_url)
                    ORDER BY c.name, c.slug)
                FROM memberships m JOIN cities c ON c.id = m.city_id
                JOIN city_stats cs ON cs.city_id = c.id
                WHERE m.network_id = n.id AND m.published AND c.published AND cs.listed), '[]'::json)
         )::text AS json
         FROM networks n WHERE n.slug = $1::text",
    )
    .bind::<Text, _>(slug)
    .bind::<Text, _>(lang.code()))
    .get_result(conn)
    .await
    .optional()?;
    row.map(|row| row.read()).transpose()
}
