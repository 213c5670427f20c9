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
//! when the data it shows changes; `bbox` and `region` still take the statement.
//!
//! Full text (`q`) is answered here too: PostgreSQL finds the listed cities the text matches
//! (the statement's own predicate, [`TEXT_MATCH`], a fraction of a millisecond by its
//! indexes), read with the data version it saw, and the snapshot writes the page from them
//! when no change of its kinds lies between that version and its own. Each snapshot keeps the
//! cities of the texts it was asked for ([`MOST_TEXTS_KEPT`]), so paging through, filtering or
//! switching the language of one search asks PostgreSQL once per data version; before, every
//! such request ran the whole statement (its features, counts and links), about 1.7 ms of
//! PostgreSQL and most of the full-text row's time.
//!
//! `near` is answered here too: each listed city's point is kept, and its distance from the
//! `near` point is PostGIS's great-circle distance on the mean-radius sphere
//! ([`sphere_distance_m`], the same formula in the same order of operations, so the same
//! kilometres to the hundredth), the page in the statement's order (distance, then slug). In
//! PostgreSQL a "near me" page of 170 cities took 3 ms of execution, a geography index scan
//! and a sort, per request; here it is a pass over the listed cities.
//!
//! After a write that changed cities where its boxes say (a city's profile, row or summary,
//! its practices, memberships or demands: [`Loaded::update`]), the snapshot reads again only the
//! listed cities in those boxes and the listed cities' slugs in PostgreSQL's order (its
//! collation decides it, not Haven's), and shares every other city's Feature with the old
//! snapshot: after a city edited its profile, 1 ms instead of the 11 ms of a whole read of the
//! 2,629 cities of the write benchmark, while every reader of the list waits for it. A change
//! of the networks, places or policy areas (names every city shows), a change without boxes,
//! or a slug in the order that neither snapshot holds reads it whole.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::city::{self, CITY_Q_CTE};
use super::collection::{ALT_NAMES_CTE, PageLinks, TEXT_INPUT_CTE, envelope};
use crate::db::data_version::{DataKind, DataVersion, Extent, Kinds};
use crate::db::snapshot::{Loaded, Since, Snapshot, changed_since};
use crate::db::{DbConn, Prepared};
use crate::error::AppResult;
use crate::query::{AreaMatch, CollectionQuery, KnownValues, Lang};

/// The kinds of data a listed city's Feature and its country's name come from, and the
/// search synonyms its full text follows. A practice's policy areas are not among them: a
/// city shows them through its summary (`city_summaries`), which changes only when the
/// city's set of areas does.
pub const KINDS: Kinds = Kinds::of(&[
    DataKind::Cities,
    DataKind::CityProfiles,
    DataKind::CitySummaries,
    DataKind::Practices,
    DataKind::Memberships,
    DataKind::Networks,
    DataKind::Demands,
    DataKind::Places,
    DataKind::PolicyAreas,
    DataKind::Search,
]);

/// The kinds a full text finds cities by besides [`KINDS`]: the texts of their practices. They
/// change no city of the snapshot, only what a text finds, so a text found before their last
/// change is read again.
const TEXT_ONLY_KINDS: Kinds = Kinds::of(&[DataKind::PracticeDetails]);

/// The kinds of [`KINDS`] whose change names what every city may show (a network's slug, a
/// country's or region's name, the policy areas) or what every full text finds (the
/// synonyms): after one, the snapshot is read whole.
const READ_WHOLE_AFTER: Kinds = Kinds::of(&[
    DataKind::Networks,
    DataKind::Places,
    DataKind::PolicyAreas,
    DataKind::Search,
]);

/// Above this many boxes changed since the last snapshot, the next one is read whole.
const MOST_BOXES_UPDATED: usize = 256;

/// The listed cities in the collection's order, each with the columns its filters read and
/// its Feature without the closing `}}`.
const LOAD: &str = "
SELECT cs.slug, cs.country, cs.networks, cs.areas, left(cs.feature, -2) AS feature,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
FROM city_stats cs JOIN cities c ON c.id = cs.city_id
WHERE cs.listed
ORDER BY cs.slug";

/// The listed cities whose point lies in one of the boxes `$1`–`$4` (west, south, east,
/// north), as [`LOAD`] reads them; a city in several boxes comes once per box.
const IN_BOXES: &str = "
SELECT cs.slug, cs.country, cs.networks, cs.areas, left(cs.feature, -2) AS feature,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) b(w, s, e, n)
JOIN cities c ON c.geom && ST_MakeEnvelope(b.w, b.s, b.e, b.n, 4326)
JOIN city_stats cs ON cs.city_id = c.id
WHERE cs.listed";

/// The listed cities' slugs in the collection's order.
const ORDER: &str = "SELECT cs.slug FROM city_stats cs WHERE cs.listed ORDER BY cs.slug";

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
    slug: String,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Array<Text>)]
    networks: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    areas: Vec<String>,
    #[diesel(sql_type = Text)]
    feature: String,
    #[diesel(sql_type = Double)]
    lon: f64,
    #[diesel(sql_type = Double)]
    lat: f64,
}

impl From<CityRow> for ListedCity {
    fn from(row: CityRow) -> Self {
        Self {
            slug: row.slug,
            country: row.country,
            networks: row.networks,
            areas: row.areas,
            feature: row.feature,
            lon: row.lon,
            lat: row.lat,
        }
    }
}

/// The listed cities full text `$1` finds (`q` of the collection statement: [`CITY_Q_CTE`]),
/// by slug, and the data version they were read at. Each city found is looked up by its key
/// (`= ANY` of their array: an index scan of as many entries as were found), where a join
/// would read every listed city's summary to hash it against the few found.
static TEXT_MATCH: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH {TEXT_INPUT_CTE},
        {ALT_NAMES_CTE},
        {CITY_Q_CTE}
        SELECT (SELECT version FROM data_version) AS version,
               ARRAY(SELECT cs.slug FROM city_stats cs
                     WHERE cs.city_id = ANY (ARRAY(SELECT id FROM city_q)) AND cs.listed)
                   AS slugs"
    )
});

/// The most texts whose cities a snapshot keeps, and the most cities of them all together;
/// past either, it forgets them all and starts again.
const MOST_TEXTS_KEPT: usize = 1024;
const MOST_FOUND_KEPT: usize = 1 << 20;

/// The listed cities a full text finds, as PostgreSQL found them at one data version.
#[derive(Debug, QueryableByName)]
pub struct TextMatch {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Array<Text>)]
    slugs: Vec<String>,
}

impl TextMatch {
    /// The listed cities `q` finds.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn read(conn: &mut AsyncPgConnection, q: &str) -> diesel::QueryResult<Self> {
        Prepared::fixed(diesel::sql_query(TEXT_MATCH.as_str()).bind::<Text, _>(q))
            .get_result(conn)
            .await
    }
}

/// The texts a snapshot was asked for, each with the data version it was read at and the
/// positions of the cities it finds.
#[derive(Debug, Default)]
struct FoundTexts {
    texts: HashMap<String, (i64, Arc<[u32]>)>,
    /// The positions kept in all.
    positions: usize,
}

#[derive(QueryableByName)]
struct SlugRow {
    #[diesel(sql_type = Text)]
    slug: String,
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
    /// In the collection's order; shared with the snapshots made from this one.
    cities: Vec<Arc<ListedCity>>,
    /// Per country code, its name as JSON text in each language of [`Lang::ALL`].
    country_names: Arc<HashMap<String, Vec<Option<String>>>>,
    /// The policy areas, networks and countries of the snapshot's data version.
    known: KnownValues,
    /// Each city's position in `cities`, by slug (made when a full text first needs it).
    positions: OnceLock<HashMap<String, u32>>,
    /// The cities of the full texts asked for at this snapshot.
    found: Mutex<FoundTexts>,
}

/// A listed city: what its filters read and its Feature.
#[derive(Debug)]
struct ListedCity {
    slug: String,
    country: String,
    networks: Vec<String>,
    areas: Vec<String>,
    /// The Feature without its closing `}}`.
    feature: String,
    /// Its point, in degrees.
    lon: f64,
    lat: f64,
}

impl CityList {
    /// A snapshot of `cities` in the collection's order.
    fn of(
        cities: Vec<Arc<ListedCity>>,
        country_names: Arc<HashMap<String, Vec<Option<String>>>>,
        known: KnownValues,
    ) -> Self {
        Self {
            cities,
            country_names,
            known,
            positions: OnceLock::new(),
            found: Mutex::default(),
        }
    }

    /// Whether the snapshot answers `query`: without `bbox` or `region` (with full text, given
    /// the cities it finds: [`found`](Self::found)).
    #[must_use]
    pub fn serves(query: &CollectionQuery) -> bool {
        query.filters.region.is_none() && query.search.bbox.is_none()
    }

    /// The positions of the cities `text` found, when it was read at a data version whose
    /// listed cities are this snapshot's: no change of [`KINDS`] lies between the two versions
    /// as `data_version` knows the changes (it must know both). `None` otherwise.
    #[must_use]
    pub fn found(&self, text: &TextMatch, data_version: &DataVersion) -> Option<Arc<[u32]>> {
        if !data_version.unchanged_between(KINDS, text.version, self.known.version) {
            return None;
        }
        let positions = self.positions.get_or_init(|| {
            self.cities
                .iter()
                .zip(0u32..)
                .map(|(city, position)| (city.slug.clone(), position))
                .collect()
        });
        let mut found: Vec<u32> = text
            .slugs
            .iter()
            .filter_map(|slug| positions.get(slug).copied())
            .collect();
        if found.len() != text.slugs.len() {
            // A slug this snapshot does not list: not the same cities after all.
            return None;
        }
        found.sort_unstable();
        found.dedup();
        Some(found.into())
    }

    /// The cities kept for full text `q`.
    fn remembered(&self, q: &str, data_version: &DataVersion) -> Option<Arc<[u32]>> {
        let details = data_version.of(TEXT_ONLY_KINDS);
        self.found
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .texts
            .get(q)
            .filter(|(read_at, _)| *read_at >= details)
            .map(|(_, found)| Arc::clone(found))
    }

    /// Keeps the cities `found` for full text `q`.
    fn remember(&self, q: &str, read_at: i64, found: &Arc<[u32]>) {
        let mut kept = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.texts.len() >= MOST_TEXTS_KEPT || kept.positions + found.len() > MOST_FOUND_KEPT {
            *kept = FoundTexts::default();
        }
        kept.positions += found.len();
        if let Some((_, old)) = kept
            .texts
            .insert(q.to_owned(), (read_at, Arc::clone(found)))
        {
            kept.positions -= old.len();
        }
    }

    /// The cities `query` selects in the collection's order (of `found` when it has full
    /// text), each with its distance in metres from `near` (then only those within its
    /// radius, nearest first, as the statement orders them: by distance, then slug).
    fn matches<'a>(
        &'a self,
        query: &CollectionQuery,
        found: Option<&[u32]>,
    ) -> Vec<(&'a ListedCity, Option<f64>)> {
        let candidates: Box<dyn Iterator<Item = &ListedCity>> = match found {
            Some(found) => Box::new(
                found
                    .iter()
                    .filter_map(|position| self.cities.get(*position as usize))
                    .map(Arc::as_ref),
            ),
            None => Box::new(self.cities.iter().map(Arc::as_ref)),
        };
        let selected = candidates.filter(|city| Self::selects(query, city));
        let Some(near) = query.search.near else {
            return selected.map(|city| (city, None)).collect();
        };
        let here = (near.lon, near.lat);
        let radius_m = near.radius_km * 1000.0;
        // No point farther in latitude alone than the radius is within it (the great circle
        // is at least that long); a metre of margin for rounding.
        let furthest_lat = (radius_m + 1.0) / MEAN_RADIUS_M;
        let mut within: Vec<(usize, &ListedCity, f64)> = selected
            .enumerate()
            .filter(|(_, city)| (deg2rad(city.lat) - deg2rad(near.lat)).abs() <= furthest_lat)
            .filter_map(|(order, city)| {
                let distance = sphere_distance_m((city.lon, city.lat), here);
                (distance <= radius_m + DWITHIN_TOLERANCE_M).then_some((order, city, distance))
            })
            .collect();
        within.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
        within
            .into_iter()
            .map(|(_, city, distance)| (city, Some(distance)))
            .collect()
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
    /// be one the snapshot [`serves`](Self::serves); with full text, `found` are the cities it
    /// finds: without them, none).
    ///
    /// # Errors
    /// 400 naming a filter whose value names nothing; 500 when the links cannot be written.
    pub fn page(
        &self,
        query: &CollectionQuery,
        links: &PageLinks,
        found: Option<&[u32]>,
    ) -> AppResult<String> {
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
        let found = match (&query.search.q, found) {
            (Some(_), found) => Some(found.unwrap_or_default()),
            (None, _) => None,
        };
        for (city, distance) in self.matches(query, found) {
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
            if let Some(distance) = distance {
                features.push_str(", \"distance_km\" : ");
                features.push_str(&km_as_numeric(distance));
            }
            features.push_str("}}");
        }
        envelope(query, links, matched, returned, &features)
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
        Ok(Self::of(
            rows.into_iter()
                .map(|row| Arc::new(ListedCity::from(row)))
                .collect(),
            Arc::new(country_names),
            known,
        ))
    }

    /// Reads again the listed cities in the boxes of the changes since this snapshot and the
    /// collection's order; every other city is this snapshot's (see the module's note).
    async fn update(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<Option<Self>> {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let Some(Since { known, boxes, .. }) = changed_since(
                    conn,
                    &self.known,
                    KINDS,
                    READ_WHOLE_AFTER,
                    MOST_BOXES_UPDATED,
                )
                .await?
                else {
                    return Ok(None);
                };
                let rows: Vec<CityRow> = if boxes.is_empty() {
                    Vec::new()
                } else {
                    let [west, south, east, north] = Extent::columns(&boxes);
                    Prepared::fixed(
                        diesel::sql_query(IN_BOXES)
                            .bind::<Array<Double>, _>(west)
                            .bind::<Array<Double>, _>(south)
                            .bind::<Array<Double>, _>(east)
                            .bind::<Array<Double>, _>(north),
                    )
                    .load(conn)
                    .await?
                };
                let order: Vec<SlugRow> =
                    Prepared::fixed(diesel::sql_query(ORDER)).load(conn).await?;
                Ok(self.with(known, rows, &order))
            })
            .await
    }
}

impl CityList {
    /// The snapshot of `known`'s version whose cities are `order`'s: those of `read` (read
    /// again), the others this snapshot's; `None` when a slug of `order` is in neither or a
    /// city read again is in a country this snapshot has no name for.
    fn with(&self, known: KnownValues, read: Vec<CityRow>, order: &[SlugRow]) -> Option<Self> {
        let mut read: HashMap<String, ListedCity> = read
            .into_iter()
            .map(|row| (row.slug.clone(), ListedCity::from(row)))
            .collect();
        if read
            .values()
            .any(|city| !self.country_names.contains_key(&city.country))
        {
            return None;
        }
        let kept: HashMap<&str, &Arc<ListedCity>> = self
            .cities
            .iter()
            .map(|city| (city.slug.as_str(), city))
            .collect();
        let cities = order
            .iter()
            .map(|row| match read.remove(&row.slug) {
                Some(city) => Some(Arc::new(city)),
                None => kept.get(row.slug.as_str()).map(|city| Arc::clone(city)),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self::of(cities, Arc::clone(&self.country_names), known))
    }
}

/// PostGIS's sphere for geography on WGS 84: the mean radius (2a + b) / 3, in metres.
const MEAN_RADIUS_M: f64 = {
    const A: f64 = 6_378_137.0;
    const B: f64 = A - A / 298.257_223_563;
    (2.0 * A + B) / 3.0
};

/// How far beyond its distance `ST_DWithin` on geography still counts a point (PostGIS's
/// `FP_TOLERANCE`).
const DWITHIN_TOLERANCE_M: f64 = 1e-12;

/// Degrees in radians, as PostGIS converts them (`π · d / 180`).
fn deg2rad(degrees: f64) -> f64 {
    std::f64::consts::PI * degrees / 180.0
}

/// The great-circle distance in metres between two points (longitude, latitude in degrees)
/// on PostGIS's mean-radius sphere: `ST_Distance(a::geography, b::geography, false)`, the
/// arc of the two points' "Vincenty" formula (`atan2` of the chord's parts), as PostGIS's
/// `sphere_distance` computes it, from `to` to `from`.
fn sphere_distance_m(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lon_s, lat_s) = (deg2rad(to.0), deg2rad(to.1));
    let (lon_e, lat_e) = (deg2rad(from.0), deg2rad(from.1));
    let d_lon = lon_e - lon_s;
    let cos_d_lon = d_lon.cos();
    let (sin_lat_e, cos_lat_e) = (lat_e.sin(), lat_e.cos());
    let (sin_lat_s, cos_lat_s) = (lat_s.sin(), lat_s.cos());
    let a1 = (cos_lat_e * d_lon.sin()).powi(2);
    let a2 = (cos_lat_s * sin_lat_e - sin_lat_s * cos_lat_e * cos_d_lon).powi(2);
    let a = (a1 + a2).sqrt();
    let b = sin_lat_s * sin_lat_e + cos_lat_s * cos_lat_e * cos_d_lon;
    MEAN_RADIUS_M * a.atan2(b)
}

/// `round((distance_m / 1000.0)::numeric, 2)::text`: PostgreSQL turns the float into a numeric
/// of its 15 significant digits, rounds that half away from zero and writes two decimals.
fn km_as_numeric(distance_m: f64) -> String {
    let km = distance_m / 1000.0;
    if !km.is_finite() || km <= 0.0 {
        return "0.00".to_owned();
    }
    // `d.dddddddddddddde<exp>`: the 15 significant digits and the power of ten of the first.
    let scientific = format!("{km:.14e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    // The digits before the hundredths' boundary, and the one after it that rounds.
    let kept = exponent + 3;
    let Ok(kept) = usize::try_from(kept) else {
        return "0.00".to_owned();
    };
    let mut hundredths: u64 = digits
        .iter()
        .take(kept)
        .fold(0, |n, d| n * 10 + u64::from(d - b'0'));
    for _ in digits.len()..kept {
        hundredths *= 10;
    }
    if digits.get(kept).is_some_and(|d| *d >= b'5') {
        hundredths += 1;
    }
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The listed cities' snapshot of one instance.
pub type ListedCities = Snapshot<CityList>;

/// The page of listed cities `query` asks for: from the instance's snapshot of the data as
/// `data_version` knows it when it serves the query (with full text, the cities it finds as
/// the snapshot keeps them or as PostgreSQL finds them), else from the collection statement;
/// `connect` gives a read connection.
///
/// # Errors
/// 400 naming a filter whose value names nothing, 503 when the database is unavailable, 500
/// when the query fails.
pub async fn page<C: Future<Output = AppResult<DbConn>>>(
    listed: &ListedCities,
    data_version: &DataVersion,
    connect: impl Fn() -> C,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<String> {
    if !CityList::serves(query) {
        return city::list(&mut *connect().await?, query, links).await;
    }
    let snapshot = listed.at_least(data_version.of(KINDS), &connect).await?;
    let Some(q) = &query.search.q else {
        return snapshot.page(query, links, None);
    };
    if let Some(verdict) = query.filters.check_in(&snapshot.known) {
        verdict?;
    }
    let found = match snapshot.remembered(q, data_version) {
        Some(found) => found,
        None => {
            let text = TextMatch::read(&mut *connect().await?, q).await?;
            let Some(found) = snapshot.found(&text, data_version) else {
                // Found at a version of other cities than the snapshot's.
                return city::list(&mut *connect().await?, query, links).await;
            };
            snapshot.remember(q, text.version, &found);
            found
        }
    };
    snapshot.page(query, links, Some(&found))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As PostgreSQL 15 writes `round((m / 1000.0)::numeric, 2)::text` for these metres.
    #[test]
    fn kilometres_are_rounded_as_postgresql_rounds_them() {
        for (metres, text) in [
            (5.0, "0.01"),
            (1005.0, "1.01"),
            (4.999, "0.00"),
            (123_456.789, "123.46"),
            (0.0, "0.00"),
            (2675.0, "2.68"),
            (20_015_086.796, "20015.09"),
            (1e-9, "0.00"),
            (994.999_999_999_999_9, "1.00"),
        ] {
            assert_eq!(km_as_numeric(metres), text, "{metres} m");
        }
    }

    #[test]
    fn the_distance_of_a_degree_of_latitude_is_that_of_the_sphere() {
        let degree = sphere_distance_m((10.0, 50.0), (10.0, 51.0));
        assert!((degree - MEAN_RADIUS_M * std::f64::consts::PI / 180.0).abs() < 1e-6);
        assert!(sphere_distance_m((7.0, 45.0), (7.0, 45.0)).abs() < f64::EPSILON);
    }
}
