//! The re-check queue: memberships, demand statuses and practice statuses whose status is
//! unknown or whose newest source is older than two years (`haven_needs_checking`), offered to
//! moderators with where to post newer evidence ([`super::recheck`]).

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::rows::{IdRow, JsonRow, all_typed};
use crate::domain::Lang;
use crate::error::AppResult;

/// Everything that needs checking, one row per fact (`$1` lang): what it is, where it stands,
/// its newest source and date, why it is offered (`status_unknown`, `undated` or
/// `older_than_two_years`) and where to post the re-check.
const STALE: &str = "
    SELECT 'membership' AS kind, c.slug AS city, m.id::text AS item,
           jsonb_build_object('kind', 'membership', 'id', m.id,
               'city', jsonb_build_object('slug', c.slug, 'name', c.name),
               'network', jsonb_build_object('slug', n.slug, 'name', coalesce(n.names ->> $1::text, n.name)),
               'status', m.status, 'as_of', coalesce(m.verified_on, m.since), 'source_url', m.evidence_url,
               'reason', CASE WHEN coalesce(m.verified_on, m.since) IS NULL THEN 'undated'
                              ELSE 'older_than_two_years' END,
               'recheck', '/api/v1/moderation/rechecks/memberships/' || m.id) AS value,
           coalesce(m.verified_on, m.since)::text AS as_of
      FROM memberships m JOIN cities c ON c.id = m.city_id JOIN networks n ON n.id = m.network_id
     WHERE m.published AND c.published AND haven_needs_checking(coalesce(m.verified_on, m.since))
    UNION ALL
    SELECT 'demand', c.slug, s.demand_key,
           jsonb_build_object('kind', 'demand',
               'city', jsonb_build_object('slug', c.slug, 'name', c.name),
               'demand', jsonb_build_object('key', d.key, 'label', d.labels ->> $1::text),
               'status', CASE WHEN s.decided IS NULL THEN 'unknown' WHEN s.fulfilled THEN 'fulfilled'
                              WHEN s.decided THEN 'decided' ELSE 'not_decided' END,
               'as_of', s.as_of, 'source_url', s.evidence_url,
               'reason', CASE WHEN s.decided IS NULL THEN 'status_unknown' WHEN s.as_of IS NULL THEN 'undated'
                              ELSE 'older_than_two_years' END,
               'recheck', '/api/v1/moderation/rechecks/demands/' || c.slug || '/' || s.demand_key),
           s.as_of::text
      FROM safe_harbour_demands s JOIN cities c ON c.id = s.city_id JOIN demands d ON d.key = s.demand_key
     WHERE c.published AND (s.decided IS NULL OR haven_needs_checking(s.as_of))
    UNION ALL
    SELECT 'practice', c.slug, p.slug,
           jsonb_build_object('kind', 'practice',
               'city', jsonb_build_object('slug', c.slug, 'name', c.name),
               'practice', jsonb_build_object('slug', p.slug,
                   'title', p.title ->> haven_pick_lang(p.title, $1::text, p.original_lang)),
               'status', p.status, 'as_of', p.status_as_of,
               'source_url', (SELECT url FROM practice_sources ps WHERE ps.practice_id = p.id
                               ORDER BY ps.accessed_on DESC NULLS LAST, ps.position LIMIT 1),
               'reason', CASE WHEN p.status = 'unknown' THEN 'status_unknown' WHEN p.status_as_of IS NULL THEN 'undated'
                              ELSE 'older_than_two_years' END,
               'recheck', '/api/v1/moderation/rechecks/practices/' || p.slug),
           p.status_as_of::text
      FROM practices p JOIN cities c ON c.id = p.city_id
     WHERE p.published AND c.published AND (p.status = 'unknown' OR haven_needs_checking(p.status_as_of))";

/// A fact that needs checking ([`STALE`]): a membership (with `id` and `network`), a demand
/// status (with `demand`) or a practice's status (with `practice`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stale {
    /// membership, demand or practice.
    pub kind: String,
    /// A membership's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub city: StaleCity,
    /// A membership's network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<StaleNetwork>,
    /// A demand status's demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<StaleDemand>,
    /// A practice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<StalePractice>,
    /// The published status (a demand's: unknown, decided, not_decided or fulfilled).
    pub status: String,
    /// The date of the newest evidence (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub as_of: Option<String>,
    /// The newest source.
    pub source_url: Option<String>,
    /// status_unknown, undated or older_than_two_years.
    pub reason: String,
    /// The path to post newer evidence to.
    pub recheck: String,
}

/// The city of a fact to check.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaleCity {
    pub slug: String,
    pub name: String,
}

/// The network of a membership to check, named in the language asked for.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaleNetwork {
    pub slug: String,
    pub name: String,
}

/// The demand of a status to check, labelled in the language asked for.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaleDemand {
    pub key: String,
    pub label: Option<String>,
}

/// The practice to check, titled in the language asked for (else its original).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StalePractice {
    pub slug: String,
    pub title: Option<String>,
}

/// A page of what needs checking, the most recently stale first (then the undated), and the
/// total.
///
/// # Errors
/// Database errors.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    lang: Lang,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<Stale>, i64)> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT value FROM ({STALE}) stale
          ORDER BY as_of DESC NULLS LAST, kind, city, item LIMIT $2 OFFSET $3"
    ))
    .bind::<Text, _>(lang.code())
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await?;
    let total: IdRow = diesel::sql_query(format!("SELECT count(*) AS id FROM ({STALE}) stale"))
        .bind::<Text, _>(lang.code())
        .get_result(conn)
        .await?;
    Ok((all_typed(rows)?, total.id))
}
