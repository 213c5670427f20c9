//! Published data of one data version, kept in memory by an instance and answered from
//! without a database round trip.
//!
//! A snapshot is read in one repeatable-read transaction together with the data version it
//! belongs to ([`Loaded`]). A request that needs data of a newer version loads the snapshot
//! again (or, for data that knows how, reads only what changed since and makes the new
//! snapshot from the old: [`Loaded::update`]); the requests that come meanwhile wait for that
//! one load, holding no connection, instead of each asking the database. A newer snapshot
//! replaces an older one, never the other way round.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use diesel_async::AsyncPgConnection;

use super::DbConn;

/// Data read from the database as of one data version.
pub trait Loaded: Sized + Send + Sync {
    /// The data version the data was read at.
    fn version(&self) -> i64;

    /// Reads the data and its data version, in one snapshot of the database.
    fn load(conn: &mut AsyncPgConnection)
    -> impl Future<Output = diesel::QueryResult<Self>> + Send;

    /// The data of the current data version made from this data by reading only what changed
    /// since, in one snapshot of the database; `None` when it has to be read whole (what the
    /// default does).
    fn update(
        &self,
        conn: &mut AsyncPgConnection,
    ) -> impl Future<Output = diesel::QueryResult<Option<Self>>> + Send {
        let _ = conn;
        async { Ok(None) }
    }
}

/// The latest snapshot an instance has read.
#[derive(Debug)]
pub struct Snapshot<T> {
    current: Mutex<Option<Arc<T>>>,
    /// Held while a snapshot is loaded: the requests that find it stale wait for the one load.
    loading: tokio::sync::Mutex<()>,
    /// Whether the load under way reads the data whole (rather than updating the snapshot
    /// with what changed since).
    reading_whole: AtomicBool,
}

impl<T> Default for Snapshot<T> {
    fn default() -> Self {
        Self {
            current: Mutex::new(None),
            loading: tokio::sync::Mutex::new(()),
            reading_whole: AtomicBool::new(false),
        }
    }
}

/// Marks a snapshot's load as reading the data whole while it lives (also when the load fails
/// or its request goes away).
struct ReadingWhole<'s>(&'s AtomicBool);

impl<'s> ReadingWhole<'s> {
    fn start(flag: &'s AtomicBool) -> Self {
        flag.store(true, Ordering::Release);
        Self(flag)
    }
}

impl Drop for ReadingWhole<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl<T: Loaded> Snapshot<T> {
    /// The snapshot when it is at least as new as `version`.
    #[must_use]
    pub fn fresh(&self, version: i64) -> Option<Arc<T>> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|data| data.version() >= version)
            .cloned()
    }

    /// The snapshot of data version `version` or later, loaded over a connection from
    /// `connect` when it is not in memory yet, by one request at a time: the others wait for
    /// it, holding no connection meanwhile. (A replica behind `version` gives what it has, as
    /// any read from it would.)
    ///
    /// # Errors
    /// When the connection cannot be had or the load fails.
    pub async fn at_least<E: From<diesel::result::Error>, C: Future<Output = Result<DbConn, E>>>(
        &self,
        version: i64,
        connect: impl Fn() -> C,
    ) -> Result<Arc<T>, E> {
        if let Some(data) = self.fresh(version) {
            return Ok(data);
        }
        let _loading = self.loading.lock().await;
        if let Some(data) = self.fresh(version) {
            return Ok(data);
        }
        self.load(connect).await
    }

    /// The snapshot of data version `version` or later as [`at_least`](Self::at_least) gives
    /// it, or `None` at once while another request is loading it: for data the caller can also
    /// read another way, when waiting for a large snapshot would take longer.
    ///
    /// # Errors
    /// When the connection cannot be had or the load fails.
    pub async fn at_least_unless_loading<
        E: From<diesel::result::Error>,
        C: Future<Output = Result<DbConn, E>>,
    >(
        &self,
        version: i64,
        connect: impl Fn() -> C,
    ) -> Result<Option<Arc<T>>, E> {
        self.at_least_unless(version, connect, false).await
    }

    /// The snapshot of data version `version` or later as [`at_least`](Self::at_least) gives
    /// it, or `None` at once while another request reads it whole: an update (what changed
    /// since the snapshot in memory) takes milliseconds and is waited for, while a whole read
    /// of a large snapshot (after a start, or a change the update cannot follow) takes long
    /// enough that the caller reads another way meanwhile. (A load that starts as an update
    /// and turns out to need a whole read is waited for to its end.)
    ///
    /// # Errors
    /// When the connection cannot be had or the load fails.
    pub async fn at_least_unless_read_whole<
        E: From<diesel::result::Error>,
        C: Future<Output = Result<DbConn, E>>,
    >(
        &self,
        version: i64,
        connect: impl Fn() -> C,
    ) -> Result<Option<Arc<T>>, E> {
        self.at_least_unless(version, connect, true).await
    }

    /// The snapshot of data version `version` or later, or `None` at once while another
    /// request loads it (unless `wait_for_updates` and the load is an update).
    async fn at_least_unless<
        E: From<diesel::result::Error>,
        C: Future<Output = Result<DbConn, E>>,
    >(
        &self,
        version: i64,
        connect: impl Fn() -> C,
        wait_for_updates: bool,
    ) -> Result<Option<Arc<T>>, E> {
        if let Some(data) = self.fresh(version) {
            return Ok(Some(data));
        }
        let _loading = match self.loading.try_lock() {
            Ok(loading) => loading,
            Err(_) if !wait_for_updates || self.reading_whole.load(Ordering::Acquire) => {
                return Ok(None);
            }
            Err(_) => self.loading.lock().await,
        };
        if let Some(data) = self.fresh(version) {
            return Ok(Some(data));
        }
        self.load(connect).await.map(Some)
    }

    /// Loads the snapshot (the caller holds `loading`) and keeps it unless a newer one came.
    async fn load<E: From<diesel::result::Error>, C: Future<Output = Result<DbConn, E>>>(
        &self,
        connect: impl Fn() -> C,
    ) -> Result<Arc<T>, E> {
        let old = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let started = std::time::Instant::now();
        let mut reading_whole = old
            .is_none()
            .then(|| ReadingWhole::start(&self.reading_whole));
        let mut conn = connect().await?;
        let updated = match old {
            Some(old) => old.update(&mut conn).await?,
            None => None,
        };
        let whole = updated.is_none();
        let data = Arc::new(match updated {
            Some(data) => data,
            None => {
                reading_whole.get_or_insert_with(|| ReadingWhole::start(&self.reading_whole));
                T::load(&mut conn).await?
            }
        });
        drop(reading_whole);
        tracing::debug!(
            snapshot = std::any::type_name::<T>(),
            version = data.version(),
            whole,
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "snapshot loaded"
        );
        Ok(self.keep(data))
    }

    /// The snapshot of data version `version` or later when the one in memory can be updated
    /// to it (what changed since, in milliseconds; another request's update is waited for),
    /// or `None` at once: when none is in memory, while another request reads it whole, or
    /// when the update finds that it has to be read whole (which it leaves to the caller, to
    /// start where no request waits for it).
    ///
    /// # Errors
    /// When the connection cannot be had or the update fails.
    pub async fn updated<E: From<diesel::result::Error>, C: Future<Output = Result<DbConn, E>>>(
        &self,
        version: i64,
        connect: impl Fn() -> C,
    ) -> Result<Option<Arc<T>>, E> {
        if let Some(data) = self.fresh(version) {
            return Ok(Some(data));
        }
        let _loading = match self.loading.try_lock() {
            Ok(loading) => loading,
            Err(_) if self.reading_whole.load(Ordering::Acquire) => return Ok(None),
            Err(_) => self.loading.lock().await,
        };
        if let Some(data) = self.fresh(version) {
            return Ok(Some(data));
        }
        let old = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(old) = old else {
            return Ok(None);
        };
        let started = std::time::Instant::now();
        let Some(data) = old.update(&mut *connect().await?).await? else {
            return Ok(None);
        };
        tracing::debug!(
            snapshot = std::any::type_name::<T>(),
            version = data.version(),
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "snapshot updated"
        );
        Ok(Some(self.keep(Arc::new(data))))
    }

    /// Keeps `data` unless a newer snapshot came meanwhile; gives it back.
    fn keep(&self, data: Arc<T>) -> Arc<T> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current
            .as_ref()
            .is_none_or(|c| c.version() < data.version())
        {
            *current = Some(Arc::clone(&data));
        }
        data
    }
}

/// What changed since a snapshot, as its update reads it.
#[derive(Debug)]
pub struct Since {
    /// The filters' values now.
    pub known: crate::query::KnownValues,
    /// The boxes of the changes of the kinds asked for.
    pub boxes: Vec<super::data_version::Extent>,
    /// The kinds of every change since, asked for or not.
    pub kinds: super::data_version::Kinds,
}

/// What changed since a snapshot read at `old`, as its update reads it (in the update's
/// transaction): the filters' values now, the boxes of the changes of `boxes_of` since, and
/// the kinds of all of them. `None` when the snapshot has to be read whole: the filters'
/// values changed, a change of `read_whole_after` or one of `boxes_of` without boxes came, or
/// more than `most_boxes` boxes.
///
/// # Errors
/// When a query fails.
pub async fn changed_since(
    conn: &mut AsyncPgConnection,
    old: &crate::query::KnownValues,
    boxes_of: super::data_version::Kinds,
    read_whole_after: super::data_version::Kinds,
    most_boxes: usize,
) -> diesel::QueryResult<Option<Since>> {
    let known = crate::query::KnownValues::read(conn).await?;
    if !known.same_values(old) {
        return Ok(None);
    }
    let mut boxes = Vec::new();
    let mut kinds = super::data_version::Kinds::NONE;
    for change in super::data_version::changes_after(conn, old.version).await? {
        kinds = kinds.and(change.kinds);
        if change.kinds.intersects(read_whole_after) {
            return Ok(None);
        }
        if !change.kinds.intersects(boxes_of) {
            continue;
        }
        let Some(changed) = change.boxes else {
            return Ok(None);
        };
        boxes.extend(changed);
        if boxes.len() > most_boxes {
            return Ok(None);
        }
    }
    Ok(Some(Since {
        known,
        boxes,
        kinds,
    }))
}
