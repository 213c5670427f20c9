//! Connection pools (diesel-async over deadpool).

use std::time::Duration;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::{Object, Pool};

/// A pool of asynchronous PostgreSQL connections.
pub type DbPool = Pool<AsyncPgConnection>;
/// A connection checked out of a [`DbPool`].
pub type DbConn = Object<AsyncPgConnection>;

/// How long a request waits for a connection before it is answered with 503.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// Builds a pool of at most `size` connections to `url`. Connections are opened lazily, so
/// the server starts (and `/readyz` answers 503) even while the database is down.
///
/// # Errors
/// When the pool cannot be built from its settings.
pub fn build(url: &str, size: usize) -> anyhow::Result<DbPool> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(with_connect_timeout(url));
    let pool = Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(CHECKOUT_TIMEOUT))
        .create_timeout(Some(CHECKOUT_TIMEOUT))
        .recycle_timeout(Some(CHECKOUT_TIMEOUT))
        .runtime(deadpool::Runtime::Tokio1)
        .build()?;
    Ok(pool)
}

/// Adds a connect timeout to a key-value connection string that has none (URLs are left as
/// they are: their owner decides).
fn with_connect_timeout(url: &str) -> String {
    if url.contains("://") || url.contains("connect_timeout") {
        url.to_owned()
    } else {
        format!("{url} connect_timeout=5")
    }
}
