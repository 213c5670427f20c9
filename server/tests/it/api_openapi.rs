//! The OpenAPI document and the reference page.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let document = response.json();
    let paths = document["paths"].as_object().unwrap();
    for route in haven::api::ROUTES {
        let operation = &paths
            .get(*route)
            .unwrap_or_else(|| panic!("{route} is missing from the OpenAPI document"))["get"];
        assert!(
            operation["responses"]["200"].is_object(),
            "{route} documents its 200"
        );
    }
    for path in paths.keys() {
        assert!(
            haven::api::ROUTES.contains(&path.as_str()),
            "{path} is documented but not in ROUTES"
        );
        let concrete = path
            .replace("{slug}", "koeln")
            .replace("{collection}", "cities")
            .replace("{feature}", "koeln");
        let concrete = if concrete == "/api/v1/practices/koeln" {
            "/api/v1/practices/palermo-charter".to_owned()
        } else if concrete == "/api/v1/places" {
            "/api/v1/places?q=k".to_owned()
        } else {
            concrete
        };
        let answer = app.get(&concrete).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{concrete} is routed: {}",
            answer.text()
        );
    }
    // Parameters and problems are documented.
    let cities = &paths["/api/v1/cities"]["get"];
    let names: Vec<&str> = cities["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "policy_area",
        "network",
        "country",
        "region",
        "q",
        "bbox",
        "near",
        "radius_km",
        "lang",
        "limit",
        "offset",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(cities["responses"]["400"]["content"]["application/problem+json"].is_object());
    assert!(document["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn the_reference_page_is_served_by_haven_itself() {
    let app = TestApp::new().await;
    let response = app.get("/api/docs").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.content_type().starts_with("text/html"));
    let html = response.text();
    assert!(html.contains("/api/v1/cities/{slug}"));
    assert!(html.contains("policy_area"));
    assert!(!html.contains("<script"), "no script");
    assert!(!html.contains("https://cdn"), "no CDN");
    assert_eq!(
        haven::api::openapi::escape("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}
