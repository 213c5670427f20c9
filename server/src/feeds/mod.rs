//! Atom feeds (RFC 4287): `/feeds/practices.atom` (new and changed practices) and
//! `/feeds/safe-harbours.atom` (new Safe Harbour declarations and network memberships),
//! newest first, with the collections' filters (`policy_area`, `network`, `country`,
//! `region`) and `lang`. Each entry's id is the permanent address of its page.

pub mod follow;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel_async::RunQueryDsl;

use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::{AppError, AppResult};
use crate::model::collection::CITY_FILTERS;
use crate::pages::{page_path, page_url};
use crate::query::{Filters, Lang, QueryParams};
use crate::words::words;

/// The media type of Atom feeds.
pub const ATOM: &str = "application/atom+xml; charset=utf-8";

/// Entries per feed.
const ENTRIES: i64 = 50;

/// One entry as the statements give it.
#[derive(Debug, QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    title_lang: String,
    #[diesel(sql_type = Text)]
    city: String,
    #[diesel(sql_type = Text)]
    city_slug: String,
    #[diesel(sql_type = Nullable<Text>)]
    summary: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    summary_lang: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    author: Option<String>,
    #[diesel(sql_type = Array<Text>)]
    categories: Vec<String>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    since: Option<String>,
    #[diesel(sql_type = Bool)]
    campaign: bool,
    #[diesel(sql_type = Text)]
    published: String,
    #[diesel(sql_type = Text)]
    updated: String,
}

/// An entry of the feed.
#[derive(Debug)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub title_lang: String,
    pub link: String,
    pub published: String,
    pub updated: String,
    pub author: String,
    pub summary: Option<(String, String)>,
    pub categories: Vec<String>,
}

/// An Atom feed.
#[derive(Template)]
#[template(path = "feeds/feed.xml")]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub lang: &'static str,
    pub updated: String,
    pub alternate: String,
    pub entries: Vec<Entry>,
}

impl Feed {
    /// A feed of `entries`, updated when its newest entry was.
    #[must_use]
    pub fn new(
        id: String,
        title: String,
        lang: Lang,
        alternate: String,
        entries: Vec<Entry>,
    ) -> Self {
        Self {
            id,
            title,
            lang: lang.code(),
            updated: entries
                .iter()
                .map(|e| e.updated.clone())
                .max()
                .unwrap_or_else(|| "2026-01-01T00:00:00Z".to_owned()),
            alternate,
            entries,
        }
    }

    /// The feed as an `application/atom+xml` answer.
    ///
    /// # Errors
    /// 500 when the template fails to render.
    pub fn respond(&self) -> AppResult<Response> {
        let body = self
            .render()
            .map_err(|error| AppError::Internal(error.into()))?;
        let mut response = body.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ATOM));
        Ok(response)
    }
}

/// New and changed practices: `$1`–`$4` the filters (in `{FILTERS}`: the collections' city
/// filters and [`PRACTICE_AREAS`], or `true` when none is given), `$5` lang, `$6` the number
/// of entries.
///
/// The newest entries are chosen first from narrow rows; only those are then read in full,
/// named in the language and given their policy areas, and come as plain rows (in the order
/// of their formatted `updated`, as the feed shows it).
const PRACTICES: &str = "SELECT p.slug::text AS slug, p.title ->> t.lang AS title, t.lang AS title_lang,
        c.name AS city, c.slug::text AS city_slug,
        p.summary ->> s.lang AS summary, s.lang AS summary_lang,
        p.organisation AS author,
        coalesce((SELECT array_agg(a.policy_area::text ORDER BY a.policy_area) FROM practice_policy_areas a
                  WHERE a.practice_id = p.id), '{}') AS categories,
        p.status, NULL::text AS since, false AS campaign,
        to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS published,
        to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated
    FROM (
        SELECT p.id FROM practices p JOIN cities c ON c.id = p.city_id
        WHERE p.published AND c.published AND {FILTERS}
        ORDER BY p.updated_at DESC, p.slug LIMIT $6
    ) top
    JOIN practices p ON p.id = top.id JOIN cities c ON c.id = p.city_id
    CROSS JOIN LATERAL (SELECT haven_pick_lang(p.title, $5::text, p.original_lang) AS lang OFFSET 0) t
    CROSS JOIN LATERAL (SELECT haven_pick_lang(p.summary, $5::text, p.original_lang) AS lang OFFSET 0) s
    ORDER BY updated DESC, slug";

/// The policy-area filter of [`PRACTICES`].
const PRACTICE_AREAS: &str = "($1::text[] IS NULL OR EXISTS (SELECT 1 FROM practice_policy_areas a
    WHERE a.practice_id = p.id AND a.policy_area = ANY($1::text[])))";

/// New Safe Harbour declarations and memberships: in `{FILTERS}` ([`MEMBERSHIP_FILTERS`] or
/// `true`) `$1` policy areas (of the city's practices), `$2` networks (the membership's own),
/// `$3` countries, `$4` region; `$5` lang, `$6` the number of entries. Chosen from narrow rows
/// first, as [`PRACTICES`].
const MEMBERSHIPS: &str = "SELECT n.slug::text AS slug, coalesce(n.names ->> $5::text, n.name) AS title,
        $5::text AS title_lang, c.name AS city, c.slug::text AS city_slug,
        NULL::text AS summary, NULL::text AS summary_lang, NULL::text AS author,
        ARRAY[n.slug::text] AS categories, m.status, m.since::text AS since,
        n.is_safe_harbour_campaign AS campaign,
        to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS published,
        to_char(m.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated
    FROM (
        SELECT m.id FROM memberships m JOIN networks n ON n.id = m.network_id JOIN cities c ON c.id = m.city_id
        JOIN city_stats cs ON cs.city_id = c.id
        WHERE m.published AND c.published AND cs.listed AND {FILTERS}
        ORDER BY m.updated_at DESC, c.slug, n.slug LIMIT $6
    ) top
    JOIN memberships m ON m.id = top.id JOIN networks n ON n.id = m.network_id JOIN cities c ON c.id = m.city_id
    ORDER BY updated DESC, slug, city_slug";

/// The filters of [`MEMBERSHIPS`].
const MEMBERSHIP_FILTERS: &str = "($2::text[] IS NULL OR n.slug = ANY($2::text[]))
    AND ($3::text[] IS NULL OR c.country = ANY($3::text[]))
    AND ($4::text IS NULL OR EXISTS (
        SELECT 1 FROM regions r WHERE r.id IN (c.region_id, c.district_id)
          AND (r.code = $4::text OR r.country || '-' || r.code = $4::text OR r.id::text = $4::text)))
    AND ($1::text[] IS NULL OR cs.areas && $1::text[])";

/// Which feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Practices,
    SafeHarbours,
}

async fn feed(
    state: &AppState,
    base: &BaseUrl,
    params: &QueryParams,
    kind: Kind,
) -> AppResult<Response> {
    let filters = Filters::from_params(params)?;
    let lang = Lang::from_params(params)?;
    let mut conn = state.db_read().await?;
    filters.check(&mut conn).await?;
    let binds = filters.binds();
    // Without filters the statement leaves their clauses out (the binds stay, unused): its
    // `$n IS NULL OR …` clauses make each plan for given values look far cheaper than one
    // plan for any value, so PostgreSQL would plan the statement again on every request.
    let sql = match (kind, filters.is_empty()) {
        (Kind::Practices, true) => PRACTICES.replace("{FILTERS}", "true"),
        (Kind::Practices, false) => PRACTICES.replace(
            "{FILTERS}",
            &format!("{CITY_FILTERS}\n AND {PRACTICE_AREAS}"),
        ),
        (Kind::SafeHarbours, true) => MEMBERSHIPS.replace("{FILTERS}", "true"),
        (Kind::SafeHarbours, false) => MEMBERSHIPS.replace("{FILTERS}", MEMBERSHIP_FILTERS),
    };
    let rows: Vec<Row> = crate::db::Prepared::fixed(
        diesel::sql_query(sql)
            .bind::<Nullable<Array<Text>>, _>(binds.policy_areas)
            .bind::<Nullable<Array<Text>>, _>(binds.networks)
            .bind::<Nullable<Array<Text>>, _>(binds.countries)
            .bind::<Nullable<Text>, _>(binds.region)
            .bind::<Text, _>(lang.code())
            .bind::<BigInt, _>(ENTRIES),
    )
    .load(&mut conn)
    .await?;
    let w = words(lang);
    let path = match kind {
        Kind::Practices => "/feeds/practices.atom",
        Kind::SafeHarbours => "/feeds/safe-harbours.atom",
    };
    let entries: Vec<Entry> = rows
        .into_iter()
        .map(|row| entry(row, kind, base, lang))
        .collect();
    Feed::new(
        base.href(path, params),
        format!(
            "Haven: {}",
            match kind {
                Kind::Practices => w.feed_practices,
                Kind::SafeHarbours => w.feed_harbours,
            }
        ),
        lang,
        page_url(base, lang, ""),
        entries,
    )
    .respond()
}

fn entry(row: Row, kind: Kind, base: &BaseUrl, lang: Lang) -> Entry {
    match kind {
        Kind::Practices => {
            let link = format!(
                "{}{}",
                base.0,
                page_path(lang, &format!("practices/{}", row.slug))
            );
            Entry {
                id: link.clone(),
                title: format!("{} ({})", row.title, row.city),
                title_lang: row.title_lang,
                link,
                published: row.published,
                updated: row.updated,
                author: row
                    .author
                    .filter(|a| !a.trim().is_empty())
                    .unwrap_or_else(|| crate::cite::HAVEN_CONTRIBUTORS.to_owned()),
                summary: row.summary.zip(row.summary_lang),
                categories: row.categories,
            }
        }
        Kind::SafeHarbours => {
            let page = format!(
                "{}{}",
                base.0,
                page_path(lang, &format!("cities/{}", row.city_slug))
            );
            let text = crate::follow::changes::membership_line(
                lang,
                &row.title,
                &row.status,
                row.since.as_deref(),
                row.campaign,
            );
            Entry {
                id: format!("{page}#network-{}", row.slug),
                title: format!("{}: {text}", row.city),
                title_lang: lang.code().to_owned(),
                link: page,
                published: row.published,
                updated: row.updated,
                author: crate::cite::HAVEN_CONTRIBUTORS.to_owned(),
                summary: None,
                categories: row.categories,
            }
        }
    }
}

/// The feed parameters, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Policy area slugs, comma-separated (practices: in the area; memberships: the city
    /// has a practice in it).
    pub policy_area: Option<String>,
    /// Network slugs, comma-separated (practices: of a member city; memberships: of the
    /// network).
    pub network: Option<String>,
    /// ISO 3166-1 alpha-2 country codes, comma-separated.
    pub country: Option<String>,
    /// A region: its code, `<country>-<code>` or its id.
    pub region: Option<String>,
    /// de, en (default), fr or es.
    pub lang: Option<String>,
}

/// New and changed practices, newest first (50).
#[utoipa::path(get, path = "/feeds/practices.atom", tag = "feeds", params(FeedParams),
    responses(
        (status = 200, description = "Atom feed: one entry per practice, by last change",
         content_type = "application/atom+xml"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn practices(
    State(state): State<AppState>,
    base: BaseUrl,
    params: QueryParams,
) -> AppResult<Response> {
    feed(&state, &base, &params, Kind::Practices).await
}

/// New Safe Harbour declarations and network memberships, newest first (50).
#[utoipa::path(get, path = "/feeds/safe-harbours.atom", tag = "feeds", params(FeedParams),
    responses(
        (status = 200, description = "Atom feed: one entry per membership (a Safe Harbour \
            declaration is a membership of the Seebrücke campaign), by last change",
         content_type = "application/atom+xml"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn safe_harbours(
    State(state): State<AppState>,
    base: BaseUrl,
    params: QueryParams,
) -> AppResult<Response> {
    feed(&state, &base, &params, Kind::SafeHarbours).await
}

/// The feed routes (registered among the public reads in `api::router`).
pub fn routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(practices))
        .routes(utoipa_axum::routes!(safe_harbours))
        .routes(utoipa_axum::routes!(follow::follow))
}
