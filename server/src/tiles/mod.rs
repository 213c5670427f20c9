//! Vector tiles from PostGIS: the layers, their cache and the documents that describe them.
//!
//! Every tile is one prepared statement per layer ([`sql`], [`query`]) that lets PostGIS build
//! the whole Mapbox Vector Tile, or that gives the points Haven writes as the tile ([`points`],
//! [`mvt`]); the cities are drawn from a snapshot each instance keeps per data version
//! ([`cities`]), and so are the practices, their points from zoom 7 on and their clusters below
//! ([`practices`]: a snapshot a write updates where it changed something). Points are aggregated at low zoom so no tile grows with the data. Rendered tiles are kept in a byte-bounded cache ([`cache`]) from which every change
//! of the data drops the tiles it touches ([`invalidation`]), on every instance. [`glyphs`] renders the label font of the
//! offline style ([`style`]) from a font installed on the system.

pub mod cache;
pub mod cities;
pub mod filter;
pub mod glyphs;
pub mod invalidation;
pub mod mvt;
pub mod occupancy;
pub mod points;
pub mod practices;
pub mod query;
pub mod sql;
pub mod style;
pub mod tilejson;

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use sha2::{Digest, Sha256};

pub use cache::{RenderedTile, TileCache, TileKey};

use crate::db::DbConn;
use crate::db::data_version::DataVersion;
use crate::error::{AppError, AppResult, bad_request};
use crate::flight::{Flights, Joined};
use crate::query::Filters;

/// Highest zoom level served.
pub const MAX_ZOOM: u8 = 22;

/// A tile layer Haven serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Welcoming cities (points, clustered at low zoom).
    Cities,
    /// Local practices (points, clustered at low zoom).
    Practices,
    /// The offline basemap: land, boundaries, place labels.
    Basemap,
}

impl Layer {
    /// Every layer.
    pub const ALL: [Self; 3] = [Self::Cities, Self::Practices, Self::Basemap];

    /// The layer's name in URLs.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Cities => "cities",
            Self::Practices => "practices",
            Self::Basemap => "basemap",
        }
    }

    /// The layer named `name`.
    ///
    /// # Errors
    /// 404 for an unknown layer.
    pub fn parse(name: &str) -> AppResult<Self> {
        Self::ALL
            .into_iter()
            .find(|layer| layer.name() == name)
            .ok_or_else(|| {
                crate::error::not_found(format!(
                    "There is no tile layer `{name}`; the layers are cities, practices and basemap."
                ))
            })
    }

    /// The statement of the layer's tiles at zoom `z`, `filtered` or not: practices read
    /// their precomputed points, or below [`sql::PRACTICE_CLUSTER_BELOW_ZOOM`] their precomputed cells
    /// (when unfiltered) or their points grouped by cell.
    fn sql(self, z: u8, filtered: bool) -> &'static str {
        match self {
            Self::Cities => sql::CITIES.as_str(),
            Self::Practices if z >= sql::PRACTICE_CLUSTER_BELOW_ZOOM && filtered => {
                sql::PRACTICE_POINTS.as_str()
            }
            Self::Practices if z >= sql::PRACTICE_CLUSTER_BELOW_ZOOM => {
                sql::PRACTICE_POINTS_UNFILTERED
            }
            Self::Practices if filtered => sql::PRACTICE_CLUSTERS_FILTERED.as_str(),
            Self::Practices => sql::PRACTICE_CLUSTERS.as_str(),
            Self::Basemap => sql::BASEMAP,
        }
    }

    /// Whether the API filters apply (the basemap ignores them).
    #[must_use]
    pub fn is_filtered(self) -> bool {
        self != Self::Basemap
    }
}

/// A tile address, valid by construction: `z <= 22` and `x`, `y` inside the grid of `z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileCoord {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileCoord {
    /// Parses the path segments `z`, `x` and `y` (the last with or without `.mvt`).
    ///
    /// # Errors
    /// 400 naming the segment at fault.
    pub fn parse(z: &str, x: &str, y: &str) -> AppResult<Self> {
        let z: u8 = z.parse().ok().filter(|z| *z <= MAX_ZOOM).ok_or_else(|| {
            bad_request(
                "z",
                format!("z must be a whole number from 0 to {MAX_ZOOM}."),
            )
        })?;
        let size = 1u64 << z;
        let axis = |field: &str, value: &str| -> AppResult<u32> {
            value
                .parse::<u64>()
                .ok()
                .filter(|v| *v < size)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| {
                    bad_request(
                        field,
                        format!(
                            "{field} must be a whole number from 0 to {} at zoom {z}.",
                            size - 1
                        ),
                    )
                })
        };
        let y = y.strip_suffix(".mvt").unwrap_or(y);
        Ok(Self {
            z,
            x: axis("x", x)?,
            y: axis("y", y)?,
        })
    }
}

/// Practice cluster tiles below this zoom (an eighth of the world's side or more) are grouped
/// on a blocking thread: a zoom-0 tile takes about 2 ms with 100,000 practices, so about 20 ms
/// with a million. Handing a smaller tile over would cost about as much as grouping its points
/// (10–20 % of the uncached throughput of zooms 4 to 6 when they all were handed over).
const GROUPED_OFF_THE_RUNTIME_BELOW_ZOOM: u8 = 4;

/// The tile machinery of one instance: its cache and which tiles are empty anyway.
#[derive(Debug)]
pub struct TileService {
    cache: Arc<TileCache>,
    occupancy: occupancy::Occupancy,
    cities: cities::CityLayer,
    practices: practices::PracticeLayer,
    empty: Arc<RenderedTile>,
    /// Tiles answered from memory (the cache, or known to be empty).
    hits: AtomicU64,
    /// Tiles rendered anew (from the database, or the cities from their snapshot).
    misses: AtomicU64,
    /// The tiles being rendered, so that concurrent misses of one tile render it once; each
    /// with the data version its rendering started from.
    flights: Flights<TileKey, (i64, Arc<RenderedTile>)>,
    /// Tiles that waited for the same tile rendered for another request.
    shared: AtomicU64,
}

impl TileService {
    /// Tiles with a cache of `cache_bytes` bytes (0 disables the cache).
    #[must_use]
    pub fn new(cache_bytes: usize) -> Self {
        Self {
            cache: Arc::new(TileCache::new(cache_bytes)),
            occupancy: occupancy::Occupancy::default(),
            cities: cities::CityLayer::default(),
            practices: practices::PracticeLayer::default(),
            empty: Arc::new(RenderedTile {
                raw: Bytes::new(),
                gzip: Bytes::new(),
                etag: empty_etag(),
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            flights: Flights::default(),
            shared: AtomicU64::new(0),
        }
    }

    /// Tiles answered from memory, tiles that needed the database, and tiles that waited for
    /// the same tile rendered for another request, since start.
    #[must_use]
    pub fn counts(&self) -> (u64, u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.shared.load(Ordering::Relaxed),
        )
    }

    /// The cache (for tests and metrics).
    #[must_use]
    pub fn cache(&self) -> &TileCache {
        &self.cache
    }

    /// The cache, shared (to register it for the changes of the data).
    #[must_use]
    pub fn shared_cache(&self) -> Arc<TileCache> {
        Arc::clone(&self.cache)
    }

    /// Loads the snapshots the point layers are drawn from, so that the first tiles after a
    /// start find them in memory: with a million practices, reading their points takes
    /// seconds, during which the tiles would take the statements.
    ///
    /// # Errors
    /// When the database is unavailable or a load fails.
    pub async fn prepare<C: Future<Output = AppResult<DbConn>>>(
        &self,
        versions: &DataVersion,
        connect: impl Fn() -> C,
    ) -> AppResult<()> {
        self.practices
            .at_least(versions.of(Layer::Practices.fed_by()), &connect)
            .await?;
        self.cities
            .at_least(versions.of(Layer::Cities.fed_by()), &connect)
            .await?;
        Ok(())
    }

    /// The tile of `layer` at `coord` with `filter` (normalised by [`filter::parse`]): from the
    /// cache when current, else rendered by PostGIS and cached. While the cache is on,
    /// concurrent misses of one tile (all the map's users after a write dropped it) wait for
    /// one rendering instead of each running the query.
    ///
    /// The filters' values are checked against the database only on a miss: a cached tile's
    /// filters were checked when it was rendered, and a change of what they name (networks,
    /// policy areas, regions) drops the tiles of the point layers.
    ///
    /// `versions` are the instance's data versions; `connect` gives a read connection and is
    /// only called on a miss (and for the cities and the practices' points only to check a
    /// region filter or load their snapshot).
    ///
    /// # Errors
    /// 400 naming the filter for an unknown value, 503 when the database is unavailable, 500
    /// when the query fails.
    pub async fn tile<C: Future<Output = AppResult<DbConn>>>(
        &self,
        versions: &DataVersion,
        connect: impl Fn() -> C,
        layer: Layer,
        coord: TileCoord,
        filter: &Filters,
    ) -> AppResult<Arc<RenderedTile>> {
        let version = versions.get();
        let filter = if layer.is_filtered() {
            filter.clone()
        } else {
            Filters::default()
        };
        let key = TileKey {
            layer,
            z: coord.z,
            x: coord.x,
            y: coord.y,
            filter: filter::query_string(&filter),
        };
        if let Some(hit) = self.cache().get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        let empty = || Ok(Arc::clone(&self.empty));
        let occupied_at = versions.of(occupancy::fed_by());
        let known = self.occupancy.known(occupied_at, layer, coord);
        if known == Some(false) && filter.is_empty() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return empty();
        }
        let flight = if self.cache.is_enabled() {
            match self.flights.join(&key).await {
                // Rendered from data at least as new as this request saw: a change that
                // landed after the rendering started makes this request render for itself.
                Joined::Followed(Some((rendered_at, tile))) if rendered_at >= version => {
                    self.shared.fetch_add(1, Ordering::Relaxed);
                    return Ok(tile);
                }
                Joined::Followed(_) => None,
                Joined::Leads(flight) => Some(flight),
            }
        } else {
            None
        };
        self.misses.fetch_add(1, Ordering::Relaxed);
        // Hands the tile to the requests waiting for it and keeps it (the empty tile of an
        // unoccupied place needs no keeping: the occupancy knows it).
        let keep = |rendered: Arc<RenderedTile>, cached: bool| {
            if cached {
                self.cache()
                    .insert(key.clone(), version, Arc::clone(&rendered));
            }
            if let Some(flight) = flight {
                flight.land((version, Arc::clone(&rendered)));
            }
            rendered
        };
        // The snapshots are loaded again when what their layer shows changes, not on every
        // change of the data.
        let shown = versions.of(layer.fed_by());
        if layer == Layer::Cities && cities::CityPoints::serves(&filter) {
            // The cities come from the instance's snapshot, which also checks the filter's
            // values: the database is asked only for the snapshot of a newer version.
            let points = self.cities.at_least(shown, &connect).await?;
            match points.check(&filter) {
                Some(verdict) => verdict?,
                None => filter.check(&mut *connect().await?).await?,
            }
            return Ok(keep(Arc::new(render(points.tile(coord, &filter))), true));
        }
        if layer == Layer::Practices
            && filter.region.is_none()
            // While one request reads the snapshot of a newer version whole, the others take
            // the statement instead of waiting for it; an update (after a write) they wait
            // for: a few milliseconds, where the statements of the tiles a write drops would
            // each cost the database as much, and load the occupancy they need.
            && let Some(points) = self
                .practices
                .at_least_unless_read_whole(shown, &connect)
                .await?
            && points.draws(&filter)
            && let Some(verdict) = points.check(&filter)
        {
            verdict?;
            let mvt = if coord.z < GROUPED_OFF_THE_RUNTIME_BELOW_ZOOM {
                // A cluster tile groups every point of its extent (at zoom 0 all of them: with
                // a million practices, milliseconds of one core): off the runtime's threads,
                // so the requests they serve do not wait behind it.
                let filter = filter.clone();
                tokio::task::spawn_blocking(move || points.tile(coord, &filter))
                    .await
                    .map_err(|error| AppError::Internal(error.into()))?
            } else {
                points.tile(coord, &filter)
            };
            return Ok(keep(Arc::new(render(mvt)), true));
        }
        let mut conn = connect().await?;
        filter.check(&mut conn).await?;
        let occupied = match known {
            Some(occupied) => occupied,
            None => {
                self.occupancy
                    .may_hold(&mut conn, occupied_at, layer, coord)
                    .await?
            }
        };
        if !occupied {
            return Ok(keep(Arc::clone(&self.empty), false));
        }
        let statement = layer.sql(coord.z, !filter.is_empty());
        let query = query::LayerQuery::new(statement, coord.z, coord.x, coord.y, &filter);
        // The practices' statements are plain index scans over precomputed rows: planning them
        // is cheap, so they skip the read-only transaction that forces generic plans. Their
        // points from zoom 7 on come as rows that Haven writes as the tile.
        let mvt = if layer == Layer::Practices && coord.z >= sql::PRACTICE_CLUSTER_BELOW_ZOOM {
            let keys = self.occupancy.point_keys(&mut conn, occupied_at).await?;
            points::tile(coord, &keys, &mut query.points(&mut conn).await?)
        } else if layer == Layer::Practices {
            query.run_plain(&mut conn).await?
        } else {
            query.run(&mut conn).await?
        };
        drop(conn);
        Ok(keep(Arc::new(render(mvt)), true))
    }
}

/// The validator of the empty tile, as [`render`] makes it.
fn empty_etag() -> String {
    etag_of(&[])
}

/// A strong validator of tile bytes.
fn etag_of(mvt: &[u8]) -> String {
    let digest = Sha256::digest(mvt);
    let mut etag = String::with_capacity(34);
    etag.push('"');
    for byte in &digest[..12] {
        let _ = write!(etag, "{byte:02x}");
    }
    etag.push('"');
    etag
}

/// Wraps tile bytes with their gzip form and strong validator.
fn render(mvt: Vec<u8>) -> RenderedTile {
    let gzip = if mvt.is_empty() {
        Vec::new()
    } else {
        gzip_fast(&mvt)
    };
    let etag = etag_of(&mvt);
    RenderedTile {
        raw: Bytes::from(mvt),
        gzip: Bytes::from(gzip),
        etag,
    }
}

/// `data` as a gzip member at deflate's fastest level, by miniz_oxide: on tiles of a few
/// hundred bytes to a few kilobytes it writes 5–13 % fewer bytes than zlib-rs at its fastest
/// (flate2's backend, which the larger answers use for its speed at the default level), in
/// about the same time. The header is flate2's (no name, no time, `XFL` 4, OS unknown).
fn gzip_fast(data: &[u8]) -> Vec<u8> {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];
    let deflated = miniz_oxide::deflate::compress_to_vec(data, 1);
    let mut gzip = Vec::with_capacity(HEADER.len() + deflated.len() + 8);
    gzip.extend_from_slice(&HEADER);
    gzip.extend_from_slice(&deflated);
    gzip.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    // ISIZE: the input's length modulo 2^32, as RFC 1952 defines it.
    #[allow(clippy::cast_possible_truncation)]
    gzip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    gzip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_must_lie_in_the_grid() {
        assert!(TileCoord::parse("0", "0", "0.mvt").is_ok());
        assert!(TileCoord::parse("3", "7", "7").is_ok());
        assert!(TileCoord::parse("3", "8", "0").is_err());
        assert!(TileCoord::parse("23", "0", "0").is_err());
        assert!(TileCoord::parse("-1", "0", "0").is_err());
        assert!(TileCoord::parse("22", "4194303", "4194304").is_err());
    }

    #[test]
    fn a_tile_gzips_to_what_gunzip_reads_back() {
        use std::io::Read;
        for data in [
            b"x".to_vec(),
            (0..5000u32).map(|i| (i % 251) as u8).collect(),
        ] {
            let gzip = gzip_fast(&data);
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gzip[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
    }
}
