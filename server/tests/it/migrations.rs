//! The schema migrates up, all the way down, and up again.

use haven::db;

use crate::support::{cluster, empty_database};

async fn table_count(url: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query_one(
            "SELECT count(*) FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
               AND table_name NOT IN ('spatial_ref_sys', '__diesel_schema_migrations')",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let url = empty_database().await;
    let applied = db::migrate::run_pending(&url).await.unwrap();
    assert!(applied.len() >= 5, "{applied:?}");
    let tables = table_count(&url).await;
    assert!(tables >= 20, "only {tables} tables");

    let reverted = db::migrate::revert_all(&url).await.unwrap();
    assert_eq!(reverted.len(), applied.len());
    assert_eq!(table_count(&url).await, 0);

    let again = db::migrate::run_pending(&url).await.unwrap();
    assert_eq!(again, applied);
    assert_eq!(table_count(&url).await, tables);
    // Nothing pending after a full run.
    assert!(db::migrate::run_pending(&url).await.unwrap().is_empty());
    let _ = cluster();
}

async fn version(client: &tokio_postgres::Client) -> i64 {
    client
        .query_one("SELECT version FROM data_version", &[])
        .await
        .unwrap()
        .get(0)
}

/// A change to published data bumps the data version and announces it with what changed; a
/// statement that changes nothing does not.
#[tokio::test]
async fn writes_bump_the_data_version_and_notify() {
    let url = crate::support::fresh_database().await;
    let (client, mut connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let stream = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    tokio::spawn(async move {
        use futures_util::StreamExt;
        futures_util::pin_mut!(stream);
        while let Some(Ok(message)) = stream.next().await {
            if let tokio_postgres::AsyncMessage::Notification(note) = message {
                let _ = tx.send(note.payload().to_owned());
            }
        }
    });
    client
        .batch_execute("LISTEN haven_data_version")
        .await
        .unwrap();
    let before = version(&client).await;
    client
        .batch_execute(
            "INSERT INTO policy_areas (slug, position, labels, descriptions) VALUES
             ('health', 1, '{\"de\":\"Gesundheit\",\"en\":\"Health\",\"fr\":\"Santé\",\"es\":\"Salud\"}',
                           '{\"de\":\"-\",\"en\":\"-\",\"fr\":\"-\",\"es\":\"-\"}')",
        )
        .await
        .unwrap();
    let after = version(&client).await;
    assert_eq!(after, before + 1);
    let payload = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    // It says what changed: policy areas, which are not confined to a place on the map.
    assert_eq!(payload, format!("{after} policy_areas *"));
    let logged: String = client
        .query_one(
            "SELECT kind || coalesce(boxes::text, '*') FROM data_changes WHERE version = $1",
            &[&after],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(logged, "policy_areas*");

    client
        .batch_execute("UPDATE policy_areas SET position = 1 WHERE slug = 'nothing'")
        .await
        .unwrap();
    assert_eq!(
        version(&client).await,
        after,
        "a statement that changed no row bumped the version"
    );
}

#[tokio::test]
async fn the_sample_data_set_satisfies_every_constraint() {
    let app = crate::support::TestApp::with_sample().await;
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let cities: i64 = client
        .query_one("SELECT count(*) FROM cities", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(cities, 4);
    let error = client
        .batch_execute("INSERT INTO memberships (city_id, network_id, status) SELECT c.id, n.id, 'maybe' FROM cities c, networks n LIMIT 1")
        .await
        .unwrap_err();
    let constraint = error
        .as_db_error()
        .and_then(|db| db.constraint())
        .unwrap_or_default();
    assert_eq!(constraint, "memberships_status_check", "{error:?}");
}

/// The in-memory data version follows writes made by anyone, through NOTIFY.
#[tokio::test]
async fn the_data_version_listener_follows_notifications() {
    let url = crate::support::fresh_database().await;
    let version = haven::db::DataVersion::listen(&url).await;
    let start = version.get();
    assert!(start >= 1);
    let mut changes = version.subscribe();
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute("INSERT INTO countries (iso2, name) VALUES ('XK', 'Kosovo')")
        .await
        .unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), changes.changed())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version.get(), start + 1);
}
