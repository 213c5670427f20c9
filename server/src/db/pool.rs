//! Connection pools (diesel-async over deadpool).
//!
//! Every connection has a statement timeout, so one slow query cannot hold a connection (and,
//! with enough of them, the whole pool) for long; a request that finds no free connection
//! within [`CHECKOUT_TIMEOUT`] is answered 503 with `Retry-After`.

use std::time::Duration;

use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::FutureExt;

/// A pool of asynchronous PostgreSQL connections.
pub type DbPool = Pool<AsyncPgConnection>;
/// A connection checked out of a [`DbPool`].
pub type DbConn = Object<AsyncPgConnection>;

/// How long a request waits for a connection before it is answered with 503.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// The statement timeout of pooled connections unless configured otherwise.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(15);

/// Builds a pool of at most `size` connections to `url` with the default statement timeout.
///
/// # Errors
/// When the pool cannot be built from its settings.
pub fn build(url: &str, size: usize) -> anyhow::Result<DbPool> {
    build_with(url, size, DEFAULT_STATEMENT_TIMEOUT)
}

/// Builds a pool of at most `size` connections to `url` whose statements are cancelled after
/// `statement_timeout` (zero: never). Connections are opened lazily, so the server starts
/// (and `/readyz` answers 503) even while the database is down.
///
/// # Errors
/// When the pool cannot be built from its settings.
pub fn build_with(url: &str, size: usize, statement_timeout: Duration) -> anyhow::Result<DbPool> {
    let millis = statement_timeout.as_millis();
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    // A connection going back into use is not pinged with `SELECT 1` (a round trip as long as
    // a tile's query): the pool still drops connections whose socket closed or whose
    // transaction broke, and a connection that died unnoticed fails its first statement with
    // a 503, like any other outage.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            // No JIT compilation: a statement whose plan holds a costly branch that never
            // runs (the search box's policy-area counts over every practice) crossed
            // `jit_above_cost` with a million practices and spent 2 s compiling a 40 ms query.
            conn.batch_execute(&format!(
                "SET statement_timeout = {millis}; SET idle_in_transaction_session_timeout = 60000; \
                 SET jit = off"
            ))
            .await
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
        with_connect_timeout(url),
        config,
    );
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
