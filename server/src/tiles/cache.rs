//! The tile cache: rendered tiles in memory, bounded in bytes, kept across changes of the
//! data that do not touch them.
//!
//! Entries are keyed by layer, z/x/y and the normalised filter, and hold the tile both as is
//! and gzipped, so a hit costs a hash lookup and no compression. When the data changes (a
//! NOTIFY from any instance, see [`DataVersion`](crate::db::DataVersion)), the cache drops the
//! tiles the change touches ([`invalidation`](super::invalidation)) and keeps the rest, as
//! [`Kept`] does: a stale tile can never outlive the change that made it stale.

use std::sync::Arc;

use bytes::Bytes;

use super::Layer;
use super::invalidation::touches;
use crate::db::data_version::{Change, ChangeSink, DataKind};
use crate::db::kept::Kept;
/// What identifies a tile.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    pub layer: Layer,
    pub z: u8,
    pub x: u32,
    pub y: u32,
    /// The normalised filter query string.
    pub filter: String,
}

/// A rendered tile, ready to be sent.
#[derive(Debug)]
pub struct RenderedTile {
    /// The MVT bytes (empty for an empty tile).
    pub raw: Bytes,
    /// The same, gzipped.
    pub gzip: Bytes,
    /// A strong validator derived from the content (the gzip representation appends `-gz`).
    pub etag: String,
}

impl RenderedTile {
    fn weight(&self, key: &TileKey) -> usize {
        self.raw.len() + self.gzip.len() + self.etag.len() + key.filter.len() + 64
    }
}

/// Rendered tiles, at most `capacity` bytes.
#[derive(Debug)]
pub struct TileCache {
    kept: Kept<TileKey, Arc<RenderedTile>>,
}

/// Whether `change` touches the tile of `key`. A tile filtered by region or country depends
/// on the region or country as a whole (whether it exists), wherever the change lies.
fn touched_by(change: &Change, key: &TileKey, _: &Arc<RenderedTile>) -> bool {
    touches(change, key.layer, key.z, key.x, key.y)
        || (change.kinds.contains(DataKind::Places)
            && (key.filter.contains("region=") || key.filter.contains("country=")))
}

impl TileCache {
    /// A cache of at most `capacity` bytes; 0 disables caching.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            kept: Kept::new(capacity),
        }
    }

    /// Whether tiles are kept at all (a capacity above 0).
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.kept.is_enabled()
    }

    /// The tile for `key`, if cached.
    pub fn get(&self, key: &TileKey) -> Option<Arc<RenderedTile>> {
        self.kept.get(key)
    }

    /// Whether the tile for `key` is cached (without counting).
    #[must_use]
    pub fn contains(&self, key: &TileKey) -> bool {
        self.kept.contains(key)
    }

    /// Stores a tile rendered from data version `version` (read before the query ran),
    /// unless a later change touches it (or may have: one the cache no longer remembers).
    pub fn insert(&self, key: TileKey, version: i64, tile: Arc<RenderedTile>) {
        let weight = tile.weight(&key);
        self.kept.insert(key, version, tile, weight, touched_by);
    }

    /// Bytes held now.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.kept.bytes()
    }
}

impl ChangeSink for TileCache {
    fn apply(&self, change: &Change) {
        self.kept.apply(change, touched_by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::data_version::{Extent, Kinds};

    fn key(x: u32) -> TileKey {
        TileKey {
            layer: Layer::Cities,
            z: 3,
            x,
            y: 1,
            filter: String::new(),
        }
    }

    fn tile(size: usize) -> Arc<RenderedTile> {
        Arc::new(RenderedTile {
            raw: Bytes::from(vec![1; size]),
            gzip: Bytes::new(),
            etag: String::new(),
        })
    }

    /// A change of cities at a point of the tile z3/`x`/1 (lon -180 + 45x + 10, lat 70).
    fn city_change(version: i64, x: u32) -> Change {
        let lon = -180.0 + 45.0 * f64::from(x) + 10.0;
        Change {
            version,
            kinds: Kinds::of(&[DataKind::Cities]),
            boxes: Some(vec![Extent::new(lon, 70.0, lon, 70.0).unwrap()]),
        }
    }

    #[test]
    fn stays_within_its_byte_bound() {
        let cache = TileCache::new(1000);
        for x in 0..10 {
            cache.insert(key(x), 1, tile(200));
        }
        assert!(cache.bytes() <= 1000);
        assert!(cache.get(&key(9)).is_some());
        assert!(cache.get(&key(0)).is_none());
    }

    #[test]
    fn a_change_drops_the_tiles_it_touches_and_keeps_the_others() {
        let cache = TileCache::new(10_000);
        cache.insert(key(1), 1, tile(10));
        cache.insert(key(5), 1, tile(10));
        cache.apply(&city_change(2, 1));
        assert!(!cache.contains(&key(1)));
        assert!(cache.contains(&key(5)));
        // A change of data the layer does not show keeps everything.
        cache.apply(&Change {
            version: 3,
            kinds: Kinds::of(&[DataKind::Guides]),
            boxes: None,
        });
        assert!(cache.contains(&key(5)));
        cache.apply(&Change::everything(4));
        assert!(!cache.contains(&key(5)));
        assert_eq!(cache.bytes(), 0);
    }

    #[test]
    fn tiles_rendered_before_a_change_that_touches_them_are_refused() {
        let cache = TileCache::new(10_000);
        cache.apply(&city_change(2, 1));
        // Rendered at version 1, stored after the change of version 2 arrived.
        cache.insert(key(1), 1, tile(10));
        assert!(!cache.contains(&key(1)));
        // The change does not touch tile 5: it is kept.
        cache.insert(key(5), 1, tile(10));
        assert!(cache.contains(&key(5)));
        cache.insert(key(1), 2, tile(10));
        assert!(cache.contains(&key(1)));
        // Once the cache no longer remembers the changes after a version, it refuses tiles
        // rendered at that version.
        for version in 3..300 {
            cache.apply(&Change {
                version,
                kinds: Kinds::of(&[DataKind::Guides]),
                boxes: None,
            });
        }
        cache.insert(key(2), 2, tile(10));
        assert!(!cache.contains(&key(2)));
        cache.insert(key(2), 299, tile(10));
        assert!(cache.contains(&key(2)));
    }
}
