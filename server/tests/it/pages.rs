//! Pages for people: every kind in every language is valid HTML (parsed by an HTML5 parser)
//! with canonical, hreflang and JSON-LD; the sitemap lists every page and each answers;
//! `?rev=N` shows what was published then.

use axum::http::StatusCode;
use scraper::{Html, Selector};

use crate::support::TestApp;

const LANGS: [&str; 4] = ["de", "en", "fr", "es"];

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    html.select(&selector).collect()
}

fn attr(html: &Html, css: &str, name: &str) -> Option<String> {
    select(html, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_owned)
}

fn text(html: &Html, css: &str) -> String {
    select(html, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// GETs `path`, asserts a 200 HTML page, parses it and checks what every page must have:
/// no parse errors, its language, a canonical link (absolute, to itself without the query),
/// hreflang alternates for the four languages plus x-default, OpenGraph, and parseable
/// JSON-LD. Returns the document and its JSON-LD.
pub async fn page(app: &TestApp, path: &str) -> (Html, serde_json::Value) {
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
    assert!(response.headers.contains_key("etag"), "{path} has an ETag");
    let html = Html::parse_document(&response.text());
    assert!(
        html.errors.is_empty(),
        "{path}: HTML5 parse errors {:?}",
        html.errors
    );
    let lang = path.split('/').nth(1).unwrap();
    assert_eq!(attr(&html, "html", "lang").as_deref(), Some(lang), "{path}");
    let canonical = attr(&html, "link[rel=canonical]", "href").unwrap();
    let bare = path.split('?').next().unwrap();
    assert_eq!(canonical, format!("http://localhost{bare}"), "{path}");
    let hreflangs: Vec<String> = select(&html, "link[rel=alternate][hreflang]")
        .iter()
        .map(|e| e.value().attr("hreflang").unwrap().to_owned())
        .collect();
    assert_eq!(hreflangs, ["de", "en", "fr", "es", "x-default"], "{path}");
    for other in LANGS {
        let href = attr(&html, &format!("link[hreflang={other}]"), "href").unwrap();
        assert_eq!(
            href,
            format!("http://localhost/{other}/{}", &bare[lang.len() + 2..]),
            "{path}"
        );
    }
    assert!(attr(&html, "meta[property='og:title']", "content").is_some_and(|t| !t.is_empty()));
    assert!(attr(&html, "meta[name='twitter:card']", "content").is_some());
    assert!(
        select(&html, "script:not([src]):not([type='application/ld+json'])").is_empty(),
        "{path}: no inline script"
    );
    let ld = text(&html, "script[type='application/ld+json']");
    let ld: serde_json::Value =
        serde_json::from_str(&ld).unwrap_or_else(|e| panic!("{path}: JSON-LD {e}: {ld}"));
    assert_eq!(ld["@context"], "https://schema.org", "{path}");
    (html, ld)
}

#[tokio::test]
async fn every_page_kind_answers_in_every_language() {
    let app = TestApp::with_sample().await;
    for lang in LANGS {
        let (html, ld) = page(&app, &format!("/{lang}/cities/koeln")).await;
        assert_eq!(ld["@type"], "City");
        assert_eq!(ld["name"], "Köln");
        assert!(
            ld["sameAs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s.as_str().unwrap().contains("geonames.org/2886242"))
        );
        assert_eq!(text(&html, "h1"), "Köln");
        // Memberships, demands with their note, practices.
        assert!(!select(&html, "tr[data-network=buendnis-staedte-sicherer-haefen]").is_empty());
        assert_eq!(select(&html, "table.demands tbody tr").len(), 8);
        assert!(text(&html, ".demands-note").contains("Seebrücke"));
        assert!(
            attr(&html, "ul.practices a", "href")
                .unwrap()
                .ends_with("/practices/koeln-welcome-housing")
        );
        assert_eq!(
            attr(&html, ".to-map a", "href").unwrap(),
            format!("/?city=koeln&lang={lang}")
        );
        assert!(!text(&html, ".citation-text").is_empty());

        let (html, ld) = page(&app, &format!("/{lang}/practices/palermo-charter")).await;
        assert_eq!(ld["@type"], "CreativeWork");
        assert_eq!(ld["citation"].as_array().unwrap().len(), 2);
        assert_eq!(
            select(&html, "ol.sources a.source-url")
                .iter()
                .map(|a| a.value().attr("href").unwrap())
                .collect::<Vec<_>>(),
            [
                "https://example.org/palermo-charter",
                "https://example.org/palermo-charter-2"
            ]
        );

        let (html, ld) = page(&app, &format!("/{lang}/networks/iash")).await;
        assert_eq!(ld["@type"], "Organization");
        assert_eq!(select(&html, "table.members tbody tr").len(), 2);

        let (html, ld) = page(&app, &format!("/{lang}/policy-areas/housing")).await;
        assert_eq!(ld["@type"], "CollectionPage");
        assert_eq!(select(&html, "ul.practices li").len(), 1);

        let (html, _) = page(&app, &format!("/{lang}/")).await;
        for href in [
            format!("/{lang}/cities/gdansk"),
            format!("/{lang}/practices/gdansk-immigrants-council"),
            format!("/{lang}/networks/intercultural-cities"),
            format!("/{lang}/policy-areas/health"),
        ] {
            assert!(
                !select(&html, &format!("a[href='{href}']")).is_empty(),
                "index links {href}"
            );
        }
        page(&app, &format!("/{lang}/about")).await;
        let (html, _) = page(&app, &format!("/{lang}/data")).await;
        assert!(!select(&html, "a[href='/downloads/haven.zip']").is_empty());
        assert!(text(&html, ".download-size").contains("kB"));
        assert!(text(&html, "table.attributions").contains("GeoBasis-DE / BKG"));
    }
}

/// A link of the index of every page: its group (the heading above it, cities only), text and
/// address.
type IndexLink = (String, String, String);

/// The links of the index of every page, in order: the cities' and the others' (without a
/// group).
fn index_lists(html: &Html) -> (Vec<IndexLink>, Vec<(String, String)>) {
    let mut cities = Vec::new();
    let mut group = String::new();
    for element in select(html, "h2#cities ~ h3, h2#cities ~ ul.columns a") {
        if element.value().name() == "h3" {
            group = element.text().collect();
        } else {
            cities.push((
                group.clone(),
                element.text().collect(),
                element.value().attr("href").unwrap().to_owned(),
            ));
        }
    }
    let others = select(html, "ul.columns a, ul.practices a")
        .iter()
        .filter(|a| !a.value().attr("href").unwrap().contains("/cities/"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect();
    (cities, others)
}

#[tokio::test]
async fn the_index_follows_every_write_at_once() {
    let app = TestApp::with_sample().await;
    let (html, _) = page(&app, "/de/").await;
    let (cities, others) = index_lists(&html);
    assert_eq!(
        cities
            .iter()
            .map(|(group, name, _)| format!("{group}: {name}"))
            .collect::<Vec<_>>(),
        [
            "Deutschland: Köln",
            "Deutschland: Potsdam",
            "Italien: Palermo",
            "Polen: Gdańsk"
        ]
    );
    assert!(others.contains(&(
        "Auszugsmanagement für Geflüchtete".to_owned(),
        "/de/practices/koeln-welcome-housing".to_owned()
    )));
    // The practices are kept once for every language: each page picks the title of its
    // language, else English, and says which; their order is by city, then slug.
    let (html, _) = page(&app, "/fr/").await;
    let charter = &select(
        &html,
        "ul.practices a[href='/fr/practices/palermo-charter']",
    )[0];
    assert_eq!(charter.text().collect::<String>(), "Charter of Palermo");
    assert_eq!(charter.value().attr("lang"), Some("en"));
    let cities_in_order: Vec<String> = select(&html, "ul.practices .muted")
        .iter()
        .map(|span| span.text().collect())
        .collect();
    assert_eq!(cities_in_order, ["— Gdańsk", "— Köln", "— Palermo"]);

    // A renamed country, city, network and policy area; a practice unpublished; a city no
    // longer listed: each shows on the next request, in its place in the order.
    app.execute(
        "UPDATE countries SET names = names || '{\"de\": \"Republik Polen\"}' WHERE iso2 = 'PL';
         UPDATE cities SET name = 'Aachen-Köln' WHERE slug = 'koeln';
         UPDATE networks SET names = names || '{\"de\": \"Allianz Sicherer Häfen\"}' WHERE slug = 'iash';
         UPDATE policy_areas SET labels = labels || '{\"de\": \"Gesundheit und Pflege\"}', position = 99
         WHERE slug = 'health';
         UPDATE practices SET published = false WHERE slug = 'gdansk-immigrants-council';
         UPDATE cities SET published = false WHERE slug = 'palermo';",
    )
    .await;
    crate::api_city_stats::assert_stats_exact(&app.database_url).await;
    let (html, _) = page(&app, "/de/").await;
    let (cities, others) = index_lists(&html);
    assert_eq!(
        cities
            .iter()
            .map(|(group, name, _)| format!("{group}: {name}"))
            .collect::<Vec<_>>(),
        [
            "Deutschland: Aachen-Köln",
            "Deutschland: Potsdam",
            "Republik Polen: Gdańsk"
        ]
    );
    assert!(others.contains(&(
        "Allianz Sicherer Häfen".to_owned(),
        "/de/networks/iash".to_owned()
    )));
    assert_eq!(
        others
            .iter()
            .rfind(|(_, href)| href.contains("/policy-areas/"))
            .unwrap(),
        &(
            "Gesundheit und Pflege".to_owned(),
            "/de/policy-areas/health".to_owned()
        )
    );
    assert!(!others.iter().any(|(_, href)| href.contains("gdansk-immigrants-council")
        || href.contains("palermo")));
    assert!(
        text(&html, "ul.practices").contains("Aachen-Köln"),
        "a practice names its renamed city"
    );
}

#[tokio::test]
async fn text_in_another_language_says_so() {
    let app = TestApp::with_sample().await;
    // Palermo's charter exists in Italian and English: French readers get English, told so;
    // its original title is shown.
    let (html, _) = page(&app, "/fr/practices/palermo-charter").await;
    assert_eq!(text(&html, "h1"), "Charter of Palermo");
    assert_eq!(attr(&html, "h1", "lang").as_deref(), Some("en"));
    assert!(
        text(&html, ".note").contains("pas encore disponible en français"),
        "{}",
        text(&html, ".note")
    );
    assert!(text(&html, "dl.facts").contains("Carta di Palermo"));
    // Two sources, status unknown: needs checking.
    assert!(text(&html, "dl.facts .check").contains("vérifier"));
    // Gdańsk's council: one source.
    let (html, _) = page(&app, "/de/practices/gdansk-immigrants-council").await;
    assert!(text(&html, ".reliability").contains("einer Quelle"));
}

#[tokio::test]
async fn unknown_pages_are_404_pages_and_old_slugs_move() {
    let app = TestApp::with_sample().await;
    for path in [
        "/de/cities/nowhere",
        "/en/practices/nothing-here",
        "/fr/networks/none",
        "/es/policy-areas/none",
        "/xx/cities/koeln",
        "/en/cities/koeln?rev=999999",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert!(response.content_type().starts_with("text/html"), "{path}");
        let html = Html::parse_document(&response.text());
        assert!(html.errors.is_empty());
    }
    app.get("/en/cities/koeln?rev=x")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.execute(
        "INSERT INTO city_slug_redirects (slug, city_id) SELECT 'koln', id FROM cities WHERE slug = 'koeln'",
    )
    .await;
    let moved = app.get("/de/cities/koln").await;
    assert_eq!(moved.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        moved.headers["location"],
        "http://localhost/de/cities/koeln"
    );
}

#[tokio::test]
async fn the_sitemap_lists_every_page_and_each_answers() {
    let app = TestApp::with_sample().await;
    let response = app.get("/sitemap.xml").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.content_type().starts_with("application/xml"));
    let xml = response.text();
    let locs: Vec<&str> = xml
        .split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().unwrap())
        .collect();
    // 5 pages (index, about, data, take action, growth) + 12 policy areas + 4 networks
    // + 4 cities + 3 practices, each in 4 languages.
    assert_eq!(locs.len(), (5 + 12 + 4 + 4 + 3) * 4, "{xml}");
    assert!(locs.contains(&"http://localhost/es/practices/koeln-welcome-housing"));
    for loc in locs {
        let path = loc.strip_prefix("http://localhost").unwrap();
        let answer = app.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }
    let robots = app.get("/robots.txt").await;
    assert!(
        robots
            .text()
            .contains("Sitemap: http://localhost/sitemap.xml")
    );
}

#[tokio::test]
async fn pages_share_the_answer_cache_and_etags() {
    let app = TestApp::with_sample().await;
    // The seeding's version notifications arrive asynchronously: wait until the tag settles.
    let mut etag = String::new();
    loop {
        let first = app.get("/en/cities/koeln").await;
        let tag = first.headers["etag"].to_str().unwrap().to_owned();
        if tag == etag {
            break;
        }
        etag = tag;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let again = app
        .request(
            axum::http::Request::get("/en/cities/koeln")
                .header("if-none-match", &etag)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let css = app.get("/static/pages.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"));
    assert!(css.text().contains("@media print"));
    assert!(
        app.get("/static/cite.js")
            .await
            .content_type()
            .starts_with("text/javascript")
    );
}

/// Publishes a reviewed change through a submission and its approval.
async fn publish(app: &TestApp, moderator: &crate::auth::Browser, body: serde_json::Value) {
    let reference = crate::submissions::submit(app, body).await;
    let id = crate::moderation::submission_id(app, &reference).await;
    crate::moderation::approve(app, moderator, id).await;
}

#[tokio::test]
async fn a_past_revision_shows_what_was_published_then() {
    let app = TestApp::with_sample().await;
    let moderator = crate::auth::moderator(&app).await;
    for organisation in ["Amt für Wohnungswesen", "Wohnungsamt Köln"] {
        let edit = serde_json::json!({
            "kind": "correction",
            "target": { "type": "practice", "slug": "koeln-welcome-housing" },
            "payload": { "organisation": organisation },
            "source_urls": ["https://example.org/koeln-housing-2026"]
        });
        publish(&app, &moderator, edit).await;
    }
    let history = app
        .get("/api/v1/practices/koeln-welcome-housing/revisions")
        .await
        .json();
    let newest = history["revisions"][0]["id"].as_i64().unwrap();
    let older = history["revisions"][1]["id"].as_i64().unwrap();

    let (html, ld) = page(&app, "/de/practices/koeln-welcome-housing").await;
    assert!(text(&html, "dl.facts").contains("Wohnungsamt Köln"));
    assert!(select(&html, ".revision-banner").is_empty());
    assert!(text(&html, ".provenance").contains(&format!("Version {newest}")));
    assert!(text(&html, ".citation-text").contains(&format!("?rev={newest}")));
    assert_eq!(ld["version"], newest.to_string());

    let (html, _) = page(
        &app,
        &format!("/de/practices/koeln-welcome-housing?rev={older}"),
    )
    .await;
    let facts = text(&html, "dl.facts");
    assert!(facts.contains("Amt für Wohnungswesen"), "{facts}");
    assert!(!facts.contains("Wohnungsamt Köln"), "{facts}");
    assert!(text(&html, ".revision-banner").contains(&format!("Version {older}")));
    assert_eq!(
        attr(&html, ".revision-banner a", "href").as_deref(),
        Some("/de/practices/koeln-welcome-housing")
    );
    assert_eq!(
        attr(&html, "meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    assert!(text(&html, ".citation-text").contains(&format!("?rev={older}")));
    // A revision of something else is not one of this page's.
    let response = app
        .get(&format!("/de/practices/palermo-charter?rev={older}"))
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);

    // A city: a demand decided, then fulfilled; the first revision shows it not fulfilled.
    for (fulfilled, as_of) in [(false, "2024"), (true, "2025")] {
        let demand = serde_json::json!({
            "kind": "demand",
            "payload": { "city": "koeln", "demand": "admission_in_addition_quota", "decided": true,
                         "fulfilled": fulfilled, "as_of": as_of },
            "source_urls": [format!("https://example.org/koeln-{as_of}")]
        });
        publish(&app, &moderator, demand).await;
    }
    let history = app.get("/api/v1/cities/koeln/revisions").await.json();
    let older = history["revisions"][1]["id"].as_i64().unwrap();
    let row = |html: &Html| {
        select(html, "table.demands tbody tr")
            .into_iter()
            .map(|tr| tr.text().collect::<String>())
            .find(|row| row.contains("2024") || row.contains("2025"))
            .unwrap()
    };
    let (current, _) = page(&app, "/en/cities/koeln").await;
    assert!(
        row(&current).contains("yes") && row(&current).contains("2025"),
        "{}",
        row(&current)
    );
    let (past, _) = page(&app, &format!("/en/cities/koeln?rev={older}")).await;
    let past_row = row(&past);
    assert!(
        past_row.contains("no") && past_row.contains("2024"),
        "{past_row}"
    );
    assert!(!past_row.contains("2025"), "{past_row}");
}
