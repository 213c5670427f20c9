//! Schema migrations, embedded into the binary from `migrations/`.
//!
//! diesel's migration harness is synchronous, so it runs on a blocking thread through
//! `AsyncConnectionWrapper`. A PostgreSQL advisory lock makes concurrent starts of several
//! instances safe: one migrates, the others wait and then find nothing pending.

use anyhow::anyhow;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration of the schema.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Key of the advisory lock held while migrating.
const LOCK_KEY: i64 = 0x0048_4156_454e;

/// Applies pending migrations; returns the versions applied.
///
/// # Errors
/// When the database cannot be reached or a migration fails (it is then rolled back).
pub async fn run_pending(url: &str) -> anyhow::Result<Vec<String>> {
    with_lock(url, |conn| {
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|error| anyhow!(error))?;
        Ok(applied.iter().map(ToString::to_string).collect())
    })
    .await
}

/// Reverts every applied migration, newest first; returns the versions reverted.
///
/// # Errors
/// When the database cannot be reached or a down migration fails.
pub async fn revert_all(url: &str) -> anyhow::Result<Vec<String>> {
    with_lock(url, |conn| {
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(|error| anyhow!(error))?;
        Ok(reverted.iter().map(ToString::to_string).collect())
    })
    .await
}

async fn with_lock<T, F>(url: &str, work: F) -> anyhow::Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut AsyncConnectionWrapper<AsyncPgConnection>) -> anyhow::Result<T> + Send + 'static,
{
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
        conn.batch_execute(&format!("SELECT pg_advisory_lock({LOCK_KEY})"))?;
        let result = work(&mut conn);
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))?;
        result
    })
    .await?
}
