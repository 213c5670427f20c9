//! The listed cities' collection (`/api/v1/cities`, OGC `cities/items`) answered from a
//! snapshot of every listed city.
//!
//! Every page of the collection is the same pre-rendered Features of `city_stats` in slug
//! order, chosen by country, network and policy area: in PostgreSQL a page of a thousand cities
//! took 30–70 ms under load (concatenating 280 KB and sending it), most of what the directory's
//! reads cost, and every city-side write made each kept page be built anew. So an instance
//! keeps the listed cities' Features, the filters' columns and the countries' names in every
//! language, read with the data version they belong to (one transaction, [`Loaded`]), and
//! writes the page here exactly as the statement of [`city::list`] does (same text, same
//! order, same counts and links; tested page by page against it). The snapshot is read again
//! when the data it shows changes; full text, `bbox`, `near` and `region` still take the
//! statement.

use std::collections::HashMap;
use std::fmt::Write as _;

use diesel::QueryableByName;
use diesel::sql_types::{Array, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::city;
use super::collection::{PageLinks, links_json};
use crate::db::DbConn;
use crate::db::data_version::{DataKind, Kinds};
use crate::db::snapshot::{Loaded, Snapshot};
use crate::error::AppResult;
use crate::query::{AreaMatch, CollectionQuery, KnownValues, Lang};

/// The kinds of data a listed city's Feature and its country's name come from.
pub const KINDS: Kinds = Kinds::of(&[
    DataKind::Cities,
    DataKind::CityProfiles,
    DataKind::Practices,
    DataKind::Memberships,
    DataKind::Networks,
    DataKind::Demands,
    DataKind::Places,
    DataKind::PolicyAreas,
]);

/// The listed cities in the collection's order, each with the columns its filters read and
/// its Feature without the closing `}}`.
const LOAD: &str = "
SELECT cs.country, cs.networks, cs.areas, left(cs.feature, -2) AS feature
FROM city_stats cs
WHERE cs.listed
ORDER BY cs.slug";

/// The name of each listed city's country in each language `$1`, as JSON text (as the
/// statement splices it in).
const COUNTRY_NAMES: &str = "
SELECT co.iso2::text AS iso2, l.lang,
       to_json(coalesce(co.names ->> l.lang, co.names ->> 'en', co.name))::text AS name
FROM countries co, unnest($1::text[]) AS l(lang)
WHERE co.iso2 IN (SELECT country FROM city_stats WHERE listed)";

#[derive(QueryableByName)]
struct CityRow {
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Array<Text>)]
    networks: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    areas: Vec<String>,
    #[diesel(sql_type = Text)]
    feature: String,
}

#[derive(QueryableByName)]
struct CountryName {
    #[diesel(sql_type = Text)]
    iso2: String,
    #[diesel(sql_type = Text)]
    lang: String,
    #[diesel(sql_type = Text)]
    name: String,
}

/// The listed cities of one data version.
#[derive(Debug)]
pub struct CityList {
    cities: Vec<ListedCity>,
    /// Per country code, its name as JSON text in each language of [`Lang::ALL`].
    country_names: HashMap<String, Vec<Option<String>>>,
    /// The policy areas, networks and countries of the snapshot's data version.
    known: KnownValues,
}

/// A listed city: what its filters read and its Feature.
#[derive(Debug)]
struct ListedCity {
    country: String,
    networks: Vec<String>,
    areas: Vec<String>,
    /// The Feature without its closing `}}`.
    feature: String,
}

impl CityList {
    /// Whether the snapshot answers `query`: without full text, `bbox`, `near` or `region`.
    #[must_use]
    pub fn serves(query: &CollectionQuery) -> bool {
        query.filters.region.is_none()
            && query.search.q.is_none()
            && query.search.bbox.is_none()
            && query.search.near.is_none()
    }

    /// Whether `city` matches the filters of `query`.
    fn selects(query: &CollectionQuery, city: &ListedCity) -> bool {
        let filters = &query.filters;
        if !filters.countries.is_empty() && !filters.countries.contains(&city.country) {
            return false;
        }
        if !filters.networks.is_empty()
            && !city.networks.iter().any(|n| filters.networks.contains(n))
        {
            return false;
        }
        if filters.policy_areas.is_empty() {
            return true;
        }
        if filters.policy_area_match == AreaMatch::All {
            filters.policy_areas.iter().all(|a| city.areas.contains(a))
        } else {
            city.areas.iter().any(|a| filters.policy_areas.contains(a))
        }
    }

    /// The page of `query` with `links`, as the collection statement writes it (`query` must
    /// be one the snapshot [`serves`](Self::serves)).
    ///
    /// # Errors
    /// 400 naming a filter whose value names nothing; 500 when the links cannot be written.
    pub fn page(&self, query: &CollectionQuery, links: &PageLinks) -> AppResult<String> {
        if let Some(verdict) = query.filters.check_in(&self.known) {
            verdict?;
        }
        let lang = Lang::ALL
            .iter()
            .position(|lang| *lang == query.lang)
            .unwrap_or_default();
        let start = usize::try_from(query.page.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.page.limit).unwrap_or_default();
        let mut matched = 0usize;
        let mut returned = 0usize;
        let mut features = String::new();
        for city in self.cities.iter().filter(|city| Self::selects(query, city)) {
            matched += 1;
            if matched <= start || matched - start > limit {
                continue;
            }
            // The statement joins each city to its country: a city without one is counted
            // but not shown.
            let Some(Some(name)) = self
                .country_names
                .get(&city.country)
                .and_then(|names| names.get(lang))
            else {
                continue;
            };
            if returned > 0 {
                features.push_str(", ");
            }
            returned += 1;
            features.push_str(&city.feature);
            features.push_str(", \"country_name\" : ");
            features.push_str(name);
            features.push_str("}}");
        }
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
}

impl Loaded for CityList {
    fn version(&self) -> i64 {
        self.known.version
    }

    /// Reads the listed cities, their countries' names and the filters' values, in one
    /// snapshot of the database.
    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        let langs: Vec<&str> = Lang::ALL.iter().map(|lang| lang.code()).collect();
        let (known, rows, names) = conn
            .build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let known = KnownValues::read(conn).await?;
                let rows: Vec<CityRow> = diesel::sql_query(LOAD).load(conn).await?;
                let names: Vec<CountryName> = diesel::sql_query(COUNTRY_NAMES)
                    .bind::<Array<Text>, _>(&langs)
                    .load(conn)
                    .await?;
                Ok::<_, diesel::result::Error>((known, rows, names))
            })
            .await?;
        let mut country_names: HashMap<String, Vec<Option<String>>> = HashMap::new();
        for row in names {
            let Some(lang) = Lang::ALL.iter().position(|lang| lang.code() == row.lang) else {
                continue;
            };
            let names = country_names
                .entry(row.iso2)
                .or_insert_with(|| vec![None; Lang::ALL.len()]);
            names[lang] = Some(row.name);
        }
        Ok(Self {
            cities: rows
                .into_iter()
                .map(|row| ListedCity {
                    country: row.country,
                    networks: row.networks,
                    areas: row.areas,
                    feature: row.feature,
                })
                .collect(),
            country_names,
            known,
        })
    }
}

/// The listed cities' snapshot of one instance.
pub type ListedCities = Snapshot<CityList>;

/// The page of listed cities `query` asks for: from the instance's snapshot of the data
/// version `version` (the version of the last change of [`KINDS`]) when it serves the query,
/// else from the collection statement; `connect` gives a read connection.
///
/// # Errors
/// 400 naming a filter whose value names nothing, 503 when the database is unavailable, 500
/// when the query fails.
pub async fn page<C: Future<Output = AppResult<DbConn>>>(
    listed: &ListedCities,
    version: i64,
    connect: impl Fn() -> C,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<String> {
    if CityList::serves(query) {
        return listed.at_least(version, connect).await?.page(query, links);
    }
    city::list(&mut *connect().await?, query, links).await
}
