//! Open data: CSV of the collections (the same rows as the GeoJSON for the same filter),
//! the download archive, and the Atom feeds with their filters.

use std::io::Read as _;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use crate::support::TestApp;

/// Whether a CSV cell holds `value` (read back independently of the writer).
fn holds(cell: &str, value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => cell.is_empty(),
        Some(Value::String(text)) => cell == text,
        Some(Value::Bool(flag)) => cell == flag.to_string(),
        Some(Value::Number(number)) => cell.parse::<f64>().ok() == number.as_f64(),
        Some(Value::Array(items)) => {
            let parts: Vec<&str> = if cell.is_empty() {
                Vec::new()
            } else {
                cell.split('|').collect()
            };
            parts.len() == items.len()
                && parts
                    .iter()
                    .zip(items)
                    .all(|(part, item)| holds(part, Some(item)))
        }
        Some(Value::Object(_)) => false,
    }
}

#[tokio::test]
async fn csv_has_the_rows_of_the_geojson_for_the_same_filter() {
    let app = TestApp::with_sample().await;
    let collections = [
        ("/api/v1/cities", haven::export::table::CITY_COLUMNS),
        ("/api/v1/practices", haven::export::table::PRACTICE_COLUMNS),
    ];
    let filters = [
        "lang=en",
        "country=DE",
        "policy_area=housing,political-participation",
        "network=iash&lang=de",
        "q=charter",
        "near=13,45&radius_km=1500",
        "bbox=5,45,20,56&lang=fr",
    ];
    for (path, columns) in collections {
        for filter in filters {
            let geojson = app.get(&format!("{path}?{filter}&limit=1000")).await.json();
            let features = geojson["features"].as_array().unwrap();
            let csv = app.get(&format!("{path}.csv?{filter}")).await;
            assert_eq!(
                csv.status,
                StatusCode::OK,
                "{path}.csv?{filter}: {}",
                csv.text()
            );
            assert!(csv.content_type().starts_with("text/csv"));
            let negotiated = app
                .request(
                    Request::get(format!("{path}?{filter}"))
                        .header("accept", "text/csv")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(
                negotiated.text(),
                csv.text(),
                "Accept: text/csv on {path}?{filter}"
            );
            let mut reader = csv::Reader::from_reader(csv.body.as_ref());
            let headers: Vec<String> = reader
                .headers()
                .unwrap()
                .iter()
                .map(str::to_owned)
                .collect();
            assert_eq!(
                headers,
                columns.iter().map(|(name, _)| *name).collect::<Vec<_>>()
            );
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(rows.len(), features.len(), "{path}?{filter}");
            for (row, feature) in rows.iter().zip(features) {
                for ((name, pointer), cell) in columns.iter().zip(row.iter()) {
                    assert!(
                        holds(cell, feature.pointer(pointer)),
                        "{path}?{filter}: {name} = {cell:?}, GeoJSON {:?}",
                        feature.pointer(pointer)
                    );
                }
            }
        }
    }
    // The GeoJSON answer is unchanged by the CSV variant, and the two are told apart.
    let json = app.get("/api/v1/cities?country=DE").await;
    assert_eq!(json.content_type(), "application/geo+json");
    let csv = app
        .request(
            Request::get("/api/v1/cities?country=DE")
                .header("accept", "text/csv")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_ne!(json.headers["etag"], csv.headers["etag"]);
    app.get("/api/v1/practices.csv?policy_area=nope")
        .await
        .problem(StatusCode::BAD_REQUEST);
}

/// Browsers ask for gzip: the compressed CSV ends cleanly and holds the same rows (the
/// compression layer polls the streamed body once more after its end).
#[tokio::test]
async fn csv_streams_to_the_end_when_compressed() {
    let app = TestApp::with_sample().await;
    for path in ["/api/v1/cities.csv", "/api/v1/practices.csv?country=DE,PL"] {
        let plain = app.get(path).await;
        let gzipped = app
            .request(
                Request::get(path)
                    .header("accept-encoding", "gzip")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(gzipped.status, StatusCode::OK, "{path}");
        assert_eq!(gzipped.headers["content-encoding"], "gzip", "{path}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gzipped.body[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, plain.text(), "{path}");
        assert!(text.lines().count() > 1, "{path}: {text}");
    }
}

#[tokio::test]
async fn the_download_holds_every_table_with_licence_and_attributions() {
    let app = TestApp::with_sample().await;
    let response = app.get("/downloads/haven.zip").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.content_type(), "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(response.body.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(&format!("haven/{name}"))
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let cities: Value = serde_json::from_str(&read("cities.geojson")).unwrap();
    assert_eq!(cities["features"].as_array().unwrap().len(), 4);
    assert_eq!(read("cities.csv").lines().count(), 1 + 4);
    let practices: Value = serde_json::from_str(&read("practices.geojson")).unwrap();
    assert_eq!(practices["numberMatched"], 3);
    assert_eq!(read("practices.csv").lines().count(), 1 + 3);
    assert_eq!(read("memberships.csv").lines().count(), 1 + 7);
    assert!(read("memberships.csv").starts_with("city,network,status,role,since"));
    assert_eq!(read("demand_statuses.csv").lines().count(), 1 + 3);
    assert_eq!(read("practice_sources.csv").lines().count(), 1 + 4);
    assert_eq!(read("networks.csv").lines().count(), 1 + 4);
    assert_eq!(read("policy_areas.csv").lines().count(), 1 + 12);
    read("demand_evidence.csv");
    assert!(read("LICENCE.txt").contains("© GeoBasis-DE / BKG (2021), Daten verändert"));
    assert!(read("SOURCES.md").contains("## Attribution"));
    // The same archive until the data changes, sent as it is to a browser that accepts gzip
    // (an archive is compressed already).
    let again = app
        .request(
            Request::get("/downloads/haven.zip")
                .header("accept-encoding", "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!again.headers.contains_key("content-encoding"));
    assert_eq!(again.body, response.body);
}

fn entry_links(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.links[0].href.rsplit('/').next().unwrap().to_owned())
        .collect()
}

async fn feed(app: &TestApp, path: &str) -> feed_rs::model::Feed {
    let response = app.get(path).await;
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{path}: {}",
        response.text()
    );
    assert_eq!(
        response.content_type(),
        "application/atom+xml; charset=utf-8"
    );
    feed_rs::parser::parse(response.body.as_ref()).unwrap()
}

#[tokio::test]
async fn feeds_parse_and_their_filters_apply() {
    let app = TestApp::with_sample().await;
    let all = feed(&app, "/feeds/practices.atom").await;
    assert_eq!(all.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(all.entries.len(), 3);
    assert!(
        all.entries
            .iter()
            .all(|e| e.updated.is_some() && !e.authors.is_empty())
    );
    let housing = feed(&app, "/feeds/practices.atom?policy_area=housing&lang=de").await;
    assert_eq!(entry_links(&housing), ["koeln-welcome-housing"]);
    assert_eq!(
        housing.entries[0].title.as_ref().unwrap().content,
        "Auszugsmanagement für Geflüchtete (Köln)"
    );
    assert!(housing.entries[0].links[0].href.contains("/de/practices/"));
    assert_eq!(
        entry_links(&feed(&app, "/feeds/practices.atom?country=PL").await),
        ["gdansk-immigrants-council"]
    );
    assert_eq!(
        entry_links(&feed(&app, "/feeds/practices.atom?network=iash").await),
        ["palermo-charter"]
    );

    let harbours = feed(
        &app,
        "/feeds/safe-harbours.atom?network=seebruecke-safe-harbour",
    )
    .await;
    let mut cities = entry_links(&harbours);
    cities.sort();
    assert_eq!(cities, ["koeln", "potsdam"]);
    assert!(harbours.entries.iter().any(|e| {
        e.title
            .as_ref()
            .unwrap()
            .content
            .contains("Safe Harbour since")
    }));
    let iash = feed(&app, "/feeds/safe-harbours.atom?network=iash&country=IT").await;
    assert_eq!(entry_links(&iash), ["palermo"]);
    assert_eq!(
        feed(&app, "/feeds/safe-harbours.atom").await.entries.len(),
        7
    );
    app.get("/feeds/practices.atom?country=ZZ")
        .await
        .problem(StatusCode::BAD_REQUEST);
}
