//! A layer of point features encoded as a Mapbox Vector Tile (specification 2.1) in Haven.
//!
//! The practices' point tiles are the hottest uncached tiles: a zoom-10 tile of a dense region
//! holds a few hundred points, each with its slug and one flag per policy area. `ST_AsMVT`
//! spent most of the statement's time expanding each row's `jsonb` properties into keys and
//! values; the points themselves are one index scan. So the statement returns the rows and
//! this module writes the protocol buffer: points need no clipping or simplification, only
//! the tile's affine transform and a snap to its integer grid, done here exactly as
//! `ST_AsMVTGeom` does them. The cities' tiles ([`cities`](super::cities)) are written here
//! too, values encoded as `ST_AsMVT` encodes `jsonb` ones (a whole number ≥ 0 as `uint`).

use std::collections::HashMap;

use crate::db::data_version::Extent;

/// The extent of a tile's grid (the MVT default, and the `4096` of every layer statement).
pub const EXTENT: u32 = 4096;
/// Grid units around the tile in which points are still kept (the `64` of the statements).
pub const BUFFER: u32 = 64;

/// Half the side of the Web Mercator square, as PostGIS's `ST_TileEnvelope` uses it.
pub const HALF_WORLD: f64 = 20_037_508.342_789_244;

/// A property value of a feature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    Bool(bool),
    UInt(u64),
}

/// The envelope of tile z/x/y in Web Mercator metres, as `ST_TileEnvelope(z, x, y)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    pub xmin: f64,
    pub ymin: f64,
    pub xmax: f64,
    pub ymax: f64,
}

impl Envelope {
    /// The envelope of tile z/x/y.
    #[must_use]
    pub fn of(z: u8, x: u32, y: u32) -> Self {
        let tile_size = 2.0 * HALF_WORLD / f64::from(1u32 << z);
        Self {
            xmin: -HALF_WORLD + tile_size * f64::from(x),
            xmax: -HALF_WORLD + tile_size * (f64::from(x) + 1.0),
            ymin: HALF_WORLD - tile_size * (f64::from(y) + 1.0),
            ymax: HALF_WORLD - tile_size * f64::from(y),
        }
    }

    /// The envelope of tile z/x/y widened by the buffer, as `ST_TileEnvelope(z, x, y, margin
    /// => 64.0 / 4096)` computes it: the margin is added in tile sides before the scaling,
    /// and the rows are clipped to the world (the columns are not).
    #[must_use]
    pub fn buffered(z: u8, x: u32, y: u32) -> Self {
        let margin = f64::from(BUFFER) / f64::from(EXTENT);
        let tile_size = 2.0 * HALF_WORLD / f64::from(1u32 << z);
        let (x, y) = (f64::from(x), f64::from(y));
        Self {
            xmin: -HALF_WORLD + tile_size * (x - margin),
            xmax: -HALF_WORLD + tile_size * (x + 1.0 + margin),
            ymin: (HALF_WORLD - tile_size * (y + 1.0 + margin)).max(-HALF_WORLD),
            ymax: (HALF_WORLD - tile_size * (y - margin)).min(HALF_WORLD),
        }
    }

    /// Whether the point (x, y) lies in the envelope or on its edge (PostGIS's `&&`).
    #[must_use]
    pub fn holds(&self, x: f64, y: f64) -> bool {
        (self.xmin..=self.xmax).contains(&x) && (self.ymin..=self.ymax).contains(&y)
    }
}

/// The Web Mercator box of a WGS 84 one (latitudes clamped to Web Mercator's), as
/// (west, south, east, north).
#[must_use]
pub fn mercator(extent: &Extent) -> (f64, f64, f64, f64) {
    const RADIUS: f64 = 6_378_137.0;
    const MAX_LATITUDE: f64 = 85.051_128_779_806_6;
    let x = |lon: f64| lon.clamp(-180.0, 180.0).to_radians() * RADIUS;
    let y = |lat: f64| {
        let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
        (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln() * RADIUS
    };
    (
        x(extent.west),
        y(extent.south),
        x(extent.east),
        y(extent.north),
    )
}

/// The grid of tile z/x/y: where a Web Mercator point falls on its 4096² grid.
#[derive(Debug, Clone, Copy)]
pub struct TileGrid {
    xmin: f64,
    ymax: f64,
    fx: f64,
    fy: f64,
}

impl TileGrid {
    /// The grid of tile z/x/y, with the envelope `ST_TileEnvelope(z, x, y)` computes.
    #[must_use]
    pub fn new(z: u8, x: u32, y: u32) -> Self {
        let Envelope {
            xmin,
            ymin,
            xmax,
            ymax,
        } = Envelope::of(z, x, y);
        let extent = f64::from(EXTENT);
        Self {
            xmin,
            ymax,
            fx: extent / (xmax - xmin),
            fy: -(extent / (ymax - ymin)),
        }
    }

    /// The grid position of the Web Mercator point (x, y), or `None` when it lies outside the
    /// tile and its buffer (where `ST_AsMVTGeom` gives NULL). As in PostGIS: the affine
    /// transform, the snap to the grid (half to even, C's `rint`), then the buffer's test on
    /// the snapped point.
    #[must_use]
    pub fn place(&self, x: f64, y: f64) -> Option<(i32, i32)> {
        let gx = (x * self.fx + (-self.xmin * self.fx)).round_ties_even();
        let gy = (y * self.fy + (-self.ymax * self.fy)).round_ties_even();
        let low = -f64::from(BUFFER);
        let high = f64::from(EXTENT + BUFFER);
        if !(low..=high).contains(&gx) || !(low..=high).contains(&gy) {
            return None;
        }
        // Whole numbers inside the buffered grid, so both fit an i32 exactly.
        #[allow(clippy::cast_possible_truncation)]
        Some((gx as i32, gy as i32))
    }
}

/// A point layer being written: its keys are fixed up front, its values are added as the
/// features use them, each value once.
#[derive(Debug)]
pub struct PointLayer<'k> {
    keys: &'k [String],
    /// Encoded `Feature` messages, each with its field tag and length.
    features: Vec<u8>,
    feature_count: usize,
    /// Encoded `Value` messages, each with its field tag and length.
    values: Vec<u8>,
    value_count: u32,
    bools: [Option<u32>; 2],
    /// The texts written so far, when texts repeat (a practice's slug does not: looking it up
    /// would only cost time).
    texts: Option<HashMap<&'k str, u32>>,
    numbers: HashMap<u64, u32>,
    tags: Vec<u32>,
}

// Field numbers and wire types of vector_tile.proto 2.1.
const TILE_LAYERS: u32 = 3;
const LAYER_NAME: u32 = 1;
const LAYER_FEATURES: u32 = 2;
const LAYER_KEYS: u32 = 3;
const LAYER_VALUES: u32 = 4;
const LAYER_EXTENT: u32 = 5;
const LAYER_VERSION: u32 = 15;
const FEATURE_ID: u32 = 1;
const FEATURE_TAGS: u32 = 2;
const FEATURE_TYPE: u32 = 3;
const FEATURE_GEOMETRY: u32 = 4;
const VALUE_STRING: u32 = 1;
const VALUE_UINT: u32 = 5;
const VALUE_BOOL: u32 = 7;
const VARINT: u32 = 0;
const LENGTH_DELIMITED: u32 = 2;
const GEOM_POINT: u64 = 1;
/// `MoveTo` with a count of one: a single point.
const MOVE_TO_ONE: u32 = (1 << 3) | 1;

impl<'k> PointLayer<'k> {
    /// An empty layer whose features may use `keys` (by their index).
    #[must_use]
    pub fn new(keys: &'k [String]) -> Self {
        Self {
            keys,
            features: Vec::new(),
            feature_count: 0,
            values: Vec::new(),
            value_count: 0,
            bools: [None, None],
            texts: None,
            numbers: HashMap::new(),
            tags: Vec::new(),
        }
    }

    /// An empty layer whose features may use `keys`, and whose texts repeat from feature to
    /// feature (each is written once).
    #[must_use]
    pub fn with_shared_texts(keys: &'k [String]) -> Self {
        Self {
            texts: Some(HashMap::new()),
            ..Self::new(keys)
        }
    }

    /// Adds the point feature `id` at grid position (x, y) with the properties given as
    /// (key index, value); a key index beyond the layer's keys is skipped.
    pub fn add(
        &mut self,
        id: u64,
        (x, y): (i32, i32),
        properties: impl IntoIterator<Item = (usize, Value<'k>)>,
    ) {
        let mut tags = std::mem::take(&mut self.tags);
        tags.clear();
        for (key, value) in properties {
            let Ok(key) = u32::try_from(key) else {
                continue;
            };
            if key as usize >= self.keys.len() {
                continue;
            }
            tags.push(key);
            tags.push(self.value_index(value));
        }
        let tags_length: usize = tags.iter().map(|tag| varint_len(u64::from(*tag))).sum();
        let geometry = [u64::from(MOVE_TO_ONE), zigzag(x), zigzag(y)];
        let geometry_length: usize = geometry.iter().map(|v| varint_len(*v)).sum();
        let mut length =
            1 + varint_len(id) + 2 + 1 + geometry_length + varint_len(geometry_length as u64);
        if !tags.is_empty() {
            length += 1 + tags_length + varint_len(tags_length as u64);
        }
        let out = &mut self.features;
        field(out, LAYER_FEATURES, LENGTH_DELIMITED);
        varint(out, length as u64);
        field(out, FEATURE_ID, VARINT);
        varint(out, id);
        if !tags.is_empty() {
            field(out, FEATURE_TAGS, LENGTH_DELIMITED);
            varint(out, tags_length as u64);
            for tag in &tags {
                varint(out, u64::from(*tag));
            }
        }
        field(out, FEATURE_TYPE, VARINT);
        varint(out, GEOM_POINT);
        field(out, FEATURE_GEOMETRY, LENGTH_DELIMITED);
        varint(out, geometry_length as u64);
        for value in geometry {
            varint(out, value);
        }
        self.feature_count += 1;
        self.tags = tags;
    }

    /// The index of `value` in the layer's values: the index it got when first used.
    fn value_index(&mut self, value: Value<'k>) -> u32 {
        let known = match value {
            Value::Bool(flag) => self.bools[usize::from(flag)],
            Value::Text(text) => self.texts.as_ref().and_then(|t| t.get(text).copied()),
            Value::UInt(number) => self.numbers.get(&number).copied(),
        };
        if let Some(index) = known {
            return index;
        }
        let out = &mut self.values;
        field(out, LAYER_VALUES, LENGTH_DELIMITED);
        match value {
            Value::Bool(flag) => {
                varint(out, 2);
                field(out, VALUE_BOOL, VARINT);
                varint(out, u64::from(flag));
            }
            Value::Text(text) => {
                varint(out, (1 + varint_len(text.len() as u64) + text.len()) as u64);
                field(out, VALUE_STRING, LENGTH_DELIMITED);
                varint(out, text.len() as u64);
                out.extend_from_slice(text.as_bytes());
            }
            Value::UInt(number) => {
                varint(out, (1 + varint_len(number)) as u64);
                field(out, VALUE_UINT, VARINT);
                varint(out, number);
            }
        }
        let index = self.value_count;
        self.value_count += 1;
        match value {
            Value::Bool(flag) => self.bools[usize::from(flag)] = Some(index),
            Value::Text(text) => {
                if let Some(texts) = &mut self.texts {
                    texts.insert(text, index);
                }
            }
            Value::UInt(number) => {
                self.numbers.insert(number, index);
            }
        }
        index
    }

    /// The tile holding this layer alone, named `name`; empty when the layer has no feature
    /// (as `ST_AsMVT` of no rows, which the statements turn into an empty tile).
    #[must_use]
    pub fn finish(self, name: &str) -> Vec<u8> {
        if self.feature_count == 0 {
            return Vec::new();
        }
        let mut layer = Vec::with_capacity(self.features.len() + self.values.len() + 256);
        field(&mut layer, LAYER_VERSION, VARINT);
        varint(&mut layer, 2);
        field(&mut layer, LAYER_NAME, LENGTH_DELIMITED);
        varint(&mut layer, name.len() as u64);
        layer.extend_from_slice(name.as_bytes());
        layer.extend_from_slice(&self.features);
        for key in self.keys {
            field(&mut layer, LAYER_KEYS, LENGTH_DELIMITED);
            varint(&mut layer, key.len() as u64);
            layer.extend_from_slice(key.as_bytes());
        }
        layer.extend_from_slice(&self.values);
        field(&mut layer, LAYER_EXTENT, VARINT);
        varint(&mut layer, u64::from(EXTENT));
        let mut tile = Vec::with_capacity(layer.len() + 8);
        field(&mut tile, TILE_LAYERS, LENGTH_DELIMITED);
        varint(&mut tile, layer.len() as u64);
        tile.extend_from_slice(&layer);
        tile
    }
}

/// Writes a field's tag.
fn field(out: &mut Vec<u8>, number: u32, wire_type: u32) {
    varint(out, u64::from((number << 3) | wire_type));
}

/// Writes `value` as a base-128 varint.
fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        // The low seven bits, with the continuation bit.
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The length of `value` as a varint.
fn varint_len(value: u64) -> usize {
    let bits = 64 - value.max(1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// A signed grid coordinate as the geometry encoding wants it.
fn zigzag(value: i32) -> u64 {
    u64::from(((value << 1) ^ (value >> 31)).cast_unsigned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_follow_the_protocol() {
        let mut out = Vec::new();
        varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(u64::MAX), 10);
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(-64), 127);
        assert_eq!(zigzag(4160), 8320);
    }

    #[test]
    fn a_point_lands_on_the_grid_of_its_tile_or_nowhere() {
        // Tile 1/0/0 is the north-west quarter of the world.
        let grid = TileGrid::new(1, 0, 0);
        assert_eq!(grid.place(-HALF_WORLD, HALF_WORLD), Some((0, 0)));
        assert_eq!(grid.place(0.0, 0.0), Some((4096, 4096)));
        assert_eq!(
            grid.place(-HALF_WORLD / 2.0, HALF_WORLD / 2.0),
            Some((2048, 2048))
        );
        // Within the buffer of 64 units, and beyond it.
        let unit = HALF_WORLD / 4096.0;
        assert_eq!(grid.place(64.0 * unit, 0.0), Some((4160, 4096)));
        assert_eq!(
            grid.place(64.4 * unit, 0.0),
            Some((4160, 4096)),
            "snapped, then tested"
        );
        assert_eq!(grid.place(64.6 * unit, 0.0), None);
        assert_eq!(grid.place(65.0 * unit, 0.0), None);
        assert_eq!(grid.place(0.0, -65.0 * unit), None);
        // Halves round to even, as C's rint does.
        assert_eq!(
            grid.place(-HALF_WORLD + 0.5 * unit, HALF_WORLD),
            Some((0, 0))
        );
        assert_eq!(
            grid.place(-HALF_WORLD + 1.5 * unit, HALF_WORLD),
            Some((2, 0))
        );
    }

    #[test]
    fn a_layer_reads_back_with_its_ids_points_and_properties() {
        let keys = vec![
            "slug".to_owned(),
            "cluster".to_owned(),
            "area_housing".to_owned(),
        ];
        let mut layer = PointLayer::new(&keys);
        layer.add(
            7,
            (10, -20),
            [
                (0, Value::Text("a")),
                (1, Value::Bool(false)),
                (2, Value::Bool(true)),
            ],
        );
        layer.add(
            1 << 40,
            (4100, 300),
            [
                (0, Value::Text("b")),
                (1, Value::Bool(false)),
                (2, Value::Bool(false)),
                (9, Value::Bool(true)),
            ],
        );
        let reader = mvt_reader::Reader::new(layer.finish("practices")).unwrap();
        assert_eq!(reader.get_layer_names().unwrap(), ["practices"]);
        let metadata = &reader.get_layer_metadata().unwrap()[0];
        assert_eq!(
            (metadata.version, metadata.extent, metadata.feature_count),
            (2, 4096, 2)
        );
        let features = reader.get_features(0).unwrap();
        let points: Vec<_> = features
            .iter()
            .map(|f| match f.get_geometry() {
                // The reader gives every point feature as a multipoint.
                geo_types::Geometry::MultiPoint(p) if p.0.len() == 1 => {
                    Some((f.id, p.0[0].x(), p.0[0].y()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            points,
            [
                Some((Some(7), 10.0, -20.0)),
                Some((Some(1 << 40), 4100.0, 300.0))
            ]
        );
        let props = |i: usize| features[i].properties.clone().unwrap();
        assert_eq!(
            props(0)["slug"],
            mvt_reader::feature::Value::String("a".into())
        );
        assert_eq!(
            props(0)["area_housing"],
            mvt_reader::feature::Value::Bool(true)
        );
        assert_eq!(props(1)["cluster"], mvt_reader::feature::Value::Bool(false));
        assert_eq!(
            props(1)["area_housing"],
            mvt_reader::feature::Value::Bool(false)
        );
        assert_eq!(props(1).len(), 3, "a key index beyond the keys is skipped");
    }

    #[test]
    fn an_empty_layer_is_an_empty_tile() {
        let keys = ["slug".to_owned()];
        assert!(PointLayer::new(&keys).finish("practices").is_empty());
    }
}
