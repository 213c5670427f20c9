//! The practices' tiles, written in Haven from a snapshot of every drawn practice: their points
//! from zoom [`PRACTICE_CLUSTER_BELOW_ZOOM`] on, their clusters below it.
//!
//! A point tile was one index scan of `tile_points` ([`PRACTICE_POINTS`](super::sql::PRACTICE_POINTS)),
//! cheap in PostgreSQL but a round trip all the same: taking a pooled connection, sending the
//! statement, reading the rows. With the tile cache off or after a write dropped the tiles, that
//! round trip was most of a tile's time. So an instance keeps the points of every drawn
//! practice in memory (their Web Mercator point, id, slug, policy areas, and the networks and
//! country that filter them), read with the data version they belong to in one snapshot of
//! the database: at start, in the background, and after a write by reading again only the
//! squares its boxes touch ([`Loaded::update`]), when the instance learns of a newer version of
//! what the layer shows. One request loads it; the others take the statement meanwhile
//! instead of waiting for it.
//!
//! A tile is then the points of its envelope, widened by the buffer, chosen exactly as
//! PostGIS's `&&` chooses them (both boxes rounded outward to single precision, as its index
//! keys are), filtered as [`POINT_FILTERS`](super::sql) filters them and written in id order as
//! [`points::tile`](super::points::tile) writes the statement's rows: the same features as
//! `ST_AsMVT` makes of the same rows (tests compare them tile by tile, and an updated snapshot's
//! tiles byte for byte with a whole load's). A region filter, which names regions the snapshot
//! does not hold, still takes the statement.
//!
//! A cluster tile (zoom 0 to 6) groups the same points by the cells of its 32² grid as the
//! cluster statements group `tile_points` ([`PracticePoints::clusters`]). They read
//! precomputed cells unfiltered and every point of the tile's extent filtered: 2–40 ms in
//! PostgreSQL per tile, and a filtered zoom-0 tile of 100,000 practices far more; every
//! write of a practice dropped the 7 clusters above it. From the snapshot they take well under
//! a millisecond to a few (all points of the world for zoom 0), filtered or not.
//!
//! The points are kept by the zoom-[`BUCKET_ZOOM`] tile they lie in, each bucket sorted by x,
//! with the slugs of its points in one string: 48 bytes and the slug per practice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::TryStreamExt;

use super::mvt::{Envelope, HALF_WORLD, TileGrid, mercator};
use super::points::PointKeys;
use super::sql::{CLUSTER_CELLS, CLUSTER_ID_BASE, PRACTICE_CLUSTER_BELOW_ZOOM};
use super::{Layer, TileCoord};
use crate::db::data_version::Kinds;
use crate::db::snapshot::{Loaded, Since, Snapshot, changed_since};
use crate::error::AppResult;
use crate::query::{AreaMatch, Filters, KnownValues};

/// The zoom whose tiles group the points (256 per side of the world, each about 156 km wide
/// at the equator): a tile of zoom 8 or more reads one to four buckets.
pub const BUCKET_ZOOM: u8 = 8;

/// How far a point may lie outside a tile's envelope and still be chosen by `&&` (whose
/// boxes are rounded outward to single precision: at most 2 m in Web Mercator metres), with
/// room to spare, in metres.
const ROUNDING: f64 = 16.0;

/// A drawn practice with its filter columns (the bits and positions are worked out here:
/// in the statement, two subqueries per row made a million rows take seconds).
macro_rules! point_columns {
    () => {
        "tp.practice_id AS id, ST_X(tp.geom) AS x, ST_Y(tp.geom) AS y,
       coalesce(tp.props ->> 'slug', '') AS slug, tp.areas, tp.networks, tp.country"
    };
}

/// Every drawn practice.
const LOAD: &str = concat!("SELECT ", point_columns!(), " FROM tile_points tp");

/// The drawn practices in the Web Mercator boxes `$1`..`$4` (west, south, east and north
/// edges), each once or more: one index scan per box.
const IN_BOXES: &str = concat!(
    "SELECT ",
    point_columns!(),
    " FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) b(x0, y0, x1, y1)
      JOIN tile_points tp ON tp.geom && ST_MakeEnvelope(b.x0, b.y0, b.x1, b.y1, 3857)"
);

/// Above this many buckets touched since the last snapshot, the next one is read whole.
const MOST_BUCKETS_UPDATED: usize = 256;

#[derive(QueryableByName)]
struct PointRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    x: f64,
    #[diesel(sql_type = Double)]
    y: f64,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Array<Text>)]
    areas: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    networks: Vec<String>,
    #[diesel(sql_type = Text)]
    country: String,
}

/// A practice's point: where, which, and what filters it.
#[derive(Debug, Clone, Copy)]
struct Point {
    x: f64,
    y: f64,
    id: u64,
    /// Bit `i`: the `i`-th policy area.
    areas: u64,
    /// Bit `i`: the `i`-th network (of the city).
    networks: u64,
    /// Where its slug ends in the bucket's slugs (it starts where the previous point's ends).
    slug_end: u32,
    /// The position of its country in the known countries, from 1 (0: none of them).
    country: u16,
}

/// The points of one bucket, sorted by x, and their slugs one after the other.
#[derive(Debug, Default)]
struct Bucket {
    points: Vec<Point>,
    slugs: String,
}

impl Bucket {
    /// The slug of the `i`-th point.
    fn slug(&self, i: usize) -> Option<&str> {
        let start = if i == 0 {
            0
        } else {
            self.points.get(i - 1)?.slug_end as usize
        };
        let end = self.points.get(i)?.slug_end as usize;
        self.slugs.get(start..end).filter(|slug| !slug.is_empty())
    }

    /// This bucket with the points where `changed` holds replaced by `read` (the points there
    /// now, as the database has them; each must lie where `changed` holds).
    fn replaced(&self, changed: impl Fn(f64, f64) -> bool, read: BucketRead) -> Self {
        let mut points = read;
        for (i, point) in self.points.iter().enumerate() {
            if !changed(point.x, point.y) {
                points.push(*point, self.slug(i).unwrap_or_default());
            }
        }
        points.finish()
    }
}

/// A bucket being read: its points in the order read, each with where its slug lies in
/// `slugs` (no string per point: with a million practices, one would double what a load
/// needs at its peak).
#[derive(Debug, Default)]
struct BucketRead {
    points: Vec<(Point, u32, u32)>,
    slugs: String,
}

impl BucketRead {
    fn push(&mut self, point: Point, slug: &str) {
        let start = u32::try_from(self.slugs.len()).unwrap_or(u32::MAX);
        self.slugs.push_str(slug);
        let end = u32::try_from(self.slugs.len()).unwrap_or(u32::MAX);
        self.points.push((point, start, end));
    }

    /// The bucket: its points sorted by x, their slugs in that order.
    fn finish(mut self) -> Bucket {
        self.points.sort_unstable_by(|a, b| a.0.x.total_cmp(&b.0.x));
        let mut bucket = Bucket {
            points: Vec::with_capacity(self.points.len()),
            slugs: String::with_capacity(self.slugs.len()),
        };
        for (mut point, start, end) in self.points {
            bucket.slugs.push_str(
                self.slugs
                    .get(start as usize..end as usize)
                    .unwrap_or_default(),
            );
            point.slug_end = u32::try_from(bucket.slugs.len()).unwrap_or(u32::MAX);
            bucket.points.push(point);
        }
        bucket
    }
}

/// Cluster cells per side of the world at the last cluster zoom (2048, each 32 of a tile's
/// side): the cells `tile_points.gx` and `gy` number.
const CELLS: u32 = CLUSTER_CELLS << (PRACTICE_CLUSTER_BELOW_ZOOM - 1);

/// Bits of a cell's number below its bucket's (a bucket holds 8 × 8 cells).
const CELLS_PER_BUCKET_BITS: u32 = CELLS.trailing_zeros() - BUCKET_ZOOM as u32;

/// The cluster cell (column or row, from the west or the north) of a Web Mercator coordinate
/// at the last cluster zoom, computed as migration `000032`'s `tile_cell_x` and `tile_cell_y`
/// compute it: the same operations on the same doubles, so the same cell.
fn cell_of(metres_from_edge: f64) -> u32 {
    // `2 * HALF_WORLD` is PostGIS's 40075016.685578488 exactly (a doubling is exact).
    let side = 2.0 * HALF_WORLD / f64::from(CELLS);
    // Clamped to the grid, so the cast neither truncates nor wraps.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let cell = (metres_from_edge / side)
        .floor()
        .clamp(0.0, f64::from(CELLS - 1)) as u32;
    cell
}

/// The bucket (column or row, from the west or the north) of a Web Mercator coordinate: the
/// one holding its cluster cell.
fn bucket_of(metres_from_edge: f64) -> u32 {
    cell_of(metres_from_edge) >> CELLS_PER_BUCKET_BITS
}

/// The largest single-precision number not above `v` (PostGIS's `next_float_down`).
#[allow(clippy::cast_possible_truncation)]
fn float_down(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) > v { f.next_down() } else { f }
}

/// The smallest single-precision number not below `v` (PostGIS's `next_float_up`).
#[allow(clippy::cast_possible_truncation)]
fn float_up(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) < v { f.next_up() } else { f }
}

/// An envelope as PostGIS's `&&` compares it: each side rounded outward to single precision.
#[derive(Debug, Clone, Copy)]
struct IndexBox {
    xmin: f32,
    ymin: f32,
    xmax: f32,
    ymax: f32,
}

impl IndexBox {
    fn of(envelope: &Envelope) -> Self {
        Self {
            xmin: float_down(envelope.xmin),
            ymin: float_down(envelope.ymin),
            xmax: float_up(envelope.xmax),
            ymax: float_up(envelope.ymax),
        }
    }

    /// Whether the point (x, y), boxed as PostGIS boxes it, overlaps the box.
    fn overlaps(&self, x: f64, y: f64) -> bool {
        float_down(x) <= self.xmax
            && float_up(x) >= self.xmin
            && float_down(y) <= self.ymax
            && float_up(y) >= self.ymin
    }
}

/// What a filter keeps, as bits and positions of the snapshot's lists.
struct Selection {
    areas: Option<u64>,
    all_areas: bool,
    networks: Option<u64>,
    countries: Option<Vec<u16>>,
}

impl Selection {
    fn keeps(&self, point: &Point) -> bool {
        let areas = match self.areas {
            None => true,
            Some(wanted) if self.all_areas => point.areas & wanted == wanted,
            Some(wanted) => point.areas & wanted != 0,
        };
        areas
            && self
                .networks
                .is_none_or(|wanted| point.networks & wanted != 0)
            && self
                .countries
                .as_ref()
                .is_none_or(|countries| countries.contains(&point.country))
    }
}

/// Whether the policy areas and networks of `known` fit a point's bits (64 each).
fn fits(known: &KnownValues) -> bool {
    known.policy_areas.len() <= 64 && known.networks.len() <= 64
}

/// The bits of those of `names` that are in `list` (at most 64 long).
fn bits(list: &[String], names: &[String]) -> u64 {
    names
        .iter()
        .filter_map(|name| list.iter().position(|known| known == name))
        .fold(0, |bits, i| bits | (1 << (i % 64)))
}

/// The drawn practices of one data version.
#[derive(Debug)]
pub struct PracticePoints {
    /// The policy areas, networks and countries of the snapshot's data version.
    known: KnownValues,
    /// The keys of a point (its slug, `cluster`, a flag per policy area).
    keys: PointKeys,
    /// Whether the policy areas and networks fit the points' bits (64 each): else the
    /// snapshot holds no points and draws nothing.
    fits: bool,
    /// The buckets that hold points, by zoom-[`BUCKET_ZOOM`] column and row; shared with the
    /// snapshots made from this one where they did not change.
    buckets: HashMap<(u32, u32), Arc<Bucket>>,
}

impl PracticePoints {
    /// Whether the snapshot can draw tiles with `filter` (a region filter needs the database).
    #[must_use]
    pub fn draws(&self, filter: &Filters) -> bool {
        self.fits && filter.region.is_none()
    }

    /// Checks the values of `filter` against the policy areas, networks and countries of the
    /// snapshot's data version, as [`Filters::check`] does in the database; `None` for a
    /// region filter, which only the database can check.
    #[must_use]
    pub fn check(&self, filter: &Filters) -> Option<AppResult<()>> {
        filter.check_in(&self.known)
    }

    fn selection(&self, filter: &Filters) -> Selection {
        let positions = |names: &[String]| -> Vec<u16> {
            names
                .iter()
                .filter_map(|name| self.known.countries.iter().position(|c| c == name))
                .filter_map(|i| u16::try_from(i + 1).ok())
                .collect()
        };
        Selection {
            areas: (!filter.policy_areas.is_empty())
                .then(|| bits(&self.known.policy_areas, &filter.policy_areas)),
            all_areas: filter.policy_area_match == AreaMatch::All,
            networks: (!filter.networks.is_empty())
                .then(|| bits(&self.known.networks, &filter.networks)),
            countries: (!filter.countries.is_empty()).then(|| positions(&filter.countries)),
        }
    }

    /// The tile of `coord` holding the practices `filter` selects as its `practices` layer
    /// (empty without any): below zoom [`PRACTICE_CLUSTER_BELOW_ZOOM`] grouped by cells of
    /// the tile's grid ([`Self::clusters`]).
    #[must_use]
    pub fn tile(&self, coord: TileCoord, filter: &Filters) -> Vec<u8> {
        let selection = self.selection(filter);
        if coord.z < PRACTICE_CLUSTER_BELOW_ZOOM {
            return self.clusters(coord, &selection);
        }
        let envelope = Envelope::buffered(coord.z, coord.x, coord.y);
        let index_box = IndexBox::of(&envelope);
        let (west, east) = (envelope.xmin - ROUNDING, envelope.xmax + ROUNDING);
        let columns = bucket_of(west + HALF_WORLD)..=bucket_of(east + HALF_WORLD);
        let rows = bucket_of(HALF_WORLD - envelope.ymax - ROUNDING)
            ..=bucket_of(HALF_WORLD - envelope.ymin + ROUNDING);
        let mut chosen: Vec<(&Bucket, usize)> = Vec::new();
        for column in columns {
            for row in rows.clone() {
                let Some(bucket) = self.buckets.get(&(column, row)) else {
                    continue;
                };
                let start = bucket.points.partition_point(|p| p.x < west);
                let end = bucket.points.partition_point(|p| p.x <= east).max(start);
                for i in start..end {
                    let point = &bucket.points[i];
                    if index_box.overlaps(point.x, point.y) && selection.keeps(point) {
                        chosen.push((bucket, i));
                    }
                }
            }
        }
        chosen.sort_unstable_by_key(|(bucket, i)| bucket.points[*i].id);
        let grid = TileGrid::new(coord.z, coord.x, coord.y);
        let mut layer = self.keys.layer();
        for (bucket, i) in chosen {
            let point = &bucket.points[i];
            if let Some(at) = grid.place(point.x, point.y) {
                self.keys
                    .add(&mut layer, point.id, at, bucket.slug(i), point.areas);
            }
        }
        layer.finish("practices")
    }
}

/// The practices of one cluster cell of a tile.
struct Group<'b> {
    /// The point of the smallest id (the one shown when the cell holds one practice).
    first: (&'b Bucket, usize),
    count: u64,
    x: f64,
    y: f64,
    /// Per policy area, how many of the cell's practices have it.
    area_counts: Vec<u64>,
}

impl PracticePoints {
    /// The cluster tile of `coord` (zoom 0 to 6): the selected practices grouped by the
    /// cells of the tile's 32² grid, as [`PRACTICE_CLUSTERS`](super::sql::PRACTICE_CLUSTERS)
    /// and [`PRACTICE_CLUSTERS_FILTERED`](super::sql::PRACTICE_CLUSTERS_FILTERED) group them
    /// in SQL: by the cell of the last cluster zoom (`tile_points.gx`, `gy`) shifted to the
    /// tile's zoom. A cell of one practice is the practice's point; a cell of more is a
    /// cluster at their mean position, with their count and per policy area how many have
    /// it, and the id the statements give it. The cells are written row by row.
    fn clusters(&self, coord: TileCoord, selection: &Selection) -> Vec<u8> {
        let shift = u32::from(PRACTICE_CLUSTER_BELOW_ZOOM - 1 - coord.z);
        let (first_column, first_row) = (coord.x * CLUSTER_CELLS, coord.y * CLUSTER_CELLS);
        // The tile's cells at the last cluster zoom, and the buckets that hold them.
        let columns = first_column << shift..(first_column + CLUSTER_CELLS) << shift;
        let rows = first_row << shift..(first_row + CLUSTER_CELLS) << shift;
        let side = CLUSTER_CELLS as usize;
        let mut groups: Vec<Option<Group>> = Vec::new();
        groups.resize_with(side * side, || None);
        for column in
            columns.start >> CELLS_PER_BUCKET_BITS..=(columns.end - 1) >> CELLS_PER_BUCKET_BITS
        {
            for row in rows.start >> CELLS_PER_BUCKET_BITS..=(rows.end - 1) >> CELLS_PER_BUCKET_BITS
            {
                let Some(bucket) = self.buckets.get(&(column, row)) else {
                    continue;
                };
                for (i, point) in bucket.points.iter().enumerate() {
                    let (cx, cy) = (cell_of(point.x + HALF_WORLD), cell_of(HALF_WORLD - point.y));
                    if !columns.contains(&cx) || !rows.contains(&cy) || !selection.keeps(point) {
                        continue;
                    }
                    let at = ((cy - rows.start) >> shift) as usize * side
                        + ((cx - columns.start) >> shift) as usize;
                    let Some(slot) = groups.get_mut(at) else {
                        continue;
                    };
                    let group = slot.get_or_insert_with(|| Group {
                        first: (bucket, i),
                        count: 0,
                        x: 0.0,
                        y: 0.0,
                        area_counts: vec![0; self.known.policy_areas.len()],
                    });
                    if point.id < group.first.0.points[group.first.1].id {
                        group.first = (bucket, i);
                    }
                    group.count += 1;
                    group.x += point.x;
                    group.y += point.y;
                    // A practice has one to three of the dozen areas: visit its bits alone.
                    let mut areas = point.areas;
                    while areas != 0 {
                        if let Some(count) =
                            group.area_counts.get_mut(areas.trailing_zeros() as usize)
                        {
                            *count += 1;
                        }
                        areas &= areas - 1;
                    }
                }
            }
        }
        let grid = TileGrid::new(coord.z, coord.x, coord.y);
        let cells_per_side = u64::from(CLUSTER_CELLS) << coord.z;
        let mut layer = self.keys.cluster_layer();
        for (at, group) in groups.iter().enumerate() {
            let Some(group) = group else {
                continue;
            };
            let (bucket, i) = group.first;
            let point = &bucket.points[i];
            if group.count == 1 {
                if let Some(at) = grid.place(point.x, point.y) {
                    self.keys
                        .add(&mut layer, point.id, at, bucket.slug(i), point.areas);
                }
                continue;
            }
            #[allow(clippy::cast_precision_loss)]
            let n = group.count as f64;
            let Some(place) = grid.place(group.x / n, group.y / n) else {
                continue;
            };
            let column = u64::from(first_column) + (at % side) as u64;
            let row = u64::from(first_row) + (at / side) as u64;
            let id = CLUSTER_ID_BASE.unsigned_abs() + row * cells_per_side + column;
            self.keys
                .add_cluster(&mut layer, id, place, group.count, &group.area_counts);
        }
        layer.finish("practices")
    }
}

/// A point as the statements give it, with the bits and positions of `known`'s lists, in its
/// bucket.
fn point_of(known: &KnownValues, row: &PointRow) -> Option<((u32, u32), Point)> {
    let id = u64::try_from(row.id).ok()?;
    let point = Point {
        x: row.x,
        y: row.y,
        id,
        areas: bits(&known.policy_areas, &row.areas),
        networks: bits(&known.networks, &row.networks),
        slug_end: 0,
        // The known countries are sorted (by code); 0 for none of them.
        country: known
            .countries
            .binary_search(&row.country)
            .ok()
            .and_then(|i| u16::try_from(i + 1).ok())
            .unwrap_or(0),
    };
    let at = (bucket_of(row.x + HALF_WORLD), bucket_of(HALF_WORLD - row.y));
    Some((at, point))
}

/// The buckets a box (Web Mercator: west, south, east, north) meets, with room for the
/// rounding between PostGIS's projection and this one.
fn buckets_of((west, south, east, north): (f64, f64, f64, f64)) -> Vec<(u32, u32)> {
    let columns = bucket_of(west - ROUNDING + HALF_WORLD)..=bucket_of(east + ROUNDING + HALF_WORLD);
    let rows = bucket_of(HALF_WORLD - north - ROUNDING)..=bucket_of(HALF_WORLD - south + ROUNDING);
    columns
        .flat_map(|column| rows.clone().map(move |row| (column, row)))
        .collect()
}

impl PracticePoints {
    /// The snapshot of `known` with `buckets`.
    fn with(known: KnownValues, buckets: HashMap<(u32, u32), Arc<Bucket>>) -> Self {
        Self {
            keys: PointKeys::new(known.policy_areas.clone()),
            fits: fits(&known),
            known,
            buckets,
        }
    }
}

/// The snapshot of one instance, replaced when the data it shows moves on.
pub type PracticeLayer = Snapshot<PracticePoints>;

impl Loaded for PracticePoints {
    fn version(&self) -> i64 {
        self.known.version
    }

    /// Reads every drawn practice and the lists their bits name, in one snapshot of the
    /// database; the rows stream into their buckets.
    async fn load(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                let known = KnownValues::read(conn).await?;
                let mut read: HashMap<(u32, u32), BucketRead> = HashMap::new();
                if fits(&known) {
                    let mut rows = diesel::sql_query(LOAD)
                        .load_stream::<PointRow>(conn)
                        .await?;
                    while let Some(row) = rows.try_next().await? {
                        if let Some((at, point)) = point_of(&known, &row) {
                            read.entry(at).or_default().push(point, &row.slug);
                        }
                    }
                }
                let buckets = read
                    .into_iter()
                    .map(|(at, points)| (at, Arc::new(points.finish())))
                    .collect();
                Ok(Self::with(known, buckets))
            })
            .await
    }

    /// Reads again only the points in the boxes of the changes since this snapshot (their old
    /// and new positions, as the tiles are dropped by them, with [`ROUNDING`] to spare),
    /// puts them in place of the points there in the buckets the boxes meet, and shares the
    /// other buckets; `None` (read it whole) when the policy areas, networks or countries
    /// changed, a change is not confined to boxes, or it touched more than 256 buckets.
    ///
    /// A bucket holds up to thousands of points (a zoom-8 tile of a dense region), and one
    /// practice's write used to read its whole bucket again while the tiles waited for it.
    async fn update(&self, conn: &mut AsyncPgConnection) -> diesel::QueryResult<Option<Self>> {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(async |conn| {
                if !self.fits {
                    return Ok(None);
                }
                let Some(Since { known, boxes, .. }) = changed_since(
                    conn,
                    &self.known,
                    Layer::Practices.fed_by(),
                    Kinds::NONE,
                    usize::MAX,
                )
                .await?
                else {
                    return Ok(None);
                };
                let changed: Vec<(f64, f64, f64, f64)> = boxes
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
                let touched: HashSet<(u32, u32)> =
                    changed.iter().flat_map(|&b| buckets_of(b)).collect();
                if touched.len() > MOST_BUCKETS_UPDATED {
                    return Ok(None);
                }
                let in_changed = |x: f64, y: f64| {
                    changed.iter().any(|&(west, south, east, north)| {
                        (west..=east).contains(&x) && (south..=north).contains(&y)
                    })
                };
                let mut buckets = self.buckets.clone();
                if !touched.is_empty() {
                    let boxes = &changed;
                    let rows: Vec<PointRow> = diesel::sql_query(IN_BOXES)
                        .bind::<Array<Double>, _>(boxes.iter().map(|b| b.0).collect::<Vec<_>>())
                        .bind::<Array<Double>, _>(boxes.iter().map(|b| b.1).collect::<Vec<_>>())
                        .bind::<Array<Double>, _>(boxes.iter().map(|b| b.2).collect::<Vec<_>>())
                        .bind::<Array<Double>, _>(boxes.iter().map(|b| b.3).collect::<Vec<_>>())
                        .load(conn)
                        .await?;
                    let mut read: HashMap<(u32, u32), BucketRead> = touched
                        .iter()
                        .map(|&at| (at, BucketRead::default()))
                        .collect();
                    let mut seen: HashSet<u64> = HashSet::new();
                    for row in &rows {
                        // `&&` also finds points a little outside the boxes (its index boxes
                        // are rounded outward), and a point in two boxes comes twice.
                        if let Some((at, point)) = point_of(&known, row)
                            && in_changed(point.x, point.y)
                            && let Some(points) = read.get_mut(&at)
                            && seen.insert(point.id)
                        {
                            points.push(point, &row.slug);
                        }
                    }
                    for (at, points) in read {
                        let bucket = match buckets.get(&at) {
                            Some(old) => old.replaced(in_changed, points),
                            None => points.finish(),
                        };
                        if bucket.points.is_empty() {
                            buckets.remove(&at);
                        } else {
                            buckets.insert(at, Arc::new(bucket));
                        }
                    }
                }
                Ok(Some(Self::with(known, buckets)))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::data_version::Extent;

    #[test]
    fn boxes_round_outward_as_postgis_index_keys_do() {
        let v = 1_234_567.891_234_5_f64;
        assert!(f64::from(float_down(v)) <= v && f64::from(float_up(v)) >= v);
        assert!(float_up(v) > float_down(v));
        let exact = 1_048_576.0_f64;
        assert_eq!(float_down(exact), float_up(exact));
        // A point a metre beyond the envelope's edge (less than single precision resolves
        // there) overlaps it, as `&&` finds it.
        let envelope = Envelope {
            xmin: 1_000_000.0,
            ymin: 6_000_000.0,
            xmax: 1_100_000.0,
            ymax: 6_100_000.0,
        };
        let boxed = IndexBox::of(&envelope);
        assert!(boxed.overlaps(1_100_000.05, 6_050_000.0));
        assert!(!boxed.overlaps(1_100_100.0, 6_050_000.0));
        assert!(boxed.overlaps(1_000_000.0, 6_000_000.0));
    }

    #[test]
    fn a_change_at_a_point_meets_the_bucket_that_holds_it() {
        for (lon, lat) in [
            (6.95, 50.94),
            (13.4, 52.5),
            (0.0, 0.0),
            (-179.99, -85.0),
            (179.99, 85.05),
        ] {
            let at_point = Extent::new(lon, lat, lon, lat).unwrap();
            let (x, y, _, _) = mercator(&at_point);
            let bucket = (bucket_of(x + HALF_WORLD), bucket_of(HALF_WORLD - y));
            assert!(
                buckets_of(mercator(&at_point)).contains(&bucket),
                "{lon} {lat}"
            );
        }
        // Köln: x 773,670 m, y 6,610,000 m or so.
        let (x, y, _, _) = mercator(&Extent::new(6.95, 50.94, 6.95, 50.94).unwrap());
        assert!((x - 773_670.0).abs() < 100.0 && (y - 6_609_850.0).abs() < 1_000.0);
        // A box across a bucket's edge meets both buckets.
        let side = 2.0 * HALF_WORLD / f64::from(1_u32 << BUCKET_ZOOM);
        let edge = -HALF_WORLD + 140.0 * side;
        assert_eq!(buckets_of((edge - 5.0, y, edge + 5.0, y)).len(), 2);
    }

    #[test]
    fn a_point_takes_48_bytes_besides_its_slug() {
        assert_eq!(std::mem::size_of::<Point>(), 48);
    }

    #[test]
    fn slugs_follow_their_points_in_x_order() {
        let point = |x: f64, id: u64| Point {
            x,
            y: 0.0,
            id,
            areas: 0,
            networks: 0,
            slug_end: 0,
            country: 0,
        };
        let mut read = BucketRead::default();
        read.push(point(3.0, 3), "three");
        read.push(point(1.0, 1), "one");
        read.push(point(2.0, 2), "");
        let bucket = read.finish();
        let ids: Vec<u64> = bucket.points.iter().map(|p| p.id).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(bucket.slug(0), Some("one"));
        assert_eq!(bucket.slug(1), None);
        assert_eq!(bucket.slug(2), Some("three"));
        assert_eq!(bucket.slug(3), None);
    }

    #[test]
    fn a_changed_place_of_a_bucket_takes_the_points_read_there() {
        let point = |x: f64, id: u64| Point {
            x,
            y: 0.0,
            id,
            areas: 0,
            networks: 0,
            slug_end: 0,
            country: 0,
        };
        let mut read = BucketRead::default();
        for (x, id, slug) in [(1.0, 1, "one"), (2.0, 2, "two"), (3.0, 3, "three")] {
            read.push(point(x, id), slug);
        }
        let bucket = read.finish();
        // Around x = 2: the second point is there now with another slug, and a new one came;
        // the third point left.
        let mut now = BucketRead::default();
        now.push(point(2.5, 4), "four");
        now.push(point(2.0, 2), "two-b");
        let changed = |x: f64, _y: f64| (1.5..=3.5).contains(&x);
        let bucket = bucket.replaced(changed, now);
        let ids: Vec<u64> = bucket.points.iter().map(|p| p.id).collect();
        assert_eq!(ids, [1, 2, 4]);
        let slugs: Vec<Option<&str>> = (0..3).map(|i| bucket.slug(i)).collect();
        assert_eq!(slugs, [Some("one"), Some("two-b"), Some("four")]);
        // Nothing changed there: the bucket stays as it was.
        let same = bucket.replaced(|x, _| x > 10.0, BucketRead::default());
        assert_eq!(same.slugs, bucket.slugs);
        assert_eq!(same.points.len(), 3);
    }

    #[test]
    fn filters_keep_by_area_network_and_country() {
        let point = Point {
            x: 0.0,
            y: 0.0,
            id: 1,
            areas: 0b101,
            networks: 0b10,
            slug_end: 0,
            country: 2,
        };
        let keeps =
            |areas: Option<u64>, all: bool, networks: Option<u64>, countries: Option<Vec<u16>>| {
                Selection {
                    areas,
                    all_areas: all,
                    networks,
                    countries,
                }
                .keeps(&point)
            };
        assert!(keeps(None, false, None, None));
        assert!(keeps(Some(0b001), false, None, None));
        assert!(keeps(Some(0b011), false, None, None));
        assert!(!keeps(Some(0b011), true, None, None));
        assert!(keeps(Some(0b101), true, None, None));
        assert!(!keeps(Some(0b010), false, None, None));
        assert!(keeps(None, false, Some(0b11), None));
        assert!(!keeps(None, false, Some(0b01), None));
        assert!(keeps(None, false, None, Some(vec![1, 2])));
        assert!(!keeps(None, false, None, Some(vec![1])));
        assert!(!keeps(None, false, None, Some(vec![])));
    }
}
