//! What changed for a followed target in a span of time: practices (new or changed), network
//! memberships and Safe Harbour declarations, and the status of Seebrücke's demands, newest
//! first. The follow feed reads the latest; the weekly digest reads what changed since the
//! last one.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;

use super::Target;
use super::words::follow_words;
use crate::error::AppResult;
use crate::model::JsonText;
use crate::model::profile::partial_date;
use crate::query::Lang;
use crate::words::{Words, words};

/// What kind of record changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Practice,
    /// A network membership; a Safe Harbour declaration when `campaign`.
    Membership,
    /// The status of one of Seebrücke's demands in a city.
    Demand,
}

/// One changed record.
#[derive(Debug, Clone, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The practice's, network's slug or the demand's key.
    pub slug: String,
    pub title: String,
    pub title_lang: String,
    pub city: String,
    pub city_slug: String,
    /// New in the span (else changed); with no start, never changed since it was added.
    pub new: bool,
    /// A membership's status.
    pub status: Option<String>,
    /// A membership's start (a partial date).
    pub since: Option<String>,
    /// A membership of the Safe Harbour campaign: a declaration.
    #[serde(default)]
    pub campaign: bool,
    pub decided: Option<bool>,
    pub fulfilled: Option<bool>,
    /// The source of a membership or demand status.
    pub evidence_url: Option<String>,
    pub created: String,
    pub updated: String,
}

/// `$1` kind, `$2` key, `$3` radius (km), `$4` lang, `$5` after (exclusive, or NULL),
/// `$6` until (inclusive), `$7` the most rows.
const CHANGES: &str = "WITH origin AS MATERIALIZED (
    SELECT pl.geom::geography AS geog FROM places pl
    WHERE pl.id = CASE WHEN $1::text = 'near' THEN $2::text::bigint END
), followed AS MATERIALIZED (
    SELECT c.id, c.slug, coalesce(c.names ->> $4::text, c.name) AS name
    FROM cities c JOIN city_stats cs ON cs.city_id = c.id
    WHERE c.published AND cs.listed AND CASE $1::text
        WHEN 'city' THEN c.slug = $2::text
        WHEN 'network' THEN EXISTS (SELECT 1 FROM memberships m JOIN networks n ON n.id = m.network_id
            WHERE m.city_id = c.id AND m.published AND n.slug = $2::text)
        WHEN 'near' THEN EXISTS (SELECT 1 FROM origin o
            WHERE ST_DWithin(c.geom::geography, o.geog, $3::integer * 1000.0))
        ELSE true END
), changes AS (
    SELECT 'practice' AS kind, p.slug,
        p.title ->> haven_pick_lang(p.title, $4::text, p.original_lang) AS title,
        haven_pick_lang(p.title, $4::text, p.original_lang) AS title_lang,
        f.name AS city, f.slug AS city_slug, p.created_at, p.updated_at,
        NULL::text AS status, NULL::text AS since, false AS campaign,
        NULL::boolean AS decided, NULL::boolean AS fulfilled,
        (SELECT s.url FROM practice_sources s WHERE s.practice_id = p.id ORDER BY s.position LIMIT 1) AS evidence_url
    FROM practices p JOIN followed f ON f.id = p.city_id
    WHERE p.published
      AND ($1::text <> 'policy_area' OR EXISTS (SELECT 1 FROM practice_policy_areas a
          WHERE a.practice_id = p.id AND a.policy_area = $2::text))
      AND p.updated_at > coalesce($5::timestamptz, '-infinity') AND p.updated_at <= $6::timestamptz
    UNION ALL
    SELECT 'membership', n.slug, coalesce(n.names ->> $4::text, n.name), $4::text,
        f.name, f.slug, m.created_at, m.updated_at, m.status, m.since::text,
        n.is_safe_harbour_campaign, NULL, NULL, m.evidence_url::text
    FROM memberships m JOIN followed f ON f.id = m.city_id JOIN networks n ON n.id = m.network_id
    WHERE m.published AND $1::text <> 'policy_area' AND ($1::text <> 'network' OR n.slug = $2::text)
      AND m.updated_at > coalesce($5::timestamptz, '-infinity') AND m.updated_at <= $6::timestamptz
    UNION ALL
    SELECT 'demand', d.key, d.labels ->> $4::text, $4::text,
        f.name, f.slug, s.created_at, s.updated_at, NULL, s.as_of::text,
        false, s.decided, s.fulfilled, s.evidence_url::text
    FROM safe_harbour_demands s JOIN demands d ON d.key = s.demand_key JOIN followed f ON f.id = s.city_id
    WHERE $1::text IN ('city', 'near')
      AND s.updated_at > coalesce($5::timestamptz, '-infinity') AND s.updated_at <= $6::timestamptz
)
SELECT coalesce(json_agg(json_build_object(
        'kind', kind, 'slug', slug, 'title', title, 'title_lang', title_lang, 'city', city,
        'city_slug', city_slug,
        'new', CASE WHEN $5::timestamptz IS NULL THEN updated_at - created_at < interval '1 minute'
                    ELSE created_at > $5::timestamptz END,
        'status', status, 'since', since, 'campaign', campaign, 'decided', decided,
        'fulfilled', fulfilled, 'evidence_url', evidence_url,
        'created', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
        'updated', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))
    ORDER BY updated_at DESC, kind, city_slug, slug), '[]'::json)::text AS json
FROM (SELECT * FROM changes ORDER BY updated_at DESC, kind, city_slug, slug LIMIT $7::bigint) latest";

/// What changed for `target` after `after` (all time when `None`) up to `until`, newest
/// first, at most `limit` records, with texts in `lang` where there are.
///
/// # Errors
/// Database errors.
pub async fn between(
    conn: &mut AsyncPgConnection,
    target: &Target,
    lang: Lang,
    after: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<Change>> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(CHANGES)
            .bind::<Text, _>(target.kind())
            .bind::<Text, _>(target.key())
            .bind::<Nullable<Integer>, _>(target.radius_km())
            .bind::<Text, _>(lang.code())
            .bind::<Nullable<Timestamptz>, _>(after)
            .bind::<Timestamptz, _>(until)
            .bind::<BigInt, _>(limit),
    )
    .get_result(conn)
    .await?;
    row.read()
}

impl Change {
    /// One line saying what changed, in `lang` ("New practice: Bürgerasyl (Köln)").
    #[must_use]
    pub fn headline(&self, lang: Lang) -> String {
        let w = words(lang);
        let f = follow_words(lang);
        match self.kind {
            ChangeKind::Practice => format!(
                "{}: {} ({})",
                if self.new {
                    f.new_practice
                } else {
                    f.changed_practice
                },
                self.title,
                self.city
            ),
            ChangeKind::Membership => format!(
                "{}: {}",
                self.city,
                membership_line(
                    lang,
                    &self.title,
                    self.status.as_deref().unwrap_or_default(),
                    self.since.as_deref(),
                    self.campaign,
                )
            ),
            ChangeKind::Demand => {
                let answer = |value: Option<bool>| match value {
                    Some(true) => w.yes,
                    Some(false) => w.no,
                    None => w.unknown,
                };
                format!(
                    "{}: {}",
                    self.city,
                    f.demand_status
                        .replace("{demand}", &self.title)
                        .replace("{decided}", answer(self.decided))
                        .replace("{fulfilled}", answer(self.fulfilled))
                )
            }
        }
    }

    /// The page the change is about, after the language (`practices/…`, `cities/…#demands`).
    #[must_use]
    pub fn page_rest(&self) -> String {
        match self.kind {
            ChangeKind::Practice => format!("practices/{}", self.slug),
            ChangeKind::Membership => format!("cities/{}", self.city_slug),
            ChangeKind::Demand => format!("cities/{}#demands", self.city_slug),
        }
    }
}

/// A membership as one line in `lang`: "Safe Harbour since March 2019" for a declaration,
/// else "Solidarity Cities: member, since 2018".
#[must_use]
pub fn membership_line(
    lang: Lang,
    network: &str,
    status: &str,
    since: Option<&str>,
    campaign: bool,
) -> String {
    let w = words(lang);
    let since = since.map(|date| partial_date(date, lang));
    if campaign {
        return since.as_ref().map_or_else(
            || w.safe_harbour.to_owned(),
            |date| w.safe_harbour_since.replace("{date}", date),
        );
    }
    let status = Words::label(&w.membership_statuses, status);
    match since {
        Some(date) => format!("{network}: {status}, {} {date}", w.since.to_lowercase()),
        None => format!("{network}: {status}"),
    }
}
