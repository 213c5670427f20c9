//! The data version: one number that changes whenever published data changes, and what
//! each change touched.
//!
//! Triggers bump `data_version.version`, record the change in `data_changes` and announce it
//! on `haven_data_version` (migrations 5 and `000601`; see [`super::data_change`]). Each
//! instance listens on a dedicated connection and hands every change, in version order, to
//! the caches that registered for it ([`ChangeSink`]): they drop only what the change
//! touches. Per kind of data it keeps the version of the kind's last change, from which
//! answers derive their ETags. After a lost connection the listener reconnects and treats
//! the gap as a change of everything, so no change is ever missed.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;

pub use super::data_change::{Change, DataKind, Extent, Kinds};

/// The channel the triggers notify on.
pub const CHANNEL: &str = "haven_data_version";

/// The `application_name` of the listening connection (as `pg_stat_activity` shows it).
pub const LISTENER_NAME: &str = "haven data version listener";

/// The most changes read from `data_changes` at once; more is treated as "everything".
const CATCH_UP_LIMIT: i64 = 1000;

/// Something that keeps data derived from published data and drops what a change touches.
pub trait ChangeSink: Send + Sync + std::fmt::Debug {
    /// Drops what `change` makes stale. Called once per change, in version order.
    fn apply(&self, change: &Change);
}

/// The latest known data version of this instance, per kind of data too.
#[derive(Debug)]
pub struct DataVersion {
    current: AtomicI64,
    /// Per [`DataKind`] (by index): the version of its last change known here.
    kinds: [AtomicI64; DataKind::ALL.len()],
    /// Held while a change is applied, so sinks see changes one at a time and in order.
    sinks: Mutex<Vec<Weak<dyn ChangeSink>>>,
    changes: watch::Sender<i64>,
}

impl DataVersion {
    /// A version that only changes through [`apply`](Self::apply) (no listener); every kind
    /// starts at `initial`.
    #[must_use]
    pub fn new(initial: i64) -> Self {
        let (changes, _) = watch::channel(initial);
        Self {
            current: AtomicI64::new(initial),
            kinds: std::array::from_fn(|_| AtomicI64::new(initial)),
            sinks: Mutex::new(Vec::new()),
            changes,
        }
    }

    /// Starts listening to `database_url` in the background and returns the shared value,
    /// after the first read of the counter (or at once with version 0 when the database is
    /// unreachable; the listener keeps trying).
    pub async fn listen(database_url: &str) -> Arc<Self> {
        let version = Arc::new(Self::new(0));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(listen_forever(
            database_url.to_owned(),
            Arc::clone(&version),
            ready_tx,
        ));
        let _ = tokio::time::timeout(Duration::from_secs(5), ready_rx).await;
        version
    }

    /// The latest version known here.
    #[must_use]
    pub fn get(&self) -> i64 {
        self.current.load(Ordering::Acquire)
    }

    /// The version of the last change of any of `kinds` known here: it moves on exactly when
    /// data of those kinds changes.
    #[must_use]
    pub fn of(&self, kinds: Kinds) -> i64 {
        kinds
            .iter()
            .map(|kind| self.kinds[kind.index()].load(Ordering::Acquire))
            .max()
            .unwrap_or(0)
    }

    /// Whether data of `kinds` read at versions `a` and `b` is the same data: this instance
    /// knows both versions and no change of `kinds` it knows lies after the older one.
    #[must_use]
    pub fn unchanged_between(&self, kinds: Kinds, a: i64, b: i64) -> bool {
        // The current version before the kinds' last change: `apply` records a change's
        // kinds before the version, so every change up to `current` is in `last`.
        let current = self.get();
        let last = self.of(kinds);
        a.max(b) <= current && last <= a.min(b)
    }

    /// Registers `sink` for every later change (held weakly: a dropped sink is forgotten).
    pub fn register(&self, sink: Weak<dyn ChangeSink>) {
        let mut sinks = self.sinks.lock().unwrap_or_else(PoisonError::into_inner);
        sinks.retain(|sink| sink.strong_count() > 0);
        sinks.push(sink);
    }

    /// Applies `change` unless a change of its version or later was applied already: the
    /// per-kind versions move first (so nothing is cached under a tag that would still
    /// match), then every sink drops what it touches, then the version moves.
    pub fn apply(&self, change: &Change) {
        let sinks = self.sinks.lock().unwrap_or_else(PoisonError::into_inner);
        if change.version <= self.get() {
            return;
        }
        for kind in change.kinds.iter() {
            self.kinds[kind.index()].fetch_max(change.version, Ordering::AcqRel);
        }
        for sink in sinks.iter().filter_map(Weak::upgrade) {
            sink.apply(change);
        }
        self.current.store(change.version, Ordering::Release);
        self.changes.send_replace(change.version);
    }

    /// Sets the per-kind versions of a fresh instance (nothing cached yet) and its version.
    fn start_at(&self, version: i64, kinds: &[(DataKind, i64)], floor: i64) {
        let _sinks = self.sinks.lock().unwrap_or_else(PoisonError::into_inner);
        for kind in DataKind::ALL {
            let at = kinds
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(floor, |(_, v)| *v);
            self.kinds[kind.index()].store(at, Ordering::Release);
        }
        self.current.store(version, Ordering::Release);
        self.changes.send_replace(version);
    }

    /// Applies the changes after the version known here as the database behind `conn` has
    /// them (the primary, right after a write: this instance then reads its own write
    /// without waiting for the notification). Changes it no longer holds count as
    /// everything.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn catch_up(
        &self,
        conn: &mut diesel_async::AsyncPgConnection,
    ) -> diesel::QueryResult<()> {
        for change in changes_after(conn, self.get()).await? {
            self.apply(&change);
        }
        Ok(())
    }

    /// A receiver that wakes on every change.
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.changes.subscribe()
    }
}

/// The changes after data version `known` up to the current one, in version order, as the
/// database behind `conn` holds them: none when `known` is current, one change of everything
/// when it no longer holds them all (or more than a thousand of them).
///
/// # Errors
/// When the query fails.
pub async fn changes_after(
    conn: &mut diesel_async::AsyncPgConnection,
    known: i64,
) -> diesel::QueryResult<Vec<Change>> {
    use diesel::sql_types::{Array, BigInt, Double, Nullable, Text};
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        current: i64,
        #[diesel(sql_type = Nullable<BigInt>)]
        version: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        kind: Option<String>,
        #[diesel(sql_type = Nullable<Array<Double>>)]
        boxes: Option<Vec<f64>>,
    }
    let rows: Vec<Row> = super::Prepared::fixed(
        diesel::sql_query(
            "SELECT v.version AS current, c.version, c.kind, c.boxes
             FROM data_version v
             LEFT JOIN LATERAL (SELECT * FROM data_changes WHERE version > $1
                                ORDER BY version LIMIT $2) c ON true
             ORDER BY c.version",
        )
        .bind::<BigInt, _>(known)
        .bind::<BigInt, _>(CATCH_UP_LIMIT),
    )
    .load(conn)
    .await?;
    let Some(current) = rows.iter().map(|row| row.current).next() else {
        return Ok(Vec::new());
    };
    if current <= known {
        return Ok(Vec::new());
    }
    let changes: Vec<Change> = rows
        .into_iter()
        .filter_map(|row| {
            let version = row.version?;
            // A kind this instance does not know (`all`): everything.
            let kinds = row
                .kind
                .as_deref()
                .and_then(DataKind::parse)
                .map_or(Kinds::ALL, |kind| Kinds::of(&[kind]));
            Some(Change {
                version,
                kinds,
                boxes: row.boxes.as_deref().and_then(Extent::boxes),
            })
        })
        .collect();
    let contiguous = changes
        .iter()
        .zip(known + 1..)
        .all(|(change, expected)| change.version == expected)
        && changes.last().is_some_and(|last| last.version == current);
    Ok(if contiguous {
        changes
    } else {
        vec![Change::everything(current)]
    })
}

/// The data version as the database behind `conn` has it (on a replica: as far as it has
/// replayed).
///
/// # Errors
/// When the query fails.
pub async fn read(conn: &mut diesel_async::AsyncPgConnection) -> diesel::QueryResult<i64> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        version: i64,
    }
    let row: Row = diesel::sql_query("SELECT version FROM data_version")
        .get_result(conn)
        .await?;
    Ok(row.version)
}

async fn listen_forever(
    url: String,
    version: Arc<DataVersion>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut backoff = Duration::from_millis(200);
    loop {
        match listen_once(&url, &version, &mut ready).await {
            Ok(()) => tracing::info!("data version listener: connection closed, reconnecting"),
            Err(error) => tracing::warn!(%error, "data version listener failed, reconnecting"),
        }
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
        if Arc::strong_count(&version) == 1 {
            return; // Nobody reads it any more.
        }
    }
}

/// The per-kind versions of a fresh instance: the last change of each kind that
/// `data_changes` holds, else one below the oldest change it holds (or 0 when it holds none).
const START: &str = "
SELECT (SELECT version FROM data_version) AS version,
       coalesce((SELECT min(version) - 1 FROM data_changes), 0) AS floor,
       coalesce((SELECT array_agg(kind || ' ' || v) FROM (
           SELECT kind, max(version) AS v FROM data_changes GROUP BY kind) k), '{}') AS kinds";

async fn listen_once(
    url: &str,
    version: &DataVersion,
    ready: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<(), tokio_postgres::Error> {
    let mut config: tokio_postgres::Config = url.parse()?;
    config.application_name(LISTENER_NAME);
    let (client, mut connection) = config.connect(tokio_postgres::NoTls).await?;
    let (tx, mut notifications) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(note)) => {
                    if tx.send(note.payload().to_owned()).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "data version listener connection error");
                    break;
                }
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    if version.get() == 0 {
        let row = client.query_one(START, &[]).await?;
        let kinds: Vec<String> = row.get(2);
        let kinds: Vec<(DataKind, i64)> = kinds
            .iter()
            .filter_map(|entry| {
                let (kind, at) = entry.split_once(' ')?;
                Some((DataKind::parse(kind)?, at.parse().ok()?))
            })
            .collect();
        version.start_at(row.get(0), &kinds, row.get(1));
    } else {
        // Reconnected: whatever changed while nobody listened counts as everything.
        let row = client
            .query_one("SELECT version FROM data_version", &[])
            .await?;
        version.apply(&Change::everything(row.get(0)));
    }
    if let Some(ready) = ready.take() {
        let _ = ready.send(());
    }
    while let Some(payload) = notifications.recv().await {
        match Change::parse(&payload) {
            Some(change) => version.apply(&change),
            None => tracing::warn!(payload, "unexpected data version notification"),
        }
    }
    driver.abort();
    Ok(())
}
