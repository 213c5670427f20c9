//! What an instance keeps in memory of answers made from the published data, bounded in
//! bytes, across the changes that do not touch it: the rendered tiles
//! ([`TileCache`](crate::tiles::TileCache)) and the cities' pages
//! ([`CityPages`](crate::model::city_pages::CityPages)).
//!
//! When the data changes (a NOTIFY from any instance, see
//! [`DataVersion`](super::DataVersion)), the owner drops the entries the change touches and
//! keeps the rest. An entry is stored with the data version read before its query: when a
//! change after that version touches it, or no longer remembered changes may have, it is not
//! stored, so a stale entry can never outlive the change that made it stale.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use super::data_change::Change;

/// How many recent changes are remembered, to refuse entries made before them.
const REMEMBERED_CHANGES: usize = 256;

#[derive(Debug)]
struct Inner<K, V> {
    bytes: usize,
    /// Each entry with its weight in bytes.
    entries: HashMap<K, (V, usize)>,
    /// Insertion order, for eviction (oldest first).
    order: VecDeque<K>,
    /// The latest changes, oldest first.
    recent: VecDeque<Change>,
    /// The latest version whose change is no longer in `recent`.
    forgotten: i64,
}

impl<K, V> Default for Inner<K, V> {
    fn default() -> Self {
        Self {
            bytes: 0,
            entries: HashMap::new(),
            order: VecDeque::new(),
            recent: VecDeque::new(),
            forgotten: 0,
        }
    }
}

/// Entries of at most `capacity` bytes in all, each dropped by the changes that touch it.
#[derive(Debug)]
pub struct Kept<K, V> {
    capacity: usize,
    inner: Mutex<Inner<K, V>>,
}

impl<K: Clone + Eq + Hash, V: Clone> Kept<K, V> {
    /// At most `capacity` bytes; 0 keeps nothing.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether anything is kept at all (a capacity above 0).
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.capacity > 0
    }

    /// The entry of `key`, if kept.
    pub fn get(&self, key: &K) -> Option<V> {
        if self.capacity == 0 {
            return None;
        }
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.entries.get(key).map(|(value, _)| value.clone())
    }

    /// Whether `key` has an entry.
    #[must_use]
    pub fn contains(&self, key: &K) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .contains_key(key)
    }

    /// Stores `value` of `weight` bytes, made from data version `version` (read before its
    /// query ran), unless a later change touches it (`touched`) or may have: one no longer
    /// remembered. The oldest entries make room.
    pub fn insert(
        &self,
        key: K,
        version: i64,
        value: V,
        weight: usize,
        touched: impl Fn(&Change, &K, &V) -> bool,
    ) {
        if self.capacity == 0 || weight > self.capacity {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if version < inner.forgotten
            || inner
                .recent
                .iter()
                .any(|change| change.version > version && touched(change, &key, &value))
        {
            return;
        }
        if let Some((_, old)) = inner.entries.insert(key.clone(), (value, weight)) {
            inner.bytes -= old;
        } else {
            inner.order.push_back(key);
        }
        inner.bytes += weight;
        while inner.bytes > self.capacity {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some((_, evicted)) = inner.entries.remove(&oldest) {
                inner.bytes -= evicted;
            }
        }
    }

    /// Drops the entries `change` touches (`touched`) and remembers it. Called once per
    /// change, in version order.
    pub fn apply(&self, change: &Change, touched: impl Fn(&Change, &K, &V) -> bool) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let before = inner.entries.len();
        let mut freed = 0;
        inner.entries.retain(|key, (value, weight)| {
            let drop = touched(change, key, value);
            if drop {
                freed += *weight;
            }
            !drop
        });
        inner.bytes -= freed;
        if inner.entries.len() != before {
            let Inner { entries, order, .. } = &mut *inner;
            order.retain(|key| entries.contains_key(key));
        }
        inner.recent.push_back(change.clone());
        while inner.recent.len() > REMEMBERED_CHANGES {
            if let Some(oldest) = inner.recent.pop_front() {
                inner.forgotten = inner.forgotten.max(oldest.version);
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
}
