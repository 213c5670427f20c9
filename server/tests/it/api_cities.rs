//! `GET /api/v1/cities` and `/api/v1/cities/{slug}`: shapes, every filter alone and
//! combined, ordering by distance, paging, languages and slug redirects.

use axum::http::StatusCode;
use haven::model::city::{CityDetailProperties, CityProperties};
use haven::model::collection::{FeatureCollectionDoc, FeatureDoc};
use serde_json::Value;

use crate::support::TestApp;

/// The slugs of a FeatureCollection answer, in order (asserting a 200 GeoJSON answer whose
/// shape is the documented one).
pub async fn slugs(app: &TestApp, path: &str) -> Vec<String> {
    let response = app.get(path).await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{path}: {}",
        response.text()
    );
    assert_eq!(response.content_type(), "application/geo+json");
    let json = response.json();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|feature| feature["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn lists_the_listed_cities_with_the_documented_shape() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/cities").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.content_type(), "application/geo+json");
    let doc: FeatureCollectionDoc<CityProperties> = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(doc.kind, "FeatureCollection");
    assert_eq!(doc.number_matched, 4);
    assert_eq!(doc.number_returned, 4);
    let ids: Vec<&str> = doc.features.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["gdansk", "koeln", "palermo", "potsdam"]);
    assert_eq!(doc.links.len(), 1);
    assert_eq!(doc.links[0].rel, "self");

    let koeln = &doc.features[1];
    assert_eq!(koeln.geometry.kind, "Point");
    assert_eq!(koeln.geometry.coordinates, [6.95, 50.94]);
    let p = &koeln.properties;
    assert_eq!(p.name, "Köln");
    assert_eq!(p.country, "DE");
    assert_eq!(p.country_name, "Germany");
    assert_eq!(p.region.as_deref(), Some("Nordrhein-Westfalen"));
    assert_eq!(p.population, Some(1_085_664));
    assert_eq!(
        p.networks,
        [
            "buendnis-staedte-sicherer-haefen",
            "seebruecke-safe-harbour"
        ]
    );
    let safe_harbour = p.safe_harbour.as_ref().unwrap();
    assert_eq!(
        (safe_harbour.status.as_str(), safe_harbour.since.as_deref()),
        ("declared", Some("2018-09"))
    );
    assert!(p.alliance_member);
    assert_eq!(p.policy_areas, ["reception", "housing"]);
    assert_eq!(p.practice_count, 1);
    assert_eq!(p.distance_km, None);

    let gdansk = &doc.features[0].properties;
    assert!(gdansk.safe_harbour.is_none());
    assert!(!gdansk.alliance_member);
    assert_eq!(gdansk.networks, ["intercultural-cities"]);
}

#[tokio::test]
async fn unlisted_and_unpublished_cities_are_left_out() {
    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO cities (slug, name, country, geom) VALUES
            ('dinslaken', 'Dinslaken', 'DE', ST_SetSRID(ST_MakePoint(6.73, 51.56), 4326));
         UPDATE cities SET published = false WHERE slug = 'palermo';",
    )
    .await;
    assert_eq!(
        slugs(&app, "/api/v1/cities").await,
        ["gdansk", "koeln", "potsdam"]
    );
    assert_eq!(
        app.get("/api/v1/cities/palermo").await.status,
        StatusCode::NOT_FOUND
    );
    // Unlisted but published: its page exists.
    assert_eq!(
        app.get("/api/v1/cities/dinslaken").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn each_filter_alone() {
    let app = TestApp::with_sample().await;
    let cases: &[(&str, &[&str])] = &[
        ("policy_area=housing", &["koeln"]),
        (
            "policy_area=housing,political-participation",
            &["gdansk", "koeln"],
        ),
        ("policy_area=health", &[]),
        // All of the areas: a city whose practices cover each one.
        (
            "policy_area=housing,reception&policy_area_match=all",
            &["koeln"],
        ),
        (
            "policy_area=housing,political-participation&policy_area_match=all",
            &[],
        ),
        (
            "policy_area=housing,political-participation&policy_area_match=any",
            &["gdansk", "koeln"],
        ),
        ("network=iash", &["palermo", "potsdam"]),
        (
            "network=iash,intercultural-cities",
            &["gdansk", "palermo", "potsdam"],
        ),
        ("network=seebruecke-safe-harbour", &["koeln", "potsdam"]),
        ("country=DE", &["koeln", "potsdam"]),
        ("country=pl,IT", &["gdansk", "palermo"]),
        ("region=05", &["koeln"]),
        ("region=DE-12", &["potsdam"]),
        ("q=koln", &["koeln"]),
        ("q=Koeln", &["koeln"]),
        ("q=K%C3%B6ln", &["koeln"]),
        ("q=Cologne", &["koeln"]),
        ("q=gdansk", &["gdansk"]),
        // Practice titles and summaries, stemmed: "flats" finds "flat"
        ("q=flat", &["koeln"]),
        ("q=Immigranten", &["gdansk"]),
        ("q=human%20right", &["palermo"]),
        ("q=nothing-like-this", &[]),
        ("bbox=5,45,15,55", &["koeln", "potsdam"]),
        ("bbox=13,38,14,39", &["palermo"]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            slugs(&app, &format!("/api/v1/cities?{query}")).await,
            *expected,
            "{query}"
        );
    }
}

#[tokio::test]
async fn filters_combine() {
    let app = TestApp::with_sample().await;
    let cases: &[(&str, &[&str])] = &[
        ("network=iash&country=DE", &["potsdam"]),
        (
            "network=iash&country=IT&policy_area=social-inclusion",
            &["palermo"],
        ),
        ("network=iash&policy_area=housing", &[]),
        ("country=DE&bbox=5,45,8,55", &["koeln"]),
        ("country=DE&q=potsdam", &["potsdam"]),
        (
            "network=seebruecke-safe-harbour&near=13.4,52.5&radius_km=100",
            &["potsdam"],
        ),
        ("region=15&network=iash", &["palermo"]),
        // The full text (names, alternate names, practices) with each other filter.
        ("q=Cologne&country=DE", &["koeln"]),
        ("q=Cologne&country=PL", &[]),
        (
            "q=Cologne&region=05&network=seebruecke-safe-harbour",
            &["koeln"],
        ),
        (
            "q=flat&policy_area=housing,reception&policy_area_match=all",
            &["koeln"],
        ),
        ("q=flat&policy_area=political-participation", &[]),
        ("q=flat&bbox=5,45,15,55", &["koeln"]),
        ("q=flat&bbox=13,38,14,39", &[]),
        ("q=koln&near=6.95,50.94&radius_km=10", &["koeln"]),
        ("q=koln&near=13.4,52.5&radius_km=10", &[]),
        ("q=k&country=DE", &["koeln"]),
        (
            "policy_area=housing&policy_area_match=all&bbox=5,45,15,55&region=DE-05",
            &["koeln"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            slugs(&app, &format!("/api/v1/cities?{query}")).await,
            *expected,
            "{query}"
        );
    }
}

#[tokio::test]
async fn near_orders_by_distance_and_says_it() {
    let app = TestApp::with_sample().await;
    // Berlin: Potsdam (~30 km), then Gdańsk, Köln, Palermo.
    let response = app
        .get("/api/v1/cities?near=13.40,52.52&radius_km=20000")
        .await;
    let json = response.json();
    let features = json["features"].as_array().unwrap();
    let order: Vec<&str> = features.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(order, ["potsdam", "gdansk", "koeln", "palermo"]);
    let distances: Vec<f64> = features
        .iter()
        .map(|f| f["properties"]["distance_km"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!((20.0..40.0).contains(&distances[0]), "{distances:?}");
    // Default radius 50 km.
    assert_eq!(
        slugs(&app, "/api/v1/cities?near=13.40,52.52").await,
        ["potsdam"]
    );
    assert_eq!(
        slugs(&app, "/api/v1/cities?near=13.40,52.52&radius_km=10").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn pages_follow_next_links() {
    let app = TestApp::with_sample().await;
    let first = app
        .get("/api/v1/cities?limit=3&country=DE,PL,IT")
        .await
        .json();
    assert_eq!(first["numberMatched"], 4);
    assert_eq!(first["numberReturned"], 3);
    let next = first["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|link| link["rel"] == "next")
        .expect("a next link")["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = next
        .strip_prefix("http://localhost")
        .unwrap_or(&next)
        .to_owned();
    assert!(
        path.contains("offset=3") && path.contains("country=DE%2CPL%2CIT"),
        "{path}"
    );
    let second = app.get(&path).await.json();
    assert_eq!(second["numberReturned"], 1);
    assert_eq!(second["features"][0]["id"], "potsdam");
    assert!(
        second["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|link| link["rel"] != "next")
    );
}

#[tokio::test]
async fn one_city_has_everything_its_page_needs() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/cities/koeln?lang=de").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.content_type(), "application/geo+json");
    let doc: FeatureDoc<CityDetailProperties> = serde_json::from_slice(&response.body).unwrap();
    let p = &doc.properties;
    assert_eq!(doc.id, "koeln");
    assert_eq!(p.country_name, "Deutschland");
    let region = p.region.as_ref().unwrap();
    assert_eq!(
        (region.name.as_str(), region.code.as_str()),
        ("Nordrhein-Westfalen", "05")
    );
    assert_eq!(p.ags.as_deref(), Some("05315000"));
    assert_eq!(p.memberships.len(), 2);
    assert_eq!(p.memberships[0].network, "seebruecke-safe-harbour");
    assert_eq!(
        p.memberships[0].evidence_url.as_deref(),
        Some("https://example.org/koeln-safe-harbour")
    );
    assert_eq!(p.demands.len(), 8);
    assert_eq!(p.demands[0].key, "public_solidarity_declaration");
    assert_eq!(p.demands[0].label, "Öffentliche Solidaritätserklärung");
    assert_eq!(p.demands[0].decided, Some(true));
    assert_eq!(p.demands[2].decided, Some(true));
    assert_eq!(p.demands[2].fulfilled, None);
    assert_eq!(p.demands[1].decided, None);
    assert_eq!(p.practices.len(), 1);
    assert_eq!(p.practices[0].title, "Auszugsmanagement für Geflüchtete");
    assert_eq!(p.practices[0].title_lang, "de");
    assert_eq!(p.practices[0].policy_areas, ["reception", "housing"]);
    assert!(
        p.links
            .iter()
            .any(|link| link.rel == "self" && link.href.ends_with("/api/v1/cities/koeln?lang=de"))
    );
}

#[tokio::test]
async fn titles_fall_back_to_english_then_the_original() {
    let app = TestApp::with_sample().await;
    let gdansk = app.get("/api/v1/cities/gdansk?lang=fr").await.json();
    let practice = &gdansk["properties"]["practices"][0];
    assert_eq!(practice["title_lang"], "en");
    assert_eq!(practice["title"], "Immigrants' Council of Gdańsk");
    app.execute("UPDATE practices SET title = '{\"pl\": \"Rada Imigrantów\"}' WHERE slug = 'gdansk-immigrants-council'").await;
    let gdansk = app.get("/api/v1/cities/gdansk?lang=fr").await.json();
    let practice = &gdansk["properties"]["practices"][0];
    assert_eq!(practice["title_lang"], "pl");
    assert_eq!(practice["title"], "Rada Imigrantów");
}

#[tokio::test]
async fn an_old_slug_moves_permanently() {
    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO city_slug_redirects (slug, city_id) SELECT 'koln', id FROM cities WHERE slug = 'koeln'",
    )
    .await;
    let response = app.get("/api/v1/cities/koln?lang=de").await;
    assert_eq!(response.status, StatusCode::MOVED_PERMANENTLY);
    let location = response.headers["location"].to_str().unwrap();
    assert!(
        location.ends_with("/api/v1/cities/koeln?lang=de"),
        "{location}"
    );
}

#[tokio::test]
async fn unknown_and_malformed_slugs_are_404_problems() {
    let app = TestApp::with_sample().await;
    for path in [
        "/api/v1/cities/nowhere",
        "/api/v1/cities/K%C3%B6ln",
        "/api/v1/cities/%FF",
        "/api/v1/cities/a..b",
    ] {
        let problem = app.get(path).await.problem(StatusCode::NOT_FOUND);
        assert!(problem["detail"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn an_empty_database_gives_an_empty_collection() {
    let app = TestApp::new().await;
    let json: Value = app.get("/api/v1/cities").await.json();
    assert_eq!(json["numberMatched"], 0);
    assert_eq!(json["features"], serde_json::json!([]));
}

/// The collection from the instance's snapshot of the listed cities is, text for text, the
/// page the collection statement writes in PostgreSQL: for 200 more cities across countries,
/// networks and policy areas, in every language, with every filter the snapshot answers,
/// pages and unknown values; and a write shows in the next answer.
#[tokio::test]
async fn the_city_list_from_memory_is_the_statements_page() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use haven::db::snapshot::Loaded;
    use haven::model::city_list::CityList;
    use haven::query::{CollectionQuery, OverLimit, QueryParams};

    let app = TestApp::with_sample().await;
    add_list_cities(&app).await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let snapshot = CityList::load(&mut conn).await.unwrap();
    let queries = city_list_queries(&app).await;
    let links = city_list_links();
    let mut compared = 0;
    for raw in &queries {
        let query = CollectionQuery::from_params(&QueryParams::parse(Some(raw)), OverLimit::Refuse)
            .unwrap();
        assert!(CityList::serves(&query), "{raw}");
        let from_memory = memory_page(&mut conn, &snapshot, &query, &links).await;
        let from_sql = haven::model::city::list(&mut conn, &query, &links).await;
        match (from_memory, from_sql) {
            (Ok(memory), Ok(sql)) => {
                assert_eq!(memory, sql, "the page of `{raw}` differs");
                let doc: Value = serde_json::from_str(&memory).unwrap();
                compared += doc["numberReturned"].as_u64().unwrap();
            }
            (Err(memory), Err(sql)) => {
                assert_eq!(format!("{memory:?}"), format!("{sql:?}"), "`{raw}`");
            }
            (memory, sql) => panic!("`{raw}`: {memory:?} against {sql:?}"),
        }
    }
    assert!(compared > 1000, "{compared} features compared");

    // Through HTTP, the answer follows a write.
    let before = app.get("/api/v1/cities?country=XQ&limit=1000").await;
    assert_eq!(before.status, StatusCode::OK);
    let before = before.json();
    app.execute(
        "UPDATE cities SET population = 123456789 WHERE slug = 'list-3';
         UPDATE cities SET published = false WHERE slug = 'list-7';",
    )
    .await;
    let after = app.get("/api/v1/cities?country=XQ&limit=1000").await.json();
    let city = |doc: &Value, slug: &str| {
        doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == slug)
            .cloned()
    };
    assert!(city(&before, "list-7").is_some());
    assert!(city(&after, "list-7").is_none());
    assert_eq!(
        after["numberMatched"].as_i64().unwrap(),
        before["numberMatched"].as_i64().unwrap() - 1
    );
    assert_eq!(
        city(&after, "list-3").unwrap()["properties"]["population"],
        123_456_789
    );
    assert_eq!(
        city(&after, "list-3").unwrap()["properties"]["country_name"],
        "Quote \"Land\""
    );
}

/// Adds 200 cities `list-1`…`list-200` across four countries (one, `XQ`, with quotes and a
/// backslash in its names), their memberships in the networks of `app`'s database and, for two
/// cities in three, a practice `list-practice-<id>` in one to three policy areas.
pub async fn add_list_cities(app: &TestApp) {
    app.execute(
        "INSERT INTO countries (iso2, name, names) VALUES
             ('XQ', 'Quote \"Land\"', '{\"de\": \"Zitat\\\\Land\", \"fr\": \"Pays\\n\"}');
         INSERT INTO cities (slug, name, country, kind, population, geom)
         SELECT 'list-' || i, 'List ' || i, (ARRAY['DE', 'PL', 'IT', 'XQ'])[1 + i % 4],
                'municipality', 1000 * i, ST_SetSRID(ST_MakePoint(5 + i % 20, 45 + i % 10), 4326)
         FROM generate_series(1, 200) i;
         INSERT INTO memberships (city_id, network_id, status)
         SELECT c.id, n.id, 'member' FROM cities c
         JOIN LATERAL (SELECT id FROM networks ORDER BY id OFFSET (c.id % 4) LIMIT 1 + (c.id % 2)) n ON true
         WHERE c.slug LIKE 'list-%' AND c.id % 5 <> 0;
         INSERT INTO practices (slug, city_id, original_lang, title, status)
         SELECT 'list-practice-' || c.id, c.id, 'en', jsonb_build_object('en', 'List'), 'active'
         FROM cities c WHERE c.slug LIKE 'list-%' AND c.id % 3 <> 1;
         INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT p.id, a.slug FROM practices p
         JOIN LATERAL (SELECT slug FROM policy_areas ORDER BY position OFFSET (p.id % 5) LIMIT 1 + (p.id % 3)) a ON true
         WHERE p.slug LIKE 'list-practice-%';",
    )
    .await;
}

/// The collection queries the city list's snapshot answers that its tests compare: paging,
/// each filter and their combinations (with each network of `app`'s database), every
/// language, values that name nothing.
pub async fn city_list_queries(app: &TestApp) -> Vec<String> {
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let networks: Vec<String> = client
        .query("SELECT slug::text FROM networks ORDER BY slug", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(networks.len() >= 2, "networks: {networks:?}");
    let mut queries: Vec<String> = vec![
        String::new(),
        "limit=1000".into(),
        "limit=7&offset=3".into(),
        "limit=1&offset=199".into(),
        "offset=5000".into(),
        "country=DE".into(),
        "country=PL,XQ,DE".into(),
        "country=XQ&lang=de".into(),
        "country=XQ&lang=fr".into(),
        "country=XQ&lang=es".into(),
        "policy_area=housing".into(),
        "policy_area=housing,work".into(),
        "policy_area=housing,work&policy_area_match=all".into(),
        "policy_area=work&policy_area_match=all&country=IT&limit=5".into(),
        "country=ZZ".into(),
        "policy_area=nowhere".into(),
        "network=nowhere".into(),
        "country=DE,ZZ,ZZ".into(),
        // `near`: the generated cities lie on whole degrees, many on the same point (ties
        // ordered by slug), the sample's across Europe.
        "near=10,50&radius_km=300".into(),
        "near=10,50&radius_km=300&limit=1000&lang=fr".into(),
        "near=7,47".into(),
        "near=12.5,48.25&radius_km=150&limit=7&offset=4".into(),
        "near=24,54&radius_km=111.2&country=PL,XQ".into(),
        "near=6.9,50.94&radius_km=20000&limit=1000".into(),
        "near=-179.9,-89.9&radius_km=100".into(),
        "near=15,50&radius_km=400&policy_area=housing,work&policy_area_match=all".into(),
        "near=13.4,52.5&radius_km=2000&policy_area=health&lang=es&limit=50".into(),
        "near=11,49&radius_km=0.001".into(),
        "near=180,45&radius_km=1500".into(),
        // Full text: by name (`List 1` and `List 1x`), by a prefix, by a practice's text
        // (`List`), nothing, a text that folds to nothing (every city), with other filters,
        // near, in pages.
        "q=list%201".into(),
        "q=list%2012&lang=fr".into(),
        "q=lis".into(),
        "q=list&limit=1000".into(),
        "q=list&country=XQ,PL&limit=7&offset=5".into(),
        "q=list&policy_area=housing,work&policy_area_match=all&lang=es".into(),
        "q=list&near=10,50&radius_km=300&limit=20".into(),
        "q=koeln".into(),
        "q=K%C3%B6ln&lang=de".into(),
        "q=zzzzzz".into(),
        "q=%21%21%21&limit=3".into(),
        "q=list&country=ZZ".into(),
    ];
    for network in &networks {
        queries.push(format!("network={network}"));
        queries.push(format!(
            "network={network}&near=9,48&radius_km=500&limit=20"
        ));
        queries.push(format!(
            "network={network}&policy_area=health&lang=de&limit=10"
        ));
        queries.push(format!("network={},{network}&country=PL", networks[0]));
    }
    queries
}

/// Full text answered from the snapshot follows every write of what it finds: a city renamed,
/// a synonym added, a city unpublished; and cities found at another data version than the
/// snapshot's are not used for it.
#[tokio::test]
async fn full_text_from_memory_follows_what_it_finds() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use haven::db::data_version::{Change, DataVersion};
    use haven::db::snapshot::Loaded;
    use haven::model::city_list::{CityList, TextMatch};

    let app = TestApp::with_sample().await;
    let found = |doc: &Value| -> Vec<String> {
        doc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let search = async |q: &str| {
        let response = app.get(&format!("/api/v1/cities?q={q}&lang=de")).await;
        assert_eq!(response.status, StatusCode::OK, "{q}");
        found(&response.json())
    };
    assert_eq!(search("zebra").await, Vec::<String>::new());
    assert_eq!(search("quagga").await, Vec::<String>::new());
    assert_eq!(search("koeln").await, ["koeln"]);

    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let before = TextMatch::read(&mut conn, "zebra").await.unwrap();
    let old = CityList::load(&mut conn).await.unwrap();
    assert!(
        old.found(&before, &DataVersion::new(old.version()))
            .is_some()
    );

    app.execute("UPDATE cities SET name = 'Zebrahausen' WHERE slug = 'koeln'")
        .await;
    assert_eq!(search("zebra").await, ["koeln"]);
    assert_eq!(search("zebrahausen").await, ["koeln"]);

    // What `zebra` found before the rename is not the snapshot's after it: not used.
    let new = CityList::load(&mut conn).await.unwrap();
    assert!(new.version() > old.version());
    let knows_the_rename = DataVersion::new(old.version());
    knows_the_rename.apply(&Change::everything(new.version()));
    assert!(new.found(&before, &knows_the_rename).is_none());
    // Nor when the instance has not heard of the version the snapshot was read at.
    assert!(
        new.found(&before, &DataVersion::new(old.version()))
            .is_none()
    );
    let after = TextMatch::read(&mut conn, "zebra").await.unwrap();
    assert!(new.found(&after, &knows_the_rename).is_some());

    // A synonym: `quagga` finds what `Zebrahausen` finds (asked before, then after).
    assert_eq!(search("quagga").await, Vec::<String>::new());
    app.execute("INSERT INTO search_synonyms (term, synonym) VALUES ('Quagga', 'Zebrahausen')")
        .await;
    assert_eq!(search("quagga").await, ["koeln"]);

    app.execute("UPDATE cities SET published = false WHERE slug = 'koeln'")
        .await;
    assert_eq!(search("zebra").await, Vec::<String>::new());
    assert_eq!(search("quagga").await, Vec::<String>::new());
}

/// The page of `query` from `snapshot`, with full text the cities PostgreSQL finds for it now
/// (which must be the snapshot's data version).
async fn memory_page(
    conn: &mut diesel_async::AsyncPgConnection,
    snapshot: &haven::model::city_list::CityList,
    query: &haven::query::CollectionQuery,
    links: &haven::model::collection::PageLinks,
) -> haven::error::AppResult<String> {
    use haven::db::data_version::DataVersion;
    use haven::db::snapshot::Loaded;
    use haven::model::city_list::TextMatch;
    let Some(q) = &query.search.q else {
        return snapshot.page(query, links, None);
    };
    let text = TextMatch::read(conn, q).await.unwrap();
    let found = snapshot
        .found(&text, &DataVersion::new(snapshot.version()))
        .unwrap_or_else(|| panic!("`{q}` was found at another data version"));
    snapshot.page(query, links, Some(&found))
}

/// The links the city list's tests write pages with.
pub fn city_list_links() -> haven::model::collection::PageLinks {
    use haven::model::collection::{Link, PageLinks};
    PageLinks {
        always: vec![Link::new(
            "self",
            "application/geo+json",
            "https://h/self".into(),
        )],
        next: Link::new("next", "application/geo+json", "https://h/next".into()),
    }
}

#[tokio::test]
async fn the_city_list_updated_by_boxes_is_the_whole_read() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use haven::db::snapshot::Loaded;
    use haven::model::city_list::CityList;
    use haven::query::{CollectionQuery, OverLimit, QueryParams};

    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO cities (slug, name, country, kind, population, geom)
         SELECT 'list-' || i, 'List ' || i, (ARRAY['DE', 'PL', 'IT'])[1 + i % 3],
                'municipality', 1000 * i, ST_SetSRID(ST_MakePoint(5 + i % 20, 45 + i % 10), 4326)
         FROM generate_series(1, 60) i;
         INSERT INTO memberships (city_id, network_id, status)
         SELECT c.id, n.id, 'member' FROM cities c
         JOIN LATERAL (SELECT id FROM networks ORDER BY id OFFSET (c.id % 4) LIMIT 1) n ON true
         WHERE c.slug LIKE 'list-%' AND c.id % 5 <> 0;
         INSERT INTO practices (slug, city_id, original_lang, title, status)
         SELECT 'list-practice-' || c.id, c.id, 'en', jsonb_build_object('en', 'List'), 'active'
         FROM cities c WHERE c.slug LIKE 'list-%' AND c.id % 3 <> 1;",
    )
    .await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let queries: Vec<CollectionQuery> = city_list_queries(&app)
        .await
        .iter()
        .map(|raw| {
            CollectionQuery::from_params(&QueryParams::parse(Some(raw)), OverLimit::Refuse).unwrap()
        })
        .collect();
    let links = city_list_links();
    // Each write, and whether the snapshot is made from the one before it (else read whole).
    let writes = [
        ("a city's profile", true,
         "UPDATE cities SET population = 4242 WHERE slug = 'list-3'"),
        ("a city renamed to the front of the order", true,
         "UPDATE cities SET name = 'Aachen-Vorn', slug = 'aaa-vorn' WHERE slug = 'list-4'"),
        ("a city moved across Europe", true,
         "UPDATE cities SET geom = ST_SetSRID(ST_MakePoint(24.9, 60.2), 4326) WHERE slug = 'list-8'"),
        ("a city unpublished", true,
         "UPDATE cities SET published = false WHERE slug = 'list-7'"),
        ("a new city's first practice", true,
         "INSERT INTO cities (slug, name, country, kind, geom)
          VALUES ('mitte-neu', 'Neu', 'PL', 'municipality', ST_SetSRID(ST_MakePoint(16.9, 52.4), 4326));
          INSERT INTO practices (slug, city_id, original_lang, title, status)
          SELECT 'neu-practice', id, 'en', '{\"en\": \"Neu\"}', 'active' FROM cities WHERE slug = 'mitte-neu'"),
        ("a practice's policy area", true,
         "INSERT INTO practice_policy_areas (practice_id, policy_area)
          SELECT p.id, 'housing' FROM practices p JOIN cities c ON c.id = p.city_id
          WHERE c.slug = 'aaa-vorn' ON CONFLICT DO NOTHING"),
        ("a membership", true,
         "INSERT INTO memberships (city_id, network_id, status)
          SELECT c.id, n.id, 'member' FROM cities c, networks n
          WHERE c.slug = 'list-10' AND NOT EXISTS (
              SELECT 1 FROM memberships m WHERE m.city_id = c.id AND m.network_id = n.id)
          ORDER BY n.id LIMIT 1"),
        ("a demand", true,
         "INSERT INTO safe_harbour_demands (city_id, demand_key, decided)
          SELECT c.id, d.key, true FROM cities c, demands d
          WHERE c.slug = 'list-15' ORDER BY d.key LIMIT 1"),
        ("a practice unpublished", true,
         "UPDATE practices SET published = false WHERE slug = 'neu-practice'"),
        (
            "a country's name",
            false,
            "UPDATE countries SET names = names || '{\"de\": \"Polska (de)\"}' WHERE iso2 = 'PL'",
        ),
        ("a network renamed", false,
         "UPDATE networks SET slug = 'aa-' || slug WHERE id = (SELECT min(id) FROM networks)"),
        ("a city in a country not listed before", false,
         "INSERT INTO countries (iso2, name) VALUES ('XK', 'Kosovo');
          INSERT INTO cities (slug, name, country, kind, geom)
          VALUES ('prishtina', 'Prishtina', 'XK', 'municipality', ST_SetSRID(ST_MakePoint(21.2, 42.7), 4326));
          INSERT INTO practices (slug, city_id, original_lang, title, status)
          SELECT 'prishtina-practice', id, 'en', '{\"en\": \"P\"}', 'active' FROM cities WHERE slug = 'prishtina'"),
    ];
    let mut snapshot = CityList::load(&mut conn).await.unwrap();
    for (write, updated, sql) in writes {
        app.execute(sql).await;
        let whole = CityList::load(&mut conn).await.unwrap();
        let Some(next) = snapshot.update(&mut conn).await.unwrap() else {
            assert!(!updated, "after {write}, the snapshot was read whole");
            snapshot = whole;
            continue;
        };
        assert!(
            updated,
            "after {write}, the snapshot was made from the one before"
        );
        assert_eq!(next.version(), whole.version(), "{write}");
        for query in &queries {
            let made = memory_page(&mut conn, &next, query, &links).await;
            let read = memory_page(&mut conn, &whole, query, &links).await;
            match (made, read) {
                (Ok(made), Ok(read)) => assert_eq!(made, read, "after {write}: {query:?}"),
                (Err(made), Err(read)) => {
                    assert_eq!(format!("{made:?}"), format!("{read:?}"), "{write}");
                }
                (made, read) => panic!("after {write}: {made:?} against {read:?}"),
            }
        }
        snapshot = next;
    }
    let all =
        CollectionQuery::from_params(&QueryParams::parse(Some("limit=1000")), OverLimit::Refuse)
            .unwrap();
    let page: Value = serde_json::from_str(&snapshot.page(&all, &links, None).unwrap()).unwrap();
    let slugs: Vec<&str> = page["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.first(), Some(&"aaa-vorn"), "{slugs:?}");
    assert!(slugs.contains(&"prishtina"), "{slugs:?}");
    // Unpublished, and unlisted with its only practice unpublished.
    assert!(
        !slugs.contains(&"list-7") && !slugs.contains(&"mitte-neu"),
        "{slugs:?}"
    );
}
