//! The place search from memory: each instance keeps the gazetteer (every place with its
//! names' search keys, 128,000 places and 183,000 alternate names in the bundled data) and,
//! apart, the cities at places, and ranks the places a text finds as the search statement
//! does ([`super::place`]), without a database round trip.
//!
//! - [`Places`] changes only with the gazetteer (the kind `places`): read whole, in the
//!   background (half a second), while the statement answers.
//! - [`PlaceCities`] (which listed or published city is at a place, and the listed cities'
//!   name keys) changes with every write of the cities and what lists them: read whole when a
//!   search needs it, a few milliseconds.
//! - A text's folding (`haven_fold`, `haven_fold_de`: PostgreSQL's unaccent rules and case
//!   folding) is asked of PostgreSQL once per text and kept ([`Folds`]): texts typed into a
//!   search box repeat (`k`, `ko`, `kö`, `köl`).
//!
//! The ranking is the statement's, tested text for text against it: the places whose own name
//! (or its German transliteration) starts with the text first, then those found by an
//! alternate name; among each the places of listed cities first, then the most populous, then
//! by name (bytewise, as the cluster's `C.UTF-8` collation orders) and id. A text of one or two
//! characters takes, as the statement does, the best places of its prefix by own name and
//! population (as `place_prefix_tops` keeps them) and the listed cities whose name starts with
//! it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::TryStreamExt;
use serde::Serialize;

use crate::db::Prepared;
use crate::db::data_version::{DataKind, Kinds};
use crate::db::snapshot::{Loaded, Snapshot};

/// The kinds the gazetteer is read from.
pub const PLACE_KINDS: Kinds = Kinds::of(&[DataKind::Places]);

/// The kinds of the cities at places: their publication, names and places, and what makes a
/// city listed (its memberships, practices, demands).
pub const CITY_KINDS: Kinds = Kinds::of(&[
    DataKind::Cities,
    DataKind::Practices,
    DataKind::Memberships,
    DataKind::Networks,
    DataKind::Demands,
    DataKind::PolicyAreas,
]);

/// Most places an answer holds (the API's limit) and kept per short prefix by the statement.
const MOST_TOPS: usize = 50;

/// Most texts whose folding is kept; all are forgotten when more come.
const MOST_FOLDS: usize = 4096;

/// Every place, its search keys in one sorted index.
const LOAD_PLACES: &str = "
SELECT p.id, p.name, p.country::text AS country, r.name AS region, d.name AS district,
       p.population, round(ST_X(p.geom)::numeric, 5)::float8 AS lon,
       round(ST_Y(p.geom)::numeric, 5)::float8 AS lat, p.ags, p.geonameid,
       p.name_key, p.name_key_de
FROM places p
LEFT JOIN regions r ON r.id = p.region_id
LEFT JOIN regions d ON d.id = p.district_id
ORDER BY p.id";

/// Every alternate name's key.
const LOAD_NAMES: &str = "SELECT place_id, name_key FROM place_names WHERE name_key IS NOT NULL";

/// The cities at places, in id order.
const LOAD_CITIES: &str = "
SELECT c.place_id, c.slug::text AS slug, c.published, coalesce(cs.listed, false) AS listed,
       c.name_key, c.name_key_de
FROM cities c LEFT JOIN city_stats cs ON cs.city_id = c.id
WHERE c.place_id IS NOT NULL
ORDER BY c.id";

/// The data version the snapshot is read at.
const VERSION: &str = "SELECT version FROM data_version";

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = BigInt)]
    version: i64,
}

#[derive(QueryableByName)]
struct PlaceRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Nullable<Text>)]
    region: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    district: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    population: Option<i64>,
    #[diesel(sql_type = Double)]
    lon: f64,
    #[diesel(sql_type = Double)]
    lat: f64,
    #[diesel(sql_type = Nullable<Text>)]
    ags: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    geonameid: Option<i64>,
    #[diesel(sql_type = Text)]
    name_key: String,
    #[diesel(sql_type = Nullable<Text>)]
    name_key_de: Option<String>,
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = BigInt)]
    place_id: i64,
    #[diesel(sql_type = Text)]
    name_key: String,
}

#[derive(QueryableByName)]
struct CityRow {
    #[diesel(sql_type = BigInt)]
    place_id: i64,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Bool)]
    published: bool,
    #[diesel(sql_type = Bool)]
    listed: bool,
    #[diesel(sql_type = Nullable<Text>)]
    name_key: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    name_key_de: Option<String>,
}

#[derive(QueryableByName)]
struct FoldRow {
    #[diesel(sql_type = Text)]
    fold: String,
    #[diesel(sql_type = Text)]
    fold_de: String,
}

/// A text in [`Places::text`]: its start and length in bytes.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

/// One place; its texts are spans of [`Places::text`]. What it may lack is kept as a value
/// it cannot have ([`NONE`], a negative population or id), and its point in hundred-thousandths
/// of a degree (the statement's five decimals, [`Micro`]): 80 bytes a place instead of 120.
#[derive(Debug)]
struct Place {
    id: i64,
    name: Span,
    country: Span,
    key: Span,
    key_de: Span,
    ags: Span,
    /// Indexes into [`Places::regions`].
    region: u32,
    district: u32,
    population: i64,
    lon: Micro,
    lat: Micro,
    geonameid: i64,
}

/// A longitude or latitude rounded to five decimals, as the statement gives it, in
/// hundred-thousandths of a degree. Back as `f64` it is the same number: the integer divided by
/// 100,000 rounds to the nearest `f64` of the decimal, as PostgreSQL's `float8` of the
/// rounded `numeric` does.
#[derive(Debug, Clone, Copy)]
struct Micro(i32);

impl Micro {
    const SCALE: f64 = 100_000.0;

    #[allow(clippy::cast_possible_truncation)] // |degrees| ≤ 180: at most 18,000,000
    fn of(degrees: f64) -> Self {
        Self((degrees * Self::SCALE).round() as i32)
    }

    fn degrees(self) -> f64 {
        f64::from(self.0) / Self::SCALE
    }
}

/// A span or index that is not there.
const NONE: u32 = u32::MAX;

impl Span {
    const NONE: Self = Self {
        start: NONE,
        len: 0,
    };

    fn of(span: Option<Self>) -> Self {
        span.unwrap_or(Self::NONE)
    }

    fn get(self) -> Option<Self> {
        (self.start != NONE).then_some(self)
    }
}

impl Place {
    fn key_de(&self) -> Option<Span> {
        self.key_de.get()
    }

    fn population(&self) -> Option<i64> {
        (self.population >= 0).then_some(self.population)
    }
}

/// Which of a place's keys an entry of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyOf {
    /// Its own name's (`name_key`); `also_de` when its transliteration's is the same.
    Own { also_de: bool },
    /// Its own name's German transliteration (`name_key_de`), where it differs.
    OwnDe,
    /// An alternate name's (`place_names.name_key`).
    Alternate,
}

/// A search key of a place.
#[derive(Debug, Clone, Copy)]
struct Key {
    key: Span,
    place: u32,
    of: KeyOf,
}

/// The gazetteer of one data version.
#[derive(Debug)]
pub struct Places {
    version: i64,
    /// Every text of the places, one after another.
    text: String,
    /// In id order.
    places: Vec<Place>,
    regions: Vec<String>,
    /// Every key, in bytewise order.
    keys: Vec<Key>,
    /// Each place's position in the order of population (most first, unknown last), name and
    /// id, and the places in that order.
    position: Vec<u32>,
    by_position: Vec<u32>,
    /// The best places of each prefix of one and two characters ([`Places::tops_of`]).
    tops: HashMap<Box<str>, Box<[u64]>>,
}

impl Places {
    fn str(&self, span: Span) -> &str {
        let start = span.start as usize;
        self.text
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }

    /// The index of the place with id `id`.
    fn index_of(&self, id: i64) -> Option<u32> {
        self.places
            .binary_search_by_key(&id, |place| place.id)
            .ok()
            .and_then(|at| u32::try_from(at).ok())
    }

    /// The keys starting with `prefix`.
    fn starting_with(&self, prefix: &str) -> &[Key] {
        let from = self.keys.partition_point(|key| self.str(key.key) < prefix);
        let to =
            from + self.keys[from..].partition_point(|key| self.str(key.key).starts_with(prefix));
        &self.keys[from..to]
    }

    fn place(&self, at: u32) -> &Place {
        &self.places[at as usize]
    }

    /// The best `most` places of `keys` (those starting with `prefix`), each once, as
    /// `place_prefix_tops` keeps them: by own name first (its own name or transliteration
    /// starts with `prefix`), then position; each as `!own << 32 | position`, in order.
    fn tops_of(&self, keys: &[Key], prefix: &str, most: usize) -> Vec<u64> {
        let mut tops: Vec<u64> = Vec::with_capacity(most + 1);
        for key in keys {
            let place = self.place(key.place);
            let own_name = !matches!(key.of, KeyOf::Alternate)
                || self.str(place.key).starts_with(prefix)
                || place
                    .key_de()
                    .is_some_and(|de| self.str(de).starts_with(prefix));
            let rank = (u64::from(!own_name) << 32) | u64::from(self.position[key.place as usize]);
            if tops.len() == most && tops.last().is_some_and(|&worst| rank >= worst) {
                continue;
            }
            if let Err(at) = tops.binary_search(&rank) {
                tops.insert(at, rank);
                tops.truncate(most);
            }
        }
        tops
    }

    /// The place of a rank of [`tops_of`](Self::tops_of).
    fn by_rank(&self, rank: u64) -> Option<u32> {
        let position = usize::try_from(rank & u64::from(u32::MAX)).ok()?;
        self.by_position.get(position).copied()
    }

    /// The best places of every prefix of one and two characters of the keys.
    fn every_tops(&self) -> HashMap<Box<str>, Box<[u64]>> {
        let mut every = HashMap::new();
        for chars in 1..=2 {
            let mut from = 0;
            while let Some(first) = self.keys.get(from) {
                let key = self.str(first.key);
                let Some((end, _)) = key.char_indices().nth(chars - 1) else {
                    from += 1;
                    continue;
                };
                let end = end + key[end..].chars().next().map_or(0, char::len_utf8);
                let prefix = &key[..end];
                let to = from
                    + self.keys[from..].partition_point(|k| self.str(k.key).starts_with(prefix));
                let tops = self.tops_of(&self.keys[from..to], prefix, MOST_TOPS);
                every.insert(Box::from(prefix), tops.into_boxed_slice());
                from = to;
            }
        }
        every
    }
}

/// Appends `value` to `text`, giving its span.
fn push(text: &mut String, value: &str) -> Span {
    let start = u32::try_from(text.len()).unwrap_or(u32::MAX);
    text.push_str(value);
    Span {
        start,
        len: u32::try_from(value.len()).unwrap_or(0),
    }
}

impl Loaded for Places {
    fn version(&self) -> i64 {
        self.version
    }

    /// Reads every place and alternate name in one snapshot of the database; the rows stream
    /// into the gazetteer (128,000 rows of a dozen columns held at once doubled the memory its
    /// read took).
    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        let mut read = PlacesRead::default();
        let version = conn
            .build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let version: Version = diesel::sql_query(VERSION).get_result(conn).await?;
                let mut rows = diesel::sql_query(LOAD_PLACES)
                    .load_stream::<PlaceRow>(conn)
                    .await?;
                while let Some(row) = rows.try_next().await? {
                    read.place(row);
                }
                drop(rows);
                let mut names = diesel::sql_query(LOAD_NAMES)
                    .load_stream::<NameRow>(conn)
                    .await?;
                while let Some(row) = names.try_next().await? {
                    read.name(&row);
                }
                Ok::<_, diesel::result::Error>(version.version)
            })
            .await?;
        Ok(read.finish(version))
    }
}

/// A gazetteer as its rows are read.
#[derive(Default)]
struct PlacesRead {
    text: String,
    places: Vec<Place>,
    regions: Vec<String>,
    region_at: HashMap<String, u32>,
    keys: Vec<Key>,
}

impl PlacesRead {
    fn region(&mut self, name: Option<String>) -> Option<u32> {
        let name = name?;
        if let Some(&at) = self.region_at.get(&name) {
            return Some(at);
        }
        let at = u32::try_from(self.regions.len()).ok()?;
        self.regions.push(name.clone());
        self.region_at.insert(name, at);
        Some(at)
    }

    /// A place (in id order).
    fn place(&mut self, row: PlaceRow) {
        let at = u32::try_from(self.places.len()).unwrap_or(u32::MAX);
        let key = push(&mut self.text, &row.name_key);
        let also_de = row.name_key_de.as_deref() == Some(row.name_key.as_str());
        self.keys.push(Key {
            key,
            place: at,
            of: KeyOf::Own { also_de },
        });
        let key_de = match row.name_key_de {
            Some(_) if also_de => Some(key),
            Some(de) => {
                let span = push(&mut self.text, &de);
                self.keys.push(Key {
                    key: span,
                    place: at,
                    of: KeyOf::OwnDe,
                });
                Some(span)
            }
            None => None,
        };
        let place = Place {
            id: row.id,
            name: push(&mut self.text, &row.name),
            country: push(&mut self.text, &row.country),
            key,
            key_de: Span::of(key_de),
            ags: Span::of(row.ags.as_deref().map(|ags| push(&mut self.text, ags))),
            region: self.region(row.region).unwrap_or(NONE),
            district: self.region(row.district).unwrap_or(NONE),
            population: row.population.filter(|&n| n >= 0).unwrap_or(-1),
            lon: Micro::of(row.lon),
            lat: Micro::of(row.lat),
            geonameid: row.geonameid.unwrap_or(i64::MIN),
        };
        self.places.push(place);
    }

    /// An alternate name of a place read before.
    fn name(&mut self, row: &NameRow) {
        let Ok(place) = self
            .places
            .binary_search_by_key(&row.place_id, |place| place.id)
        else {
            return;
        };
        let key = push(&mut self.text, &row.name_key);
        self.keys.push(Key {
            key,
            place: u32::try_from(place).unwrap_or(u32::MAX),
            of: KeyOf::Alternate,
        });
    }

    /// The gazetteer of data version `version`: the keys in order, the places' positions and
    /// the best places of every short prefix.
    fn finish(self, version: i64) -> Places {
        let mut gazetteer = Places {
            version,
            text: self.text,
            places: self.places,
            regions: self.regions,
            keys: Vec::new(),
            position: Vec::new(),
            by_position: Vec::new(),
            tops: HashMap::new(),
        };
        let mut keys = self.keys;
        keys.sort_unstable_by(|a, b| gazetteer.str(a.key).cmp(gazetteer.str(b.key)));
        keys.shrink_to_fit();
        gazetteer.keys = keys;
        let mut by_position: Vec<u32> = (0..gazetteer.places.len())
            .filter_map(|at| u32::try_from(at).ok())
            .collect();
        by_position.sort_unstable_by(|&a, &b| {
            let (a, b) = (gazetteer.place(a), gazetteer.place(b));
            by_population(a.population(), b.population())
                .then_with(|| gazetteer.str(a.name).cmp(gazetteer.str(b.name)))
                .then_with(|| a.id.cmp(&b.id))
        });
        let mut position = vec![0; by_position.len()];
        for (at, &place) in by_position.iter().enumerate() {
            position[place as usize] = u32::try_from(at).unwrap_or(u32::MAX);
        }
        gazetteer.position = position;
        gazetteer.by_position = by_position;
        gazetteer.tops = gazetteer.every_tops();
        gazetteer.text.shrink_to_fit();
        gazetteer.places.shrink_to_fit();
        tracing::debug!(
            places = gazetteer.places.len(),
            keys = gazetteer.keys.len(),
            prefixes = gazetteer.tops.len(),
            places_bytes = gazetteer.places.len() * size_of::<Place>(),
            keys_bytes = gazetteer.keys.len() * size_of::<Key>(),
            text_bytes = gazetteer.text.len(),
            tops_bytes = gazetteer
                .tops
                .iter()
                .map(|(prefix, tops)| prefix.len() + tops.len() * 8 + 48)
                .sum::<usize>(),
            "gazetteer read"
        );
        gazetteer
    }
}

/// A listed city's name keys and place.
#[derive(Debug)]
struct ListedCity {
    place_id: i64,
    name_key: Option<String>,
    name_key_de: Option<String>,
}

/// The cities at places, of one data version.
#[derive(Debug)]
pub struct PlaceCities {
    version: i64,
    /// The slug of the first published city at a place (by the city's id).
    slugs: HashMap<i64, String>,
    /// The places of listed cities.
    listed: HashSet<i64>,
    /// The listed cities, for a short text's cities by name.
    listed_cities: Vec<ListedCity>,
}

impl Loaded for PlaceCities {
    fn version(&self) -> i64 {
        self.version
    }

    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        let (version, rows) = conn
            .build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let version: Version = Prepared::fixed(diesel::sql_query(VERSION))
                    .get_result(conn)
                    .await?;
                let rows: Vec<CityRow> = Prepared::fixed(diesel::sql_query(LOAD_CITIES))
                    .load(conn)
                    .await?;
                Ok::<_, diesel::result::Error>((version.version, rows))
            })
            .await?;
        let mut cities = Self {
            version,
            slugs: HashMap::new(),
            listed: HashSet::new(),
            listed_cities: Vec::new(),
        };
        for row in rows {
            if row.published {
                cities.slugs.entry(row.place_id).or_insert(row.slug);
            }
            if row.listed {
                cities.listed.insert(row.place_id);
                cities.listed_cities.push(ListedCity {
                    place_id: row.place_id,
                    name_key: row.name_key,
                    name_key_de: row.name_key_de,
                });
            }
        }
        Ok(cities)
    }
}

/// A text folded as the search statement folds it (`haven_fold`, `haven_fold_de`).
#[derive(Debug)]
pub struct Folded {
    fold: String,
    fold_de: String,
}

/// The foldings of the texts searched for, kept by text.
#[derive(Debug, Default)]
pub struct Folds(Mutex<HashMap<String, Arc<Folded>>>);

impl Folds {
    /// `q` folded, asked of PostgreSQL over `conn` and kept (callers look for it with
    /// [`kept`](Self::kept) first, holding no connection).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn of(
        &self,
        q: &str,
        conn: &mut AsyncPgConnection,
    ) -> diesel::QueryResult<Arc<Folded>> {
        let row: FoldRow = Prepared::fixed(
            diesel::sql_query(
                "SELECT haven_fold($1::text) AS fold, haven_fold_de($1::text) AS fold_de",
            )
            .bind::<Text, _>(q),
        )
        .get_result(conn)
        .await?;
        let folded = Arc::new(Folded {
            fold: row.fold,
            fold_de: row.fold_de,
        });
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= MOST_FOLDS {
            kept.clear();
        }
        kept.insert(q.to_owned(), Arc::clone(&folded));
        Ok(folded)
    }

    /// The folding of `q` when it is kept.
    #[must_use]
    pub fn kept(&self, q: &str) -> Option<Arc<Folded>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(q)
            .cloned()
    }
}

/// What an instance keeps to search places without the database.
#[derive(Debug, Default)]
pub struct Gazetteer {
    pub places: Snapshot<Places>,
    pub cities: Snapshot<PlaceCities>,
    pub folds: Folds,
}

/// A place as the search answers it ([`super::place::PlaceDoc`]'s fields, borrowed).
#[derive(Serialize)]
struct Found<'a> {
    id: i64,
    name: &'a str,
    country: &'a str,
    region: Option<&'a str>,
    district: Option<&'a str>,
    population: Option<i64>,
    lon: f64,
    lat: f64,
    ags: Option<&'a str>,
    geonameid: Option<i64>,
    city_slug: Option<&'a str>,
}

/// The places `folded` finds, at most `limit`, as the search statement ranks and writes them
/// (a JSON array).
#[must_use]
pub fn search(places: &Places, cities: &PlaceCities, folded: &Folded, limit: usize) -> String {
    let Folded { fold, fold_de } = folded;
    let short = fold.chars().count() <= 2 && fold_de.starts_with(fold.as_str());
    let mut hits: Vec<u32> = Vec::new();
    if short {
        // The best places of the prefix by own name and population (`place_prefix_tops`).
        if !fold.is_empty() {
            let most = limit.min(MOST_TOPS);
            if let Some(tops) = places.tops.get(fold.as_str()) {
                hits.extend(
                    tops.iter()
                        .take(most)
                        .filter_map(|&rank| places.by_rank(rank)),
                );
            }
        }
        // The listed cities whose own name starts with the text.
        for city in &cities.listed_cities {
            let named = city
                .name_key
                .as_deref()
                .is_some_and(|key| key.starts_with(fold.as_str()))
                || city
                    .name_key_de
                    .as_deref()
                    .is_some_and(|key| key.starts_with(fold_de.as_str()));
            if named && let Some(at) = places.index_of(city.place_id) {
                hits.push(at);
            }
        }
    } else {
        for key in places.starting_with(fold) {
            if matches!(key.of, KeyOf::Own { .. } | KeyOf::Alternate) {
                hits.push(key.place);
            }
        }
        for key in places.starting_with(fold_de) {
            if matches!(key.of, KeyOf::OwnDe | KeyOf::Own { also_de: true }) {
                hits.push(key.place);
            }
        }
    }
    hits.sort_unstable();
    hits.dedup();
    let own = |place: &Place| {
        places.str(place.key).starts_with(fold.as_str())
            || place
                .key_de()
                .is_some_and(|de| places.str(de).starts_with(fold_de.as_str()))
    };
    let ranked: Vec<Rank> = hits
        .into_iter()
        .map(|at| {
            let place = places.place(at);
            Rank::of(places, at, own(place), cities.listed.contains(&place.id))
        })
        .collect();
    let found: Vec<Found<'_>> = best(ranked, limit)
        .map(|rank| places.place(rank.at))
        .map(|place| Found {
            id: place.id,
            name: places.str(place.name),
            country: places.str(place.country),
            region: places
                .regions
                .get(place.region as usize)
                .map(String::as_str),
            district: places
                .regions
                .get(place.district as usize)
                .map(String::as_str),
            population: place.population(),
            lon: place.lon.degrees(),
            lat: place.lat.degrees(),
            ags: place.ags.get().map(|ags| places.str(ags)),
            geonameid: (place.geonameid != i64::MIN).then_some(place.geonameid),
            city_slug: cities.slugs.get(&place.id).map(String::as_str),
        })
        .collect();
    serde_json::to_string(&found).unwrap_or_else(|_| "[]".to_owned())
}

/// What a place is ranked by: `first` (its own name starts with the text), `listed`, then its
/// position by population (most first, unknown last), name and id.
struct Rank {
    first: bool,
    listed: bool,
    position: u32,
    at: u32,
}

impl Rank {
    fn of(places: &Places, at: u32, first: bool, listed: bool) -> Self {
        Self {
            first,
            listed,
            position: places.position[at as usize],
            at,
        }
    }

    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .first
            .cmp(&self.first)
            .then_with(|| other.listed.cmp(&self.listed))
            .then_with(|| self.position.cmp(&other.position))
    }
}

/// The first `limit` of `ranked` in order (chosen without sorting the others).
fn best(mut ranked: Vec<Rank>, limit: usize) -> impl Iterator<Item = Rank> {
    if ranked.len() > limit && limit > 0 {
        ranked.select_nth_unstable_by(limit - 1, Rank::cmp);
    }
    ranked.truncate(limit);
    ranked.sort_unstable_by(Rank::cmp);
    ranked.into_iter()
}

/// Population descending, unknown last (`population DESC NULLS LAST`).
fn by_population(a: Option<i64>, b: Option<i64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_in_hundred_thousandths_is_the_statements_number() {
        assert_eq!(size_of::<Place>(), 80);
        let mut seed: u64 = 17;
        for _ in 0..100_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let micro = i64::try_from(seed >> 40).unwrap() % 36_000_001 - 18_000_000;
            // What PostgreSQL's float8 of the rounded numeric is: the nearest f64 of the decimal.
            let sign = if micro < 0 { "-" } else { "" };
            let text = format!(
                "{sign}{}.{:05}",
                micro.abs() / 100_000,
                micro.abs() % 100_000
            );
            let statement: f64 = text.parse().unwrap();
            assert_eq!(
                Micro::of(statement).degrees().to_bits(),
                statement.to_bits(),
                "{text}"
            );
        }
        for text in [
            "180", "-180", "0", "-0.00001", "89.99999", "6.95664", "50.95696",
        ] {
            let statement: f64 = text.parse().unwrap();
            assert_eq!(Micro::of(statement).degrees(), statement, "{text}");
        }
    }
}
