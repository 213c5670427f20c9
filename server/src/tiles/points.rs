//! Practice points from zoom [`PRACTICE_CLUSTER_BELOW_ZOOM`](super::sql::PRACTICE_CLUSTER_BELOW_ZOOM)
//! on: the rows of [`PRACTICE_POINTS`](super::sql::PRACTICE_POINTS) written as the tile's
//! `practices` layer, with the properties `ST_AsMVT` gave them from `tile_points.props` (the
//! slug, `cluster` false, one `area_<slug>` flag per policy area, `-` written `_`).

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Nullable, Text};

use super::TileCoord;
use super::mvt::{PointLayer, TileGrid, Value};

/// One row of the statement: a practice's point (Web Mercator), slug and policy areas.
#[derive(Debug, QueryableByName)]
pub struct PointRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    x: f64,
    #[diesel(sql_type = Double)]
    y: f64,
    #[diesel(sql_type = Nullable<Text>)]
    slug: Option<String>,
    #[diesel(sql_type = Array<Text>)]
    areas: Vec<String>,
}

/// The property keys of a practice point: `slug`, `cluster`, then one flag per policy area
/// (in the areas' order), read with the tile occupancy at the same data version; a cluster
/// tile has `count` besides, and a cluster's `area_<slug>` is the count of its practices with
/// that area.
#[derive(Debug, Default)]
pub struct PointKeys {
    /// The policy areas' slugs.
    areas: Vec<String>,
    /// The keys in a cluster tile: `slug`, `cluster`, `area_<slug>` for each of `areas`,
    /// `count`; a point tile has all but the last.
    keys: Vec<String>,
}

/// The keys of a practice point before its area flags.
const SLUG: usize = 0;
const CLUSTER: usize = 1;
const FIRST_AREA: usize = 2;

impl PointKeys {
    /// The keys for the policy areas `areas` (slugs, in their order).
    #[must_use]
    pub fn new(areas: Vec<String>) -> Self {
        let mut keys = vec!["slug".to_owned(), "cluster".to_owned()];
        keys.extend(
            areas
                .iter()
                .map(|area| format!("area_{}", area.replace('-', "_"))),
        );
        keys.push("count".to_owned());
        Self { areas, keys }
    }
}

impl PointKeys {
    /// The policy areas' slugs, in their order.
    #[must_use]
    pub fn areas(&self) -> &[String] {
        &self.areas
    }

    /// The flags of `areas` (slugs): bit `i` for the `i`-th policy area.
    fn flags(&self, areas: &[String]) -> u64 {
        let mut own = 0u64;
        // A practice has one to three of the dozen areas: look each of them up once.
        for area in areas {
            if let Some(i) = self.areas.iter().position(|a| a == area) {
                own |= 1 << (i % 64);
            }
        }
        own
    }

    /// A layer of practice points with these keys.
    #[must_use]
    pub fn layer(&self) -> PointLayer<'_> {
        PointLayer::new(self.keys.split_last().map_or(&[], |(_, point)| point))
    }

    /// A layer of practice clusters (and of the points alone in their cell) with these keys.
    #[must_use]
    pub fn cluster_layer(&self) -> PointLayer<'_> {
        PointLayer::new(&self.keys)
    }

    /// Adds the cluster `id` at grid position `at` to `layer` (made by [`Self::cluster_layer`]):
    /// `cluster` true, the `count` of its practices, and per policy area how many of them have
    /// it (`area_counts[i]`: the `i`-th area).
    pub fn add_cluster<'k>(
        &'k self,
        layer: &mut PointLayer<'k>,
        id: u64,
        at: (i32, i32),
        count: u64,
        area_counts: &[u64],
    ) {
        let counts = (0..self.areas.len()).map(|i| {
            (
                FIRST_AREA + i,
                Value::UInt(area_counts.get(i).copied().unwrap_or(0)),
            )
        });
        layer.add(
            id,
            at,
            [
                (CLUSTER, Value::Bool(true)),
                (FIRST_AREA + self.areas.len(), Value::UInt(count)),
            ]
            .into_iter()
            .chain(counts),
        );
    }

    /// Adds the practice `id` at grid position `at` to `layer`: its `slug`, `cluster` false and
    /// the flag of each policy area, set for the bits of `areas` (bit `i`: the `i`-th area).
    pub fn add<'k>(
        &'k self,
        layer: &mut PointLayer<'k>,
        id: u64,
        at: (i32, i32),
        slug: Option<&'k str>,
        areas: u64,
    ) {
        let slug = slug.map(|slug| (SLUG, Value::Text(slug)));
        let flags = (0..self.areas.len())
            .map(|i| (FIRST_AREA + i, Value::Bool(areas & (1 << (i % 64)) != 0)));
        layer.add(
            id,
            at,
            slug.into_iter()
                .chain([(CLUSTER, Value::Bool(false))])
                .chain(flags),
        );
    }
}

/// The tile of `coord` holding `rows` as its `practices` layer (empty without points), in the
/// order of their ids (as the instance's snapshot writes it, [`practices`](super::practices)).
#[must_use]
pub fn tile(coord: TileCoord, keys: &PointKeys, rows: &mut [PointRow]) -> Vec<u8> {
    rows.sort_unstable_by_key(|row| row.id);
    let grid = TileGrid::new(coord.z, coord.x, coord.y);
    let mut layer = keys.layer();
    for row in rows.iter() {
        let (Ok(id), Some(at)) = (u64::try_from(row.id), grid.place(row.x, row.y)) else {
            continue;
        };
        keys.add(
            &mut layer,
            id,
            at,
            row.slug.as_deref(),
            keys.flags(&row.areas),
        );
    }
    layer.finish("practices")
}
