//! OGC API - Features: the documents, paging, and GDAL's OAPIF driver as a real client.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

#[tokio::test]
async fn landing_conformance_and_collections() {
    let app = TestApp::with_sample().await;
    let landing = app.get("/ogc?f=json").await;
    assert_eq!(landing.status, StatusCode::OK);
    assert_eq!(landing.content_type(), "application/json");
    let rels: Vec<String> = landing.json()["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap().to_owned())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.iter().any(|r| r == rel), "{rel}");
    }
    let conformance = app.get("/ogc/conformance").await.json();
    let classes = conformance["conformsTo"].as_array().unwrap();
    for class in ["conf/core", "conf/geojson", "conf/oas30"] {
        assert!(
            classes.iter().any(|c| c.as_str().unwrap().ends_with(class)),
            "{class}"
        );
    }
    let collections = app.get("/ogc/collections").await.json();
    let cities = &collections["collections"][0];
    assert_eq!(cities["id"], "cities");
    let bbox = &cities["extent"]["spatial"]["bbox"][0];
    assert_eq!(bbox, &serde_json::json!([6.95, 38.12, 18.65, 54.35]));
    assert_eq!(collections["collections"][1]["id"], "practices");
    assert_eq!(
        app.get("/ogc/collections/practices").await.json()["id"],
        "practices"
    );
    app.get("/ogc/collections/rivers")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/ogc/collections/rivers/items")
        .await
        .problem(StatusCode::NOT_FOUND);
    let problem = app.get("/ogc?f=xml").await.problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "f");
}

/// Parses an `f=html` answer and gives its links.
async fn html_links(app: &TestApp, path: &str) -> (String, Vec<String>) {
    let response = app.get(path).await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{path}: {}",
        response.text()
    );
    assert_eq!(
        response.content_type(),
        "text/html; charset=utf-8",
        "{path}"
    );
    let html = scraper::Html::parse_document(&response.text());
    assert!(html.errors.is_empty(), "{path}: {:?}", html.errors);
    let anchors = scraper::Selector::parse("main a").unwrap();
    let heading = scraper::Selector::parse("h1").unwrap();
    (
        html.select(&heading).next().unwrap().text().collect(),
        html.select(&anchors)
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn every_document_is_a_page_to_browse_with_f_html() {
    let app = TestApp::with_sample().await;
    let (heading, links) = html_links(&app, "/ogc?f=html").await;
    assert_eq!(heading, "Haven");
    assert!(
        links.contains(&"/ogc/collections?f=html".to_owned()),
        "{links:?}"
    );
    let (_, links) = html_links(&app, "/ogc/conformance?f=html").await;
    assert!(links.iter().any(|l| l.ends_with("conf/html")));
    let (_, links) = html_links(&app, "/ogc/collections?f=html").await;
    assert!(
        links.contains(&"/ogc/collections/practices?f=html".to_owned()),
        "{links:?}"
    );
    let (heading, links) = html_links(&app, "/ogc/collections/cities?f=html").await;
    assert_eq!(heading, "Cities");
    assert!(
        links.contains(&"/ogc/collections/cities/items?f=html".to_owned()),
        "{links:?}"
    );
    let (_, links) = html_links(&app, "/ogc/collections/cities/items?f=html&limit=2").await;
    assert!(
        links.contains(&"/ogc/collections/cities/items/gdansk?f=html".to_owned()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/ogc/collections/cities/items?f=html&limit=2&offset=2".to_owned()),
        "the next page, as HTML: {links:?}"
    );
    let (heading, _) = html_links(
        &app,
        "/ogc/collections/practices/items/palermo-charter?f=html",
    )
    .await;
    assert_eq!(heading, "Charter of Palermo");
    // The JSON answers are unchanged.
    let json = app.get("/ogc/collections/cities/items?limit=2").await;
    assert_eq!(json.content_type(), "application/geo+json");
}

#[tokio::test]
async fn items_page_with_next_links_and_clamp_large_limits() {
    let app = TestApp::with_sample().await;
    let page = app.get("/ogc/collections/cities/items?limit=2").await;
    assert_eq!(page.content_type(), "application/geo+json");
    let page = page.json();
    assert_eq!(
        (
            page["numberMatched"].as_i64(),
            page["numberReturned"].as_i64()
        ),
        (Some(4), Some(2))
    );
    let next = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(next.starts_with("http://"), "absolute: {next}");
    let second = app
        .get(next.strip_prefix("http://localhost").unwrap())
        .await
        .json();
    assert_eq!(second["features"][0]["id"], "palermo");
    let clamped = app.get("/ogc/collections/cities/items?limit=5000").await;
    assert_eq!(clamped.status, StatusCode::OK);
    let filtered = app
        .get("/ogc/collections/practices/items?policy_area=housing&bbox=5,45,15,55")
        .await
        .json();
    assert_eq!(filtered["numberMatched"], 1);
    let item = app
        .get("/ogc/collections/practices/items/palermo-charter")
        .await;
    assert_eq!(item.status, StatusCode::OK);
    assert_eq!(item.json()["id"], "palermo-charter");
    app.get("/ogc/collections/cities/items/atlantis")
        .await
        .problem(StatusCode::NOT_FOUND);
    let queryables = app.get("/ogc/collections/cities/queryables").await;
    assert_eq!(queryables.content_type(), "application/schema+json");
    let queryables: Value = queryables.json();
    assert_eq!(
        queryables["properties"]["policy_area"]["enum"][0],
        "reception"
    );
}

/// Serves `app` on a free local port; returns the base URL.
async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

async fn ogrinfo(args: Vec<String>) -> String {
    let output = tokio::process::Command::new("ogrinfo")
        .args(&args)
        .env("GDAL_HTTP_TIMEOUT", "30")
        .env("CPL_DEBUG", "OFF")
        .output()
        .await
        .expect("GDAL's ogrinfo (Debian gdal-bin) is installed");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "ogrinfo {args:?} failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn feature_count(report: &str) -> i64 {
    report
        .lines()
        .find_map(|line| line.trim().strip_prefix("Feature Count: "))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("no feature count in {report}"))
}

#[tokio::test]
async fn gdal_reads_the_layers_and_counts_what_the_api_does() {
    let app = TestApp::with_sample().await;
    // More than one page of GDAL's: extra practices.
    app.execute(
        "INSERT INTO practices (slug, city_id, original_lang, title)
         SELECT 'extra-' || n, (SELECT id FROM cities WHERE slug = 'potsdam'), 'de',
                jsonb_build_object('de', 'Praxis ' || n)
         FROM generate_series(1, 120) n",
    )
    .await;
    let base = serve(&app).await;
    let datasource = format!("OAPIF:{base}/ogc");
    let summary = ogrinfo(vec!["-ro".into(), "-so".into(), datasource.clone()]).await;
    assert!(summary.contains("cities"), "{summary}");
    assert!(summary.contains("practices"), "{summary}");
    for layer in ["cities", "practices"] {
        let api = app
            .get(&format!("/ogc/collections/{layer}/items?limit=1"))
            .await
            .json();
        let matched = api["numberMatched"].as_i64().unwrap();
        let report = ogrinfo(vec![
            "-ro".into(),
            "-so".into(),
            datasource.clone(),
            layer.into(),
        ])
        .await;
        assert_eq!(feature_count(&report), matched, "{layer}: {report}");
        // Reading every feature follows the next links.
        let all = ogrinfo(vec![
            "-ro".into(),
            "-al".into(),
            "-q".into(),
            "-geom=NO".into(),
            datasource.clone(),
            layer.into(),
        ])
        .await;
        let read = all.matches("OGRFeature(").count();
        assert_eq!(read as i64, matched, "{layer} read feature by feature");
    }
    assert_eq!(
        feature_count(
            &ogrinfo(vec![
                "-ro".into(),
                "-so".into(),
                datasource,
                "practices".into()
            ])
            .await
        ),
        123
    );
}
