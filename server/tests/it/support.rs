//! `TestApp`: a fresh database per test and helpers to drive the router.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use haven::config::Config;
use haven::db::{self, EmbeddedCluster, cluster::quote_ident};
use http_body_util::BodyExt;
use tokio::sync::OnceCell;
use tower::ServiceExt;

/// Name of the migrated template every test database is cloned from.
const TEMPLATE: &str = "haven_test_template";

static CLUSTER: OnceLock<EmbeddedCluster> = OnceLock::new();
static TEMPLATE_READY: OnceCell<()> = OnceCell::const_new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The workspace's `target/` directory.
pub fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// The suite's private cluster, started on first use (the same code as `haven serve`).
pub fn cluster() -> &'static EmbeddedCluster {
    CLUSTER.get_or_init(|| {
        EmbeddedCluster::start(&target_dir().join("test-data")).expect("start the test cluster")
    })
}

/// Creates the migrated template once per test run, dropping what earlier runs left.
async fn template() {
    TEMPLATE_READY
        .get_or_init(|| async {
            let cluster = tokio::task::spawn_blocking(cluster).await.unwrap();
            let admin = cluster.admin_client().await.unwrap();
            let leftovers = admin
                .query(
                    "SELECT datname FROM pg_database WHERE datname LIKE 't\\_%' OR datname = $1",
                    &[&TEMPLATE],
                )
                .await
                .unwrap();
            for row in leftovers {
                let name: String = row.get(0);
                admin
                    .batch_execute(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        quote_ident(&name)
                    ))
                    .await
                    .unwrap();
            }
            admin
                .batch_execute(&format!("CREATE DATABASE {TEMPLATE}"))
                .await
                .unwrap();
            db::migrate::run_pending(&cluster.connection_string(TEMPLATE))
                .await
                .unwrap();
        })
        .await;
}

/// A database of its own, cloned from the migrated template; returns its connection string.
pub async fn fresh_database() -> String {
    template().await;
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let admin = cluster().admin_client().await.unwrap();
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {} TEMPLATE {TEMPLATE}",
            quote_ident(&name)
        ))
        .await
        .unwrap();
    cluster().connection_string(&name)
}

/// An empty (unmigrated) database of its own; returns its connection string.
pub async fn empty_database() -> String {
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let cluster = tokio::task::spawn_blocking(cluster).await.unwrap();
    cluster.ensure_database(&name).await.unwrap();
    cluster.connection_string(&name)
}

/// The router of a Haven over a fresh database.
pub struct TestApp {
    pub router: Router,
    pub database_url: String,
    /// The data version this instance has seen (through LISTEN/NOTIFY).
    pub data_version: Arc<db::DataVersion>,
    /// The instance's state (its snapshots).
    pub state: haven::AppState,
}

impl TestApp {
    /// A Haven over a fresh, migrated, empty database.
    pub async fn new() -> Self {
        let database_url = fresh_database().await;
        Self::over(database_url, Config::default()).await
    }

    /// A Haven over `database_url` with `config`.
    pub async fn over(database_url: String, config: Config) -> Self {
        let pool = db::pool::build(&database_url, 4).unwrap();
        let data_version = db::DataVersion::listen(&database_url).await;
        let state = Arc::new(haven::App::new(
            config,
            pool,
            None,
            Arc::clone(&data_version),
        ));
        Self {
            router: haven::app(Arc::clone(&state)),
            database_url,
            data_version,
            state,
        }
    }

    /// Sends `request` through the router.
    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        TestResponse::read(response).await
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }
}

/// A response with its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: bytes::Bytes,
}

impl TestResponse {
    pub async fn read(response: Response<Body>) -> Self {
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Self {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).unwrap()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text()))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem document with `status`; returns it.
    pub fn problem(&self, status: StatusCode) -> serde_json::Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        assert_eq!(self.content_type(), "application/problem+json");
        let problem = self.json();
        assert_eq!(problem["status"], status.as_u16());
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|detail| !detail.is_empty())
        );
        problem
    }
}

/// Loads the small known data set of `fixtures/sample.sql` (4 cities in DE, PL and IT, 4
/// networks, 3 practices, the 12 policy areas and the 8 demands) into `database_url`.
pub async fn seed_sample(database_url: &str) {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(include_str!("fixtures/sample.sql"))
        .await
        .unwrap();
}

impl TestApp {
    /// Runs `sql` (several statements allowed) on this app's database.
    pub async fn execute(&self, sql: &str) {
        let (client, connection) =
            tokio_postgres::connect(&self.database_url, tokio_postgres::NoTls)
                .await
                .unwrap();
        tokio::spawn(connection);
        client.batch_execute(sql).await.unwrap();
        // Caches follow the data version, which reaches this instance by NOTIFY a moment
        // later: wait for it, as a reader on another instance eventually would.
        let version: i64 = client
            .query_one("SELECT version FROM data_version", &[])
            .await
            .unwrap()
            .get(0);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.data_version.get() < version {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the data version never reached {version}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// A Haven over a fresh database holding the sample data set.
    pub async fn with_sample() -> Self {
        let app = Self::new().await;
        seed_sample(&app.database_url).await;
        app
    }
}
