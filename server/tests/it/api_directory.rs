//! Policy areas, networks and the gazetteer search.

use axum::http::StatusCode;
use haven::model::network::NetworkDoc;
use haven::model::place::PlaceDoc;
use haven::model::policy_area::PolicyAreaDoc;

use crate::support::TestApp;

#[tokio::test]
async fn policy_areas_in_order_with_labels_in_the_language_and_counts() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/policy-areas?lang=fr").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.content_type(), "application/json");
    let areas: Vec<PolicyAreaDoc> = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(areas.len(), 12);
    assert_eq!(areas[0].slug, "reception");
    assert_eq!(areas[0].label, "Accueil");
    assert_eq!(areas[0].practice_count, 1);
    assert_eq!(areas[3].slug, "health");
    assert_eq!(areas[3].practice_count, 0);
    let english: Vec<PolicyAreaDoc> = app
        .get("/api/v1/policy-areas")
        .await
        .json()
        .as_array()
        .map(|a| serde_json::from_value(serde_json::Value::Array(a.clone())).unwrap())
        .unwrap();
    assert_eq!(english[0].label, "Reception");
}

#[tokio::test]
async fn networks_with_member_counts() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/networks").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let networks: Vec<NetworkDoc> = serde_json::from_slice(&response.body).unwrap();
    let count = |slug: &str| {
        networks
            .iter()
            .find(|n| n.slug == slug)
            .unwrap()
            .member_count
    };
    assert_eq!(count("seebruecke-safe-harbour"), 2);
    assert_eq!(count("iash"), 2);
    assert_eq!(count("intercultural-cities"), 1);
    let campaign = networks
        .iter()
        .find(|n| n.is_safe_harbour_campaign)
        .unwrap();
    assert_eq!(campaign.slug, "seebruecke-safe-harbour");
    assert_eq!(campaign.founded.as_deref(), Some("2018"));

    // The counts follow a membership left, one unpublished and a city unpublished: they
    // always equal the current published memberships of published cities.
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for write in [
        "UPDATE memberships SET status = 'left', until = '2024' WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')
           AND network_id = (SELECT id FROM networks WHERE slug = 'seebruecke-safe-harbour')",
        "UPDATE memberships SET published = false WHERE network_id = (SELECT id FROM networks WHERE slug = 'iash')
           AND city_id = (SELECT min(city_id) FROM memberships m JOIN networks n ON n.id = m.network_id WHERE n.slug = 'iash')",
        "UPDATE cities SET published = false WHERE slug = 'gdansk'",
    ] {
        app.execute(write).await;
        let response = app.get("/api/v1/networks").await;
        let networks: Vec<NetworkDoc> = serde_json::from_slice(&response.body).unwrap();
        for network in &networks {
            let counted: i64 = client
                .query_one(
                    "SELECT count(*) FROM memberships m JOIN networks n ON n.id = m.network_id
                     JOIN cities c ON c.id = m.city_id
                     WHERE n.slug = $1 AND m.published AND m.status <> 'left' AND c.published",
                    &[&network.slug],
                )
                .await
                .unwrap()
                .get(0);
            assert_eq!(network.member_count, counted, "{} after {write}", network.slug);
        }
    }
}

async fn place_names(app: &TestApp, q: &str) -> Vec<String> {
    let response = app.get(&format!("/api/v1/places?q={q}")).await;
    assert_eq!(response.status, StatusCode::OK, "{q}: {}", response.text());
    let places: Vec<PlaceDoc> = serde_json::from_slice(&response.body).unwrap();
    places.into_iter().map(|place| place.name).collect()
}

#[tokio::test]
async fn places_by_prefix_ignoring_case_and_accents() {
    let app = TestApp::with_sample().await;
    for q in ["koln", "Koeln", "K%C3%B6ln", "K%C3%96LN", "Cologne", "k"] {
        assert_eq!(place_names(&app, q).await, ["Köln"], "{q}");
    }
    assert_eq!(place_names(&app, "Danzig").await, ["Gdańsk"]);
    assert_eq!(place_names(&app, "gdansk").await, ["Gdańsk"]);
    assert_eq!(place_names(&app, "%25").await, Vec::<String>::new());
    assert_eq!(place_names(&app, "_").await, Vec::<String>::new());
    let response = app.get("/api/v1/places?q=k%C3%B6").await;
    let places: Vec<PlaceDoc> = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(places[0].city_slug.as_deref(), Some("koeln"));
    assert_eq!(places[0].ags.as_deref(), Some("05315000"));
    assert_eq!((places[0].lon, places[0].lat), (6.95, 50.94));
    assert_eq!(places[0].region.as_deref(), Some("Nordrhein-Westfalen"));
    assert_eq!(places[0].district.as_deref(), Some("Köln"));
}

#[tokio::test]
async fn places_are_ranked_by_population_and_limited() {
    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, geom) VALUES
           ('geonames', 1, 'Pomorze', 'PL', 100, ST_SetSRID(ST_MakePoint(18, 54), 4326)),
           ('geonames', 2, 'Potsdamer Dorf', 'DE', NULL, ST_SetSRID(ST_MakePoint(13, 52), 4326))",
    )
    .await;
    assert_eq!(
        place_names(&app, "po").await,
        ["Potsdam", "Pomorze", "Potsdamer Dorf"]
    );
    let response = app.get("/api/v1/places?q=po&limit=2").await;
    assert_eq!(response.json().as_array().unwrap().len(), 2);
    app.get("/api/v1/places?q=po&limit=51")
        .await
        .problem(StatusCode::BAD_REQUEST);
    let problem = app
        .get("/api/v1/places")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "q");
}

#[tokio::test]
async fn own_names_come_before_alternate_names_and_listed_cities_before_other_places() {
    let app = TestApp::with_sample().await;
    // Placed in the sample's countries: only the names and populations matter here.
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, geom) VALUES
           ('geonames', 1, 'Istanbul', 'IT', 15000000, ST_SetSRID(ST_MakePoint(12, 42), 4326)),
           ('geonames', 2, 'Kolkata', 'PL', 4600000, ST_SetSRID(ST_MakePoint(19, 51), 4326)),
           ('geonames', 3, 'Konstanz', 'DE', 81000, ST_SetSRID(ST_MakePoint(9.17, 47.66), 4326));
         INSERT INTO place_names (place_id, name)
           SELECT id, 'Konstantinopel' FROM places WHERE name = 'Istanbul'",
    )
    .await;
    // Two letters (the kept best places of the prefix) and more (the names themselves).
    assert_eq!(
        place_names(&app, "ko").await,
        ["Köln", "Kolkata", "Konstanz", "Istanbul"]
    );
    assert_eq!(place_names(&app, "kon").await, ["Konstanz", "Istanbul"]);
    // An alternate name that is the whole text still finds its place.
    assert_eq!(place_names(&app, "Konstantinopel").await, ["Istanbul"]);
}

/// A prefix of one or two letters whose German transliteration only lengthens its end (`kö`:
/// `ko`, `koe`) reads the kept best places of its folding (`ko`) and gives what the names
/// themselves give: the places whose own name starts with either folding, then those found by
/// an alternate name, the listed cities first, then by population. One whose transliteration
/// changes a letter before its end (`äb`: `ab`, `aeb`) searches the names.
#[tokio::test]
async fn umlaut_prefixes_rank_as_the_names_do() {
    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, geom)
         SELECT 'geonames', 1000 + i, n, 'DE', pop, ST_SetSRID(ST_MakePoint(7 + i * 0.01, 50), 4326)
         FROM (VALUES (1, 'Koerich', 500000), (2, 'Königswinter', 41000), (3, 'Kolkata', 4600000),
                      (4, 'Köthen', 25000), (5, 'Koblenz', 113000), (6, 'Kœnigsberg', 900),
                      (7, 'Aebi', 70000), (8, 'Abenberg', 5000), (9, 'Äbtissinwisch', 300),
                      (10, 'Öhringen', 24000), (11, 'Oberhausen', 210000), (12, 'Oebisfelde', 9000),
                      (13, 'Kolberg', NULL), (14, 'Kö', 1)) AS v (i, n, pop);
         INSERT INTO place_names (place_id, name)
         SELECT id, 'Kögelberg' FROM places WHERE name = 'Oberhausen'
         UNION ALL SELECT id, 'Abtei' FROM places WHERE name = 'Koblenz'",
    )
    .await;
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    // The ranking over the names themselves.
    let by_the_names = async |q: &str| -> Vec<String> {
        client
            .query(
                "WITH i AS (SELECT haven_fold($1) AS fold, haven_fold_de($1) AS fold_de),
                 hits AS (
                     SELECT p.id FROM places p, i
                     WHERE starts_with(p.name_key, i.fold) OR starts_with(p.name_key_de, i.fold_de)
                     UNION
                     SELECT pn.place_id FROM place_names pn, i WHERE starts_with(pn.name_key, i.fold)
                 )
                 SELECT p.name FROM hits h JOIN places p ON p.id = h.id, i
                 ORDER BY (starts_with(p.name_key, i.fold)
                           OR coalesce(starts_with(p.name_key_de, i.fold_de), false)) DESC,
                          EXISTS (SELECT 1 FROM cities c JOIN city_stats cs ON cs.city_id = c.id
                                  WHERE c.place_id = p.id AND cs.listed) DESC,
                          p.population DESC NULLS LAST, p.name, p.id
                 LIMIT 10",
                &[&q],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    };
    for (q, encoded) in [
        ("kö", "k%C3%B6"),
        ("KÖ", "K%C3%96"),
        ("ö", "%C3%B6"),
        ("äb", "%C3%A4b"),
        ("ä", "%C3%A4"),
        ("ko", "ko"),
        ("k", "k"),
        ("oe", "oe"),
        ("köt", "k%C3%B6t"),
    ] {
        let expected = by_the_names(q).await;
        assert!(!expected.is_empty(), "{q}");
        assert_eq!(place_names(&app, encoded).await, expected, "{q}");
    }
    assert_eq!(
        place_names(&app, "k%C3%B6").await[..4],
        ["Köln", "Kolkata", "Koerich", "Koblenz"]
    );
}

#[tokio::test]
async fn short_prefixes_follow_every_write_to_places_and_names() {
    let app = TestApp::with_sample().await;
    // One or two characters read the best places kept per prefix; three or more search the
    // names themselves: both must agree after each kind of write.
    let agree = |expected: &'static [&'static str]| {
        let app = &app;
        async move {
            assert_eq!(place_names(app, "po").await, expected);
        }
    };
    agree(&["Potsdam"]).await;
    assert_eq!(place_names(&app, "p").await, ["Palermo", "Potsdam"]);
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, geom) VALUES
           ('geonames', 1, 'Pomorze', 'PL', 100, ST_SetSRID(ST_MakePoint(18, 54), 4326)),
           ('geonames', 2, 'Pobiedziska', 'PL', 1000, ST_SetSRID(ST_MakePoint(17, 52), 4326))",
    )
    .await;
    // The listed city first, then the others by population.
    agree(&["Potsdam", "Pobiedziska", "Pomorze"]).await;
    app.execute("UPDATE places SET population = 10000000 WHERE name = 'Pomorze'")
        .await;
    agree(&["Potsdam", "Pomorze", "Pobiedziska"]).await;
    assert_eq!(
        place_names(&app, "p").await,
        ["Palermo", "Potsdam", "Pomorze", "Pobiedziska"]
    );
    app.execute("UPDATE places SET name = 'Xomorze' WHERE name = 'Pomorze'")
        .await;
    agree(&["Potsdam", "Pobiedziska"]).await;
    assert_eq!(place_names(&app, "xo").await, ["Xomorze"]);
    app.execute(
        "INSERT INTO place_names (place_id, name) SELECT id, 'Pommern' FROM places WHERE name = 'Xomorze'",
    )
    .await;
    // Found by an alternate name only: after the places of their own name, however populous.
    agree(&["Potsdam", "Pobiedziska", "Xomorze"]).await;
    assert_eq!(place_names(&app, "pom").await, ["Xomorze"]);
    app.execute("DELETE FROM place_names WHERE name = 'Pommern'")
        .await;
    agree(&["Potsdam", "Pobiedziska"]).await;
    app.execute("DELETE FROM places WHERE name = 'Xomorze'")
        .await;
    assert_eq!(place_names(&app, "xo").await, Vec::<String>::new());
}

/// The place search from the instance's gazetteer ([`haven::model::gazetteer`]) gives, text
/// for text and limit for limit, what the search statement gives: over 3,000 more places
/// (names with umlauts, `ß`, ligatures and spaces, equal populations and none, alternate
/// names, regions and districts, listed cities at some of them, named otherwise than their
/// place). Then over HTTP, once the instance has read its gazetteer, the answer comes from it:
/// the best places kept per short prefix (which the statement reads) are emptied behind the
/// instance's back, and `ko` still finds what it found.
#[tokio::test]
async fn the_place_search_from_memory_is_the_statements() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use haven::db::snapshot::Loaded;
    use haven::model::gazetteer::{self, Folds, PlaceCities, Places};

    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, region_id, district_id, geom)
         SELECT 'geonames', 10000 + i,
                (ARRAY['Ko', 'Kö', 'Koe', 'Ber', 'Bär', 'Ae', 'Ä', 'O', 'Ö', 'Sch', 'Sankt ', 'Üb',
                       'Straß', 'Ma', 'Mü', 'Œ', 'K'])[1 + i % 17]
                || lower((ARRAY['ln', 'be', 'r', 'ö', 'a', 'ß', 'en', 'ü', 'i', 'x', 'st', 'au',
                                'on'])[1 + (i / 17) % 13])
                || CASE WHEN i % 5 = 0 THEN '' ELSE lower((ARRAY['dorf', 'heim', 'berg', ' am See', 'ow'])[1 + (i / 221) % 5]) END,
                CASE WHEN i % 3 = 0 THEN 'PL' ELSE 'DE' END,
                CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN 5000 ELSE (i * 7919) % 90000 END,
                CASE WHEN i % 4 = 0 THEN (SELECT min(id) FROM regions) END,
                CASE WHEN i % 8 = 0 THEN (SELECT max(id) FROM regions) END,
                ST_SetSRID(ST_MakePoint(6 + (i % 100) * 0.0371234, 48 + (i / 100) * 0.0523456), 4326)
         FROM generate_series(1, 3200) i;
         INSERT INTO place_names (place_id, name)
         SELECT id, (ARRAY['Kolonie ', 'Altes ', 'Ö-', 'Bad '])[1 + id % 4] || name
         FROM places WHERE geonameid % 6 = 0 AND geonameid >= 10000;
         INSERT INTO cities (slug, name, country, place_id, geom)
         SELECT 'city-at-' || p.id, (ARRAY['Königsstadt ', 'Zeta ', 'Ob '])[1 + p.id % 3] || p.id,
                p.country, p.id, p.geom
         FROM places p WHERE p.geonameid % 97 = 0 AND p.geonameid >= 10000;
         INSERT INTO memberships (city_id, network_id, status)
         SELECT c.id, (SELECT id FROM networks ORDER BY id LIMIT 1), 'member'
         FROM cities c WHERE c.slug LIKE 'city-at-%' AND c.id % 2 = 0;",
    )
    .await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let places = Places::load(&mut conn).await.unwrap();
    let cities = PlaceCities::load(&mut conn).await.unwrap();
    let folds = Folds::default();
    let mut texts: Vec<String> = [
        "k",
        "K",
        "ko",
        "kö",
        "KÖ",
        "koe",
        "köl",
        "koln",
        "Köln",
        "ö",
        "o",
        "oe",
        "ä",
        "ae",
        "äb",
        "b",
        "be",
        "bä",
        "bae",
        "bär",
        "sch",
        "Sankt",
        "sankt ",
        "st",
        "straß",
        "strass",
        "ü",
        "ue",
        "üb",
        "œ",
        "oe",
        "m",
        "mü",
        "mue",
        "z",
        "ze",
        "Zeta",
        "kolonie",
        "Kolonie K",
        "bad ",
        "ö-",
        "altes",
        "x",
        "xy",
        "Danzig",
        "gdansk",
        "p",
        "po",
        "'",
        "%",
        "_",
        "\u{301}",
        "kö\u{301}",
        "Ko ",
        " ",
    ]
    .map(String::from)
    .to_vec();
    // Whole names of generated places.
    texts.extend(
        [
            "Koln",
            "Köbe",
            "Bärr",
            "Aeen",
            "Ößdorf",
            "Schöheim",
            "Sankt xberg",
            "Üben am See",
        ]
        .map(String::from),
    );
    let mut compared = 0;
    for q in &texts {
        let folded = folds.of(q, &mut conn).await.unwrap();
        for limit in [1, 3, 10, 50] {
            let statement: serde_json::Value = serde_json::from_str(
                &haven::model::place::search(&mut conn, q, limit)
                    .await
                    .unwrap(),
            )
            .unwrap();
            let memory: serde_json::Value = serde_json::from_str(&gazetteer::search(
                &places,
                &cities,
                &folded,
                limit as usize,
            ))
            .unwrap();
            assert_eq!(memory, statement, "q={q:?}, limit={limit}");
            compared += statement.as_array().unwrap().len();
        }
    }
    assert!(compared > 2000, "{compared} places compared");

    // Over HTTP, from the gazetteer once it is read.
    let before = place_names(&app, "ko").await;
    assert_eq!(before.len(), 10);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .state
        .gazetteer
        .places
        .fresh(app.data_version.of(gazetteer::PLACE_KINDS))
        .is_none()
    {
        assert!(tokio::time::Instant::now() < deadline, "no gazetteer");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    app.execute("DELETE FROM place_prefix_tops").await;
    assert_eq!(place_names(&app, "ko&_=again").await, before);
    // A write of the gazetteer is followed.
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, geom)
         VALUES ('geonames', 99, 'Kobaltstadt', 'DE', 99000000, ST_SetSRID(ST_MakePoint(9, 50), 4326))",
    )
    .await;
    assert_eq!(place_names(&app, "kob").await[0], "Kobaltstadt");
}
