//! One computation per key at a time.
//!
//! When a write drops a cached answer or tile that many clients are asking for, every one of
//! them misses at once. Without coordination each would run the same query, and the database
//! would do the work once per waiting request just when it is busiest. [`Flights`] lets the
//! first request of a key compute (it *leads* the flight) while the others with the same key
//! wait for its result.
//!
//! Only a successful result is shared. When the leader fails, or its request is dropped
//! before it lands (a client that went away), the waiting requests compute for themselves, so
//! an error is never served to a request that did not cause it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use tokio::sync::watch;

/// The flights under way, by key.
#[derive(Debug)]
pub struct Flights<K, V> {
    inner: Mutex<Inner<K, V>>,
}

#[derive(Debug)]
struct Inner<K, V> {
    /// Numbers the flights, so that a leader only ever removes its own.
    next: u64,
    under_way: HashMap<K, (u64, watch::Receiver<Option<V>>)>,
}

impl<K, V> Default for Flights<K, V> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                next: 0,
                under_way: HashMap::new(),
            }),
        }
    }
}

/// What joining a key gives.
pub enum Joined<'a, K: Eq + Hash, V> {
    /// Nobody was computing this key: the caller computes it and [`lands`](Flight::land) it.
    Leads(Flight<'a, K, V>),
    /// Another request computed it: its result, or `None` when it failed or went away (then
    /// the caller computes for itself).
    Followed(Option<V>),
}

/// A flight this request leads. Dropping it without landing lets the followers go on alone.
pub struct Flight<'a, K: Eq + Hash, V> {
    flights: &'a Flights<K, V>,
    key: Option<K>,
    id: u64,
    result: watch::Sender<Option<V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Flights<K, V> {
    /// Leads the flight of `key`, or waits for the one under way and gives its result.
    pub async fn join(&self, key: &K) -> Joined<'_, K, V> {
        let waiting = {
            let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, result)) = inner.under_way.get(key) {
                result.clone()
            } else {
                let (sender, receiver) = watch::channel(None);
                inner.next += 1;
                let id = inner.next;
                inner.under_way.insert(key.clone(), (id, receiver));
                return Joined::Leads(Flight {
                    flights: self,
                    key: Some(key.clone()),
                    id,
                    result: sender,
                });
            }
        };
        Joined::Followed(follow(waiting).await)
    }

    /// How many flights are under way (for tests).
    #[must_use]
    pub fn under_way(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .under_way
            .len()
    }
}

/// The result the leader lands, or `None` when it leaves without one.
async fn follow<V: Clone>(mut waiting: watch::Receiver<Option<V>>) -> Option<V> {
    waiting
        .wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|result| result.clone())
}

impl<K: Eq + Hash, V> Flight<'_, K, V> {
    /// Gives `result` to every request waiting for this key, and ends the flight.
    pub fn land(self, result: V) {
        self.result.send_replace(Some(result));
    }
}

impl<K: Eq + Hash, V> Drop for Flight<'_, K, V> {
    fn drop(&mut self) {
        let mut inner = self
            .flights
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = self.key.take()
            && inner
                .under_way
                .get(&key)
                .is_some_and(|(id, _)| *id == self.id)
        {
            inner.under_way.remove(&key);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use futures_util::poll;

    use super::*;

    /// The flight when `joined` leads it.
    pub fn leads<K: Eq + Hash, V>(joined: Joined<'_, K, V>) -> Option<Flight<'_, K, V>> {
        match joined {
            Joined::Leads(flight) => Some(flight),
            Joined::Followed(_) => None,
        }
    }

    #[tokio::test]
    async fn requests_for_the_same_key_share_one_computation() {
        let flights = Flights::default();
        let flight = leads(flights.join(&1_u8).await).expect("the first request leads");
        let mut followers: Vec<_> = (0..7).map(|_| Box::pin(flights.join(&1))).collect();
        for follower in &mut followers {
            assert!(
                poll!(follower.as_mut()).is_pending(),
                "waits for the leader"
            );
        }
        // Another key is a flight of its own.
        assert!(matches!(flights.join(&2).await, Joined::Leads(_)));
        flight.land(42_u32);
        for follower in followers {
            assert!(matches!(follower.await, Joined::Followed(Some(42))));
        }
        assert_eq!(flights.under_way(), 0);
    }

    #[tokio::test]
    async fn a_leader_that_fails_lets_the_others_compute_for_themselves() {
        let flights: Flights<u8, u32> = Flights::default();
        let flight = leads(flights.join(&1).await).expect("the first request leads");
        let mut follower = Box::pin(flights.join(&1));
        assert!(poll!(follower.as_mut()).is_pending());
        drop(flight);
        assert!(matches!(follower.await, Joined::Followed(None)));
        assert_eq!(flights.under_way(), 0);
        // The next request leads a flight of its own.
        assert!(matches!(flights.join(&1).await, Joined::Leads(_)));
    }
}
