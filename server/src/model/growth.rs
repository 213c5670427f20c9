//! Growth over time: cumulative counts of Safe Harbour declarations (memberships of the
//! Seebrücke campaign) and of memberships of the other networks, by year or month, for the
//! published cities of a country, a region or a network. Memberships with no date are counted
//! apart; with months, a date that gives only its year counts at the end of that year, and
//! the answer says how many did.

use diesel::sql_types::{Array, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use super::JsonText;
use crate::error::{AppResult, bad_request};
use crate::model::read_json;
use crate::query::{FilterBinds, Lang, QueryParams, REGION_MATCH};

/// The step of the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Year,
    Month,
}

impl Step {
    /// `by`: `year` (default) or `month`.
    ///
    /// # Errors
    /// 400 naming `by` for anything else.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        match params.get("by") {
            None | Some("year") => Ok(Self::Year),
            Some("month") => Ok(Self::Month),
            Some(_) => Err(bad_request("by", "`by` is `year` or `month`.")),
        }
    }

    /// `year` or `month`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
        }
    }
}

/// The growth series and the breakdown by country and region.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrowthDoc {
    /// `year` or `month`.
    pub by: String,
    /// From the first dated declaration or membership to the current period.
    pub series: Vec<GrowthPoint>,
    /// Declarations and memberships whose date is not known: not in the series.
    pub undated: GrowthCounts,
    /// With `by=month`: how many dated only by their year count in December of that year.
    pub year_only: GrowthCounts,
    /// Current declarations and memberships (left ones not counted), dated or not.
    pub current: GrowthCounts,
    /// Current counts per country, most declarations first.
    pub by_country: Vec<GrowthArea>,
    /// Current counts per first-level region, when one country is chosen.
    pub by_region: Vec<GrowthArea>,
}

/// One period of the series.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrowthPoint {
    /// `YYYY` or `YYYY-MM`.
    pub period: String,
    /// Declarations made in the period.
    pub declarations: i64,
    /// Declarations up to the end of the period (dated ones, less those that ended).
    pub declarations_total: i64,
    /// Memberships begun in the period.
    pub memberships: i64,
    /// Memberships up to the end of the period (dated ones, less those that ended).
    pub memberships_total: i64,
}

/// Declarations and memberships counted together.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrowthCounts {
    pub declarations: i64,
    pub memberships: i64,
}

/// The current counts of a country or region.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrowthArea {
    /// Country code (`DE`) or region code (`05`).
    pub code: String,
    /// Its name in `lang`.
    pub name: String,
    pub declarations: i64,
    pub memberships: i64,
}

/// `$1` networks, `$2` countries, `$3` region, `$4` `year` or `month`, `$5` language.
static GROWTH: LazyLock<String> = LazyLock::new(|| {
    let region = REGION_MATCH.replace("$R", "$3::text");
    format!(
        "WITH m AS (
            SELECT n.is_safe_harbour_campaign AS declaration, m.status, m.since::text AS since,
                   m.until::text AS until, c.country, c.region_id
            FROM memberships m JOIN networks n ON n.id = m.network_id
            JOIN cities c ON c.id = m.city_id
            WHERE m.published AND c.published
              AND ($1::text[] IS NULL OR n.is_safe_harbour_campaign OR n.slug = ANY($1::text[]))
              AND ($2::text[] IS NULL OR c.country = ANY($2::text[]))
              AND ($3::text IS NULL OR c.region_id IN (SELECT id FROM regions WHERE {region}))
        ),
        periods AS (
            SELECT CASE WHEN $4::text = 'year' THEN left(d, 4)
                        WHEN length(d) >= 7 THEN left(d, 7) ELSE left(d, 4) || '-12' END AS period
            FROM (SELECT since AS d FROM m UNION ALL SELECT until FROM m WHERE status = 'left') x
            WHERE d IS NOT NULL
        ),
        span AS (
            SELECT CASE WHEN $4::text = 'year'
                        THEN (SELECT array_agg(y::text ORDER BY y) FROM generate_series(
                                 (SELECT min(left(period, 4))::int FROM periods),
                                 extract(year FROM current_date)::int) y)
                        ELSE (SELECT array_agg(to_char(d, 'YYYY-MM') ORDER BY d) FROM generate_series(
                                 (SELECT to_date(min(period), 'YYYY-MM') FROM periods),
                                 date_trunc('month', current_date), interval '1 month') d)
                   END AS all_periods
        ),
        events AS (
            SELECT declaration,
                   CASE WHEN $4::text = 'year' THEN left(d, 4)
                        WHEN length(d) >= 7 THEN left(d, 7) ELSE left(d, 4) || '-12' END AS period,
                   delta
            FROM (SELECT declaration, since AS d, 1 AS delta FROM m WHERE since IS NOT NULL
                  UNION ALL
                  SELECT declaration, until, -1 FROM m
                  WHERE status = 'left' AND since IS NOT NULL AND until IS NOT NULL) e
        ),
        series AS (
            SELECT p.period,
                   coalesce(sum(e.delta) FILTER (WHERE e.declaration AND e.delta > 0), 0) AS declarations,
                   coalesce(sum(e.delta) FILTER (WHERE e.declaration), 0) AS declarations_change,
                   coalesce(sum(e.delta) FILTER (WHERE NOT e.declaration AND e.delta > 0), 0) AS memberships,
                   coalesce(sum(e.delta) FILTER (WHERE NOT e.declaration), 0) AS memberships_change
            FROM unnest((SELECT all_periods FROM span)) AS p(period)
            LEFT JOIN events e ON e.period = p.period
            GROUP BY p.period
        ),
        running AS (
            SELECT s.*,
                   sum(s.declarations_change) OVER (ORDER BY s.period) AS declarations_total,
                   sum(s.memberships_change) OVER (ORDER BY s.period) AS memberships_total
            FROM series s
        )
        SELECT json_build_object(
          'by', $4::text,
          'series', coalesce((SELECT json_agg(json_build_object(
                  'period', s.period,
                  'declarations', s.declarations,
                  'declarations_total', s.declarations_total,
                  'memberships', s.memberships,
                  'memberships_total', s.memberships_total) ORDER BY s.period)
              FROM running s), '[]'::json),
          'undated', json_build_object(
              'declarations', (SELECT count(*) FROM m WHERE declaration AND since IS NULL),
              'memberships', (SELECT count(*) FROM m WHERE NOT declaration AND since IS NULL)),
          'year_only', json_build_object(
              'declarations', (SELECT count(*) FROM m WHERE $4::text = 'month' AND declaration
                                 AND length(since) = 4),
              'memberships', (SELECT count(*) FROM m WHERE $4::text = 'month' AND NOT declaration
                                AND length(since) = 4)),
          'current', json_build_object(
              'declarations', (SELECT count(*) FROM m WHERE declaration AND status <> 'left'),
              'memberships', (SELECT count(*) FROM m WHERE NOT declaration AND status <> 'left')),
          'by_country', coalesce((SELECT json_agg(json_build_object(
                  'code', x.country, 'name', x.name, 'declarations', x.declarations,
                  'memberships', x.memberships)
                  ORDER BY x.declarations DESC, x.memberships DESC, x.name)
              FROM (SELECT m.country, coalesce(co.names ->> $5::text, co.name) AS name,
                           count(*) FILTER (WHERE m.declaration) AS declarations,
                           count(*) FILTER (WHERE NOT m.declaration) AS memberships
                    FROM m JOIN countries co ON co.iso2 = m.country
                    WHERE m.status <> 'left'
                    GROUP BY m.country, co.names, co.name) x), '[]'::json),
          'by_region', coalesce((SELECT json_agg(json_build_object(
                  'code', x.code, 'name', x.name, 'declarations', x.declarations,
                  'memberships', x.memberships)
                  ORDER BY x.declarations DESC, x.memberships DESC, x.name)
              FROM (SELECT r.code, coalesce(r.names ->> $5::text, r.name) AS name,
                           count(*) FILTER (WHERE m.declaration) AS declarations,
                           count(*) FILTER (WHERE NOT m.declaration) AS memberships
                    FROM m JOIN regions r ON r.id = m.region_id
                    WHERE m.status <> 'left' AND cardinality($2::text[]) = 1
                    GROUP BY r.code, r.names, r.name) x), '[]'::json)
        )::text AS json"
    )
});

/// The growth answer for `filters` (networks, countries, region), by `step`.
///
/// # Errors
/// When the query fails.
pub async fn growth(
    conn: &mut AsyncPgConnection,
    filters: &FilterBinds,
    step: Step,
    lang: Lang,
) -> AppResult<String> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(GROWTH.as_str())
            .bind::<Nullable<Array<Text>>, _>(filters.networks.clone())
            .bind::<Nullable<Array<Text>>, _>(filters.countries.clone())
            .bind::<Nullable<Text>, _>(filters.region.clone())
            .bind::<Text, _>(step.name())
            .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await?;
    Ok(row.json)
}

/// The growth answer, read (for the page).
///
/// # Errors
/// When the query fails or its answer does not read.
pub async fn read(
    conn: &mut AsyncPgConnection,
    filters: &FilterBinds,
    step: Step,
    lang: Lang,
) -> AppResult<GrowthDoc> {
    read_json(&growth(conn, filters, step, lang).await?)
}
