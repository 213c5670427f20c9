//! The published practices' collection (`/api/v1/practices`, OGC `practices/items`) chosen
//! from a snapshot of what its filters read.
//!
//! A page of practices filtered by policy area, country or network ran the collection
//! statement of [`practice::list`]: each practice's areas and its city's networks checked per
//! row, the matches counted and sorted, the page's kept Features joined: about 1.5 ms of
//! PostgreSQL per request with the bundled data, and with a million practices two seconds for
//! any filter the kept counts do not answer (a policy area and a country). So an instance
//! keeps, for every published practice in the collection's order, its id, its city, its
//! policy areas as bits and its slug's hash (24 bytes a practice, 24 MB with a million), and
//! every city's publication, country and networks once. It chooses and counts the page here,
//! and asks PostgreSQL only for the page's kept Features by id ([`PAGE_FEATURES`], with the
//! data version it read them at), which it uses when no change of [`KINDS`] lies between that
//! version and the snapshot's (else the statement answers, as it does for full text, `bbox`,
//! `region` and `near`). Tested page by page against the statement.
//!
//! After a write, the snapshot is made from the previous one ([`Loaded::update`]): the cities
//! read again (20,000 rows at most) after a change of what it holds of them ([`CITY_KINDS`]),
//! else kept, and after a change of the practices the practices of the cities in its boxes; a practice new to the list or renamed is placed by its position in
//! PostgreSQL's order. A change of the policy areas, one without boxes (a bulk load, a deleted
//! practice) or too many changed practices read it whole (with a million practices about 2.5
//! seconds, most of it PostgreSQL sorting the slugs). Read whole, it is read in the background
//! and until it is there the statement answers: waiting for it made every answer that needed it
//! after a write wait too (a quarter of a second with 100,000 practices). An update the answers
//! wait for ([`crate::db::snapshot::Snapshot::updated`]): milliseconds, where each page's
//! statement would cost the database as much.

use std::sync::Arc;

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::collection::{PageLinks, envelope};
use super::practice::{self, FEATURE};
use crate::db::Prepared;
use crate::db::data_version::{DataKind, DataVersion, Extent, Kinds};
use crate::db::snapshot::{Loaded, Since, Snapshot, changed_since};
use crate::error::AppResult;
use crate::query::{AreaMatch, CollectionQuery, KnownValues};

/// The kinds of data the practices chosen and their Features come from: the practices, their
/// cities (publication, country, name), memberships and networks (the cities' networks), the
/// countries and the policy areas.
pub const KINDS: Kinds = Kinds::of(&[
    DataKind::Cities,
    DataKind::Practices,
    DataKind::PracticeAreas,
    DataKind::Memberships,
    DataKind::Networks,
    DataKind::Places,
    DataKind::PolicyAreas,
]);

/// The kinds of [`KINDS`] whose change the snapshot reads whole after; after the others it
/// reads the cities again, and the practices of the cities where a change of the practices
/// lies.
const READ_WHOLE_AFTER: Kinds = Kinds::of(&[DataKind::PolicyAreas]);

/// The kinds of [`KINDS`] whose change can change what the snapshot holds of the cities
/// (publication, country, networks): after the others, an update keeps its cities.
const CITY_KINDS: Kinds = Kinds::of(&[DataKind::Cities, DataKind::Memberships, DataKind::Networks]);

/// Every city by id, with whether it is published, its country and networks as the
/// statement reads them.
const CITIES: &str = "
SELECT c.id, c.published, c.country::text AS country, coalesce(cs.networks, '{}') AS networks
FROM cities c LEFT JOIN city_stats cs ON cs.city_id = c.id
ORDER BY c.id";

/// The published practices in the collection's order, each with its policy areas as bits of
/// their positions in `$1` and its slug's hash.
const PRACTICES: &str = "
SELECT p.id, p.city_id, hashtext(p.slug) AS slug_hash,
       coalesce((SELECT bit_or(1 << (array_position($1::text[], ppa.policy_area::text) - 1))
                 FROM practice_policy_areas ppa WHERE ppa.practice_id = p.id), 0) AS areas
FROM practices p
WHERE p.published
ORDER BY p.slug";

/// The cities whose point lies in one of the boxes `$1`–`$4` (west, south, east, north).
const CITIES_IN_BOXES: &str = "
SELECT DISTINCT c.id
FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) b(w, s, e, n)
JOIN cities c ON c.geom && ST_MakeEnvelope(b.w, b.s, b.e, b.n, 4326)";

/// The published practices of the cities `$2`, as [`PRACTICES`] reads them (unordered).
const PRACTICES_OF: &str = "
SELECT p.id, p.city_id, hashtext(p.slug) AS slug_hash,
       coalesce((SELECT bit_or(1 << (array_position($1::text[], ppa.policy_area::text) - 1))
                 FROM practice_policy_areas ppa WHERE ppa.practice_id = p.id), 0) AS areas
FROM practices p
WHERE p.published AND p.city_id = ANY($2::bigint[])";

/// The position of each practice `$1` in the collection's order: how many published practices
/// come before it.
const POSITIONS: &str = "
SELECT p.id, (SELECT count(*) FROM practices q WHERE q.published AND q.slug < p.slug) AS position
FROM practices p WHERE p.id = ANY($1::bigint[])";

/// Above this many practices read again, or this many placed anew, after the changes since
/// the last snapshot, the next one is read whole.
const MOST_PRACTICES_UPDATED: usize = 10_000;
const MOST_PRACTICES_PLACED: usize = 64;

/// The kept Features of the practices `$1` in that order, in language `$2`, with the data
/// version they were read at.
static PAGE_FEATURES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT (SELECT version FROM data_version) AS version,
                {FEATURE} || '}}}}' AS feature
         FROM unnest($1::bigint[]) WITH ORDINALITY AS page(id, n)
         JOIN practice_features f ON f.practice_id = page.id
         ORDER BY page.n"
    )
    .replace("$13::text", "$2::text")
});

/// The most policy areas whose bits a practice keeps; with more, the statement answers.
const MOST_AREAS: usize = 32;

#[derive(QueryableByName)]
struct CityRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    published: bool,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Array<Text>)]
    networks: Vec<String>,
}

#[derive(QueryableByName)]
struct PracticeRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    city_id: i64,
    #[diesel(sql_type = Integer)]
    slug_hash: i32,
    #[diesel(sql_type = Integer)]
    areas: i32,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct PositionRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    position: i64,
}

#[derive(QueryableByName)]
struct FeatureRow {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    feature: String,
}

/// The city of a practice.
#[derive(Debug)]
struct PracticeCity {
    published: bool,
    country: String,
    networks: Vec<String>,
}

/// A published practice.
#[derive(Debug, Clone, Copy)]
struct ListedPractice {
    id: i64,
    /// Its city's position in [`PracticeList::cities`].
    city: u32,
    /// Its policy areas: bit `i` for the `i`th of the known policy areas.
    areas: u32,
    /// Its slug's hash (`hashtext`): a practice read again whose slug has another hash takes
    /// a new place in the order.
    slug: u32,
}

impl ListedPractice {
    /// `row` as listed with the cities `city_ids` (`None` when its city is not among them).
    fn of(row: &PracticeRow, city_ids: &[i64]) -> Option<Self> {
        Some(Self {
            id: row.id,
            city: u32::try_from(city_ids.binary_search(&row.city_id).ok()?).ok()?,
            areas: u32::from_ne_bytes(row.areas.to_ne_bytes()),
            slug: u32::from_ne_bytes(row.slug_hash.to_ne_bytes()),
        })
    }
}

/// The published practices of one data version.
#[derive(Debug)]
pub struct PracticeList {
    /// In the collection's order; shared with the snapshots made from this one.
    practices: Arc<[ListedPractice]>,
    /// Every city, by id; `cities[i]` is the city of id `city_ids[i]`. Shared with the
    /// snapshots made from this one when no change of [`CITY_KINDS`] came between.
    city_ids: Arc<[i64]>,
    cities: Arc<[PracticeCity]>,
    /// The policy areas, networks and countries of the snapshot's data version.
    known: KnownValues,
    /// How many practices of published cities there are, in all and per policy area (by bit).
    counts: Counts,
}

/// The practices of published cities counted once per snapshot: a page filtered by one policy
/// area alone (or none) is then chosen by a pass over its first matches, not over every
/// practice (a million of them took a millisecond a request).
#[derive(Debug, Default)]
struct Counts {
    all: usize,
    by_area: [usize; MOST_AREAS],
}

impl Counts {
    fn of(practices: &[ListedPractice], cities: &[PracticeCity]) -> Self {
        let mut counts = Self::default();
        for practice in practices {
            if !cities
                .get(practice.city as usize)
                .is_some_and(|city| city.published)
            {
                continue;
            }
            counts.all += 1;
            let mut areas = practice.areas;
            while areas != 0 {
                let bit = areas.trailing_zeros() as usize;
                if let Some(count) = counts.by_area.get_mut(bit) {
                    *count += 1;
                }
                areas &= areas - 1;
            }
        }
        counts
    }

    /// How many practices of published cities have the areas `wanted` (`all` of them or any),
    /// when kept: no area, or one.
    fn of_areas(&self, wanted: u32) -> Option<usize> {
        match wanted.count_ones() {
            0 => Some(self.all),
            1 => self.by_area.get(wanted.trailing_zeros() as usize).copied(),
            _ => None,
        }
    }
}

impl PracticeList {
    /// Whether the snapshot answers `query`: without full text, `bbox`, `region` or `near`.
    #[must_use]
    pub fn serves(query: &CollectionQuery) -> bool {
        query.search.q.is_none()
            && query.search.bbox.is_none()
            && query.search.near.is_none()
            && query.filters.region.is_none()
    }

    /// The bits of `areas` among the known policy areas (`None` for one it does not know).
    fn area_bits(&self, areas: &[String]) -> Option<u32> {
        areas.iter().try_fold(0u32, |bits, area| {
            let position = self.known.policy_areas.iter().position(|a| a == area)?;
            Some(bits | 1u32.checked_shl(u32::try_from(position).ok()?)?)
        })
    }

    /// How many practices `query` selects, and the ids of its page in the collection's order.
    /// `None` when the snapshot cannot tell (a policy area it keeps no bit for).
    fn choose(&self, query: &CollectionQuery) -> Option<(usize, Vec<i64>)> {
        let filters = &query.filters;
        let wanted = self.area_bits(&filters.policy_areas)?;
        let all = filters.policy_area_match == AreaMatch::All;
        let cities: Vec<bool> = self
            .cities
            .iter()
            .map(|city| {
                city.published
                    && (filters.countries.is_empty() || filters.countries.contains(&city.country))
                    && (filters.networks.is_empty()
                        || city.networks.iter().any(|n| filters.networks.contains(n)))
            })
            .collect();
        let start = usize::try_from(query.page.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.page.limit).unwrap_or_default();
        // Kept when no city is left out by a filter: the page's matches alone are then read.
        let kept = if filters.countries.is_empty() && filters.networks.is_empty() {
            self.counts.of_areas(wanted)
        } else {
            None
        };
        let mut matched = 0usize;
        let mut page = Vec::with_capacity(limit.min(1024));
        for practice in self.practices.iter() {
            if kept.is_some() && matched >= start.saturating_add(limit) {
                break;
            }
            let areas_match = wanted == 0
                || if all {
                    practice.areas & wanted == wanted
                } else {
                    practice.areas & wanted != 0
                };
            if !areas_match || !cities.get(practice.city as usize).copied().unwrap_or(false) {
                continue;
            }
            matched += 1;
            if matched > start && matched - start <= limit {
                page.push(practice.id);
            }
        }
        Some((kept.unwrap_or(matched), page))
    }
}

impl Loaded for PracticeList {
    fn version(&self) -> i64 {
        self.known.version
    }

    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        let (known, cities, practices) = conn
            .build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let known = KnownValues::read(conn).await?;
                let cities: Vec<CityRow> = Prepared::fixed(diesel::sql_query(CITIES))
                    .load(conn)
                    .await?;
                let practices: Vec<PracticeRow> = if known.policy_areas.len() > MOST_AREAS {
                    Vec::new()
                } else {
                    diesel::sql_query(PRACTICES)
                        .bind::<Array<Text>, _>(&known.policy_areas)
                        .load(conn)
                        .await?
                };
                Ok::<_, diesel::result::Error>((known, cities, practices))
            })
            .await?;
        let (city_ids, cities) = split(cities);
        let practices: Arc<[ListedPractice]> = practices
            .iter()
            .filter_map(|row| ListedPractice::of(row, &city_ids))
            .collect();
        Ok(Self {
            counts: Counts::of(&practices, &cities),
            practices,
            city_ids,
            cities,
            known,
        })
    }

    async fn update(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<Option<Self>> {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let Some(Since {
                    known,
                    boxes,
                    kinds,
                }) = changed_since(
                    conn,
                    &self.known,
                    Kinds::of(&[DataKind::Practices, DataKind::PracticeAreas]),
                    READ_WHOLE_AFTER,
                    usize::MAX,
                )
                .await?
                else {
                    return Ok(None);
                };
                let (city_ids, cities) = if kinds.intersects(CITY_KINDS) {
                    let cities: Vec<CityRow> = Prepared::fixed(diesel::sql_query(CITIES))
                        .load(conn)
                        .await?;
                    split(cities)
                } else {
                    (Arc::clone(&self.city_ids), Arc::clone(&self.cities))
                };
                // The practices' cities keep their positions when no city was deleted.
                if city_ids.get(..self.city_ids.len()) != Some(&self.city_ids[..]) {
                    return Ok(None);
                }
                let practices = if boxes.is_empty() {
                    Arc::clone(&self.practices)
                } else {
                    let Some(practices) = self
                        .practices_after(conn, &known, &city_ids, &boxes)
                        .await?
                    else {
                        return Ok(None);
                    };
                    practices
                };
                Ok(Some(Self {
                    counts: Counts::of(&practices, &cities),
                    practices,
                    city_ids,
                    cities,
                    known,
                }))
            })
            .await
    }
}

impl PracticeList {
    /// The practices after changes of the practices in `boxes` (in the transaction of the new
    /// snapshot, whose cities are `city_ids`): those of the cities in the boxes read again, the
    /// others kept. Every changed practice's city, old and new, lies in its change's boxes (the
    /// `practice` and `practice_child` boxes of migration `000714`), so a practice of those
    /// cities that is not read again was deleted, unpublished or moved to another city (read
    /// again there). A practice new to the list or whose slug changed is placed by its
    /// position in PostgreSQL's order. `None` when too much changed: it is read whole.
    async fn practices_after(
        &self,
        conn: &mut AsyncPgConnection,
        known: &KnownValues,
        city_ids: &[i64],
        boxes: &[Extent],
    ) -> diesel::QueryResult<Option<Arc<[ListedPractice]>>> {
        let [west, south, east, north] = Extent::columns(boxes);
        let in_boxes: Vec<IdRow> = Prepared::fixed(
            diesel::sql_query(CITIES_IN_BOXES)
                .bind::<Array<Double>, _>(west)
                .bind::<Array<Double>, _>(south)
                .bind::<Array<Double>, _>(east)
                .bind::<Array<Double>, _>(north),
        )
        .load(conn)
        .await?;
        let changed_cities: Vec<i64> = in_boxes.iter().map(|row| row.id).collect();
        let read: Vec<PracticeRow> = Prepared::fixed(
            diesel::sql_query(PRACTICES_OF)
                .bind::<Array<Text>, _>(&known.policy_areas)
                .bind::<Array<BigInt>, _>(&changed_cities),
        )
        .load(conn)
        .await?;
        if read.len() > MOST_PRACTICES_UPDATED {
            return Ok(None);
        }
        let Some(mut read) = read
            .iter()
            .map(|row| ListedPractice::of(row, city_ids).map(|practice| (row.id, practice)))
            .collect::<Option<std::collections::HashMap<i64, ListedPractice>>>()
        else {
            return Ok(None);
        };
        let changed: std::collections::HashSet<u32> = changed_cities
            .iter()
            .filter_map(|id| u32::try_from(city_ids.binary_search(id).ok()?).ok())
            .collect();
        let mut practices: Vec<ListedPractice> = Vec::with_capacity(self.practices.len() + 1);
        for old in self.practices.iter() {
            match read.remove(&old.id) {
                Some(new) if new.slug == old.slug => practices.push(new),
                Some(new) => {
                    // Renamed: placed anew below.
                    read.insert(new.id, new);
                }
                // Of a city in the boxes but not read again: gone from the list.
                None if changed.contains(&old.city) => {}
                None => practices.push(*old),
            }
        }
        // `read` now holds the practices to place; one whose old entry was skipped above as
        // renamed was taken out of `read` and put back, so every practice is placed once.
        if read.len() > MOST_PRACTICES_PLACED {
            return Ok(None);
        }
        if !read.is_empty() {
            let ids: Vec<i64> = read.keys().copied().collect();
            let mut positions: Vec<PositionRow> =
                Prepared::fixed(diesel::sql_query(POSITIONS).bind::<Array<BigInt>, _>(&ids))
                    .load(conn)
                    .await?;
            positions.sort_by_key(|row| row.position);
            for row in positions {
                let (Some(practice), Ok(position)) =
                    (read.remove(&row.id), usize::try_from(row.position))
                else {
                    return Ok(None);
                };
                if position > practices.len() {
                    return Ok(None);
                }
                practices.insert(position, practice);
            }
        }
        Ok(Some(practices.into()))
    }
}

/// The ids of `rows` and their cities, in the same order.
fn split(rows: Vec<CityRow>) -> (Arc<[i64]>, Arc<[PracticeCity]>) {
    let (ids, cities): (Vec<i64>, Vec<PracticeCity>) = rows
        .into_iter()
        .map(|row| {
            (
                row.id,
                PracticeCity {
                    published: row.published,
                    country: row.country,
                    networks: row.networks,
                },
            )
        })
        .unzip();
    (ids.into(), cities.into())
}

/// The published practices' snapshot of one instance.
pub type ListedPractices = Snapshot<PracticeList>;

/// The page of published practices `query` asks for: chosen from `snapshot` (the instance's,
/// when it is of the data version `data_version` knows) when it serves the query, with the
/// page's Features read over `conn`; else from the collection statement.
///
/// # Errors
/// 400 naming a filter whose value names nothing, 500 when the query fails.
pub async fn page(
    snapshot: Option<&PracticeList>,
    data_version: &DataVersion,
    conn: &mut AsyncPgConnection,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<String> {
    if let Some(snapshot) = snapshot
        && PracticeList::serves(query)
        && let Some(page) = snapshot.page(conn, data_version, query, links).await?
    {
        return Ok(page);
    }
    practice::list(conn, query, links).await
}

impl PracticeList {
    /// The page of `query` ([`serves`](Self::serves) it): chosen and counted here, its
    /// Features read over `conn`. `None` when the snapshot cannot tell (more policy areas than
    /// it keeps bits for) or PostgreSQL's Features are of other data than the snapshot's (a
    /// change of [`KINDS`] between the two versions as `data_version` knows the changes, or a
    /// version it does not know yet).
    ///
    /// # Errors
    /// 400 naming a filter whose value names nothing, 500 when the query fails.
    pub async fn page(
        &self,
        conn: &mut AsyncPgConnection,
        data_version: &DataVersion,
        query: &CollectionQuery,
        links: &PageLinks,
    ) -> AppResult<Option<String>> {
        if self.known.policy_areas.len() > MOST_AREAS {
            return Ok(None);
        }
        if let Some(verdict) = query.filters.check_in(&self.known) {
            verdict?;
        }
        let Some((matched, ids)) = self.choose(query) else {
            return Ok(None);
        };
        let features = if ids.is_empty() {
            String::new()
        } else {
            let rows: Vec<FeatureRow> = Prepared::fixed(
                diesel::sql_query(PAGE_FEATURES.as_str())
                    .bind::<Array<BigInt>, _>(&ids)
                    .bind::<Text, _>(query.lang.code()),
            )
            .load(conn)
            .await?;
            let same = rows.len() == ids.len()
                && rows.iter().all(|row| {
                    data_version.unchanged_between(KINDS, row.version, self.known.version)
                });
            if !same {
                return Ok(None);
            }
            let mut features =
                String::with_capacity(rows.iter().map(|row| row.feature.len() + 2).sum());
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    features.push_str(", ");
                }
                features.push_str(&row.feature);
            }
            features
        };
        envelope(query, links, matched, ids.len(), &features).map(Some)
    }
}
