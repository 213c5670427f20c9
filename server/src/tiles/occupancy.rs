//! Which tiles can hold a point at all, known without asking PostGIS to build them.
//!
//! Most tiles of the world are empty (204), and an unfiltered empty tile is empty for every
//! filter. The occupancy is the set of tiles of zoom 0 to [`CELL_ZOOM`] whose envelope, widened
//! by the buffer, may hold a published city or practice; a tile of a higher zoom lies inside
//! one of them. It is loaded from the database with the data version it belongs to (one
//! statement, one snapshot) and loaded again when the instance learns of a newer version of
//! what the point layers show (a practice's texts or a city's profile change neither), so
//! it is never older than the tile cache would be: right after a write, on every instance.
//! It errs on the side of "occupied" (neighbouring tiles count too), never the other way.
//!
//! The snapshot also holds the property keys of the practices' points (one flag per policy
//! area, [`PointKeys`]), read by the same statement, so a point tile written in Haven names the
//! areas of the data version it shows without asking for them per tile.

use std::sync::{Arc, Mutex, PoisonError};

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::points::PointKeys;
use super::{Layer, TileCoord};
use crate::db::data_version::Kinds;

/// The kinds of data the occupancy (and the point keys it holds) follows: what the point
/// layers show, not every change of the data.
#[must_use]
pub fn fed_by() -> Kinds {
    Layer::Cities.fed_by().and(Layer::Practices.fed_by())
}

/// The zoom whose tiles are the finest occupancy cells: the zoom-6 cluster cells of
/// `tile_points` (32 per tile side, so 2048 per world side, as many as tiles at zoom 11).
pub const CELL_ZOOM: u8 = 11;

/// Cells per side of the world at [`CELL_ZOOM`].
const CELLS: u32 = 1 << CELL_ZOOM;

/// The policy areas' slugs in their order, as an array (of [`LOAD`] and [`POLICY_AREAS`]).
macro_rules! policy_area_slugs {
    () => {
        "ARRAY(SELECT slug::text FROM policy_areas ORDER BY position) AS policy_areas"
    };
}

/// Occupied cells (`gx * 2048 + gy` at [`CELL_ZOOM`]) of practices and of published cities,
/// and the policy areas in their order, with the data version they were read at.
const LOAD: &str = concat!(
    "
SELECT (SELECT version FROM data_version) AS version,
       ARRAY(SELECT gx * 2048 + gy FROM tile_cells) AS practices,
       ARRAY(SELECT DISTINCT tile_cell_x(g) * 2048 + tile_cell_y(g)
             FROM (SELECT ST_Transform(geom, 3857) AS g FROM cities
                   WHERE published AND ST_Y(geom) BETWEEN -85.0511287798066 AND 85.0511287798066) c
       ) AS cities,
       ",
    policy_area_slugs!()
);

/// The policy areas in their order, alone.
const POLICY_AREAS: &str = concat!("SELECT ", policy_area_slugs!());

#[derive(QueryableByName)]
struct PolicyAreas {
    #[diesel(sql_type = Array<Text>)]
    policy_areas: Vec<String>,
}

#[derive(QueryableByName)]
struct Loaded {
    #[diesel(sql_type = BigInt)]
    version: i64,
    #[diesel(sql_type = Array<Integer>)]
    practices: Vec<i32>,
    #[diesel(sql_type = Array<Integer>)]
    cities: Vec<i32>,
    #[diesel(sql_type = Array<Text>)]
    policy_areas: Vec<String>,
}

/// The tiles (of zoom 0 to [`CELL_ZOOM`]) that may hold points, per point layer.
#[derive(Debug, Default)]
struct Snapshot {
    version: i64,
    practices: TileSet,
    cities: TileSet,
    point_keys: Arc<PointKeys>,
}

/// A set of tiles of zoom 0 to [`CELL_ZOOM`]: one bit per tile (700 KB), so that marking the
/// 200,000 tiles of a snapshot of 100,000 practices takes a millisecond, not the tens of
/// milliseconds a hash set took, while every tile that misses the cache waits for it.
#[derive(Debug)]
struct TileSet {
    bits: Vec<u64>,
}

impl Default for TileSet {
    fn default() -> Self {
        // Tiles of zoom 0 to CELL_ZOOM: (4^(CELL_ZOOM + 1) - 1) / 3.
        let tiles = ((1usize << (2 * (usize::from(CELL_ZOOM) + 1))) - 1) / 3;
        Self {
            bits: vec![0; tiles.div_ceil(64)],
        }
    }
}

impl TileSet {
    /// The bit of tile z/x/y: the tiles of lower zooms come first, then row by row.
    fn index(z: u8, x: u32, y: u32) -> usize {
        let before = ((1usize << (2 * usize::from(z))) - 1) / 3;
        before + ((y as usize) << z) + x as usize
    }

    fn insert(&mut self, z: u8, x: u32, y: u32) {
        let i = Self::index(z, x, y);
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    fn contains(&self, z: u8, x: u32, y: u32) -> bool {
        let i = Self::index(z, x, y);
        self.bits
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }
}

/// Every tile of zoom 0 to [`CELL_ZOOM`] whose buffered envelope may reach the cell `cell`.
fn mark(set: &mut TileSet, cell: i32) {
    let Ok(cell) = u32::try_from(cell) else {
        return;
    };
    let (gx, gy) = (cell / CELLS, cell % CELLS);
    for z in 0..=CELL_ZOOM {
        let shift = CELL_ZOOM - z;
        let cells = 1u32 << shift;
        let tiles = 1u32 << z;
        // The buffer is 1/64 of a tile; one cell more absorbs rounding at the edges.
        let margin = (cells >> 6).max(1) + 1;
        let around = |c: u32| -> [Option<u32>; 3] {
            let tile = c >> shift;
            let offset = c & (cells - 1);
            [
                (offset < margin && tile > 0).then(|| tile - 1),
                Some(tile),
                (offset + margin >= cells && tile + 1 < tiles).then(|| tile + 1),
            ]
        };
        for x in around(gx).into_iter().flatten() {
            for y in around(gy).into_iter().flatten() {
                set.insert(z, x, y);
            }
        }
    }
}

impl Snapshot {
    fn from(loaded: Loaded) -> Self {
        let mut snapshot = Self {
            version: loaded.version,
            point_keys: Arc::new(PointKeys::new(loaded.policy_areas)),
            ..Self::default()
        };
        for cell in loaded.practices {
            mark(&mut snapshot.practices, cell);
        }
        for cell in loaded.cities {
            mark(&mut snapshot.cities, cell);
        }
        snapshot
    }

    fn may_hold(&self, layer: Layer, coord: TileCoord) -> bool {
        let set = match layer {
            Layer::Practices => &self.practices,
            Layer::Cities => &self.cities,
            Layer::Basemap => return true,
        };
        let (z, x, y) = if coord.z > CELL_ZOOM {
            let shift = coord.z - CELL_ZOOM;
            (CELL_ZOOM, coord.x >> shift, coord.y >> shift)
        } else {
            (coord.z, coord.x, coord.y)
        };
        set.contains(z, x, y)
    }
}

/// The occupancy of one instance, replaced when the data version moves on.
#[derive(Debug, Default)]
pub struct Occupancy {
    current: Mutex<Option<Arc<Snapshot>>>,
    /// Held while a snapshot is loaded: of the requests that find it stale at once (after a
    /// start or a write) one loads it and the others go to the database without it, instead
    /// of each running the load (with a million practices a load reads 48,000 cells and 20,000
    /// cities, and 32 of them at once took seconds) or all waiting for the one.
    loading: tokio::sync::Mutex<()>,
}

impl Occupancy {
    /// Whether the unfiltered tile `coord` of `layer` may hold a feature at data version
    /// `version` (or later); `false` means it is empty for every filter. The basemap always
    /// may.
    ///
    /// # Errors
    /// When the occupancy has to be loaded and the query fails.
    pub async fn may_hold(
        &self,
        conn: &mut AsyncPgConnection,
        version: i64,
        layer: Layer,
        coord: TileCoord,
    ) -> diesel::QueryResult<bool> {
        if layer == Layer::Basemap {
            return Ok(true);
        }
        if let Some(snapshot) = self.fresh(version) {
            return Ok(snapshot.may_hold(layer, coord));
        }
        // One request loads the snapshot of a new version; the others do not wait for it (after
        // every write, all the tiles that missed the cache did): they ask the database for
        // their tile, which finds an empty one empty too.
        let Ok(_loading) = self.loading.try_lock() else {
            return Ok(true);
        };
        if let Some(snapshot) = self.fresh(version) {
            return Ok(snapshot.may_hold(layer, coord)); // loaded just before
        }
        Ok(self.load(conn).await?.may_hold(layer, coord))
    }

    /// The property keys of the practices' points at data version `version` (or later): the
    /// snapshot's, or read for this tile while the snapshot of a new version is being loaded.
    ///
    /// # Errors
    /// When the keys have to be read and the query fails.
    pub async fn point_keys(
        &self,
        conn: &mut AsyncPgConnection,
        version: i64,
    ) -> diesel::QueryResult<Arc<PointKeys>> {
        if let Some(snapshot) = self.fresh(version) {
            return Ok(Arc::clone(&snapshot.point_keys));
        }
        let read: PolicyAreas = diesel::sql_query(POLICY_AREAS).get_result(conn).await?;
        Ok(Arc::new(PointKeys::new(read.policy_areas)))
    }

    /// Loads the snapshot of the current data version and keeps it unless a newer one came.
    async fn load(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<Arc<Snapshot>> {
        let loaded: Loaded = diesel::sql_query(LOAD).get_result(conn).await?;
        // Marking the tiles of every occupied cell takes milliseconds of one core (with
        // 100,000 practices, 5 ms): off the runtime's threads, so the requests they serve do
        // not wait behind it.
        let snapshot = Arc::new(
            tokio::task::spawn_blocking(move || Snapshot::from(loaded))
                .await
                .map_err(|error| diesel::result::Error::QueryBuilderError(Box::new(error)))?,
        );
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current
            .as_ref()
            .is_none_or(|c| c.version < snapshot.version)
        {
            *current = Some(Arc::clone(&snapshot));
        }
        Ok(snapshot)
    }

    /// The snapshot when it is at least as new as `version`.
    fn fresh(&self, version: i64) -> Option<Arc<Snapshot>> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|snapshot| snapshot.version >= version)
            .cloned()
    }

    /// The answer of a fresh snapshot, if there is one.
    #[must_use]
    pub fn known(&self, version: i64, layer: Layer, coord: TileCoord) -> Option<bool> {
        if layer == Layer::Basemap {
            return Some(true);
        }
        self.fresh(version).map(|s| s.may_hold(layer, coord))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(cells: &[(u32, u32)]) -> Snapshot {
        let mut s = Snapshot::default();
        for (gx, gy) in cells {
            mark(&mut s.practices, i32::try_from(gx * CELLS + gy).unwrap());
        }
        s
    }

    #[test]
    fn a_tile_set_has_one_bit_per_tile_of_every_zoom() {
        let mut set = TileSet::default();
        let last = (1 << CELL_ZOOM) - 1;
        assert_eq!(
            TileSet::index(CELL_ZOOM, last, last) / 64,
            set.bits.len() - 1
        );
        assert_eq!(TileSet::index(1, 0, 0), 1, "zoom 0 has one tile");
        assert_eq!(TileSet::index(2, 0, 0), 5);
        for (z, x, y) in [(0, 0, 0), (1, 1, 0), (5, 3, 17), (CELL_ZOOM, last, last)] {
            assert!(!set.contains(z, x, y));
            set.insert(z, x, y);
            assert!(set.contains(z, x, y));
        }
        assert!(!set.contains(1, 0, 1) && !set.contains(5, 17, 3));
        assert!(!set.contains(CELL_ZOOM, last - 1, last));
    }

    fn holds(s: &Snapshot, z: u8, x: u32, y: u32) -> bool {
        s.may_hold(Layer::Practices, TileCoord { z, x, y })
    }

    #[test]
    fn a_cell_occupies_its_tiles_at_every_zoom_and_their_buffered_neighbours() {
        let s = snapshot(&[(1060, 680)]);
        assert!(holds(&s, 0, 0, 0));
        assert!(holds(&s, 11, 1060, 680));
        assert!(holds(&s, 11, 1061, 681), "neighbours of a zoom-11 cell");
        assert!(!holds(&s, 11, 1063, 680));
        assert!(holds(&s, 14, 1060 * 8 + 3, 680 * 8 + 7), "inside it");
        assert!(!holds(&s, 14, 1070 * 8, 680 * 8));
        // 1060 is in the middle of its zoom-5 tile (16), far from its edges.
        assert!(holds(&s, 5, 16, 10));
        assert!(!holds(&s, 5, 17, 10));
        assert!(!holds(&s, 5, 15, 10));
        assert!(!holds(&s, 1, 0, 0) && holds(&s, 1, 1, 0));
        assert!(!holds(&s, 3, 0, 0));
        assert!(s.may_hold(Layer::Basemap, TileCoord { z: 3, x: 0, y: 0 }));
    }

    #[test]
    fn a_cell_at_a_tile_edge_occupies_the_tile_across() {
        // Cell 1024 starts the right half of the world: the left half's buffer reaches it.
        let s = snapshot(&[(1024, 200)]);
        assert!(holds(&s, 1, 0, 0) && holds(&s, 1, 1, 0));
        assert!(!holds(&s, 1, 0, 1));
    }
}
