//! The per-city summary `city_stats` behind `GET /api/v1/cities`: after every kind of write
//! the summary and the list reflect it at once (the triggers recompute inside the writing
//! transaction), and it always equals the summary computed from scratch (`city_stats_fresh`).
//! The same holds for the entries of the index of every page (`site_entries`,
//! `site_practices`).

use serde_json::Value;

use crate::support::{TestApp, fresh_database};

/// Asserts that the kept summaries (`city_stats`, `site_entries`, `site_practices`,
/// `policy_area_stats`, `practice_features`) equal the ones computed from scratch, row for row.
pub async fn assert_stats_exact(database_url: &str) {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for (kept, fresh) in [
        ("city_stats", "city_stats_fresh"),
        // The set-based computations of a bulk load's rebuild give the same rows.
        ("city_stats", "city_stats_all"),
        ("site_entries", "site_entries_fresh"),
        ("site_practices", "site_practices_fresh"),
        ("policy_area_stats", "policy_area_stats_fresh"),
        ("policy_area_stats", "policy_area_stats_all"),
        ("practice_features", "practice_features_fresh"),
        ("practice_features", "practice_features_all"),
    ] {
        let differences: Vec<String> = client
            .query(
                &format!(
                    "SELECT 'kept ' || x::text FROM (TABLE {kept} EXCEPT TABLE {fresh}) x
                     UNION ALL
                     SELECT 'fresh ' || x::text FROM (TABLE {fresh} EXCEPT TABLE {kept}) x"
                ),
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert!(differences.is_empty(), "{kept}: {differences:#?}");
    }
    let missing: i64 = client
        .query_one(
            "SELECT count(*) FROM cities c WHERE NOT EXISTS (SELECT 1 FROM city_stats s WHERE s.city_id = c.id)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(missing, 0, "cities without a summary");
}

/// The properties of `slug` in `GET /api/v1/cities`, or `None` when it is not listed.
async fn listed(app: &TestApp, slug: &str) -> Option<Value> {
    let response = app.get("/api/v1/cities?limit=1000").await;
    assert_eq!(response.status, 200, "{}", response.text());
    let json = response.json();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|feature| feature["id"] == slug)
        .map(|feature| feature["properties"].clone())
}

/// Writes `sql`, then checks the summary against a full recompute.
async fn write(app: &TestApp, sql: &str) {
    app.execute(sql).await;
    assert_stats_exact(&app.database_url).await;
}

const BONN: &str = "INSERT INTO cities (slug, name, country, population, geom)
    VALUES ('bonn', 'Bonn', 'DE', 330000, ST_SetSRID(ST_MakePoint(7.1, 50.73), 4326));";

#[tokio::test]
async fn the_backfill_and_the_sample_agree_with_a_full_recompute() {
    let app = TestApp::with_sample().await;
    assert_stats_exact(&app.database_url).await;
    let koeln = listed(&app, "koeln").await.unwrap();
    assert_eq!(
        koeln["networks"],
        serde_json::json!([
            "buendnis-staedte-sicherer-haefen",
            "seebruecke-safe-harbour"
        ])
    );
    assert_eq!(
        koeln["safe_harbour"],
        serde_json::json!({"status": "declared", "since": "2018-09"})
    );
    assert_eq!(koeln["alliance_member"], true);
    assert_eq!(
        koeln["policy_areas"],
        serde_json::json!(["reception", "housing"])
    );
    assert_eq!(koeln["practice_count"], 1);
}

#[tokio::test]
async fn memberships_added_left_and_unpublished_show_at_once() {
    let app = TestApp::with_sample().await;
    // A new city is not listed until it has a membership.
    write(&app, BONN).await;
    assert!(listed(&app, "bonn").await.is_none());
    write(
        &app,
        "INSERT INTO memberships (city_id, network_id, status, since)
         SELECT c.id, n.id, 'declared', '2019-03' FROM cities c, networks n
         WHERE c.slug = 'bonn' AND n.slug = 'seebruecke-safe-harbour';",
    )
    .await;
    let bonn = listed(&app, "bonn").await.unwrap();
    assert_eq!(
        bonn["networks"],
        serde_json::json!(["seebruecke-safe-harbour"])
    );
    assert_eq!(
        bonn["safe_harbour"],
        serde_json::json!({"status": "declared", "since": "2019-03"})
    );
    assert_eq!(bonn["alliance_member"], false);

    // Köln leaves the Seebrücke campaign: no longer a Safe Harbour, still listed.
    write(
        &app,
        "UPDATE memberships SET status = 'left', until = '2024'
         WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')
           AND network_id = (SELECT id FROM networks WHERE slug = 'seebruecke-safe-harbour');",
    )
    .await;
    let koeln = listed(&app, "koeln").await.unwrap();
    assert_eq!(
        koeln["networks"],
        serde_json::json!(["buendnis-staedte-sicherer-haefen"])
    );
    assert_eq!(koeln["safe_harbour"], Value::Null);
    assert_eq!(
        app.get("/api/v1/cities?network=seebruecke-safe-harbour")
            .await
            .json()["numberMatched"],
        2
    );

    // Köln leaves the alliance too.
    write(
        &app,
        "DELETE FROM memberships
         WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')
           AND network_id = (SELECT id FROM networks WHERE slug = 'buendnis-staedte-sicherer-haefen');",
    )
    .await;
    assert_eq!(
        listed(&app, "koeln").await.unwrap()["alliance_member"],
        false
    );

    // Unpublishing Bonn's only membership unlists it.
    write(
        &app,
        "UPDATE memberships SET published = false WHERE city_id = (SELECT id FROM cities WHERE slug = 'bonn');",
    )
    .await;
    assert!(listed(&app, "bonn").await.is_none());

    // A renamed network shows under its new slug.
    write(
        &app,
        "UPDATE networks SET slug = 'iash-eu' WHERE slug = 'iash';",
    )
    .await;
    assert_eq!(
        listed(&app, "palermo").await.unwrap()["networks"],
        serde_json::json!(["iash-eu"])
    );
}

#[tokio::test]
async fn practices_and_their_areas_show_at_once() {
    let app = TestApp::with_sample().await;
    // A practice with areas, added in one transaction.
    write(
        &app,
        "BEGIN;
         INSERT INTO practices (slug, city_id, original_lang, title)
         SELECT 'potsdam-health-card', id, 'de', '{\"de\": \"Gesundheitskarte\"}'::jsonb
         FROM cities WHERE slug = 'potsdam';
         INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, area FROM practices, unnest(ARRAY['work', 'health']) area
         WHERE slug = 'potsdam-health-card';
         COMMIT;",
    )
    .await;
    let potsdam = listed(&app, "potsdam").await.unwrap();
    assert_eq!(
        potsdam["policy_areas"],
        serde_json::json!(["health", "work"])
    );
    assert_eq!(potsdam["practice_count"], 1);
    assert_eq!(
        crate::api_cities::slugs(&app, "/api/v1/cities?policy_area=work").await,
        ["potsdam"]
    );

    // An area removed.
    write(
        &app,
        "DELETE FROM practice_policy_areas WHERE policy_area = 'work'
           AND practice_id = (SELECT id FROM practices WHERE slug = 'potsdam-health-card');",
    )
    .await;
    assert_eq!(
        listed(&app, "potsdam").await.unwrap()["policy_areas"],
        serde_json::json!(["health"])
    );
    assert!(
        crate::api_cities::slugs(&app, "/api/v1/cities?policy_area=work")
            .await
            .is_empty()
    );

    // Köln's practice moves to Potsdam.
    write(
        &app,
        "UPDATE practices SET city_id = (SELECT id FROM cities WHERE slug = 'potsdam')
         WHERE slug = 'koeln-welcome-housing';",
    )
    .await;
    let koeln = listed(&app, "koeln").await.unwrap();
    assert_eq!(koeln["policy_areas"], serde_json::json!([]));
    assert_eq!(koeln["practice_count"], 0);
    let potsdam = listed(&app, "potsdam").await.unwrap();
    assert_eq!(
        potsdam["policy_areas"],
        serde_json::json!(["reception", "health", "housing"])
    );
    assert_eq!(potsdam["practice_count"], 2);

    // Reordering the policy areas reorders every city's list.
    write(
        &app,
        "UPDATE policy_areas SET position = 100 WHERE slug = 'reception';",
    )
    .await;
    assert_eq!(
        listed(&app, "potsdam").await.unwrap()["policy_areas"],
        serde_json::json!(["health", "housing", "reception"])
    );

    // Areas added to and taken from a practice that is not counted (unpublished, or in an
    // unpublished city) move no count; several areas at once, and the same practice counted
    // again once published, do. Each write's counts equal a count from scratch.
    for sql in [
        "UPDATE practices SET published = false WHERE slug = 'potsdam-health-card';",
        "INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, 'education' FROM practices WHERE slug = 'potsdam-health-card';",
        "DELETE FROM practice_policy_areas WHERE policy_area = 'health'
           AND practice_id = (SELECT id FROM practices WHERE slug = 'potsdam-health-card');",
        "UPDATE practices SET published = true WHERE slug = 'potsdam-health-card';",
        "UPDATE cities SET published = false WHERE slug = 'potsdam';",
        "INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, 'work' FROM practices WHERE slug = 'potsdam-health-card';",
        "DELETE FROM practice_policy_areas WHERE policy_area = 'education'
           AND practice_id = (SELECT id FROM practices WHERE slug = 'potsdam-health-card');",
        "UPDATE cities SET published = true WHERE slug = 'potsdam';",
        "INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT p.id, a FROM practices p, unnest(ARRAY['health', 'education', 'housing']) a
         WHERE p.slug IN ('potsdam-health-card', 'koeln-welcome-housing')
         ON CONFLICT DO NOTHING;",
        "DELETE FROM practice_policy_areas WHERE policy_area IN ('education', 'work')
           AND practice_id IN (SELECT id FROM practices WHERE city_id =
                               (SELECT id FROM cities WHERE slug = 'potsdam'));",
    ] {
        write(&app, sql).await;
    }

    // Gdańsk's practice unpublished, then deleted with its areas.
    write(
        &app,
        "UPDATE practices SET published = false WHERE slug = 'gdansk-immigrants-council';",
    )
    .await;
    assert_eq!(listed(&app, "gdansk").await.unwrap()["practice_count"], 0);
    write(
        &app,
        "DELETE FROM practices WHERE slug = 'palermo-charter';",
    )
    .await;
    let palermo = listed(&app, "palermo").await.unwrap();
    assert_eq!(palermo["policy_areas"], serde_json::json!([]));
    assert_eq!(palermo["practice_count"], 0);
}

#[tokio::test]
async fn unpublished_cities_and_demand_records_show_at_once() {
    let app = TestApp::with_sample().await;
    write(
        &app,
        "UPDATE cities SET published = false WHERE slug = 'potsdam';",
    )
    .await;
    assert!(listed(&app, "potsdam").await.is_none());
    assert_eq!(app.get("/api/v1/cities").await.json()["numberMatched"], 3);
    write(
        &app,
        "UPDATE cities SET published = true WHERE slug = 'potsdam';",
    )
    .await;
    assert!(listed(&app, "potsdam").await.is_some());

    // A renamed city and a renamed region show in the rendered feature.
    write(
        &app,
        "UPDATE cities SET name = 'Potsdam (Havel)', population = 190000 WHERE slug = 'potsdam';
         UPDATE regions SET name = 'Land Brandenburg' WHERE code = '12';",
    )
    .await;
    let potsdam = listed(&app, "potsdam").await.unwrap();
    assert_eq!(potsdam["name"], "Potsdam (Havel)");
    assert_eq!(potsdam["population"], 190_000);
    assert_eq!(potsdam["region"], "Land Brandenburg");

    // A demand record alone lists a city.
    write(&app, BONN).await;
    assert!(listed(&app, "bonn").await.is_none());
    write(
        &app,
        "INSERT INTO safe_harbour_demands (city_id, demand_key, decided)
         SELECT id, 'transparency', true FROM cities WHERE slug = 'bonn';",
    )
    .await;
    let bonn = listed(&app, "bonn").await.unwrap();
    assert_eq!(bonn["networks"], serde_json::json!([]));
    assert_eq!(bonn["practice_count"], 0);
    write(&app, "DELETE FROM safe_harbour_demands WHERE city_id = (SELECT id FROM cities WHERE slug = 'bonn');").await;
    assert!(listed(&app, "bonn").await.is_none());

    // A deleted city takes its summary along.
    write(&app, "DELETE FROM cities WHERE slug = 'bonn';").await;
}

#[tokio::test]
async fn a_bulk_import_gives_the_same_summary_as_a_full_recompute() {
    let url = fresh_database().await;
    let client = haven::import::connect(&url).await.unwrap();
    let small =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/import/small");
    let report = haven::import::run(&client, &small, &haven::import::Options::default())
        .await
        .unwrap();
    assert!(report.inserted() > 0, "{report:?}");
    let listed: i64 = client
        .query_one("SELECT count(*) FROM city_stats WHERE listed", &[])
        .await
        .unwrap()
        .get(0);
    assert!(listed > 0);
    assert_stats_exact(&url).await;
}

#[tokio::test]
async fn a_bulk_load_leaves_the_upkeep_to_its_commit_and_then_every_summary_is_exact() {
    let app = TestApp::with_sample().await;
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "BEGIN;
             SELECT haven_begin_bulk_load();
             {BONN}
             INSERT INTO memberships (city_id, network_id, status)
             SELECT c.id, n.id, 'member' FROM cities c, networks n
             WHERE c.slug = 'bonn' AND n.slug = 'buendnis-staedte-sicherer-haefen';
             INSERT INTO practices (slug, city_id, geom, original_lang, title)
             SELECT 'bonn-' || i, c.id,
                    CASE WHEN i = 1 THEN ST_SetSRID(ST_MakePoint(7.2, 50.7), 4326) END,
                    'de', jsonb_build_object('de', 'Bonner Praxis ' || i)
             FROM cities c, generate_series(1, 3) i WHERE c.slug = 'bonn';
             INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT p.id, 'housing' FROM practices p WHERE p.slug LIKE 'bonn-%';
             UPDATE cities SET name = 'Potsdam an der Havel' WHERE slug = 'potsdam';
             DELETE FROM practices WHERE slug = 'gdansk-immigrants-council';"
        ))
        .await
        .unwrap();
    // Inside the load, the upkeep has stepped aside: nothing derived is written yet.
    let derived: i64 = client
        .query_one(
            "SELECT (SELECT count(*) FROM tile_points t JOIN practices p ON p.id = t.practice_id
                     WHERE p.slug LIKE 'bonn-%')
                  + (SELECT count(*) FROM site_entries WHERE slug LIKE 'bonn%')
                  + (SELECT count(*) FROM site_practices WHERE slug LIKE 'bonn-%')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(derived, 0);
    client.batch_execute("COMMIT").await.unwrap();
    // At the commit every derived table was rebuilt once, and equals a computation from scratch.
    assert_stats_exact(&app.database_url).await;
    crate::tiles::assert_precomputed_exact(&app.database_url).await;
    let bonn = listed(&app, "bonn").await.unwrap();
    assert_eq!(bonn["practice_count"], 3);
    assert_eq!(bonn["policy_areas"], serde_json::json!(["housing"]));
    assert_eq!(
        listed(&app, "potsdam").await.unwrap()["name"],
        "Potsdam an der Havel"
    );
    let pending: i64 = client
        .query_one("SELECT count(*) FROM bulk_loads", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(pending, 0);
    // After the load the upkeep runs per statement again.
    write(
        &app,
        "UPDATE practices SET published = false WHERE slug = 'bonn-1'",
    )
    .await;
    assert_eq!(listed(&app, "bonn").await.unwrap()["practice_count"], 2);
}
