//! The domain types against the schema: one rule on both sides, and every constraint named.

use haven::domain::{Parse, PartialDate, Slug, WebUrl};

use crate::support::fresh_database;

async fn client() -> tokio_postgres::Client {
    let url = fresh_database().await;
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// Every constraint of the schema (tables, domains and unique indexes alike) is in `db::constraint`'s table,
/// and the table names none that does not exist.
#[tokio::test]
async fn every_constraint_names_its_field() {
    let client = client().await;
    let rows = client
        .query(
            "SELECT c.conname::text FROM pg_constraint c
               LEFT JOIN pg_class t ON t.oid = c.conrelid
               LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
               LEFT JOIN pg_type d ON d.oid = c.contypid
               LEFT JOIN pg_namespace dn ON dn.oid = d.typnamespace
              WHERE coalesce(tn.nspname, dn.nspname) = 'public'
                AND coalesce(t.relname, '') NOT IN ('spatial_ref_sys', '__diesel_schema_migrations')
             UNION ALL
             SELECT i.relname::text FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
              WHERE n.nspname = 'public' AND x.indisunique
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            &[],
        )
        .await
        .unwrap();
    let schema: std::collections::BTreeSet<String> = rows.iter().map(|row| row.get(0)).collect();
    let table: std::collections::BTreeSet<String> = haven::db::constraint::CONSTRAINTS
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let missing: Vec<_> = schema.difference(&table).collect();
    let stale: Vec<_> = table.difference(&schema).collect();
    assert!(
        missing.is_empty(),
        "constraints without a field: {missing:#?}"
    );
    assert!(
        stale.is_empty(),
        "constraints that do not exist: {stale:#?}"
    );
    assert_eq!(
        table.len(),
        haven::db::constraint::CONSTRAINTS.len(),
        "each constraint once"
    );
}

/// The Rust rules accept exactly what the schema's domains accept.
#[tokio::test]
async fn domain_rules_match_the_schema() {
    let client = client().await;
    let long = "a".repeat(Slug::MAX);
    let too_long = "a".repeat(Slug::MAX + 1);
    let slugs = [
        "koeln",
        "landkreis-goettingen",
        "a1-b2",
        &long,
        &too_long,
        "Koeln",
        "a--b",
        "-a",
        "a-",
        "",
        "köln",
        "a_b",
    ];
    for value in slugs {
        let sql: bool = client
            .query_one(
                "SELECT $1::text ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length($1) <= 120 AS ok",
                &[&value],
            )
            .await
            .unwrap()
            .get(0);
        let domain = client
            .query_one("SELECT $1::text::slug", &[&value])
            .await
            .is_ok();
        assert_eq!(
            domain, sql,
            "the check above is the slug domain's: {value:?}"
        );
        assert_eq!(Slug::is_valid(value), domain, "slug {value:?}");
    }
    for value in [
        "2019",
        "2019-06",
        "2019-06-14",
        "2019-13",
        "19",
        "2019-6",
        "2019-06-1",
    ] {
        let domain = client
            .query_one("SELECT $1::text::partial_date", &[&value])
            .await
            .is_ok();
        assert_eq!(PartialDate::parse(value).is_ok(), domain, "date {value:?}");
    }
    for value in [
        "https://example.org/a",
        "http://example.org",
        "ftp://example.org",
        "https://a b",
    ] {
        let domain = client
            .query_one("SELECT $1::text::web_url", &[&value])
            .await
            .is_ok();
        assert_eq!(WebUrl::parse(value).is_ok(), domain, "url {value:?}");
    }
}
