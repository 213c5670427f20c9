//! Scale-out the way operators grow past one machine (issue 14, standing suite): two Haven
//! instances on one primary plus a real streaming replica made with `pg_basebackup` as
//! `DATABASE_REPLICA_URL`. Sessions, throttles, answer caches and the data version agree across
//! instances, and a writer reads its own write even while the replica lags.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use haven::config::Config;
use haven::db::{self, EmbeddedCluster};
use serde_json::json;

use crate::auth::{PASSWORD, confirmed_user, moderator, request, send};
use crate::submissions::{city_proposal, submit};
use crate::support::{TestApp, seed_sample, target_dir};

/// A Haven instance over the primary (writes, sessions, the data version) and the replica
/// (reads).
async fn instance(primary_url: &str, replica_url: &str) -> TestApp {
    let data_version = db::DataVersion::listen(primary_url).await;
    let state = Arc::new(haven::App::new(
        Config::default(),
        db::pool::build(primary_url, 4).unwrap(),
        Some(db::pool::build(replica_url, 4).unwrap()),
        Arc::clone(&data_version),
    ));
    TestApp {
        router: haven::app(Arc::clone(&state)),
        database_url: primary_url.to_owned(),
        data_version,
        state,
    }
}

async fn version_of(url: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query_one("SELECT version FROM data_version", &[])
        .await
        .unwrap()
        .get(0)
}

/// Waits until `check` holds (replication and notifications take a moment).
async fn eventually<F: std::future::Future<Output = bool>>(what: &str, check: impl Fn() -> F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn population(response: &crate::support::TestResponse) -> serde_json::Value {
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()["properties"]["population"].clone()
}

#[tokio::test]
async fn two_instances_on_a_primary_and_a_streaming_replica_agree() {
    // The primary: a private cluster of its own (the suite's cluster holds every test's
    // database, too much to copy), with the sample data.
    let primary = tokio::task::spawn_blocking(|| {
        EmbeddedCluster::start(&target_dir().join("test-scale-primary")).unwrap()
    })
    .await
    .unwrap();
    let admin = primary.admin_client().await.unwrap();
    admin
        .batch_execute("DROP DATABASE IF EXISTS haven WITH (FORCE)")
        .await
        .unwrap();
    primary.ensure_database("haven").await.unwrap();
    let primary_url = primary.connection_string("haven");
    db::migrate::run_pending(&primary_url).await.unwrap();
    seed_sample(&primary_url).await;
    // A real streaming replica of it.
    let primary = Arc::new(primary);
    let replica = {
        let primary = Arc::clone(&primary);
        tokio::task::spawn_blocking(move || {
            let root = target_dir().join("test-scale-replica");
            primary.base_backup_to(&root).unwrap();
            EmbeddedCluster::start(&root).unwrap()
        })
        .await
        .unwrap()
    };
    let replica_url = replica.connection_string("haven");
    let (replica_admin, connection) = tokio_postgres::connect(&replica_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let in_recovery: bool = replica_admin
        .query_one("SELECT pg_is_in_recovery()", &[])
        .await
        .unwrap()
        .get(0);
    assert!(in_recovery, "the replica is a standby");

    let a = instance(&primary_url, &replica_url).await;
    let b = instance(&primary_url, &replica_url).await;

    // Sessions: signed in through A, known to B.
    let user = confirmed_user(&a, "u@example.org", "U").await;
    assert_eq!(
        send(&b, "GET", "/api/v1/me", None, Some(&user))
            .await
            .status,
        StatusCode::OK
    );
    // Throttles: failures through A and B count together.
    let wrong = json!({ "email": "u@example.org", "password": "not the password!" });
    for attempt in 0..5u8 {
        let instance = if attempt % 2 == 0 { &a } else { &b };
        instance
            .request(request(
                "POST",
                "/api/v1/auth/login",
                Some(wrong.clone()),
                None,
                [10, 5, 0, attempt],
            ))
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    for instance in [&a, &b] {
        instance
            .request(request(
                "POST",
                "/api/v1/auth/login",
                Some(json!({ "email": "u@example.org", "password": PASSWORD })),
                None,
                [10, 5, 1, 1],
            ))
            .await
            .problem(StatusCode::TOO_MANY_REQUESTS);
    }

    // Both cache Köln's page (read from the replica).
    let page = "/api/v1/cities/koeln";
    let before_a = a.get(page).await;
    let before_b = b.get(page).await;
    assert_eq!(population(&before_a), population(&before_b));
    assert_eq!(
        a.get(page).await.body,
        before_a.body,
        "served from A's cache"
    );

    // The replica stops replaying: it lags behind every write from now on.
    replica_admin
        .batch_execute("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    let moderator = moderator(&a).await;
    let reference = submit(&a, city_proposal("Neuhafen")).await;
    let id: i64 = {
        let (client, connection) = tokio_postgres::connect(&primary_url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        client
            .query_one(
                "SELECT id FROM submissions WHERE reference = $1",
                &[&reference],
            )
            .await
            .unwrap()
            .get(0)
    };
    let approved = send(
        &a,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({})),
        Some(&moderator),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let slug = approved.json()["entity"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let version = version_of(&primary_url).await;
    assert!(version_of(&replica_url).await < version, "the replica lags");

    // The writer reads its own write at once, though the replica lags.
    assert_eq!(a.data_version.get(), version);
    let created = a.get(&format!("/api/v1/cities/{slug}")).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());

    // A change on the primary: every instance learns the new version by notification and
    // answers from the primary until the replica has it, never caching an older answer.
    let (primary_client, connection) = tokio_postgres::connect(&primary_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    primary_client
        .batch_execute("UPDATE cities SET population = 424242 WHERE slug = 'koeln'")
        .await
        .unwrap();
    let version = version_of(&primary_url).await;
    for instance in [&a, &b] {
        eventually("the instance sees the new data version", || async {
            instance.data_version.get() == version
        })
        .await;
        assert_eq!(population(&instance.get(page).await), json!(424242));
        assert_eq!(population(&instance.get(page).await), json!(424242));
    }

    // Once the replica replays again, it serves the same answers.
    replica_admin
        .batch_execute("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    eventually("the replica catches up", || async {
        version_of(&replica_url).await >= version
    })
    .await;
    assert_eq!(a.get(page).await.body, b.get(page).await.body);
    assert_eq!(
        b.get(&format!("/api/v1/cities/{slug}")).await.status,
        StatusCode::OK
    );

    drop(a);
    drop(b);
    tokio::task::spawn_blocking(move || {
        replica.stop().unwrap();
        primary.stop().unwrap();
    })
    .await
    .unwrap();
}
