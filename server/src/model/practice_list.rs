//! The published practices' collection (`/api/v1/practices`, OGC `practices/items`) chosen
//! from a snapshot of what its filters read.
//!
//! A page of practices filtered by policy area, country or network ran the collection
//! statement of [`practice::list`]: each practice's areas and its city's networks checked per
//! row, the matches counted and sorted, the page's kept Features joined, about 1.5 ms of
//! PostgreSQL per request and most of what the practices' rows cost. So an instance keeps, for
//! every published practice of a published city in the collection's order, its id, its city
//! (whose country and networks it keeps once) and its policy areas as bits: 16 bytes a
//! practice, 16 MB with a million. It chooses and counts the page here, and asks PostgreSQL
//! only for the page's kept Features by id ([`PAGE_FEATURES`], with the data version it read
//! them at), which it uses when no change of [`KINDS`] lies between that version and the
//! snapshot's (else the statement answers, as it does for full text, `bbox`, `region` and
//! `near`). Tested page by page against the statement.
//!
//! After a change of its kinds the snapshot is read again whole (with a million practices,
//! a second or two); while one request reads it, the others take the statement instead of
//! waiting.

use std::collections::HashMap;

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::collection::{PageLinks, envelope};
use super::practice::{self, FEATURE};
use crate::db::data_version::{DataKind, DataVersion, Kinds};
use crate::db::snapshot::{Loaded, Snapshot};
use crate::db::{DbConn, Prepared};
use crate::error::AppResult;
use crate::query::{AreaMatch, CollectionQuery, KnownValues};

/// The kinds of data the practices chosen and their Features come from: the practices, their
/// cities (publication, country, name), memberships and networks (the cities' networks), the
/// countries and the policy areas.
pub const KINDS: Kinds = Kinds::of(&[
    DataKind::Cities,
    DataKind::Practices,
    DataKind::Memberships,
    DataKind::Networks,
    DataKind::Places,
    DataKind::PolicyAreas,
]);

/// The published cities, each with its country and networks as the statement reads them.
const CITIES: &str = "
SELECT c.id, c.country::text AS country, coalesce(cs.networks, '{}') AS networks
FROM cities c LEFT JOIN city_stats cs ON cs.city_id = c.id
WHERE c.published";

/// The published practices of published cities in the collection's order, each with its
/// policy areas as bits of their positions in `$1`.
const PRACTICES: &str = "
SELECT p.id, p.city_id,
       coalesce((SELECT bit_or(1 << (array_position($1::text[], ppa.policy_area::text) - 1))
                 FROM practice_policy_areas ppa WHERE ppa.practice_id = p.id), 0) AS areas
FROM practices p JOIN cities c ON c.id = p.city_id
WHERE p.published AND c.published
ORDER BY p.slug";

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
    areas: i32,
}

#[derive(QueryableByName)]
struct FeatureRow {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Text)]
    feature: String,
}

/// A published city of a published practice.
#[derive(Debug)]
struct PracticeCity {
    country: String,
    networks: Vec<String>,
}

/// A published practice of a published city.
#[derive(Debug, Clone, Copy)]
struct ListedPractice {
    id: i64,
    /// Its city's position in [`PracticeList::cities`].
    city: u32,
    /// Its policy areas: bit `i` for the `i`th of the known policy areas.
    areas: u32,
}

/// The published practices of one data version.
#[derive(Debug)]
pub struct PracticeList {
    /// In the collection's order.
    practices: Vec<ListedPractice>,
    cities: Vec<PracticeCity>,
    /// The policy areas, networks and countries of the snapshot's data version.
    known: KnownValues,
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
                (filters.countries.is_empty() || filters.countries.contains(&city.country))
                    && (filters.networks.is_empty()
                        || city.networks.iter().any(|n| filters.networks.contains(n)))
            })
            .collect();
        let start = usize::try_from(query.page.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.page.limit).unwrap_or_default();
        let mut matched = 0usize;
        let mut page = Vec::with_capacity(limit.min(1024));
        for practice in &self.practices {
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
        Some((matched, page))
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
                let cities: Vec<CityRow> = diesel::sql_query(CITIES).load(conn).await?;
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
        let mut positions: HashMap<i64, u32> = HashMap::with_capacity(cities.len());
        let cities: Vec<PracticeCity> = cities
            .into_iter()
            .zip(0u32..)
            .map(|(row, position)| {
                positions.insert(row.id, position);
                PracticeCity {
                    country: row.country,
                    networks: row.networks,
                }
            })
            .collect();
        let practices = practices
            .into_iter()
            .filter_map(|row| {
                Some(ListedPractice {
                    id: row.id,
                    city: *positions.get(&row.city_id)?,
                    areas: u32::from_ne_bytes(row.areas.to_ne_bytes()),
                })
            })
            .collect();
        Ok(Self {
            practices,
            cities,
            known,
        })
    }
}

/// The published practices' snapshot of one instance.
pub type ListedPractices = Snapshot<PracticeList>;

/// The page of published practices `query` asks for: chosen from the instance's snapshot of
/// the data as `data_version` knows it when it serves the query and is not being read, with
/// the page's Features from PostgreSQL; else from the collection statement. `connect` gives a
/// read connection.
///
/// # Errors
/// 400 naming a filter whose value names nothing, 503 when the database is unavailable, 500
/// when the query fails.
pub async fn page<C: Future<Output = AppResult<DbConn>>>(
    listed: &ListedPractices,
    data_version: &DataVersion,
    connect: impl Fn() -> C,
    query: &CollectionQuery,
    links: &PageLinks,
) -> AppResult<String> {
    let snapshot = if PracticeList::serves(query) {
        listed
            .at_least_unless_loading(data_version.of(KINDS), &connect)
            .await?
    } else {
        None
    };
    let mut conn = connect().await?;
    if let Some(snapshot) = snapshot
        && let Some(page) = snapshot.page(&mut conn, data_version, query, links).await?
    {
        return Ok(page);
    }
    practice::list(&mut conn, query, links).await
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
