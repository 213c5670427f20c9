//! Take-action guides: `take_action.csv` imports idempotently and rejects unknown keys; every
//! guide answers as a valid page in every language (French and Spanish marked as English);
//! the cities and practices a guide lists are exactly the published ones that did it; city and
//! policy-area pages link to the guides; the sitemap lists them.

use std::path::{Path, PathBuf};

use haven::import::{self, Options};
use scraper::{Html, Selector};

use crate::pages::page;
use crate::support::{TestApp, target_dir};

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

/// A directory under `target/` holding only `take_action.csv` with `content`.
fn guides_dir(name: &str, content: &str) -> PathBuf {
    let dir = target_dir()
        .join("import-tests")
        .join(format!("{}-take-action-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("take_action.csv"), content).unwrap();
    dir
}

fn bundled_guides() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/take_action.csv"),
    )
    .unwrap()
}

async fn load(app: &TestApp, dir: &Path) -> import::Report {
    let client = import::connect(&app.database_url).await.unwrap();
    let report = import::run(&client, dir, &Options::default())
        .await
        .unwrap();
    // Let this instance see the new data version before reading.
    app.execute("SELECT 1").await;
    report
}

async fn count(app: &TestApp, sql: &str) -> usize {
    let client = import::connect(&app.database_url).await.unwrap();
    let n: i64 = client.query_one(sql, &[]).await.unwrap().get(0);
    usize::try_from(n).unwrap()
}

#[tokio::test]
async fn guides_import_once_and_reject_unknown_keys() {
    let app = TestApp::with_sample().await;
    let dir = guides_dir("once", &bundled_guides());
    let first = load(&app, &dir).await;
    assert_eq!(first.rejected(), 0, "{:?}", first.rejections);
    assert_eq!(first.file("take_action.csv").unwrap().inserted, 40);
    assert_eq!(
        count(&app, "SELECT count(*) FROM take_action_guides").await,
        40
    );
    let second = load(&app, &dir).await;
    let file = second.file("take_action.csv").unwrap();
    assert_eq!((file.inserted, file.updated, file.unchanged), (0, 0, 40));

    let bad = bundled_guides().replacen("\nhousing,policy_area,", "\nhousin,policy_area,", 1);
    let report = load(&app, &guides_dir("bad", &bad)).await;
    let file = report.file("take_action.csv").unwrap();
    assert!(!file.committed);
    assert!(
        report
            .rejections
            .iter()
            .any(|r| r.to_string().contains("not a known policy area")),
        "{:?}",
        report.rejections
    );
}

#[tokio::test]
async fn every_guide_is_a_page_in_every_language_with_the_cities_that_did_it() {
    let app = TestApp::with_sample().await;
    load(&app, &guides_dir("pages", &bundled_guides())).await;
    // A Safe Harbour demand decided in one sample city, fulfilled in another, unknown in the rest.
    app.execute(
        "INSERT INTO safe_harbour_demands (city_id, demand_key, decided, fulfilled, as_of, evidence_url)
         SELECT id, 'transparency', true, NULL, '2021-03', 'https://example.org/decision' FROM cities WHERE slug = 'koeln'
         ON CONFLICT (city_id, demand_key) DO UPDATE SET decided = true, fulfilled = NULL, as_of = '2021-03';
         INSERT INTO safe_harbour_demands (city_id, demand_key, decided, fulfilled, as_of)
         SELECT id, 'transparency', true, true, '2023' FROM cities WHERE slug = 'gdansk'
         ON CONFLICT (city_id, demand_key) DO UPDATE SET decided = true, fulfilled = true, as_of = '2023';",
    )
    .await;
    let keys: Vec<(String, String)> = {
        let client = import::connect(&app.database_url).await.unwrap();
        client
            .query(
                "SELECT DISTINCT key, kind FROM take_action_guides ORDER BY key",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect()
    };
    assert_eq!(keys.len(), 20);
    for lang in ["de", "en", "fr", "es"] {
        let (html, _) = page(&app, &format!("/{lang}/take-action")).await;
        assert_eq!(select(&html, "ul.guides li").len(), 20, "{lang}");
        for (key, kind) in &keys {
            let path = format!("/{lang}/take-action/{key}");
            let (html, ld) = page(&app, &path).await;
            assert_eq!(ld["@type"], "HowTo", "{path}");
            // Five sections after the introduction, each with text.
            assert_eq!(select(&html, "article.guide h2").len(), 6, "{path}");
            let marked = !select(&html, "p.note").is_empty();
            assert_eq!(marked, matches!(lang, "fr" | "es"), "{path}: fallback note");
            let rows = select(&html, "table.members tbody tr").len();
            let expected = if kind == "demand" {
                count(
                    &app,
                    &format!(
                    "SELECT count(*) FROM safe_harbour_demands s JOIN cities c ON c.id = s.city_id
                     WHERE s.demand_key = '{key}' AND c.published AND (s.decided OR s.fulfilled)"
                ),
                )
                .await
            } else {
                count(&app, &format!(
                    "SELECT count(*) FROM practice_policy_areas a JOIN practices p ON p.id = a.practice_id
                     JOIN cities c ON c.id = p.city_id
                     WHERE a.policy_area = '{key}' AND p.published AND c.published"
                ))
                .await
            };
            assert_eq!(rows, expected, "{path}");
        }
    }
    // Fulfilled first, then decided, each with its date and evidence.
    let (html, _) = page(&app, "/en/take-action/transparency").await;
    let rows: Vec<String> = select(&html, "table.members tbody tr")
        .iter()
        .map(|r| r.text().collect::<Vec<_>>().join("|"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].starts_with("Gdańsk") && rows[0].contains("Fulfilled"),
        "{rows:?}"
    );
    assert!(
        rows[1].starts_with("Köln") && rows[1].contains("March 2021"),
        "{rows:?}"
    );
    assert!(rows[1].contains("https://example.org/decision"), "{rows:?}");
    let (html, _) = page(&app, "/de/take-action/housing").await;
    assert!(
        !select(&html, "a[href='/de/practices/koeln-welcome-housing']").is_empty(),
        "the housing guide lists Köln's practice"
    );
    assert!(!select(&html, "a[href='/de/policy-areas/housing']").is_empty());

    // The pages that lead to the guides.
    let (html, _) = page(&app, "/de/policy-areas/housing").await;
    assert!(!select(&html, "a[href='/de/take-action/housing']").is_empty());
    let (html, _) = page(&app, "/es/cities/koeln").await;
    assert_eq!(select(&html, "table.demands a.guide-link").len(), 8);
    let sitemap = app.get("/sitemap.xml").await.text();
    assert!(sitemap.contains("<loc>http://localhost/fr/take-action/transparency</loc>"));
    assert_eq!(app.get("/en/take-action/no-such-guide").await.status, 404);
    assert_eq!(app.get("/en/take-action/..%2Fetc").await.status, 404);
}

#[tokio::test]
async fn without_guides_no_page_links_to_one() {
    let app = TestApp::with_sample().await;
    let (html, _) = page(&app, "/en/policy-areas/housing").await;
    assert!(select(&html, "p.guide-link").is_empty());
    let (html, _) = page(&app, "/en/cities/koeln").await;
    assert!(select(&html, "a.guide-link").is_empty());
    let (html, _) = page(&app, "/en/take-action").await;
    assert!(select(&html, "ul.guides li").is_empty());
}
