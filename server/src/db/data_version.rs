//! The data version: one number that changes whenever published data changes.
//!
//! Triggers bump `data_version.version` and `NOTIFY haven_data_version` on every statement
//! that changes published rows (migration 5). Each instance keeps the latest value in memory
//! by listening on a dedicated connection, so caches (tiles, ETags) are invalidated on every
//! instance at once, without polling the database per request. After a lost connection the
//! listener reconnects and re-reads the counter, so no change is ever missed for long.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;

/// The channel the triggers notify on.
pub const CHANNEL: &str = "haven_data_version";

/// The latest known data version of this instance.
#[derive(Debug)]
pub struct DataVersion {
    current: AtomicI64,
    changes: watch::Sender<i64>,
}

impl DataVersion {
    /// A version that is only changed by [`observe`](Self::observe) (no listener).
    #[must_use]
    pub fn new(initial: i64) -> Self {
        let (changes, _) = watch::channel(initial);
        Self {
            current: AtomicI64::new(initial),
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

    /// Records a version read or announced elsewhere; versions only move forward.
    pub fn observe(&self, version: i64) {
        let previous = self.current.fetch_max(version, Ordering::AcqRel);
        if version > previous {
            self.changes.send_replace(version);
        }
    }

    /// A receiver that wakes on every change.
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.changes.subscribe()
    }
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

async fn listen_once(
    url: &str,
    version: &DataVersion,
    ready: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
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
    let row = client
        .query_one("SELECT version FROM data_version", &[])
        .await?;
    version.observe(row.get(0));
    if let Some(ready) = ready.take() {
        let _ = ready.send(());
    }
    while let Some(payload) = notifications.recv().await {
        match payload.parse::<i64>() {
            Ok(announced) => version.observe(announced),
            Err(_) => tracing::warn!(payload, "unexpected data version notification"),
        }
    }
    driver.abort();
    Ok(())
}
