//! Faults (issue 14, item 3 and the standing suite): a slow statement is cancelled, an
//! exhausted pool and a stopped database answer 503 with `Retry-After`, Haven recovers on its
//! own when PostgreSQL returns, and `kill -9` during an import or an approval leaves the state
//! from before the interrupted transaction, never a part of it.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use haven::config::Config;
use haven::db::{self, EmbeddedCluster};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::auth::{db, moderator, send};
use crate::submissions::{city_proposal, submit};
use crate::support::{TestApp, TestResponse, fresh_database, target_dir};

#[tokio::test]
async fn a_statement_past_the_timeout_is_cancelled() {
    let url = fresh_database().await;
    let pool = db::pool::build_with(&url, 1, Duration::from_millis(300)).unwrap();
    let mut conn = pool.get().await.unwrap();
    let error =
        diesel_async::RunQueryDsl::execute(diesel::sql_query("SELECT pg_sleep(5)"), &mut *conn)
            .await
            .unwrap_err();
    assert!(error.to_string().contains("statement timeout"), "{error}");
    let answer = haven::error::AppError::from(error);
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// Pooled connections never JIT-compile: a short statement whose plan merely holds a costly
/// branch would otherwise spend seconds compiling (the search box with a million practices).
#[tokio::test]
async fn pooled_connections_run_without_jit() {
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        jit: String,
    }
    let url = fresh_database().await;
    let pool = db::pool::build(&url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let setting: Setting =
        diesel_async::RunQueryDsl::get_result(diesel::sql_query("SHOW jit"), &mut *conn)
            .await
            .unwrap();
    assert_eq!(setting.jit, "off");
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after() {
    let url = fresh_database().await;
    let pool = db::pool::build(&url, 1).unwrap();
    let data_version = db::DataVersion::listen(&url).await;
    let state = Arc::new(haven::App::new(
        Config::default(),
        pool.clone(),
        None,
        data_version,
    ));
    let router = haven::app(state);
    let held = pool.get().await.unwrap();
    let response = tower::ServiceExt::oneshot(
        router.clone(),
        axum::http::Request::get("/readyz")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let response = TestResponse::read(response).await;
    response.problem(StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers.contains_key("retry-after"));
    drop(held);
}

/// The statuses seen by request loops running until `stop`.
async fn load(app: Arc<TestApp>, stop: Arc<AtomicBool>, worker: usize) -> Vec<TestResponse> {
    let mut seen = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let path = if n % 2 == 0 {
            "/readyz".to_owned()
        } else {
            format!("/api/v1/cities?q=w{worker}n{n}")
        };
        seen.push(app.get(&path).await);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    seen
}

#[tokio::test]
async fn postgres_stopped_and_restarted_under_load() {
    let root = target_dir().join("test-faults");
    let cluster = tokio::task::spawn_blocking(move || EmbeddedCluster::start(&root))
        .await
        .unwrap()
        .unwrap();
    let cluster = Arc::new(cluster);
    cluster.ensure_database("haven").await.unwrap();
    let url = cluster.connection_string("haven");
    db::migrate::run_pending(&url).await.unwrap();
    let app = Arc::new(TestApp::over(url, Config::default()).await);
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|worker| tokio::spawn(load(Arc::clone(&app), Arc::clone(&stop), worker)))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let stopping = Arc::clone(&cluster);
    tokio::task::spawn_blocking(move || stopping.stop().unwrap())
        .await
        .unwrap();
    // While it is down: 503 with Retry-After.
    let down = app.get("/readyz").await;
    down.problem(StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.headers.contains_key("retry-after"));
    tokio::time::sleep(Duration::from_millis(500)).await;

    let starting = Arc::clone(&cluster);
    tokio::task::spawn_blocking(move || starting.restart().unwrap())
        .await
        .unwrap();
    // Back within 5 s, without restarting Haven.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if app.get("/readyz").await.status == StatusCode::OK
            && app.get("/api/v1/cities?q=after").await.status == StatusCode::OK
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Haven did not recover within 5 s of PostgreSQL's return"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::SeqCst);
    let mut unavailable = 0;
    for worker in workers {
        for response in worker.await.unwrap() {
            match response.status {
                StatusCode::OK => {}
                StatusCode::SERVICE_UNAVAILABLE => {
                    response.problem(StatusCode::SERVICE_UNAVAILABLE);
                    assert!(response.headers.contains_key("retry-after"));
                    unavailable += 1;
                }
                other => panic!("{other} under an outage: {}", response.text()),
            }
        }
    }
    assert!(unavailable > 0, "the load saw the outage");
    tokio::task::spawn_blocking(move || cluster.stop().unwrap())
        .await
        .unwrap();
}

/// Waits until a backend of `database_url`'s database sleeps in `pg_sleep` (inside the
/// transaction a test trigger holds open).
async fn wait_for_sleeper(client: &tokio_postgres::Client) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let sleeping: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                  WHERE datname = current_database() AND wait_event = 'PgSleep'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if sleeping > 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "nothing slept");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Ends the backend a killed client left sleeping (PostgreSQL would notice the dead client
/// only when the statement ends); its transaction rolls back.
async fn end_sleeper(client: &tokio_postgres::Client) {
    client
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event = 'PgSleep'",
        )
        .await
        .unwrap();
}

fn haven_command(args: &[&str], database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_haven"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env_remove("DATABASE_REPLICA_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn kill_9(child: &mut Child) {
    let status = Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap();
}

async fn count(client: &tokio_postgres::Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn kill_9_during_an_import_keeps_each_file_whole() {
    let app = TestApp::new().await;
    let client = db(&app).await;
    // The networks file's transaction sleeps once its rows are written, and is killed there.
    client
        .batch_execute(
            "CREATE FUNCTION test_sleep() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$;
             CREATE TRIGGER test_sleep AFTER INSERT ON networks
               FOR EACH STATEMENT EXECUTE FUNCTION test_sleep();",
        )
        .await
        .unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/fixtures/import/small"
    );
    let mut import = haven_command(&["import", fixture], &app.database_url)
        .spawn()
        .unwrap();
    wait_for_sleeper(&client).await;
    kill_9(&mut import);
    // Files before it are whole; it and those after it are absent.
    assert_eq!(count(&client, "policy_areas").await, 12);
    assert_eq!(count(&client, "networks").await, 0);
    assert_eq!(count(&client, "memberships").await, 0);

    // An import after the crash completes, like one that never crashed.
    end_sleeper(&client).await;
    client
        .batch_execute("DROP TRIGGER test_sleep ON networks")
        .await
        .unwrap();
    let status = haven_command(&["import", fixture], &app.database_url)
        .status()
        .unwrap();
    assert!(status.success());
    let clean = TestApp::new().await;
    let status = haven_command(&["import", fixture], &clean.database_url)
        .status()
        .unwrap();
    assert!(status.success());
    let clean_client = db(&clean).await;
    for table in [
        "policy_areas",
        "networks",
        "memberships",
        "practices",
        "revisions",
    ] {
        assert_eq!(
            count(&client, table).await,
            count(&clean_client, table).await,
            "{table}"
        );
    }
}

/// A raw HTTP/1.1 request to `port`; returns the status.
async fn http(port: u16, request: String) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1)?.parse().ok()
}

#[tokio::test]
async fn kill_9_during_an_approval_leaves_the_state_before_it() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let reference = submit(&app, city_proposal("Killtown")).await;
    let client = db(&app).await;
    let id: i64 = client
        .query_one(
            "SELECT id FROM submissions WHERE reference = $1",
            &[&reference],
        )
        .await
        .unwrap()
        .get(0);
    let before = (
        count(&client, "cities").await,
        count(&client, "revisions").await,
        client
            .query_one("SELECT version FROM data_version", &[])
            .await
            .unwrap()
            .get::<_, i64>(0),
    );
    client
        .batch_execute(
            "CREATE FUNCTION test_sleep() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$;
             CREATE TRIGGER test_sleep AFTER INSERT ON revisions
               FOR EACH STATEMENT EXECUTE FUNCTION test_sleep();",
        )
        .await
        .unwrap();

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let listen = format!("127.0.0.1:{port}");
    let mut server = haven_command(
        &["serve", "--no-import", "--listen", &listen],
        &app.database_url,
    )
    .spawn()
    .unwrap();
    let ready = "GET /readyz HTTP/1.1\r\nHost: haven.test\r\nConnection: close\r\n\r\n".to_owned();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while http(port, ready.clone()).await != Some(200) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "haven did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = json!({ "note": "looks right" }).to_string();
    let approve = format!(
        "POST /api/v1/moderation/submissions/{id}/approve HTTP/1.1\r\nHost: haven.test\r\n\
         Cookie: {}\r\nX-CSRF-Token: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        moderator.cookie,
        moderator.csrf,
        body.len()
    );
    let pending = tokio::spawn(http(port, approve));
    wait_for_sleeper(&client).await;
    kill_9(&mut server);
    assert_eq!(
        pending.await.unwrap(),
        None,
        "no answer from a killed server"
    );

    // The approval's transaction never committed: everything is as before.
    let status: String = client
        .query_one("SELECT status FROM submissions WHERE id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "pending");
    let after = (
        count(&client, "cities").await,
        count(&client, "revisions").await,
        client
            .query_one("SELECT version FROM data_version", &[])
            .await
            .unwrap()
            .get::<_, i64>(0),
    );
    assert_eq!(before, after);
    // And it can still be approved.
    end_sleeper(&client).await;
    client
        .batch_execute("DROP TRIGGER test_sleep ON revisions")
        .await
        .unwrap();
    let approved = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({})),
        Some(&moderator),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
}
