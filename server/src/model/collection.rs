//! The parts every collection query shares: the bind layout of [`CollectionQuery`], the
//! SQL predicates of the filters and the FeatureCollection envelope with its page links.
//!
//! A collection statement holds the clauses of the filters a query gives and no others
//! ([`Shape`]): one fixed text per combination of given filters, prepared once per connection
//! and planned for that combination (a `($1::text[] IS NULL OR ...)` clause for an absent
//! filter still costs its evaluation on every row and makes PostgreSQL plan each request
//! anew). No value is ever spliced into SQL text; the binds always keep the layout below, the
//! ones of absent filters unused. The same statement checks that the filter values name
//! something ([`Filters::check_columns`](crate::query::Filters::check_columns)), so a request
//! is one round trip.
//!
//! Bind layout: `$1` policy areas, `$2` networks, `$3` countries, `$4` region, `$5` q,
//! `$6..$9` bbox, `$10, $11` near lon/lat, `$12` radius in metres, `$13` lang, `$14` limit,
//! `$15` offset, `$16` links without `next`, `$17` links with `next` (both JSON arrays), `$18`
//! whether all policy areas must match (`policy_area_match=all`).

use std::fmt::Write as _;

use diesel::QueryableByName;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Bool, Double, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};

use super::JsonText;
use crate::db::Prepared;
use crate::error::AppResult;
use crate::query::CollectionQuery;
use crate::query::filters::Unknown;

/// The query's derived inputs, computed once: the combined full-text query (German, English
/// and simple configurations, accents dropped, with the synonym list of migration
/// `000300_search_synonyms` put in), the folded prefixes and the `near` point.
///
/// MATERIALIZED: inlined, PostgreSQL would call `haven_search_query` (a `ts_rewrite` over the
/// synonym list, tens of milliseconds) once per row it filters, seconds for the city list.
pub const INPUT_CTE: &str = "input AS MATERIALIZED (
    SELECT haven_search_query($5::text) AS tsq,
           haven_fold($5::text) AS fold,
           haven_fold_de($5::text) AS fold_de,
           ST_SetSRID(ST_MakePoint($10::float8, $11::float8), 4326)::geography AS here
)";

/// [`INPUT_CTE`] for a statement whose only input is the text `$1` (the search box's answer,
/// the cities a full text finds), without `near`.
pub const TEXT_INPUT_CTE: &str = "input AS MATERIALIZED (
    SELECT haven_search_query($1::text) AS tsq, haven_fold($1::text) AS fold,
           haven_fold_de($1::text) AS fold_de
)";

/// The places with an alternate name starting with the folded `q`, once per statement (a
/// range scan of the `text_pattern_ops` index; none for an empty `q`, which every name
/// starts with anyway). Needs [`INPUT_CTE`].
pub const ALT_NAMES_CTE: &str = "alt_names AS MATERIALIZED (
    SELECT DISTINCT pn.place_id FROM place_names pn, input
    WHERE input.fold <> ''
      AND pn.name_key ~>=~ input.fold AND pn.name_key ~<~ (input.fold || chr(1114111))
      AND starts_with(pn.name_key, input.fold)
)";

/// Which filters a query gives: a collection statement holds the clauses of these only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub policy_areas: bool,
    /// Exactly one policy area (`any` and `all` agree).
    pub one_policy_area: bool,
    /// `policy_area_match=all`.
    pub all_policy_areas: bool,
    pub networks: bool,
    pub countries: bool,
    pub region: bool,
    pub q: bool,
    pub bbox: bool,
    pub near: bool,
}

impl Shape {
    /// The shape of `query`.
    #[must_use]
    pub fn of(query: &CollectionQuery) -> Self {
        let filters = &query.filters;
        Self {
            policy_areas: !filters.policy_areas.is_empty(),
            one_policy_area: filters.policy_areas.len() == 1,
            all_policy_areas: filters.policy_area_match == crate::query::AreaMatch::All,
            networks: !filters.networks.is_empty(),
            countries: !filters.countries.is_empty(),
            region: filters.region.is_some(),
            q: query.search.q.is_some(),
            bbox: query.search.bbox.is_some(),
            near: query.search.near.is_some(),
        }
    }

    /// The `WITH` entries before `matched`: the derived inputs when `q` or `near` needs them,
    /// the alternate names when `q` does (each followed by a comma).
    #[must_use]
    pub fn inputs(self) -> String {
        let mut ctes = String::new();
        if self.q || self.near {
            ctes.push_str(INPUT_CTE);
            ctes.push_str(",\n");
        }
        if self.q {
            ctes.push_str(ALT_NAMES_CTE);
            ctes.push_str(",\n");
        }
        ctes
    }

    /// The head of the `matched` entry. Without `near` the page is in slug order, and
    /// `matched` is inlined into both the page and the count (`NOT MATERIALIZED`): the page
    /// walks the slug index and stops after `LIMIT` rows, and the count is planned on its own,
    /// where a materialized `matched` would compute, keep and sort every match for a page of
    /// a hundred. With `near` every match's distance is computed once and sorted; with `q`
    /// the few matches are found once (the text search is the costly part) and sorted.
    #[must_use]
    pub fn matched_head(self) -> &'static str {
        if self.near || self.q {
            "matched AS ("
        } else {
            "matched AS NOT MATERIALIZED ("
        }
    }

    /// Whether a clause reads the city's own row (`c`): `region`, `q`, `bbox` and `near` do;
    /// the other filters are answered by the per-city summary alone.
    #[must_use]
    pub fn reads_city(self) -> bool {
        self.region || self.q || self.bbox || self.near
    }

    /// No filter, no search: every listed feature matches.
    #[must_use]
    pub fn is_everything(self) -> bool {
        !(self.policy_areas
            || self.networks
            || self.countries
            || self.region
            || self.q
            || self.bbox
            || self.near)
    }

    /// Only a policy area filter of one area.
    #[must_use]
    pub fn is_one_policy_area(self) -> bool {
        self.one_policy_area
            && !(self.networks || self.countries || self.region || self.q || self.bbox || self.near)
    }

    /// `, input` to join the derived inputs, when there are any.
    #[must_use]
    pub fn input_join(self) -> &'static str {
        if self.q || self.near { ", input" } else { "" }
    }

    /// The `AND …` clauses of the given filters: `country` on the column `country`;
    /// `network` through `networks`, a predicate on `$2`; `policy_area` through `areas`
    /// (`any`) or `all_areas` (`policy_area_match=all`), predicates on `$1`; `region` on the
    /// city `c`; `q` through `q`, a predicate on `input`; `bbox` and `near` on the point
    /// `{point}`.
    #[must_use]
    pub fn clauses(
        self,
        country: &str,
        networks: &str,
        areas: [&str; 2],
        q: &str,
        point: &str,
    ) -> String {
        let mut sql = String::new();
        let mut and = |clause: &str| {
            sql.push_str("\n  AND ");
            sql.push_str(clause);
        };
        if self.countries {
            and(&format!("{country} = ANY($3::text[])"));
        }
        if self.networks {
            and(networks);
        }
        if self.region {
            and(REGION_FILTER);
        }
        if self.policy_areas {
            and(areas[usize::from(self.all_policy_areas)]);
        }
        if self.q {
            and(q);
        }
        if self.bbox {
            and(&format!(
                "{point} && ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, 4326)"
            ));
        }
        if self.near {
            and(&format!(
                "ST_DWithin(({point})::geography, input.here, $12::float8, false)"
            ));
        }
        sql
    }

    /// The distance of `{point}` from `near` in metres, NULL without `near`.
    #[must_use]
    pub fn distance(self, point: &str) -> String {
        if self.near {
            DISTANCE.replace("{point}", point)
        } else {
            "NULL::float8".to_owned()
        }
    }
}

/// `region` on the city `c`: its state/admin1 region or its district.
const REGION_FILTER: &str = "EXISTS (
        SELECT 1 FROM regions r WHERE r.id IN (c.region_id, c.district_id)
          AND (r.code = $4::text OR r.country || '-' || r.code = $4::text OR r.id::text = $4::text))";

/// A city is listed when it has a published membership, a demand record or a published
/// practice (alias `c`). Read from the trigger-maintained summary `city_stats` (migration
/// `000021_city_stats`), which also requires the city to be published.
pub const CITY_LISTED: &str =
    "EXISTS (SELECT 1 FROM city_stats cs WHERE cs.city_id = c.id AND cs.listed)";

/// `network`, `country` and `region` on the city `c` (networks: its current published
/// memberships, from `city_stats`).
pub const CITY_FILTERS: &str = "($3::text[] IS NULL OR c.country = ANY($3::text[]))
    AND ($2::text[] IS NULL OR EXISTS (
        SELECT 1 FROM city_stats cs WHERE cs.city_id = c.id AND cs.networks && $2::text[]))
    AND ($4::text IS NULL OR EXISTS (
        SELECT 1 FROM regions r WHERE r.id IN (c.region_id, c.district_id)
          AND (r.code = $4::text OR r.country || '-' || r.code = $4::text OR r.id::text = $4::text)))";

/// `policy_area` on a city's policy areas `{areas}` (a `text[]`): any of them, or all of them
/// with `$18`.
pub const CITY_AREAS: &str = "($1::text[] IS NULL
    OR (NOT $18::bool AND {areas} && $1::text[])
    OR ($18::bool AND {areas} @> $1::text[]))";

/// The distance from `near` in metres (NULL without `near`): the great-circle distance on the
/// mean-radius sphere, as `radius_km` is measured. On the spheroid it differs by at most
/// 0.5 %, and costs some twenty times as much: with every practice matching "near me", the
/// distances were most of the statement.
pub const DISTANCE: &str = "ST_Distance(({point})::geography, input.here, false)";

/// Counts `matched` (the count of [`ENVELOPE`] unless a kept count answers it).
pub const COUNT_MATCHED: &str = "(SELECT count(*) FROM matched)";

/// Wraps `features` (rows with `feature`, the Feature's JSON text, `slug`, `distance_m`) into
/// a FeatureCollection with `numberMatched` (the count `{matched}`, [`COUNT_MATCHED`] or a
/// kept count), `numberReturned` and the page links (`$16`/`$17`, JSON from serde); `{check}`
/// is replaced by the filter check's columns.
///
/// The envelope is assembled as text around the features joined in one pass: casting a page
/// of a thousand features back to `json` would parse it again (most of the statement's time
/// for the whole city list).
pub const ENVELOPE: &str = "SELECT '{\"type\" : \"FeatureCollection\", \"numberMatched\" : ' || t.matched
    || ', \"numberReturned\" : ' || t.returned
    || ', \"links\" : ' || CASE WHEN t.matched > $15::bigint + $14::bigint THEN $17::text ELSE $16::text END
    || ', \"features\" : [' || coalesce(t.features, '') || ']}' AS json,
    {check}
FROM (SELECT {matched} AS matched, count(*) AS returned,
             string_agg(feature, ', ' ORDER BY distance_m, slug) AS features
      FROM features) t";

/// The tail of a collection statement that yields each feature as a row (`json`) instead of
/// the FeatureCollection envelope: for CSV, streamed without the page limit.
pub const ROWS: &str = "SELECT feature AS json FROM features ORDER BY distance_m, slug";

/// The FeatureCollection page of `query` as [`ENVELOPE`] writes it, around `features` (the
/// page's Features' JSON joined by `, `), `returned` of the `matched` in all.
///
/// # Errors
/// 500 when the links cannot be written.
pub fn envelope(
    query: &CollectionQuery,
    links: &PageLinks,
    matched: usize,
    returned: usize,
    features: &str,
) -> AppResult<String> {
    let more = i64::try_from(matched).unwrap_or(i64::MAX)
        > query.page.offset.saturating_add(query.page.limit);
    let links = links_json(links, more)?;
    let mut page = String::with_capacity(features.len() + links.len() + 128);
    let _ = write!(
        page,
        "{{\"type\" : \"FeatureCollection\", \"numberMatched\" : {matched}, \
         \"numberReturned\" : {returned}, \"links\" : {links}, \"features\" : [{features}]}}"
    );
    Ok(page)
}

/// A link of a document.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// `self`, `next`, `alternate`, `collection`, ...
    pub rel: String,
    /// Media type of the target.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Absolute URL.
    pub href: String,
    /// Human-readable title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    /// A link to `href` of `media_type`.
    #[must_use]
    pub fn new(rel: &str, media_type: &str, href: String) -> Self {
        Self {
            rel: rel.to_owned(),
            media_type: Some(media_type.to_owned()),
            href,
            title: None,
        }
    }

    /// The same link with a title.
    #[must_use]
    pub fn titled(mut self, title: &str) -> Self {
        self.title = Some(title.to_owned());
        self
    }
}

/// The links of a page: always these, plus `next` when more features match.
#[derive(Debug, Clone)]
pub struct PageLinks {
    pub always: Vec<Link>,
    pub next: Link,
}

/// A GeoJSON FeatureCollection page (RFC 7946 with OGC API - Features members).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FeatureCollectionDoc<P> {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Features matching the query, over all pages.
    pub number_matched: i64,
    /// Features in this page.
    pub number_returned: i64,
    /// `self`, and `next` when more features match.
    pub links: Vec<Link>,
    pub features: Vec<FeatureDoc<P>>,
}

/// A GeoJSON Feature whose `id` is the slug and whose geometry is a point.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureDoc<P> {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The slug.
    pub id: String,
    pub geometry: PointDoc,
    pub properties: P,
}

/// A GeoJSON Point, `[lon, lat]` with 5 decimals.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointDoc {
    /// Always `Point`.
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: [f64; 2],
}

/// The statement `sql` with the binds of `query` (see the bind layout above).
fn bound<'a>(
    sql: &'a str,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<Prepared<BoxedSqlQuery<'a, Pg, SqlQuery>>> {
    let filters = query.filters.binds();
    let bbox = query.search.bbox;
    let near = query.search.near;
    // The statements are fixed texts (composed once at start): prepared once per connection.
    Ok(Prepared::fixed(
        diesel::sql_query(sql)
            .into_boxed()
            .bind::<Nullable<Array<Text>>, _>(filters.policy_areas)
            .bind::<Nullable<Array<Text>>, _>(filters.networks)
            .bind::<Nullable<Array<Text>>, _>(filters.countries)
            .bind::<Nullable<Text>, _>(filters.region)
            .bind::<Nullable<Text>, _>(query.search.q.clone())
            .bind::<Nullable<Double>, _>(bbox.map(|b| b.min_lon))
            .bind::<Nullable<Double>, _>(bbox.map(|b| b.min_lat))
            .bind::<Nullable<Double>, _>(bbox.map(|b| b.max_lon))
            .bind::<Nullable<Double>, _>(bbox.map(|b| b.max_lat))
            .bind::<Nullable<Double>, _>(near.map(|n| n.lon))
            .bind::<Nullable<Double>, _>(near.map(|n| n.lat))
            .bind::<Nullable<Double>, _>(near.map(|n| n.radius_km * 1000.0))
            .bind::<Text, _>(query.lang.code())
            .bind::<BigInt, _>(query.page.limit)
            .bind::<BigInt, _>(query.page.offset)
            .bind::<Text, _>(links_json(links, false)?)
            .bind::<Text, _>(links_json(links, true)?)
            .bind::<Bool, _>(filters.all_policy_areas),
    ))
}

/// A collection statement's answer: the document and the filter check.
#[derive(QueryableByName)]
struct Answer {
    #[diesel(sql_type = Text)]
    json: String,
    #[diesel(embed)]
    unknown: Unknown,
}

/// Runs a collection statement ending in [`ENVELOPE`] with the binds of `query`.
///
/// # Errors
/// 400 naming a filter whose value names nothing; 500 when the query fails.
pub async fn run(
    conn: &mut AsyncPgConnection,
    sql: &str,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<String> {
    let sql = sql.replace("{check}", &query.filters.check_columns());
    let answer: Answer = bound(&sql, query, links)?.get_result(conn).await?;
    answer.unknown.verdict()?;
    Ok(answer.json)
}

/// The features of a collection statement ending in [`ROWS`], one row each, as they come.
///
/// # Errors
/// When the query fails.
pub async fn stream<'a>(
    conn: &'a mut AsyncPgConnection,
    sql: &'a str,
    query: &CollectionQuery,
) -> AppResult<impl futures_util::Stream<Item = diesel::QueryResult<JsonText>> + Send + 'a> {
    let links = PageLinks {
        always: Vec::new(),
        next: Link::new("next", "application/geo+json", String::new()),
    };
    Ok(bound(sql, query, &links)?
        .load_stream::<JsonText>(conn)
        .await?)
}

/// The page's links as JSON text, with `next` when `more` features match.
///
/// # Errors
/// 500 when they cannot be written.
pub fn links_json(links: &PageLinks, more: bool) -> AppResult<String> {
    let json = if more {
        let mut with_next = links.always.clone();
        with_next.push(links.next.clone());
        serde_json::to_string(&with_next)
    } else {
        serde_json::to_string(&links.always)
    };
    json.map_err(|error| crate::error::AppError::Internal(error.into()))
}
