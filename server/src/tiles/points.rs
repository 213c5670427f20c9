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
/// (in the areas' order), read with the tile occupancy at the same data version.
#[derive(Debug, Default)]
pub struct PointKeys {
    /// The policy areas' slugs.
    areas: Vec<String>,
    /// The keys in the tile: `slug`, `cluster`, `area_<slug>` for each of `areas`.
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
        Self { areas, keys }
    }
}

/// The tile of `coord` holding `rows` as its `practices` layer (empty without points).
#[must_use]
pub fn tile(coord: TileCoord, keys: &PointKeys, rows: &[PointRow]) -> Vec<u8> {
    let grid = TileGrid::new(coord.z, coord.x, coord.y);
    let mut layer = PointLayer::new(&keys.keys);
    for row in rows {
        let (Ok(id), Some(at)) = (u64::try_from(row.id), grid.place(row.x, row.y)) else {
            continue;
        };
        // A practice has one to three of the dozen areas: look each of them up once.
        let mut own = 0u64;
        for area in &row.areas {
            if let Some(i) = keys.areas.iter().position(|a| a == area) {
                own |= 1 << (i % 64);
            }
        }
        let slug = row.slug.as_deref().map(|slug| (SLUG, Value::Text(slug)));
        let flags = (0..keys.areas.len())
            .map(|i| (FIRST_AREA + i, Value::Bool(own & (1 << (i % 64)) != 0)));
        layer.add(
            id,
            at,
            slug.into_iter()
                .chain([(CLUSTER, Value::Bool(false))])
                .chain(flags),
        );
    }
    layer.finish("practices")
}
