//! Backup and restore as the README tells operators (issue 14, standing suite): `pg_dump` of
//! Haven's database, `pg_restore` into a fresh cluster, and the restored Haven gives the same
//! answers, accounts included.

use std::process::Command;

use axum::http::StatusCode;
use haven::config::Config;
use haven::db::EmbeddedCluster;

use crate::auth::{PASSWORD, confirmed_user, login};
use crate::support::{TestApp, cluster, target_dir};

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_dump_restored_into_a_fresh_cluster_gives_the_same_answers() {
    let original = TestApp::with_sample().await;
    confirmed_user(&original, "keeper@example.org", "Keeper").await;
    let dump = target_dir().join(format!("test-backup-{}.dump", std::process::id()));
    let bin = tokio::task::spawn_blocking(cluster)
        .await
        .unwrap()
        .bin_dir()
        .to_owned();
    // The backup: a custom-format dump of Haven's database.
    run(Command::new(bin.join("pg_dump"))
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&original.database_url));

    // A fresh cluster (a second machine), an empty database, the restore.
    let fresh = tokio::task::spawn_blocking(|| {
        EmbeddedCluster::start(&target_dir().join("test-restore")).unwrap()
    })
    .await
    .unwrap();
    let admin = fresh.admin_client().await.unwrap();
    admin
        .batch_execute("DROP DATABASE IF EXISTS haven WITH (FORCE)")
        .await
        .unwrap();
    admin.batch_execute("CREATE DATABASE haven").await.unwrap();
    let restored_url = fresh.connection_string("haven");
    run(Command::new(bin.join("pg_restore"))
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&restored_url)
        .arg(&dump));
    std::fs::remove_file(&dump).unwrap();

    // Haven on the restored database: nothing to migrate, the same answers.
    let pending = haven::db::migrate::run_pending(&restored_url)
        .await
        .unwrap();
    assert!(pending.is_empty(), "{pending:?}");
    let restored = TestApp::over(restored_url, Config::default()).await;
    for path in [
        "/api/v1/cities?limit=1000",
        "/api/v1/cities/koeln",
        "/api/v1/practices",
        "/api/v1/networks",
        "/api/v1/policy-areas",
        "/api/v1/places?q=Dins",
        "/ogc/collections/cities/items?limit=10",
        "/api/v1/cities/koeln/revisions",
    ] {
        let before = original.get(path).await;
        let after = restored.get(path).await;
        assert_eq!(before.status, StatusCode::OK, "{path}: {}", before.text());
        assert_eq!(before.text(), after.text(), "{path}");
    }
    assert_eq!(
        original.data_version.get(),
        restored.data_version.get(),
        "the data version travels with the data"
    );
    // Accounts too: the same password signs in.
    login(&restored, "keeper@example.org", PASSWORD).await;
    drop(admin);
    tokio::task::spawn_blocking(move || fresh.stop().unwrap())
        .await
        .unwrap();
}
