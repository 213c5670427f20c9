//! Growth over time (`/api/v1/stats/growth`, `/{lang}/growth`): the series equals counts
//! computed here from the memberships, by year and by month, with undated and year-only
//! entries said apart; filters; the accessible chart and its table.

use axum::http::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

use crate::pages::page;
use crate::support::TestApp;

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

/// The sample plus: Dinslaken listed and declared with only a year, a Bündnis membership of
/// Potsdam that ended, and an undated declaration of Gdańsk.
async fn app() -> TestApp {
    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO cities (slug, name, country, region_id, place_id, kind, population, geom)
         SELECT 'dinslaken', name, country, region_id, id, 'municipality', population, geom
         FROM places WHERE name = 'Dinslaken';
         INSERT INTO memberships (city_id, network_id, status, since)
         SELECT c.id, n.id, 'declared', '2020' FROM cities c, networks n
         WHERE c.slug = 'dinslaken' AND n.slug = 'seebruecke-safe-harbour';
         INSERT INTO memberships (city_id, network_id, status, since)
         SELECT c.id, n.id, 'declared', NULL FROM cities c, networks n
         WHERE c.slug = 'gdansk' AND n.slug = 'seebruecke-safe-harbour';
         UPDATE memberships SET status = 'left', until = '2022-03'
         WHERE city_id = (SELECT id FROM cities WHERE slug = 'potsdam')
           AND network_id = (SELECT id FROM networks WHERE slug = 'buendnis-staedte-sicherer-haefen');",
    )
    .await;
    app
}

/// Counts of the same thing computed from the memberships: (declarations, memberships) in
/// total at the end of `period` (a year or `YYYY-MM`; a year-only date counts in December).
async fn expected_totals(app: &TestApp, period: &str, country: Option<&str>) -> (i64, i64) {
    let client = haven::import::connect(&app.database_url).await.unwrap();
    let key = |column: &str| {
        if period.len() == 4 {
            format!("left({column}::text, 4)")
        } else {
            format!(
                "CASE WHEN length({column}::text) = 4 THEN {column}::text || '-12' ELSE left({column}::text, 7) END"
            )
        }
    };
    let country = country.map_or(String::new(), |c| format!("AND c.country = '{c}'"));
    let row = client
        .query_one(
            &format!(
                "SELECT count(*) FILTER (WHERE n.is_safe_harbour_campaign AND {since} <= $1
                                          AND NOT (m.status = 'left' AND {until} <= $1)),
                        count(*) FILTER (WHERE NOT n.is_safe_harbour_campaign AND {since} <= $1
                                          AND NOT (m.status = 'left' AND {until} <= $1))
                 FROM memberships m JOIN networks n ON n.id = m.network_id
                 JOIN cities c ON c.id = m.city_id
                 WHERE m.since IS NOT NULL {country}",
                since = key("m.since"),
                until = key("m.until"),
            ),
            &[&period],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

fn point<'a>(doc: &'a Value, period: &str) -> &'a Value {
    doc["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == period)
        .unwrap_or_else(|| panic!("no {period} in {doc}"))
}

#[tokio::test]
async fn the_series_matches_counts_from_the_memberships() {
    let app = app().await;
    let doc = app.get("/api/v1/stats/growth").await.json();
    assert_eq!(doc["by"], "year");
    let series = doc["series"].as_array().unwrap();
    assert_eq!(series.first().unwrap()["period"], "2018");
    let client = haven::import::connect(&app.database_url).await.unwrap();
    let this_year: String = client
        .query_one("SELECT extract(year FROM current_date)::int::text", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(series.last().unwrap()["period"], this_year);
    for p in series {
        let period = p["period"].as_str().unwrap();
        let (declarations, memberships) = expected_totals(&app, period, None).await;
        assert_eq!(p["declarations_total"], declarations, "{period}");
        assert_eq!(p["memberships_total"], memberships, "{period}");
    }
    // Two declared in 2018, one in 2020; two Bündnis members in 2019, one left in 2022.
    assert_eq!(point(&doc, "2018")["declarations"], 2);
    assert_eq!(point(&doc, "2020")["declarations"], 1);
    assert_eq!(point(&doc, "2021")["memberships_total"], 4);
    assert_eq!(point(&doc, "2022")["memberships_total"], 3);
    assert_eq!(doc["undated"]["declarations"], 1);
    assert_eq!(doc["undated"]["memberships"], 1);
    assert_eq!(doc["year_only"]["declarations"], 0);
    assert_eq!(doc["current"]["declarations"], 4);
    assert_eq!(doc["current"]["memberships"], 4);

    // By month, Dinslaken's year-only date counts in December 2020, and the answer says so.
    let doc = app.get("/api/v1/stats/growth?by=month").await.json();
    assert_eq!(doc["series"][0]["period"], "2018-09");
    for period in [
        "2018-09", "2018-12", "2019-06", "2020-11", "2020-12", "2022-03",
    ] {
        let (declarations, memberships) = expected_totals(&app, period, None).await;
        assert_eq!(
            point(&doc, period)["declarations_total"],
            declarations,
            "{period}"
        );
        assert_eq!(
            point(&doc, period)["memberships_total"],
            memberships,
            "{period}"
        );
    }
    assert_eq!(point(&doc, "2020-12")["declarations"], 1);
    assert_eq!(doc["year_only"]["declarations"], 1);
}

#[tokio::test]
async fn filters_narrow_the_series_and_bad_values_are_named() {
    let app = app().await;
    let doc = app.get("/api/v1/stats/growth?country=PL").await.json();
    assert_eq!(doc["current"]["declarations"], 1);
    assert_eq!(doc["undated"]["declarations"], 1);
    assert_eq!(doc["series"], serde_json::json!([]));
    let doc = app
        .get("/api/v1/stats/growth?country=DE&lang=de")
        .await
        .json();
    for p in doc["series"].as_array().unwrap() {
        let period = p["period"].as_str().unwrap();
        let (declarations, memberships) = expected_totals(&app, period, Some("DE")).await;
        assert_eq!(
            (
                p["declarations_total"].as_i64(),
                p["memberships_total"].as_i64()
            ),
            (Some(declarations), Some(memberships))
        );
    }
    assert_eq!(doc["by_country"][0]["name"], "Deutschland");
    let regions: Vec<&str> = doc["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["05", "12"]);
    // Only IASH memberships; declarations still counted.
    let doc = app.get("/api/v1/stats/growth?network=iash").await.json();
    assert_eq!(doc["current"]["memberships"], 2);
    assert_eq!(doc["current"]["declarations"], 4);
    let doc = app.get("/api/v1/stats/growth?region=DE-12").await.json();
    assert_eq!(doc["current"]["declarations"], 1);

    let problem = app
        .get("/api/v1/stats/growth?by=week")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert!(problem.to_string().contains("by"), "{problem}");
    let problem = app
        .get("/api/v1/stats/growth?network=nope")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert!(problem.to_string().contains("nope"), "{problem}");
}

#[tokio::test]
async fn the_page_draws_an_accessible_chart_with_its_table() {
    let app = app().await;
    let api = app.get("/api/v1/stats/growth").await.json();
    for lang in ["de", "en", "fr", "es"] {
        let (html, ld) = page(&app, &format!("/{lang}/growth")).await;
        assert_eq!(ld["@type"], "Dataset");
        let svg = select(&html, "figure.chart svg[role=img]");
        assert_eq!(svg.len(), 1, "{lang}");
        assert_eq!(
            svg[0].value().attr("aria-labelledby"),
            Some("chart-title chart-desc")
        );
        assert!(!select(&html, "svg title#chart-title").is_empty());
        assert!(!select(&html, "svg desc#chart-desc").is_empty());
        assert_eq!(select(&html, "svg polyline").len(), 2);
        let rows = select(&html, ".growth-table tbody tr");
        assert_eq!(
            rows.len(),
            api["series"].as_array().unwrap().len(),
            "{lang}"
        );
        let last: Vec<String> = rows
            .last()
            .unwrap()
            .select(&Selector::parse("td").unwrap())
            .map(|td| td.text().collect())
            .collect();
        let last_api = api["series"].as_array().unwrap().last().unwrap();
        assert_eq!(
            last[1],
            last_api["declarations_total"].to_string(),
            "{lang}"
        );
        assert_eq!(last[3], last_api["memberships_total"].to_string(), "{lang}");
        // The table can be reached and scrolled by keyboard.
        assert_eq!(select(&html, ".growth-table[tabindex='0']").len(), 1);
        assert!(select(&html, ".growth-note").len() >= 2);
    }
    let (html, _) = page(&app, "/en/growth?country=DE&by=month").await;
    assert_eq!(select(&html, "table.growth-areas").len(), 2);
    assert_eq!(select(&html, "option[value=DE][selected]").len(), 1);
    assert_eq!(select(&html, "input[value=month][checked]").len(), 1);
    let (html, _) = page(&app, "/en/networks/iash").await;
    assert_eq!(
        select(&html, "a.growth-link")[0].value().attr("href"),
        Some("/en/growth?network=iash")
    );
    assert_eq!(
        app.get("/en/growth?by=week").await.status,
        StatusCode::BAD_REQUEST
    );
}
