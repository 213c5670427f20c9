//! Probes, the fallback, panics and static files.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use haven::config::Config;
use haven::db::{self, EmbeddedCluster};

use crate::support::{TestApp, TestResponse, target_dir};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.text(), "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_does() {
    let app = TestApp::new().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn unknown_routes_are_404_problem_documents() {
    let app = TestApp::new().await;
    for path in ["/nowhere", "/api/v1/nothing-here", "/a/b/c.json"] {
        let problem = app.get(path).await.problem(StatusCode::NOT_FOUND);
        assert_eq!(problem["title"], "Not Found");
    }
}

#[tokio::test]
async fn a_panicking_handler_gives_a_500_problem_document() {
    async fn boom() -> &'static str {
        panic!("boom")
    }
    let router =
        haven::app::with_middleware(Router::new().route("/boom", get(boom)), &Config::default());
    let response = tower::ServiceExt::oneshot(
        router,
        axum::http::Request::get("/boom")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let response = TestResponse::read(response).await;
    let problem = response.problem(StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !problem["detail"].as_str().unwrap().contains("boom"),
        "panic text leaked"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let router = haven::app::with_middleware(
        Router::new().route(
            "/echo",
            axum::routing::post(|body: String| async move { body }),
        ),
        &Config {
            body_limit: 16,
            ..Config::default()
        },
    );
    let request = axum::http::Request::post("/echo")
        .header("content-type", "text/plain")
        .body(axum::body::Body::from("x".repeat(100)))
        .unwrap();
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn static_files_of_the_client_are_served_at_the_root() {
    let dir = target_dir().join("test-static");
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Haven</title>",
    )
    .unwrap();
    std::fs::write(
        dir.join("assets/app.js"),
        "console.log('haven')".repeat(100),
    )
    .unwrap();
    let database_url = crate::support::fresh_database().await;
    let config = Config {
        static_dir: dir.clone(),
        ..Config::default()
    };
    let app = TestApp::over(database_url, config).await;

    let index = app.get("/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.content_type().starts_with("text/html"));
    assert!(index.text().contains("<title>Haven</title>"));

    let request = axum::http::Request::get("/assets/app.js")
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let script = app.request(request).await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.headers.get("content-encoding").unwrap(), "gzip");
    // Hashed build files are kept for a year; the pages are asked for again each visit.
    assert_eq!(
        script.headers.get("cache-control").unwrap(),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(index.headers.get("cache-control").unwrap(), "no-cache");

    // A file the build compressed ahead of time is sent as it is, not compressed again.
    let ahead = {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder
            .write_all(b"console.log('compressed ahead of time')")
            .unwrap();
        encoder.finish().unwrap()
    };
    std::fs::write(dir.join("assets/ahead.js"), "console.log('plain')").unwrap();
    std::fs::write(dir.join("assets/ahead.js.gz"), &ahead).unwrap();
    let request = axum::http::Request::get("/assets/ahead.js")
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .body(axum::body::Body::empty())
        .unwrap();
    let script = app.request(request).await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.headers.get("content-encoding").unwrap(), "gzip");
    assert_eq!(script.headers.get("vary").unwrap(), "accept-encoding");
    assert_eq!(script.body.as_ref(), ahead.as_slice());
    assert!(script.content_type().starts_with("text/javascript"));
    let plain = app.get("/assets/ahead.js").await;
    assert_eq!(plain.text(), "console.log('plain')");
    // A missing file is not cached as if it were a build file.
    let missing = app.get("/assets/missing.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.headers.get("cache-control").is_none());

    // The pages mailed links open are the client too, whatever their query.
    for path in ["/confirm-email?token=abc", "/reset-password?token=abc"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.text().contains("<title>Haven</title>"), "{path}");
    }
    assert_eq!(
        app.get("/confirm-email/x").await.status,
        StatusCode::NOT_FOUND
    );

    // Only the embeddable map may be framed by other sites.
    let csp = |page: &crate::support::TestResponse| {
        page.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let embed = app.get("/embed?lang=de&area=housing").await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(embed.text().contains("<title>Haven</title>"));
    assert!(
        csp(&embed).ends_with("frame-ancestors *"),
        "{}",
        csp(&embed)
    );
    assert!(csp(&embed).contains("script-src 'self'"));
    assert!(!embed.headers.contains_key("x-frame-options"));
    for path in [
        "/",
        "/confirm-email?token=abc",
        "/en/about",
        "/api/v1/policy-areas",
    ] {
        let page = app.get(path).await;
        assert!(csp(&page).ends_with("frame-ancestors 'self'"), "{path}");
        assert_eq!(
            page.headers.get("x-frame-options").unwrap(),
            "SAMEORIGIN",
            "{path}"
        );
    }
    assert_eq!(app.get("/embed/x").await.status, StatusCode::NOT_FOUND);
}

/// Takes the database away and brings it back: `/readyz` follows, `/healthz` does not care.
#[tokio::test]
async fn readyz_is_503_while_the_database_is_down() {
    let root = target_dir().join("test-readyz");
    let cluster = tokio::task::spawn_blocking(move || EmbeddedCluster::start(&root))
        .await
        .unwrap()
        .unwrap();
    cluster.ensure_database("haven").await.unwrap();
    let url = cluster.connection_string("haven");
    db::migrate::run_pending(&url).await.unwrap();
    let app = TestApp::over(url, Config::default()).await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop().unwrap();
        cluster
    })
    .await
    .unwrap();
    let problem = app
        .get("/readyz")
        .await
        .problem(StatusCode::SERVICE_UNAVAILABLE);
    assert!(problem["detail"].as_str().unwrap().contains("database"));
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart().unwrap();
        cluster
    })
    .await
    .unwrap();
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    tokio::task::spawn_blocking(move || cluster.stop().unwrap())
        .await
        .unwrap();
}

/// `haven admin …` beside a running server reuses its cluster and must leave it running.
#[tokio::test]
async fn closing_a_database_leaves_a_cluster_it_did_not_start_running() {
    let root = target_dir().join("test-shared-cluster");
    let owner = tokio::task::spawn_blocking({
        let root = root.clone();
        move || EmbeddedCluster::start(&root)
    })
    .await
    .unwrap()
    .unwrap();
    owner.ensure_database("haven").await.unwrap();
    let args = haven::config::DatabaseArgs {
        database_url: None,
        database_replica_url: None,
        data_dir: root,
        pool_size: 1,
        statement_timeout: 15,
    };
    let guest = db::Database::open(&args).await.unwrap();
    guest.close();
    owner.ensure_database("haven").await.unwrap();
    let url = owner.connection_string("haven");
    db::migrate::run_pending(&url).await.unwrap();
    let app = TestApp::over(url, Config::default()).await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}
