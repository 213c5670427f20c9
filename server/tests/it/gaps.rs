//! The gap sheet (`/api/v1/places/{id}/gaps`, `/{lang}/places/{id}/gaps`): a listed city, an
//! unlisted town and a town with nobody near that did anything; nearest and most similar
//! examples checked against distances and populations computed here; bad input.

use axum::http::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

use crate::pages::page;
use crate::support::TestApp;

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

async fn query_i64(app: &TestApp, sql: &str) -> i64 {
    let client = haven::import::connect(&app.database_url).await.unwrap();
    client.query_one(sql, &[]).await.unwrap().get(0)
}

async fn place(app: &TestApp, name: &str) -> i64 {
    query_i64(app, &format!("SELECT id FROM places WHERE name = '{name}'")).await
}

/// The distance in km (one decimal) between place `from` and city `to`, as PostGIS says.
async fn km(app: &TestApp, from: i64, to: &str) -> f64 {
    let client = haven::import::connect(&app.database_url).await.unwrap();
    let value: String = client
        .query_one(
            &format!(
                "SELECT round((ST_Distance(p.geom::geography, c.geom::geography) / 1000)::numeric, 1)::text
                 FROM places p, cities c WHERE p.id = {from} AND c.slug = '{to}'"
            ),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    value.parse().unwrap()
}

fn demand<'a>(sheet: &'a Value, key: &str) -> &'a Value {
    sheet["demands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == key)
        .unwrap()
}

fn slugs(examples: &Value) -> Vec<&str> {
    examples
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_unlisted_town_gets_every_demand_as_a_gap_with_the_cities_that_did_it() {
    let app = TestApp::with_sample().await;
    // A second German city that decided the solidarity declaration, closer in size to
    // Dinslaken (67,338) than Köln but farther away.
    app.execute(
        "INSERT INTO safe_harbour_demands (city_id, demand_key, decided, fulfilled, as_of, evidence_url)
         SELECT id, 'public_solidarity_declaration', true, NULL, '2019-02', 'https://example.org/potsdam-decision'
         FROM cities WHERE slug = 'potsdam'",
    )
    .await;
    let id = place(&app, "Dinslaken").await;
    let response = app
        .get(&format!(
            "/api/v1/places/{id}/gaps?policy_area=housing&lang=de"
        ))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let sheet = response.json();
    assert_eq!(sheet["place"]["name"], "Dinslaken");
    assert_eq!(sheet["place"]["country_name"], "Deutschland");
    assert!(sheet["place"]["city_slug"].is_null());
    assert_eq!(sheet["networks"], serde_json::json!([]));
    let demands = sheet["demands"].as_array().unwrap();
    assert_eq!(demands.len(), 8);
    assert!(
        demands
            .iter()
            .all(|d| d["status"] == "unknown" && d["gap"] == true)
    );

    let declaration = demand(&sheet, "public_solidarity_declaration");
    // Nearest first: Köln, then Potsdam, with the distances PostGIS gives.
    assert_eq!(slugs(&declaration["nearest"]), ["koeln", "potsdam"]);
    assert_eq!(
        declaration["nearest"][0]["distance_km"],
        km(&app, id, "koeln").await
    );
    assert_eq!(
        declaration["nearest"][1]["distance_km"],
        km(&app, id, "potsdam").await
    );
    assert_eq!(declaration["nearest"][0]["status"], "fulfilled");
    assert_eq!(declaration["nearest"][1]["status"], "decided");
    assert_eq!(declaration["nearest"][1]["as_of"], "2019-02");
    assert_eq!(
        declaration["nearest"][1]["evidence_url"],
        "https://example.org/potsdam-decision"
    );
    // Closest in size first: Potsdam (180,334) before Köln (1,085,664).
    assert_eq!(slugs(&declaration["similar"]), ["potsdam", "koeln"]);
    // Köln's practices come along as examples.
    assert_eq!(
        declaration["nearest"][0]["practices"][0]["slug"],
        "koeln-welcome-housing"
    );
    // Nobody did it: nothing to show.
    assert_eq!(
        slugs(&demand(&sheet, "transparency")["nearest"]),
        Vec::<&str>::new()
    );

    let areas = sheet["policy_areas"].as_array().unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(areas[0]["slug"], "housing");
    assert_eq!(areas[0]["gap"], true);
    assert_eq!(slugs(&areas[0]["nearest"]), ["koeln"]);
    assert_eq!(
        areas[0]["nearest"][0]["practices"][0]["slug"],
        "koeln-welcome-housing"
    );
    assert!(areas[0]["nearest"][0]["practices"][0]["source_url"].is_string());

    // The page says the same, in every language, and prints on its own terms.
    for lang in ["de", "en", "fr", "es"] {
        let (html, ld) = page(
            &app,
            &format!("/{lang}/places/{id}/gaps?policy_area=housing"),
        )
        .await;
        assert_eq!(ld["@type"], "Report");
        assert_eq!(select(&html, "section.gap").len(), 9, "{lang}");
        assert_eq!(select(&html, "section.gap.is-gap").len(), 9, "{lang}");
        assert_eq!(select(&html, "p.not-listed").len(), 1);
        assert_eq!(
            select(&html, ".area-chooser input[type=checkbox]").len(),
            12
        );
        assert_eq!(
            select(&html, ".area-chooser input[checked]")
                .iter()
                .map(|i| i.value().attr("value").unwrap())
                .collect::<Vec<_>>(),
            ["housing"]
        );
        let declaration = select(
            &html,
            "section.gap[data-key=public_solidarity_declaration] .nearest > ol > li",
        );
        assert_eq!(declaration.len(), 2, "{lang}");
        assert!(
            !select(&html, &format!("a[href='/{lang}/cities/koeln']")).is_empty(),
            "{lang}"
        );
        assert!(!select(&html, ".citation-text").is_empty());
    }
}

#[tokio::test]
async fn a_listed_city_shows_its_networks_and_only_its_gaps() {
    let app = TestApp::with_sample().await;
    let id = place(&app, "Köln").await;
    let sheet = app.get(&format!("/api/v1/places/{id}/gaps")).await.json();
    assert_eq!(sheet["place"]["city_slug"], "koeln");
    let networks: Vec<&str> = slugs(&sheet["networks"]);
    // The Safe Harbour declaration first.
    assert_eq!(
        networks,
        [
            "seebruecke-safe-harbour",
            "buendnis-staedte-sicherer-haefen"
        ]
    );
    let declaration = demand(&sheet, "public_solidarity_declaration");
    assert_eq!(declaration["status"], "fulfilled");
    assert_eq!(declaration["gap"], false);
    assert_eq!(declaration["nearest"], serde_json::json!([]));
    let quota = demand(&sheet, "admission_in_addition_quota");
    assert_eq!(
        (quota["status"].as_str(), quota["as_of"].as_str()),
        (Some("decided"), Some("2019"))
    );
    assert_eq!(quota["gap"], false);
    // Köln is never its own example.
    for d in sheet["demands"].as_array().unwrap() {
        assert!(!slugs(&d["nearest"]).contains(&"koeln"));
        assert!(!slugs(&d["similar"]).contains(&"koeln"));
    }
    assert_eq!(sheet["policy_areas"], serde_json::json!([]));
    // Own practice in housing: not a gap.
    let sheet = app
        .get(&format!("/api/v1/places/{id}/gaps?policy_area=housing"))
        .await
        .json();
    assert_eq!(sheet["policy_areas"][0]["gap"], false);
    assert_eq!(
        sheet["policy_areas"][0]["practices"][0]["slug"],
        "koeln-welcome-housing"
    );
    // The city page links to its sheet.
    let (html, _) = page(&app, "/en/cities/koeln").await;
    assert_eq!(
        select(&html, "a.gaps-link")[0].value().attr("href"),
        Some(format!("/en/places/{id}/gaps").as_str())
    );
}

#[tokio::test]
async fn a_town_with_nobody_near_gets_far_examples_and_no_similar_ones() {
    let app = TestApp::with_sample().await;
    // An Italian town: no Italian city decided any demand, and this one has no population.
    app.execute(
        "INSERT INTO places (source, geonameid, name, country, population, geom)
         VALUES ('geonames', 999001, 'Lampedusa', 'IT', NULL, ST_SetSRID(ST_MakePoint(12.6, 35.5), 4326))",
    )
    .await;
    let id = place(&app, "Lampedusa").await;
    let sheet = app
        .get(&format!("/api/v1/places/{id}/gaps?lang=fr"))
        .await
        .json();
    let declaration = demand(&sheet, "public_solidarity_declaration");
    assert_eq!(slugs(&declaration["nearest"]), ["koeln"]);
    assert!(declaration["nearest"][0]["distance_km"].as_f64().unwrap() > 1500.0);
    assert_eq!(declaration["similar"], serde_json::json!([]));
    let (html, _) = page(&app, &format!("/fr/places/{id}/gaps")).await;
    assert!(
        select(&html, "section.gap[data-key=transparency] .nearest p.muted")[0]
            .text()
            .collect::<String>()
            .contains("Aucune ville")
    );
}

#[tokio::test]
async fn bad_input_is_named() {
    let app = TestApp::with_sample().await;
    for path in [
        "/api/v1/places/999999/gaps",
        "/api/v1/places/abc/gaps",
        "/api/v1/places/-1/gaps",
    ] {
        let response = app.get(path).await;
        response.problem(StatusCode::NOT_FOUND);
    }
    let id = place(&app, "Köln").await;
    let problem = app
        .get(&format!("/api/v1/places/{id}/gaps?policy_area=nope"))
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert!(
        problem["detail"].as_str().unwrap().contains("nope"),
        "{problem}"
    );
    let problem = app
        .get(&format!("/api/v1/places/{id}/gaps?lang=xx"))
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert!(problem.to_string().contains("lang"), "{problem}");
    let response = app.get("/de/places/999999/gaps").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(response.content_type().starts_with("text/html"));
}
