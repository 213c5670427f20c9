//! The cities' tiles, written in Haven from a snapshot of every listed city.
//!
//! The cities layer is small (hundreds of cities, twenty thousand at ten times the data) and
//! every one of its tiles read the same per-city summary (`city_stats`): below zoom 6 a tile
//! grouped all the cities of its extent into cells, with one `jsonb` object per feature, and
//! took 13–40 ms in PostGIS. Every change of a city, its memberships or demands drops the
//! tiles that hold it, at every zoom, so these were the tiles most often built anew.
//!
//! So an instance keeps the listed cities in memory, read with the data version they belong
//! to (one statement in one snapshot, [`LOAD`]), loaded again when it learns of a newer
//! version: one request loads it, the others wait for it (a few milliseconds) instead of each
//! asking PostGIS for its tile. A tile is then the cities of its extent, filtered and grouped
//! here exactly as [`CITIES`](super::sql::CITIES) does it in SQL (same cells, same ids, same
//! properties, tested tile by tile against it), without a database round trip. A region
//! filter, which names regions the snapshot does not hold, still takes the statement.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Double, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::mvt::{BUFFER, EXTENT, Envelope, HALF_WORLD, PointLayer, TileGrid, Value, mercator};
use super::sql::{CITY_CLUSTER_BELOW_ZOOM, CLUSTER_CELLS, CLUSTER_ID_BASE};
use super::{Layer, TileCoord};
use crate::db::data_version::{Extent, Kinds};
use crate::db::snapshot::{Loaded, Since, Snapshot, changed_since};
use crate::error::AppResult;
use crate::query::{AreaMatch, Filters, KnownValues};

/// The listed cities drawn on the map (those inside Web Mercator's latitudes) with their
/// Web Mercator point and the summary the tiles show.
macro_rules! listed_cities {
    () => {
        "
SELECT c.id, ST_X(p.g) AS x, ST_Y(p.g) AS y, c.slug::text AS slug, c.name, c.kind,
       c.country::text AS country, cs.networks, cs.areas,
       cs.safe_harbour IS NOT NULL AS safe_harbour, cs.alliance, cs.practice_count
FROM cities c
JOIN city_stats cs ON cs.city_id = c.id AND cs.listed
CROSS JOIN LATERAL (SELECT ST_Transform(c.geom, 3857) AS g) p
WHERE ST_Y(c.geom) BETWEEN -85.0511287798066 AND 85.0511287798066"
    };
}

/// Every listed city.
const LOAD: &str = listed_cities!();

/// The listed cities among the ids `$1` or in the WGS 84 boxes `$2`..`$5` (west, south, east
/// and north edges): one index scan per box.
const IN_BOXES: &str = concat!(
    listed_cities!(),
    "
  AND c.id IN (SELECT unnest($1::bigint[])
               UNION ALL
               SELECT n.id FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::float8[]) b(w, s, e, n)
               JOIN cities n ON n.geom && ST_MakeEnvelope(b.w, b.s, b.e, b.n, 4326))"
);

/// Above this many boxes changed since the last snapshot, the next one is read whole.
const MOST_BOXES_UPDATED: usize = 256;

/// How far (in Web Mercator metres) a kept city may lie outside a change's box and still be
/// read again: room for the rounding between PostGIS's projection and this one.
const ROUNDING: f64 = 16.0;

#[derive(QueryableByName)]
struct CityRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    x: f64,
    #[diesel(sql_type = Double)]
    y: f64,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Array<Text>)]
    networks: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    areas: Vec<String>,
    #[diesel(sql_type = Bool)]
    safe_harbour: bool,
    #[diesel(sql_type = Bool)]
    alliance: bool,
    #[diesel(sql_type = BigInt)]
    practice_count: i64,
}

/// A listed city as its tiles show it; its networks and policy areas as indexes into the
/// snapshot's lists.
#[derive(Debug)]
struct City {
    id: u64,
    x: f64,
    y: f64,
    slug: String,
    name: String,
    kind: String,
    country: String,
    networks: Vec<u16>,
    areas: Vec<u16>,
    safe_harbour: bool,
    alliance: bool,
    practice_count: u64,
}

impl City {
    /// The map's colour class of the city (the SQL's `category`).
    fn category(&self) -> &'static str {
        match (self.safe_harbour, self.alliance, !self.networks.is_empty()) {
            (true, true, _) => "safe_harbour_alliance",
            (true, false, _) => "safe_harbour",
            (false, _, true) => "network_member",
            (false, _, false) => "no_network",
        }
    }
}

/// Keys of the layer before the per-area and per-network ones.
const SLUG: usize = 0;
const NAME: usize = 1;
const KIND: usize = 2;
const COUNTRY: usize = 3;
const SAFE_HARBOUR: usize = 4;
const ALLIANCE: usize = 5;
const PRACTICE_COUNT: usize = 6;
const CLUSTER: usize = 7;
const CATEGORY: usize = 8;
const COUNT: usize = 9;
const SAFE_HARBOUR_COUNT: usize = 10;
const FIRST_AREA: usize = 11;
const FIXED_KEYS: [&str; FIRST_AREA] = [
    "slug",
    "name",
    "kind",
    "country",
    "safe_harbour",
    "alliance",
    "practice_count",
    "cluster",
    "category",
    "count",
    "safe_harbour_count",
];

/// The listed cities of one data version, sorted by their Web Mercator x.
#[derive(Debug)]
pub struct CityPoints {
    /// Shared with the snapshots made from this one where they did not change.
    cities: Vec<Arc<City>>,
    /// The policy areas, networks and countries of the snapshot's data version.
    known: KnownValues,
    /// [`FIXED_KEYS`], then `area_<slug>` per policy area, then `net_<slug>` per network.
    keys: Vec<String>,
}

/// Which cities a filter selects, by indexes into the snapshot's lists.
struct Selection<'f> {
    countries: &'f [String],
    networks: Option<Vec<u16>>,
    /// Any of these areas, or (`all`) all of them; `None` when an area the filter names is
    /// not in the snapshot and all are wanted: no city matches.
    areas: Option<Option<Vec<u16>>>,
    all_areas: bool,
}

impl Selection<'_> {
    fn selects(&self, city: &City) -> bool {
        if !self.countries.is_empty() && !self.countries.contains(&city.country) {
            return false;
        }
        if let Some(networks) = &self.networks
            && !city.networks.iter().any(|n| networks.contains(n))
        {
            return false;
        }
        match &self.areas {
            None => true,
            Some(None) => false,
            Some(Some(areas)) if self.all_areas => areas.iter().all(|a| city.areas.contains(a)),
            Some(Some(areas)) => city.areas.iter().any(|a| areas.contains(a)),
        }
    }
}

/// The index of `name` in `list`.
fn index(list: &[String], name: &str) -> Option<u16> {
    list.iter()
        .position(|known| known == name)
        .and_then(|i| u16::try_from(i).ok())
}

/// The indexes of `names` in `list`; `None` when a name is not in it.
fn indexes(list: &[String], names: &[String]) -> Option<Vec<u16>> {
    names.iter().map(|name| index(list, name)).collect()
}

/// The indexes of those of `names` that are in `list`.
fn known_indexes(list: &[String], names: &[String]) -> Vec<u16> {
    names.iter().filter_map(|name| index(list, name)).collect()
}

/// A group of cities in one cluster cell of a tile.
struct Cell {
    /// The city of the smallest id (the one shown when the cell holds one city).
    first: usize,
    count: u64,
    safe_harbours: u64,
    practices: u64,
    x: f64,
    y: f64,
    areas: Vec<u64>,
}

impl City {
    /// The city of `row`, its networks and policy areas as indexes into `known`'s lists.
    fn of(known: &KnownValues, row: CityRow) -> Option<Self> {
        Some(Self {
            id: u64::try_from(row.id).ok()?,
            x: row.x,
            y: row.y,
            networks: known_indexes(&known.networks, &row.networks),
            areas: known_indexes(&known.policy_areas, &row.areas),
            slug: row.slug,
            name: row.name,
            kind: row.kind,
            country: row.country,
            safe_harbour: row.safe_harbour,
            alliance: row.alliance,
            practice_count: u64::try_from(row.practice_count).unwrap_or(0),
        })
    }
}

impl CityPoints {
    fn new(known: KnownValues, rows: Vec<CityRow>) -> Self {
        let cities = rows
            .into_iter()
            .filter_map(|row| City::of(&known, row).map(Arc::new))
            .collect();
        Self::with(known, cities)
    }

    /// The snapshot of `known` with `cities` (in any order).
    fn with(known: KnownValues, mut cities: Vec<Arc<City>>) -> Self {
        cities.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut keys: Vec<String> = FIXED_KEYS.iter().map(|&k| k.to_owned()).collect();
        keys.extend(
            known
                .policy_areas
                .iter()
                .map(|a| format!("area_{}", a.replace('-', "_"))),
        );
        keys.extend(
            known
                .networks
                .iter()
                .map(|n| format!("net_{}", n.replace('-', "_"))),
        );
        Self {
            cities,
            known,
            keys,
        }
    }

    /// Whether the snapshot can draw tiles with `filter` (a region filter needs the database).
    #[must_use]
    pub fn serves(filter: &Filters) -> bool {
        filter.region.is_none()
    }

    /// Checks the values of `filter` against the policy areas, networks and countries of the
    /// snapshot's data version, as [`Filters::check`] does in the database; `None` for a
    /// region filter, which only the database can check.
    #[must_use]
    pub fn check(&self, filter: &Filters) -> Option<AppResult<()>> {
        filter.check_in(&self.known)
    }

    fn selection<'f>(&self, filter: &'f Filters) -> Selection<'f> {
        Selection {
            countries: &filter.countries,
            networks: (!filter.networks.is_empty())
                .then(|| known_indexes(&self.known.networks, &filter.networks)),
            areas: (!filter.policy_areas.is_empty()).then(|| {
                if filter.policy_area_match == AreaMatch::All {
                    indexes(&self.known.policy_areas, &filter.policy_areas)
                } else {
                    Some(known_indexes(
                        &self.known.policy_areas,
                        &filter.policy_areas,
                    ))
                }
            }),
            all_areas: filter.policy_area_match == AreaMatch::All,
        }
    }

    /// The indexes of the cities whose x lies in `xmin..=xmax`.
    fn between(&self, xmin: f64, xmax: f64) -> std::ops::Range<usize> {
        let start = self.cities.partition_point(|c| c.x < xmin);
        let end = self.cities.partition_point(|c| c.x <= xmax);
        start..end.max(start)
    }

    /// The tile of `coord` holding the cities `filter` selects as its `cities` layer (empty
    /// without any): below zoom 6 grouped by cells of the tile's grid, a cell of one city
    /// being the city itself.
    #[must_use]
    pub fn tile(&self, coord: TileCoord, filter: &Filters) -> Vec<u8> {
        let selection = self.selection(filter);
        let grid = TileGrid::new(coord.z, coord.x, coord.y);
        let envelope = Envelope::of(coord.z, coord.x, coord.y);
        let mut layer = PointLayer::with_shared_texts(&self.keys);
        if coord.z >= CITY_CLUSTER_BELOW_ZOOM {
            let margin = (envelope.xmax - envelope.xmin) * f64::from(BUFFER) / f64::from(EXTENT);
            let near = self.between(envelope.xmin - margin, envelope.xmax + margin);
            for city in self.cities.get(near).unwrap_or_default() {
                if selection.selects(city)
                    && let Some(at) = grid.place(city.x, city.y)
                {
                    self.add_city(&mut layer, city, at);
                }
            }
            return layer.finish("cities");
        }
        // The cells of the whole world's grid at this zoom, as the statement computes them.
        let cell = 2.0 * HALF_WORLD / (f64::from(CLUSTER_CELLS) * f64::from(1u32 << coord.z));
        // In the order of their cell numbers, so that every instance writes the same bytes
        // (and ETag) for the same tile.
        let mut cells: BTreeMap<(i64, i64), Cell> = BTreeMap::new();
        for i in self.between(envelope.xmin, envelope.xmax) {
            let city = &self.cities[i];
            if !envelope.holds(city.x, city.y) || !selection.selects(city) {
                continue;
            }
            // Whole cell numbers of a grid of at most 1024 cells per side.
            #[allow(clippy::cast_possible_truncation)]
            let at = (
                ((city.x + HALF_WORLD) / cell).floor() as i64,
                ((HALF_WORLD - city.y) / cell).floor() as i64,
            );
            let group = cells.entry(at).or_insert_with(|| Cell {
                first: i,
                count: 0,
                safe_harbours: 0,
                practices: 0,
                x: 0.0,
                y: 0.0,
                areas: vec![0; self.known.policy_areas.len()],
            });
            if city.id < self.cities[group.first].id {
                group.first = i;
            }
            group.count += 1;
            group.safe_harbours += u64::from(city.safe_harbour);
            group.practices += city.practice_count;
            group.x += city.x;
            group.y += city.y;
            for a in &city.areas {
                if let Some(count) = group.areas.get_mut(usize::from(*a)) {
                    *count += 1;
                }
            }
        }
        let side = u64::from(CLUSTER_CELLS) << coord.z;
        for ((gx, gy), group) in &cells {
            if group.count == 1 {
                let city = &self.cities[group.first];
                if let Some(at) = grid.place(city.x, city.y) {
                    self.add_city(&mut layer, city, at);
                }
                continue;
            }
            #[allow(clippy::cast_precision_loss)]
            let n = group.count as f64;
            let (Some(at), Ok(gx), Ok(gy)) = (
                grid.place(group.x / n, group.y / n),
                u64::try_from(*gx),
                u64::try_from(*gy),
            ) else {
                continue;
            };
            let id = CLUSTER_ID_BASE.unsigned_abs() + gy * side + gx;
            let areas = group
                .areas
                .iter()
                .enumerate()
                .map(|(a, count)| (FIRST_AREA + a, Value::UInt(*count)));
            layer.add(
                id,
                at,
                [
                    (CLUSTER, Value::Bool(true)),
                    (COUNT, Value::UInt(group.count)),
                    (SAFE_HARBOUR_COUNT, Value::UInt(group.safe_harbours)),
                    (PRACTICE_COUNT, Value::UInt(group.practices)),
                ]
                .into_iter()
                .chain(areas),
            );
        }
        layer.finish("cities")
    }

    fn add_city<'k>(&'k self, layer: &mut PointLayer<'k>, city: &'k City, at: (i32, i32)) {
        let first_network = FIRST_AREA + self.known.policy_areas.len();
        let has = |own: &[u16], i: usize| own.iter().any(|&o| usize::from(o) == i);
        let areas = (0..self.known.policy_areas.len())
            .map(move |a| (FIRST_AREA + a, Value::Bool(has(&city.areas, a))));
        let networks = (0..self.known.networks.len())
            .map(move |n| (first_network + n, Value::Bool(has(&city.networks, n))));
        layer.add(
            city.id,
            at,
            [
                (SLUG, Value::Text(&city.slug)),
                (NAME, Value::Text(&city.name)),
                (KIND, Value::Text(&city.kind)),
                (COUNTRY, Value::Text(&city.country)),
                (SAFE_HARBOUR, Value::Bool(city.safe_harbour)),
                (ALLIANCE, Value::Bool(city.alliance)),
                (PRACTICE_COUNT, Value::UInt(city.practice_count)),
                (CLUSTER, Value::Bool(false)),
                (CATEGORY, Value::Text(city.category())),
            ]
            .into_iter()
            .chain(areas)
            .chain(networks),
        );
    }
}

/// The snapshot of one instance, replaced when the data version moves on.
pub type CityLayer = Snapshot<CityPoints>;

impl Loaded for CityPoints {
    fn version(&self) -> i64 {
        self.known.version
    }

    /// Reads the listed cities and the lists their keys name, in one snapshot of the database.
    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        let (known, rows) = conn
            .build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let known = KnownValues::read(conn).await?;
                let rows: Vec<CityRow> = diesel::sql_query(LOAD).load(conn).await?;
                Ok::<_, diesel::result::Error>((known, rows))
            })
            .await?;
        Ok(Self::new(known, rows))
    }

    /// Reads again only the cities in the boxes of the changes since this snapshot (their old
    /// and new positions, as the tiles are dropped by them) and shares the others; `None`
    /// (read it whole) when the policy areas, networks or countries changed, a change is not
    /// confined to boxes, or more than 256 boxes changed. A city this snapshot holds in or
    /// near a box is read again by its id (or left out when it is no longer listed), so one
    /// that left the boxes is not kept twice.
    async fn update(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<Option<Self>> {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let Some(Since { known, boxes, .. }) = changed_since(
                    conn,
                    &self.known,
                    Layer::Cities.fed_by(),
                    Kinds::NONE,
                    MOST_BOXES_UPDATED,
                )
                .await?
                else {
                    return Ok(None);
                };
                if boxes.is_empty() {
                    return Ok(Some(Self::with(known, self.cities.clone())));
                }
                let near: Vec<i64> = self
                    .near(&boxes)
                    .filter_map(|city| i64::try_from(city.id).ok())
                    .collect();
                let [west, south, east, north] = Extent::columns(&boxes);
                let rows: Vec<CityRow> = diesel::sql_query(IN_BOXES)
                    .bind::<Array<BigInt>, _>(&near)
                    .bind::<Array<Double>, _>(west)
                    .bind::<Array<Double>, _>(south)
                    .bind::<Array<Double>, _>(east)
                    .bind::<Array<Double>, _>(north)
                    .load(conn)
                    .await?;
                let read: Vec<Arc<City>> = rows
                    .into_iter()
                    .filter_map(|row| City::of(&known, row).map(Arc::new))
                    .collect();
                let replaced: HashSet<u64> = near
                    .iter()
                    .filter_map(|&id| u64::try_from(id).ok())
                    .chain(read.iter().map(|city| city.id))
                    .collect();
                let mut cities: Vec<Arc<City>> = self
                    .cities
                    .iter()
                    .filter(|city| !replaced.contains(&city.id))
                    .cloned()
                    .collect();
                cities.extend(read);
                Ok(Some(Self::with(known, cities)))
            })
            .await
    }
}

impl CityPoints {
    /// The cities of this snapshot in or near (within [`ROUNDING`]) one of `boxes`.
    fn near<'s>(&'s self, boxes: &[Extent]) -> impl Iterator<Item = &'s City> + 's {
        let boxes: Vec<(f64, f64, f64, f64)> = boxes
            .iter()
            .map(|b| {
                let (west, south, east, north) = mercator(b);
                (
                    west - ROUNDING,
                    south - ROUNDING,
                    east + ROUNDING,
                    north + ROUNDING,
                )
            })
            .collect();
        self.cities
            .iter()
            .filter(move |city| {
                boxes.iter().any(|&(west, south, east, north)| {
                    (west..=east).contains(&city.x) && (south..=north).contains(&city.y)
                })
            })
            .map(AsRef::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(id: u64, lon: f64, lat: f64, areas: &[u16], networks: &[u16]) -> City {
        let x = lon.to_radians() * 6_378_137.0;
        let y = (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
            .tan()
            .ln()
            * 6_378_137.0;
        City {
            id,
            x,
            y,
            slug: format!("c{id}"),
            name: format!("C{id}"),
            kind: "municipality".to_owned(),
            country: "DE".to_owned(),
            networks: networks.to_vec(),
            areas: areas.to_vec(),
            safe_harbour: id.is_multiple_of(2),
            alliance: false,
            practice_count: id,
        }
    }

    fn points(cities: Vec<City>) -> CityPoints {
        let head = KnownValues {
            version: 1,
            policy_areas: vec!["housing".to_owned(), "work".to_owned()],
            networks: vec!["iash".to_owned()],
            countries: vec!["DE".to_owned(), "PL".to_owned()],
        };
        CityPoints::with(head, cities.into_iter().map(Arc::new).collect())
    }

    fn decoded(tile: &[u8]) -> Vec<mvt_reader::feature::Feature> {
        if tile.is_empty() {
            return Vec::new();
        }
        mvt_reader::Reader::new(tile.to_vec())
            .unwrap()
            .get_features(0)
            .unwrap()
    }

    #[test]
    fn nearby_cities_form_one_cluster_with_counts_and_a_lone_city_stays_itself() {
        let p = points(vec![
            city(1, 6.95, 50.94, &[0], &[]),
            city(2, 6.96, 50.95, &[0, 1], &[0]),
            city(3, 13.06, 52.40, &[1], &[0]),
        ]);
        let features = decoded(&p.tile(TileCoord { z: 3, x: 4, y: 2 }, &Filters::default()));
        assert_eq!(features.len(), 2);
        let cluster = features
            .iter()
            .find(|f| f.id.is_some_and(|id| id >= 1 << 50))
            .unwrap();
        let props = cluster.properties.clone().unwrap();
        use mvt_reader::feature::Value as V;
        assert_eq!(props["count"], V::UInt(2));
        assert_eq!(props["area_housing"], V::UInt(2));
        assert_eq!(props["area_work"], V::UInt(1));
        assert_eq!(props["safe_harbour_count"], V::UInt(1));
        assert_eq!(props["practice_count"], V::UInt(3));
        let lone = features.iter().find(|f| f.id == Some(3)).unwrap();
        let props = lone.properties.clone().unwrap();
        assert_eq!(props["slug"], V::String("c3".into()));
        assert_eq!(props["net_iash"], V::Bool(true));
        assert_eq!(props["category"], V::String("network_member".into()));
    }

    #[test]
    fn filters_select_by_country_network_and_areas() {
        let p = points(vec![
            city(1, 6.95, 50.94, &[0], &[]),
            city(2, 6.96, 50.95, &[0, 1], &[0]),
        ]);
        let at = TileCoord {
            z: 8,
            x: 132,
            y: 85,
        };
        let ids = |filter: Filters| -> Vec<Option<u64>> {
            let mut ids: Vec<_> = decoded(&p.tile(at, &filter)).iter().map(|f| f.id).collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(ids(Filters::default()), [Some(1), Some(2)]);
        let areas = |list: &[&str], all: bool| Filters {
            policy_areas: list.iter().map(|&a| a.to_owned()).collect(),
            policy_area_match: if all { AreaMatch::All } else { AreaMatch::Any },
            ..Filters::default()
        };
        assert_eq!(ids(areas(&["work"], false)), [Some(2)]);
        assert_eq!(ids(areas(&["housing", "work"], false)), [Some(1), Some(2)]);
        assert_eq!(ids(areas(&["housing", "work"], true)), [Some(2)]);
        assert!(ids(areas(&["housing", "health"], true)).is_empty());
        let networks = Filters {
            networks: vec!["iash".to_owned()],
            ..Filters::default()
        };
        assert_eq!(ids(networks), [Some(2)]);
        let countries = Filters {
            countries: vec!["PL".to_owned()],
            ..Filters::default()
        };
        assert!(ids(countries).is_empty());
    }
}
