//! The database: connection pools, the private cluster, migrations and the data version.

pub mod cluster;
pub mod constraint;
pub mod data_change;
pub mod data_version;
pub mod kept;
pub mod migrate;
pub mod pool;
pub mod prepared;
pub mod snapshot;

pub use cluster::EmbeddedCluster;
pub use data_version::DataVersion;
pub use pool::{DbConn, DbPool};
pub use prepared::Prepared;

use crate::config::DatabaseArgs;

/// The database Haven talks to, and the private cluster behind it when it runs one.
#[derive(Debug)]
pub struct Database {
    /// Connection string of the primary.
    pub url: String,
    /// Connection string of the read replica, if any.
    pub replica_url: Option<String>,
    /// The private cluster, stopped when this value is dropped (if this process started it).
    pub cluster: Option<EmbeddedCluster>,
}

impl Database {
    /// Uses `DATABASE_URL`, or starts the private cluster under `--data-dir` and creates the
    /// `haven` database in it.
    ///
    /// # Errors
    /// When the private cluster cannot be started.
    pub async fn open(args: &DatabaseArgs) -> anyhow::Result<Self> {
        if let Some(url) = &args.database_url {
            return Ok(Self {
                url: url.clone(),
                replica_url: args.database_replica_url.clone(),
                cluster: None,
            });
        }
        let root = args.data_dir.clone();
        let cluster = tokio::task::spawn_blocking(move || EmbeddedCluster::start(&root)).await??;
        cluster.ensure_database("haven").await?;
        Ok(Self {
            url: cluster.connection_string("haven"),
            replica_url: args.database_replica_url.clone(),
            cluster: Some(cluster),
        })
    }

    /// Stops the private cluster, if this process started one: a cluster another process
    /// runs (the server, while `haven admin …` works beside it) keeps running. Dropping the
    /// cluster does exactly that.
    pub fn close(self) {
        drop(self.cluster);
    }
}
