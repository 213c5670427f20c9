//! Full text with the synonym list (`GET /api/v1/practices?q=`, `/api/v1/cities?q=`) and the
//! grouped search of the map's search box (`GET /api/v1/search`).

use axum::http::StatusCode;
use haven::model::search::SearchDoc;

use crate::api_cities::slugs;
use crate::support::TestApp;

/// A practice documented in German only, as the texts word it: "anonyme Behandlungsscheine".
const VOUCHER_PRACTICE: &str =
    "INSERT INTO practices (slug, city_id, original_lang, title, summary, status) VALUES
    ('potsdam-clearing-office', (SELECT id FROM cities WHERE slug = 'potsdam'), 'de',
     '{\"de\":\"Clearingstelle für Menschen ohne Krankenversicherung\"}',
     '{\"de\":\"Seit 2019 gibt die Stelle anonyme Behandlungsscheine aus.\"}', 'active')";

/// A practice in English only that speaks of sanctuary.
const SANCTUARY_PRACTICE: &str =
    "INSERT INTO practices (slug, city_id, original_lang, title, summary, status) VALUES
    ('palermo-sanctuary', (SELECT id FROM cities WHERE slug = 'palermo'), 'en',
     '{\"en\":\"Sanctuary for people threatened with deportation\"}', '{}', 'active')";

async fn search(app: &TestApp, query: &str) -> SearchDoc {
    let response = app.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    serde_json::from_slice(&response.body).unwrap()
}

#[tokio::test]
async fn german_compounds_and_synonyms_find_what_the_texts_say_otherwise() {
    let app = TestApp::with_sample().await;
    app.execute(VOUCHER_PRACTICE).await;
    app.execute(SANCTUARY_PRACTICE).await;
    let cases: &[(&str, &[&str])] = &[
        // "Krankenschein" is what people say; the text says "Behandlungsscheine".
        ("q=Krankenschein", &["potsdam-clearing-office"]),
        ("q=anonymer%20Krankenschein", &["potsdam-clearing-office"]),
        ("q=Behandlungsschein", &["potsdam-clearing-office"]),
        // German for a practice that only says "sanctuary" in English.
        ("q=B%C3%BCrgerasyl", &["palermo-sanctuary"]),
        ("q=Kirchenasyl", &["palermo-sanctuary"]),
        // English for a practice documented in German ("Wohnungen", "Unterkünften").
        ("q=housing", &["koeln-welcome-housing"]),
        ("q=accommodation", &["koeln-welcome-housing"]),
        // A word being typed finds by its start.
        ("q=Krankenvers", &["potsdam-clearing-office"]),
        // Synonyms widen a word, they never find everything.
        ("q=Krankenschein%20Palermo", &[]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            slugs(&app, &format!("/api/v1/practices?{query}")).await,
            *expected,
            "{query}"
        );
    }
    // Cities are found by their practices' texts.
    assert_eq!(
        slugs(&app, "/api/v1/cities?q=Krankenschein").await,
        ["potsdam"]
    );
}

#[tokio::test]
async fn the_synonym_list_is_a_table() {
    let app = TestApp::with_sample().await;
    let query = "/api/v1/practices?q=Migrantenbeirat";
    assert!(slugs(&app, query).await.is_empty());
    app.execute(
        "INSERT INTO search_synonyms (term, synonym) VALUES ('Migrantenbeirat', 'immigrants'' council')",
    )
    .await;
    assert_eq!(slugs(&app, query).await, ["gdansk-immigrants-council"]);
}

#[tokio::test]
async fn the_search_box_gets_places_cities_practices_and_areas_at_once() {
    let app = TestApp::with_sample().await;
    app.execute(VOUCHER_PRACTICE).await;

    let found = search(&app, "q=Krankenschein&lang=en").await;
    assert_eq!(found.q, "Krankenschein");
    assert!(found.places.is_empty());
    assert_eq!(
        found
            .cities
            .iter()
            .map(|c| c.slug.as_str())
            .collect::<Vec<_>>(),
        ["potsdam"]
    );
    assert_eq!(found.cities_matched, 1);
    let practice = &found.practices[0];
    assert_eq!(practice.slug, "potsdam-clearing-office");
    assert_eq!(practice.title_lang, "de");
    assert_eq!(practice.city.slug, "potsdam");
    assert!(found.suggestions.is_empty());

    // A policy area by its name in any language, with its practices counted.
    let housing = search(&app, "q=Wohnen&lang=en").await;
    let area = &housing.policy_areas[0];
    assert_eq!(
        (area.slug.as_str(), area.label.as_str()),
        ("housing", "Housing")
    );
    assert_eq!(area.practice_count, 1);

    // A place by its name, listed or not.
    let places = search(&app, "q=K%C3%B6ln").await;
    assert_eq!(places.places[0].name, "Köln");
    assert_eq!(places.places[0].city_slug.as_deref(), Some("koeln"));
    assert_eq!(places.cities[0].slug, "koeln");

    // At most `limit` per group, all of them counted.
    let limited = search(&app, "q=refugees&limit=1").await;
    assert!(limited.practices.len() <= 1);
    assert!(limited.practices_matched >= i64::try_from(limited.practices.len()).unwrap());
}

#[tokio::test]
async fn cities_named_so_come_before_cities_found_by_another_name() {
    let app = TestApp::with_sample().await;
    // Gdańsk's place is also "Kota Gdańsk" (Indonesian): `ko` finds it, after Köln, whose own
    // name starts so, though "Gdańsk" sorts first.
    app.execute(
        "INSERT INTO place_names (place_id, name) VALUES
         ((SELECT id FROM places WHERE geonameid = 3099434), 'Kota Gdańsk')",
    )
    .await;
    let found = search(&app, "q=ko&lang=en").await;
    let cities: Vec<&str> = found.cities.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(cities, ["koeln", "gdansk"]);
    assert_eq!(found.cities_matched, 2);
}

#[tokio::test]
async fn nothing_found_suggests_similar_words() {
    let app = TestApp::with_sample().await;
    let found = search(&app, "q=Krankenshein").await;
    assert!(found.places.is_empty() && found.cities.is_empty() && found.practices.is_empty());
    assert!(
        found.suggestions.iter().any(|s| s == "Krankenschein"),
        "{:?}",
        found.suggestions
    );
    let city = search(&app, "q=Kolon").await;
    assert!(
        city.suggestions.iter().any(|s| s == "Köln"),
        "{:?}",
        city.suggestions
    );
}

#[tokio::test]
async fn the_search_needs_a_text_and_a_sane_limit() {
    let app = TestApp::with_sample().await;
    for (query, field) in [
        ("", "q"),
        ("q=a&limit=21", "limit"),
        ("q=a&lang=xx", "lang"),
    ] {
        let problem = app
            .get(&format!("/api/v1/search?{query}"))
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert_eq!(problem["field"], field, "{query}");
    }
}
