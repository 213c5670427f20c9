//! The tile cache: rendered tiles in memory, bounded in bytes, emptied when the data changes.
//!
//! Entries are keyed by layer, z/x/y and the normalised filter, and hold the tile both as is
//! and gzipped, so a hit costs a hash lookup and no compression. The cache belongs to one
//! data version: when [`DataVersion`](crate::db::DataVersion) moves on (a NOTIFY from any
//! instance), the next lookup finds the cache stale and empties it. A tile rendered while the
//! version changed is tagged with the version read before its query and is not stored, so a
//! stale tile can never outlive the change that made it stale.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

use super::Layer;

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

#[derive(Debug, Default)]
struct Inner {
    version: i64,
    bytes: usize,
    entries: HashMap<TileKey, Arc<RenderedTile>>,
    /// Insertion order, for eviction (oldest first).
    order: VecDeque<TileKey>,
}

/// Rendered tiles of one data version, at most `capacity` bytes.
#[derive(Debug)]
pub struct TileCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

impl TileCache {
    /// A cache of at most `capacity` bytes; 0 disables caching.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The tile for `key` rendered at data version `version`, if cached.
    pub fn get(&self, key: &TileKey, version: i64) -> Option<Arc<RenderedTile>> {
        if self.capacity == 0 {
            return None;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.version != version {
            Self::reset(&mut inner, version);
            return None;
        }
        inner.entries.get(key).cloned()
    }

    /// Stores a tile rendered from data version `version` (read before the query ran); a
    /// tile of an older version than the cache's is dropped.
    pub fn insert(&self, key: TileKey, version: i64, tile: Arc<RenderedTile>) {
        let weight = tile.weight(&key);
        if self.capacity == 0 || weight > self.capacity {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if version < inner.version {
            return;
        }
        if version > inner.version {
            Self::reset(&mut inner, version);
        }
        if let Some(old) = inner.entries.insert(key.clone(), tile) {
            inner.bytes -= old.weight(&key);
        } else {
            inner.order.push_back(key);
        }
        inner.bytes += weight;
        while inner.bytes > self.capacity {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(evicted) = inner.entries.remove(&oldest) {
                inner.bytes -= evicted.weight(&oldest);
            }
        }
    }

    /// Bytes held now.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }

    fn reset(inner: &mut Inner, version: i64) {
        inner.entries.clear();
        inner.order.clear();
        inner.bytes = 0;
        inner.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn stays_within_its_byte_bound() {
        let cache = TileCache::new(1000);
        for x in 0..10 {
            cache.insert(key(x), 1, tile(200));
        }
        assert!(cache.bytes() <= 1000);
        assert!(cache.get(&key(9), 1).is_some());
        assert!(cache.get(&key(0), 1).is_none());
    }

    #[test]
    fn a_new_version_empties_it_and_old_tiles_are_refused() {
        let cache = TileCache::new(10_000);
        cache.insert(key(1), 1, tile(10));
        assert!(cache.get(&key(1), 2).is_none());
        cache.insert(key(1), 1, tile(10));
        assert!(cache.get(&key(1), 2).is_none());
        assert_eq!(cache.bytes(), 0);
    }
}
