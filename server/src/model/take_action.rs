//! Take-action guides: for each of Seebrücke's demands and each policy area, how a campaigner
//! can ask their own council for it, with the cities that already did it (read live from the
//! published data: decided or fulfilled demands with their evidence, practices with their
//! sources).

use diesel::OptionalExtension;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::JsonText;
use crate::error::AppResult;
use crate::query::Lang;

/// Whether a guide is about a demand or a policy area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuideKind {
    Demand,
    PolicyArea,
}

/// A guide in the reader's language, or in English when it is not written in theirs.
#[derive(Debug, Deserialize)]
pub struct Guide {
    pub key: String,
    pub kind: GuideKind,
    /// The language the texts are in.
    pub lang: String,
    /// The demand's or the policy area's name in the reader's language.
    pub subject: String,
    pub title: String,
    pub intro: String,
    pub who_decides: String,
    pub motion: String,
    pub costs: String,
    pub objections: String,
    pub next_steps: String,
    pub updated_at: String,
    /// For a demand: the cities that decided or fulfilled it.
    pub cities: Vec<DemandCity>,
    /// For a policy area: the published practices filed under it.
    pub practices: Vec<AreaPractice>,
}

/// A city that decided or fulfilled a demand, with the evidence.
#[derive(Debug, Deserialize)]
pub struct DemandCity {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub fulfilled: bool,
    pub as_of: Option<String>,
    pub evidence_url: Option<String>,
}

/// A practice of a policy area, with its city and first source.
#[derive(Debug, Deserialize)]
pub struct AreaPractice {
    pub slug: String,
    pub title: String,
    pub title_lang: String,
    pub city_slug: String,
    pub city_name: String,
    pub country: String,
    pub started: Option<i32>,
    pub source_url: Option<String>,
}

/// A guide in a list: its key, kind and title in the reader's language (or English).
#[derive(Debug, Deserialize)]
pub struct GuideEntry {
    pub key: String,
    pub kind: GuideKind,
    pub lang: String,
    pub subject: String,
    pub title: String,
}

/// The language version of guide `g` a reader whose language is bound as `$n` gets: theirs,
/// else English, else any.
fn pick(n: u8) -> String {
    format!(
        "(SELECT g2.lang FROM take_action_guides g2 WHERE g2.key = g.key
          ORDER BY g2.lang = ${n}::text DESC, g2.lang = 'en' DESC, g2.lang LIMIT 1)"
    )
}

/// The guide `key` for a reader in `lang`, or `None`.
///
/// # Errors
/// When the query fails.
pub async fn find(conn: &mut AsyncPgConnection, key: &str, lang: Lang) -> AppResult<Option<Guide>> {
    let row: Option<JsonText> = crate::db::Prepared::fixed(
        diesel::sql_query(format!(
            "SELECT json_build_object(
            'key', g.key, 'kind', g.kind, 'lang', g.lang,
            'subject', coalesce(d.labels ->> $2::text, pa.labels ->> $2::text, g.key),
            'title', g.title, 'intro', g.intro, 'who_decides', g.who_decides,
            'motion', g.motion, 'costs', g.costs, 'objections', g.objections,
            'next_steps', g.next_steps,
            'updated_at', g.updated_at,
            'cities', coalesce((SELECT json_agg(json_build_object(
                    'slug', c.slug, 'name', c.name,
                    'country', coalesce(co.names ->> $2::text, co.name),
                    'fulfilled', coalesce(s.fulfilled, false),
                    'as_of', s.as_of, 'evidence_url', s.evidence_url)
                    ORDER BY coalesce(s.fulfilled, false) DESC, s.as_of DESC NULLS LAST, c.name)
                FROM safe_harbour_demands s JOIN cities c ON c.id = s.city_id
                JOIN countries co ON co.iso2 = c.country
                WHERE g.kind = 'demand' AND s.demand_key = g.key AND c.published
                  AND (s.decided OR s.fulfilled)), '[]'::json),
            'practices', coalesce((SELECT json_agg(json_build_object(
                    'slug', p.slug,
                    'title', p.title ->> haven_pick_lang(p.title, $2::text, p.original_lang),
                    'title_lang', haven_pick_lang(p.title, $2::text, p.original_lang),
                    'city_slug', c.slug, 'city_name', c.name,
                    'country', coalesce(co.names ->> $2::text, co.name),
                    'started', p.started,
                    'source_url', (SELECT ps.url FROM practice_sources ps
                        WHERE ps.practice_id = p.id ORDER BY ps.position LIMIT 1))
                    ORDER BY c.name, p.slug)
                FROM practice_policy_areas ppa JOIN practices p ON p.id = ppa.practice_id
                JOIN cities c ON c.id = p.city_id JOIN countries co ON co.iso2 = c.country
                WHERE g.kind = 'policy_area' AND ppa.policy_area = g.key
                  AND p.published AND c.published), '[]'::json)
         )::text AS json
         FROM take_action_guides g
         LEFT JOIN demands d ON g.kind = 'demand' AND d.key = g.key
         LEFT JOIN policy_areas pa ON g.kind = 'policy_area' AND pa.slug = g.key
         WHERE g.key = $1::text AND g.lang = {}",
            pick(2)
        ))
        .bind::<Text, _>(key)
        .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await
    .optional()?;
    row.map(|row| row.read()).transpose()
}

/// Every guide for a reader in `lang`: the demands in Seebrücke's order, then the policy
/// areas in theirs.
///
/// # Errors
/// When the query fails.
pub async fn list(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<Vec<GuideEntry>> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(format!(
            "SELECT coalesce(json_agg(json_build_object(
            'key', g.key, 'kind', g.kind, 'lang', g.lang,
            'subject', coalesce(d.labels ->> $1::text, pa.labels ->> $1::text, g.key),
            'title', g.title)
            ORDER BY g.kind, coalesce(d.position, pa.position)), '[]'::json)::text AS json
         FROM take_action_guides g
         LEFT JOIN demands d ON g.kind = 'demand' AND d.key = g.key
         LEFT JOIN policy_areas pa ON g.kind = 'policy_area' AND pa.slug = g.key
         WHERE g.lang = {}",
            pick(1)
        ))
        .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await?;
    row.read()
}

/// The keys of every guide (demand keys and policy-area slugs), for pages that link to them.
///
/// # Errors
/// When the query fails.
pub async fn keys(conn: &mut AsyncPgConnection) -> AppResult<std::collections::HashSet<String>> {
    let row: JsonText = crate::db::Prepared::fixed(diesel::sql_query(
        "SELECT coalesce(json_agg(DISTINCT key), '[]'::json)::text AS json FROM take_action_guides",
    ))
    .get_result(conn)
    .await?;
    row.read()
}
