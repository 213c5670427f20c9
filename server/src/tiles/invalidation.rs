//! Which tiles a change of the data touches.
//!
//! A change names the kinds of data it changed and the lon/lat boxes of the changed features,
//! old and new positions ([`Change`]). A tile is touched when its layer is fed by one of those
//! kinds and its envelope, widened by the tile buffer, meets one of the boxes. At the cluster
//! zooms a cluster is drawn at the centroid of its grid cell, which moves when any of its
//! points changes: a box first grows to the whole cells it meets, so every tile that draws the
//! cluster (before or after) is touched. Every zoom's covering tile meets the box, so the
//! counts of low-zoom clusters are refreshed too.

use crate::db::data_version::{Change, DataKind, Extent, Kinds};

use super::Layer;
use super::sql::{CITY_CLUSTER_BELOW_ZOOM, CLUSTER_CELLS, PRACTICE_CLUSTER_BELOW_ZOOM};

/// The tile buffer as a share of the tile side (64 of 4096 units).
const BUFFER: f64 = 64.0 / 4096.0;
/// Slack for the rounding of coordinates between PostGIS and here, in tile sides.
const SLACK: f64 = 1e-6;
/// The latitude limit of Web Mercator.
const MAX_LATITUDE: f64 = 85.051_128_779_806_6;

impl Layer {
    /// The kinds of data the layer's tiles show or filter on.
    #[must_use]
    pub fn fed_by(self) -> Kinds {
        use DataKind::{
            Cities, CitySummaries, Demands, Memberships, Networks, Places, PolicyAreas,
            PracticeAreas, Practices,
        };
        match self {
            // Cities carry their networks, Safe Harbour status, practice counts and areas (from
            // their summaries); both point layers filter by region.
            Self::Cities => Kinds::of(&[
                Cities,
                CitySummaries,
                Practices,
                Memberships,
                Networks,
                Demands,
                Places,
                PolicyAreas,
            ]),
            Self::Practices => Kinds::of(&[
                Cities,
                Practices,
                PracticeAreas,
                Memberships,
                Networks,
                Places,
                PolicyAreas,
            ]),
            Self::Basemap => Kinds::of(&[Places]),
        }
    }

    /// Whether the layer clusters its points at zoom `z`.
    fn clusters_at(self, z: u8) -> bool {
        match self {
            Self::Cities => z < CITY_CLUSTER_BELOW_ZOOM,
            Self::Practices => z < PRACTICE_CLUSTER_BELOW_ZOOM,
            Self::Basemap => false,
        }
    }
}

/// `extent` in the tile grid of zoom `z`: (x0, y0, x1, y1) in tile sides, y down.
fn in_grid(extent: &Extent, z: u8) -> (f64, f64, f64, f64) {
    let tiles = f64::from(1u32 << z);
    let x = |lon: f64| (lon.clamp(-180.0, 180.0) + 180.0) / 360.0 * tiles;
    let y = |lat: f64| {
        let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
        (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * tiles
    };
    (
        x(extent.west),
        y(extent.north),
        x(extent.east),
        y(extent.south),
    )
}

/// Whether `change` touches the tile `z`/`x`/`y` of `layer`.
#[must_use]
pub fn touches(change: &Change, layer: Layer, z: u8, x: u32, y: u32) -> bool {
    if !change.kinds.intersects(layer.fed_by()) {
        return false;
    }
    let Some(boxes) = &change.boxes else {
        return true;
    };
    boxes.iter().any(|extent| meets(extent, layer, z, x, y))
}

/// Whether the tile `z`/`x`/`y` of `layer`, with its buffer, meets `extent` (grown to whole
/// cluster cells at the layer's cluster zooms).
fn meets(extent: &Extent, layer: Layer, z: u8, x: u32, y: u32) -> bool {
    let (mut x0, mut y0, mut x1, mut y1) = in_grid(extent, z);
    if layer.clusters_at(z) {
        let cells = f64::from(CLUSTER_CELLS);
        x0 = (x0 * cells).floor() / cells;
        y0 = (y0 * cells).floor() / cells;
        x1 = ((x1 * cells).floor() + 1.0) / cells;
        y1 = ((y1 * cells).floor() + 1.0) / cells;
    }
    let margin = BUFFER + SLACK;
    let (tx, ty) = (f64::from(x), f64::from(y));
    tx - margin <= x1 && tx + 1.0 + margin >= x0 && ty - margin <= y1 && ty + 1.0 + margin >= y0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: DataKind, (lon, lat): (f64, f64)) -> Change {
        Change {
            version: 2,
            kinds: Kinds::of(&[kind]),
            boxes: Some(vec![Extent::new(lon, lat, lon, lat).unwrap()]),
        }
    }

    /// The tile of zoom `z` holding (lon, lat).
    fn tile_of((lon, lat): (f64, f64), z: u8) -> (u32, u32) {
        let (x, y, _, _) = in_grid(&Extent::new(lon, lat, lon, lat).unwrap(), z);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (x.floor() as u32, y.floor() as u32)
    }

    #[test]
    fn a_point_touches_its_tile_at_every_zoom_and_not_far_tiles() {
        let potsdam = (13.06, 52.4);
        let added = change(DataKind::Practices, potsdam);
        for z in 0..=14 {
            let (x, y) = tile_of(potsdam, z);
            assert!(touches(&added, Layer::Practices, z, x, y), "z{z}");
            assert!(touches(&added, Layer::Cities, z, x, y), "counts, z{z}");
            if z >= 3 {
                assert!(!touches(&added, Layer::Practices, z, x + 2, y), "z{z}");
                assert!(!touches(&added, Layer::Practices, z, x, y + 2), "z{z}");
            }
        }
        assert!(
            !touches(&added, Layer::Basemap, 0, 0, 0),
            "practices do not feed the basemap"
        );
        let (x, y) = tile_of((-70.0, -30.0), 9);
        assert!(!touches(&added, Layer::Practices, 9, x, y));
    }

    #[test]
    fn features_far_apart_touch_their_own_tiles_not_those_between() {
        let (koeln, gdansk) = ((6.95, 50.94), (18.65, 54.35));
        let moved = Change {
            version: 2,
            kinds: Kinds::of(&[DataKind::Practices]),
            boxes: Some(vec![
                Extent::new(koeln.0, koeln.1, koeln.0, koeln.1).unwrap(),
                Extent::new(gdansk.0, gdansk.1, gdansk.0, gdansk.1).unwrap(),
            ]),
        };
        for at in [koeln, gdansk] {
            let (x, y) = tile_of(at, 10);
            assert!(touches(&moved, Layer::Practices, 10, x, y));
        }
        let (x, y) = tile_of((13.06, 52.4), 10); // Potsdam, between them
        assert!(!touches(&moved, Layer::Practices, 10, x, y));
    }

    #[test]
    fn the_buffer_reaches_across_a_tile_edge() {
        // Lon 0.5 lies 0.0028 tile sides right of the edge between the tiles of zoom 1: the
        // left tile's buffer (1/64) reaches it.
        let near_edge = change(DataKind::Cities, (0.5, 10.0));
        assert!(touches(&near_edge, Layer::Cities, 1, 1, 0));
        assert!(touches(&near_edge, Layer::Cities, 1, 0, 0), "the buffer");
        assert!(!touches(&near_edge, Layer::Cities, 1, 0, 1));
        // At zoom 12 it lies 0.69 tile sides into its tile: the neighbours' buffers do not
        // reach it.
        let (x, y) = tile_of((0.5, 10.0), 12);
        assert!(touches(&near_edge, Layer::Cities, 12, x, y));
        assert!(!touches(&near_edge, Layer::Cities, 12, x - 1, y));
        assert!(!touches(&near_edge, Layer::Cities, 12, x + 1, y));
    }

    #[test]
    fn cluster_zooms_touch_every_tile_that_draws_the_changed_cell() {
        // At zoom 4 a cell is 1/32 of a tile: a point in the first cell of tile x moves a
        // centroid that the tile to the left may draw in its buffer.
        let z = 4u8;
        let tiles = f64::from(1u32 << z);
        let lon = 5.0 * 360.0 / tiles - 180.0 + 360.0 / tiles / 32.0 * 0.9; // tile 5, cell 0
        let moved = change(DataKind::Practices, (lon, 0.1));
        assert!(
            touches(&moved, Layer::Practices, z, 4, 7),
            "the cell's neighbour"
        );
        // Without clustering (zoom 7 and on) the same offset stays within the point's tile
        // and its buffer.
        let (x, y) = tile_of((lon, 0.1), 9);
        assert!(touches(&moved, Layer::Practices, 9, x, y));
        assert!(!touches(&moved, Layer::Practices, 9, x - 2, y));
    }

    #[test]
    fn changes_without_a_box_touch_every_tile_of_the_layers_they_feed() {
        let renamed = Change {
            version: 3,
            kinds: Kinds::of(&[DataKind::Networks]),
            boxes: None,
        };
        assert!(touches(&renamed, Layer::Cities, 12, 100, 100));
        assert!(!touches(&renamed, Layer::Basemap, 12, 100, 100));
        let guide = Change {
            version: 4,
            kinds: Kinds::of(&[DataKind::Guides]),
            boxes: None,
        };
        assert!(Layer::ALL.iter().all(|l| !touches(&guide, *l, 0, 0, 0)));
        assert!(touches(&Change::everything(5), Layer::Basemap, 3, 1, 1));
    }
}
