//! Writes keep caches warm (issue 17): every kind of write (approval of a submitted practice,
//! a city's profile edit, a membership and a demand status re-checked, an import) reaches two
//! instances sharing a database; both then answer the tile and the answer the write touched
//! with the new content, never the cached old one (nor a 304 for an old ETag), while a tile far
//! away stays in their caches. An instance that lost its notifications treats the gap as a
//! change of everything.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use haven::config::Config;
use serde_json::{Value, json};

use crate::auth::{Browser, db, moderator, send};
use crate::moderation::{approve, submission_id};
use crate::submissions::submit;
use crate::support::{TestApp, TestResponse, fresh_database};
use crate::tiles::{Feature, decode, tile_of};

const KOELN: (f64, f64) = (6.95, 50.94);
const PALERMO: (f64, f64) = (13.36, 38.12);
const GDANSK: (f64, f64) = (18.65, 54.35);

/// The path of the zoom-9 tile of `layer` holding (lon, lat).
fn tile_path(layer: &str, (lon, lat): (f64, f64)) -> String {
    let (z, x, y) = tile_of(lon, lat, 9);
    format!("/tiles/{layer}/{z}/{x}/{y}.mvt")
}

/// The features of `layer` in a tile answer (none for a 204).
fn features(response: &TestResponse, layer: &str) -> Vec<Feature> {
    match response.status {
        StatusCode::NO_CONTENT => Vec::new(),
        StatusCode::OK => decode(&response.body).remove(layer).unwrap_or_default(),
        other => panic!("unexpected status {other}: {}", response.text()),
    }
}

/// A counter of `GET /metrics`.
async fn metric(app: &TestApp, name: &str) -> u64 {
    let response = app.get("/metrics").await;
    assert_eq!(response.status, StatusCode::OK);
    response
        .text()
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

/// Waits (bounded) until every instance has heard of the database's current data version.
async fn settle(apps: &[&TestApp]) {
    let version: i64 = db(apps[0])
        .await
        .query_one("SELECT version FROM data_version", &[])
        .await
        .unwrap()
        .get(0);
    for app in apps {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while app.data_version.get() < version {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the data version never reached {version}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
}

/// What one kind of write is checked on: a tile and an answer it touches, a tile far away and
/// an answer that does not depend on what it changes.
struct Reads {
    layer: &'static str,
    near: String,
    far: String,
    answer: String,
    unrelated: &'static str,
}

impl Reads {
    fn new(layer: &'static str, near: (f64, f64), far: (f64, f64), answer: &str) -> Self {
        Self {
            layer,
            near: tile_path(layer, near),
            far: tile_path(layer, far),
            answer: answer.to_owned(),
            unrelated: "/api/v1/policy-areas",
        }
    }
}

/// The ETag of each instance's answer, after every read has been cached by both instances.
async fn warm(apps: &[&TestApp], reads: &Reads) -> Vec<String> {
    let mut tags = Vec::new();
    for app in apps {
        for _ in 0..2 {
            for path in [&reads.near, &reads.far] {
                let response = app.get(path).await;
                assert!(response.status.is_success(), "{path}: {}", response.status);
            }
            assert_eq!(app.get(reads.unrelated).await.status, StatusCode::OK);
        }
        let answer = app.get(&reads.answer).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        tags.push(answer.headers["etag"].to_str().unwrap().to_owned());
    }
    tags
}

/// After a write: each instance serves the far tile and the unrelated answer from memory
/// (unchanged), and the near tile and the answer as `tile_shows` and `answer_shows` expect,
/// a 200 with a new tag for the tag it gave before.
async fn assert_fresh(
    apps: &[&TestApp],
    reads: &Reads,
    tags: &[String],
    tile_shows: impl Fn(&[Feature]) -> bool,
    answer_shows: impl Fn(&Value) -> bool,
) {
    settle(apps).await;
    for app in apps {
        assert_far_reads_cached(app, reads).await;
    }
    assert_new_content(apps, reads, tags, tile_shows, answer_shows).await;
}

/// Each instance serves the far tile and the unrelated answer of `reads` from memory.
async fn assert_far_reads_cached(app: &TestApp, reads: &Reads) {
    {
        let hits = metric(app, "haven_tile_cache_hits_total").await;
        let far = app.get(&reads.far).await;
        assert!(far.status.is_success());
        assert_eq!(
            metric(app, "haven_tile_cache_hits_total").await,
            hits + 1,
            "the far tile {} stays cached",
            reads.far
        );
        let answers = metric(app, "haven_answer_cache_hits_total").await;
        assert_eq!(app.get(reads.unrelated).await.status, StatusCode::OK);
        assert_eq!(
            metric(app, "haven_answer_cache_hits_total").await,
            answers + 1,
            "{} stays cached",
            reads.unrelated
        );
    }
}

/// Each instance answers the near tile and the answer of `reads` as `tile_shows` and
/// `answer_shows` expect, with a 200 and a new tag for the tag it gave before.
async fn assert_new_content(
    apps: &[&TestApp],
    reads: &Reads,
    tags: &[String],
    tile_shows: impl Fn(&[Feature]) -> bool,
    answer_shows: impl Fn(&Value) -> bool,
) {
    for (app, tag) in apps.iter().zip(tags) {
        let near = features(&app.get(&reads.near).await, reads.layer);
        assert!(tile_shows(&near), "stale tile {}: {near:?}", reads.near);
        let revalidated = app
            .request(
                Request::get(&reads.answer)
                    .header("if-none-match", tag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            revalidated.status,
            StatusCode::OK,
            "an old ETag of {} is not current",
            reads.answer
        );
        assert_ne!(revalidated.headers["etag"].to_str().unwrap(), tag);
        let answer = revalidated.json();
        assert!(
            answer_shows(&answer),
            "stale answer {}: {answer}",
            reads.answer
        );
        // Served again (now from the cache): still the new content.
        assert!(answer_shows(&app.get(&reads.answer).await.json()));
    }
}

/// Two instances over one database holding the sample data set.
async fn two_instances() -> (TestApp, TestApp) {
    let a = TestApp::with_sample().await;
    let b = TestApp::over(a.database_url.clone(), Config::default()).await;
    settle(&[&a, &b]).await;
    (a, b)
}

fn membership_of<'a>(city: &'a Value, network: &str) -> Option<&'a Value> {
    city["properties"]["memberships"]
        .as_array()?
        .iter()
        .find(|m| m["network"] == network)
}

#[tokio::test]
async fn an_approved_practice_shows_at_once_and_far_tiles_stay_cached() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let moderator = moderator(&a).await;
    let reads = Reads {
        unrelated: "/api/v1/networks",
        ..Reads::new("practices", KOELN, PALERMO, "/api/v1/practices?country=DE")
    };
    let tags = warm(&apps, &reads).await;
    let body = json!({
        "kind": "practice",
        "payload": {
            "city": "koeln", "original_lang": "de", "title": { "de": "Willkommensbüro" },
            "policy_areas": ["reception"], "sources": [{ "url": "https://example.org/a" }]
        },
        "source_urls": ["https://example.org/a"]
    });
    let id = submission_id(&a, &submit(&a, body).await).await;
    approve(&a, &moderator, id).await;
    let slug = "koeln-willkommensbuero";
    assert_fresh(
        &apps,
        &reads,
        &tags,
        |tile| tile.iter().any(|f| f.str("slug") == Some(slug)),
        |answer| {
            answer["features"]
                .as_array()
                .is_some_and(|f| f.iter().any(|p| p["properties"]["slug"] == slug))
        },
    )
    .await;
}

#[tokio::test]
async fn a_city_profile_edit_shows_at_once_and_far_tiles_stay_cached() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let moderator = moderator(&a).await;
    let reads = Reads::new("cities", KOELN, PALERMO, "/api/v1/cities?country=DE");
    let tags = warm(&apps, &reads).await;
    let edited = send(
        &a,
        "PATCH",
        "/api/v1/cities/koeln",
        Some(json!({ "name": "Köln am Rhein", "population": 1_100_000, "reason": "Census" })),
        Some(&moderator),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    assert_fresh(
        &apps,
        &reads,
        &tags,
        |tile| tile.iter().any(|f| f.str("name") == Some("Köln am Rhein")),
        |answer| {
            answer["features"].as_array().is_some_and(|cities| {
                cities.iter().any(|c| {
                    c["properties"]["name"] == "Köln am Rhein"
                        && c["properties"]["population"] == 1_100_000
                })
            })
        },
    )
    .await;
}

/// A write of a row's details only (`write`, by the moderator of `a`) is a change of `kind`:
/// `reads.answer` shows it at once on both instances (`answer_shows`), while the tiles around
/// Köln and the answers of `kept_answers`, which do not show those details, stay cached with
/// their ETags.
async fn assert_details_keep_the_rest(
    write: impl AsyncFnOnce(&TestApp, &Browser) -> TestResponse,
    kind: &str,
    reads: &Reads,
    kept_answers: &[&str],
    answer_shows: impl Fn(&Value) -> bool,
) {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let moderator = moderator(&a).await;
    let kept_tiles = [tile_path("cities", KOELN), tile_path("practices", KOELN)];
    let tags = warm(&apps, reads).await;
    let kept: Vec<String> = kept_tiles
        .into_iter()
        .chain(kept_answers.iter().map(|path| (*path).to_owned()))
        .collect();
    // An answer is kept from the second time its request is made.
    read_all(&apps, &kept, None).await;
    let kept_tags = read_all(&apps, &kept, None).await;
    let written = write(&a, &moderator).await;
    assert_eq!(written.status, StatusCode::OK, "{}", written.text());
    let recorded: String = db(&a)
        .await
        .query_one(
            "SELECT kind FROM data_changes ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(recorded, kind);
    settle(&apps).await;
    read_all(&apps, &kept, Some(&kept_tags)).await;
    assert_new_content(
        &apps,
        reads,
        &tags,
        |tile| tile.iter().any(|f| f.str("slug") == Some("koeln")),
        answer_shows,
    )
    .await;
}

/// A city's profile alone (its population) is a change of `city_profiles`: the city list
/// shows it at once; the tiles and the practices', places' and networks' answers stay cached.
#[tokio::test]
async fn a_city_profile_alone_keeps_the_tiles_and_the_answers_that_do_not_show_it() {
    assert_details_keep_the_rest(
        async |app, moderator| {
            send(
                app,
                "PATCH",
                "/api/v1/cities/koeln",
                Some(json!({ "population": 1_234_567, "reason": "Census" })),
                Some(moderator),
            )
            .await
        },
        "city_profiles",
        &Reads::new("cities", KOELN, PALERMO, "/api/v1/cities?country=DE"),
        &[
            "/api/v1/practices?country=DE",
            "/api/v1/places?q=ko",
            "/api/v1/networks",
        ],
        |answer| {
            answer["features"].as_array().is_some_and(|cities| {
                cities
                    .iter()
                    .any(|c| c["id"] == "koeln" && c["properties"]["population"] == 1_234_567)
            })
        },
    )
    .await;
}

/// A practice's texts alone (its title) are a change of `practice_details`: the practices'
/// answer shows them at once; the tiles and the places', networks' and policy areas' answers,
/// which show no practice's texts, stay cached.
#[tokio::test]
async fn a_practice_text_alone_keeps_the_tiles_and_the_answers_that_do_not_show_it() {
    const TITLES: [&str; 2] = ["Wohnen für alle", "Housing for all"];
    assert_details_keep_the_rest(
        async |app, moderator| {
            send(
                app,
                "PATCH",
                "/api/v1/practices/koeln-welcome-housing",
                Some(json!({
                    "title": { "de": TITLES[0], "en": TITLES[1] },
                    "reason": "A clearer title",
                })),
                Some(moderator),
            )
            .await
        },
        "practice_details",
        &Reads::new("cities", KOELN, PALERMO, "/api/v1/practices?country=DE"),
        &["/api/v1/places?q=ko", "/api/v1/networks"],
        |answer| {
            answer["features"].as_array().is_some_and(|practices| {
                practices.iter().any(|p| {
                    p["properties"]["slug"] == "koeln-welcome-housing"
                        && TITLES
                            .iter()
                            .any(|title| p["properties"]["title"] == *title)
                })
            })
        },
    )
    .await;
}

/// A full text finds cities by their practices' texts: after a practice's new title, the
/// city list (answered from the instance's snapshot, which the title does not change) finds
/// its city by a word of it, on both instances, though each had remembered what that text
/// found before.
#[tokio::test]
async fn a_practice_title_changes_what_the_city_list_finds() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let moderator = moderator(&a).await;
    let finds = |answer: &Value| -> Vec<String> {
        answer["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|city| city["id"].as_str().unwrap().to_owned())
            .collect()
    };
    const PATH: &str = "/api/v1/cities?q=wohnraumoffensive";
    for app in apps {
        for _ in 0..2 {
            assert_eq!(finds(&app.get(PATH).await.json()), Vec::<String>::new());
        }
    }
    let edited = send(
        &a,
        "PATCH",
        "/api/v1/practices/koeln-welcome-housing",
        Some(json!({ "title": { "de": "Wohnraumoffensive", "en": "Wohnraumoffensive" } })),
        Some(&moderator),
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text());
    settle(&apps).await;
    for app in apps {
        assert_eq!(finds(&app.get(PATH).await.json()), ["koeln"]);
    }
}

/// A membership's check alone (a new verification date) is a change of `membership_checks`:
/// the city's page shows it at once; the tiles and the practices' and places' answers stay
/// cached.
#[tokio::test]
async fn a_membership_check_alone_keeps_the_tiles_and_the_answers_that_do_not_show_it() {
    const NETWORK: &str = "buendnis-staedte-sicherer-haefen";
    assert_details_keep_the_rest(
        async |app, _moderator| {
            db(app)
                .await
                .batch_execute(&format!(
                    "UPDATE memberships SET verified_on = '2026-11-29'
                      WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')
                        AND network_id = (SELECT id FROM networks WHERE slug = '{NETWORK}')"
                ))
                .await
                .unwrap();
            app.get("/api/v1/cities/koeln").await
        },
        "membership_checks",
        &Reads::new("cities", KOELN, PALERMO, "/api/v1/cities/koeln"),
        &["/api/v1/practices?country=DE", "/api/v1/places?q=ko"],
        |answer| membership_of(answer, NETWORK).is_some_and(|m| m["verified_on"] == "2026-11-29"),
    )
    .await;
}

#[tokio::test]
async fn a_membership_change_shows_at_once_and_far_tiles_stay_cached() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let moderator = moderator(&a).await;
    let reads = Reads::new("cities", KOELN, PALERMO, "/api/v1/cities/koeln");
    let tags = warm(&apps, &reads).await;
    let id: i64 = db(&a)
        .await
        .query_one(
            "SELECT m.id FROM memberships m JOIN cities c ON c.id = m.city_id
               JOIN networks n ON n.id = m.network_id
              WHERE c.slug = 'koeln' AND n.slug = 'buendnis-staedte-sicherer-haefen'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let rechecked = send(
        &a,
        "POST",
        &format!("/api/v1/moderation/rechecks/memberships/{id}"),
        Some(json!({ "status": "left", "as_of": "2026-10-01", "source_url": "https://example.org/koeln-left" })),
        Some(&moderator),
    )
    .await;
    assert_eq!(rechecked.status, StatusCode::OK, "{}", rechecked.text());
    assert_fresh(
        &apps,
        &reads,
        &tags,
        |tile| {
            tile.iter().any(|f| {
                f.str("slug") == Some("koeln")
                    && f.bool("net_buendnis_staedte_sicherer_haefen") == Some(false)
            })
        },
        |answer| {
            membership_of(answer, "buendnis-staedte-sicherer-haefen")
                .is_some_and(|m| m["status"] == "left")
        },
    )
    .await;
}

#[tokio::test]
async fn a_demand_status_shows_at_once_and_far_tiles_stay_cached() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let moderator = moderator(&a).await;
    let reads = Reads {
        unrelated: "/api/v1/networks",
        ..Reads::new("cities", KOELN, PALERMO, "/api/v1/cities/koeln")
    };
    let tags = warm(&apps, &reads).await;
    let rechecked = send(
        &a,
        "POST",
        "/api/v1/moderation/rechecks/demands/koeln/admission_in_addition_quota",
        Some(json!({ "status": "fulfilled", "as_of": "2026-03-12", "source_url": "https://example.org/koeln-2026" })),
        Some(&moderator),
    )
    .await;
    assert_eq!(rechecked.status, StatusCode::OK, "{}", rechecked.text());
    assert_fresh(
        &apps,
        &reads,
        &tags,
        |tile| tile.iter().any(|f| f.str("slug") == Some("koeln")),
        |answer| {
            answer["properties"]["demands"]
                .as_array()
                .and_then(|d| d.iter().find(|d| d["key"] == "admission_in_addition_quota"))
                .is_some_and(|d| d["fulfilled"] == true && d["as_of"] == "2026-03-12")
        },
    )
    .await;
}

#[tokio::test]
async fn an_import_shows_at_once_and_far_tiles_stay_cached() {
    let url = fresh_database().await;
    let client = haven::import::connect(&url).await.unwrap();
    let options = haven::import::Options::default();
    haven::import::run(&client, &crate::import::fixture(), &options)
        .await
        .unwrap();
    let a = TestApp::over(url.clone(), Config::default()).await;
    let b = TestApp::over(url, Config::default()).await;
    let apps = [&a, &b];
    settle(&apps).await;
    let reads = Reads {
        unrelated: "/api/v1/networks",
        ..Reads::new(
            "practices",
            KOELN,
            GDANSK,
            "/api/v1/practices/koeln-move-out-management",
        )
    };
    let tags = warm(&apps, &reads).await;
    // The next import gives the practice another policy area.
    let changed = crate::import::fixture_with("practices.csv", "active,housing,", "active,work,");
    let report = haven::import::run(&client, &changed, &options)
        .await
        .unwrap();
    assert!(
        report.updated() + report.inserted() > 0,
        "{:?}",
        report.files
    );
    assert_fresh(
        &apps,
        &reads,
        &tags,
        |tile| {
            tile.iter().any(|f| {
                f.str("slug") == Some("koeln-move-out-management")
                    && f.bool("area_work") == Some(true)
                    && f.bool("area_housing") == Some(false)
            })
        },
        |answer| answer["properties"]["policy_areas"] == json!(["work"]),
    )
    .await;
}

#[tokio::test]
async fn a_write_while_the_notifications_are_lost_counts_as_everything_changed() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let reads = Reads::new("cities", KOELN, PALERMO, "/api/v1/cities/koeln");
    let tags = warm(&apps, &reads).await;
    // A write commits right after both instances lost their listening connection: its
    // notification reaches neither (they reconnect a moment later).
    let writer = db(&a).await;
    writer
        .batch_execute("BEGIN; UPDATE cities SET name = 'Köln (Rhein)' WHERE slug = 'koeln'")
        .await
        .unwrap();
    let ended: i64 = db(&a)
        .await
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = $1",
            &[&haven::db::data_version::LISTENER_NAME],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(ended, 2, "both listeners");
    writer.batch_execute("COMMIT").await.unwrap();
    settle(&apps).await;
    assert_new_content(
        &apps,
        &reads,
        &tags,
        |tile| tile.iter().any(|f| f.str("name") == Some("Köln (Rhein)")),
        |answer| answer["properties"]["name"] == "Köln (Rhein)",
    )
    .await;
}

/// Gives Köln's practice `koeln-welcome-housing` its own point, in Gdańsk.
async fn move_a_koeln_practice_to_gdansk(client: &tokio_postgres::Client) {
    client
        .batch_execute(
            "UPDATE practices SET geom = ST_SetSRID(ST_MakePoint(18.65, 54.35), 4326)
              WHERE slug = 'koeln-welcome-housing'",
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_change_lists_a_box_per_changed_place() {
    let app = TestApp::with_sample().await;
    let client = db(&app).await;
    // A practice of Köln (drawn at the city's point) moves to Gdańsk: both places change.
    move_a_koeln_practice_to_gdansk(&client).await;
    let row = client
        .query_one(
            "SELECT kind, boxes FROM data_changes ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "practices");
    let boxes: Vec<f64> = row.get(1);
    assert_eq!(
        boxes,
        [
            KOELN.0, KOELN.1, KOELN.0, KOELN.1, GDANSK.0, GDANSK.1, GDANSK.0, GDANSK.1
        ]
    );
    // A change of a network's name is not confined to a place.
    client
        .batch_execute("UPDATE networks SET name = name || ' ' WHERE slug = 'iash'")
        .await
        .unwrap();
    let anywhere: Option<Vec<f64>> = client
        .query_one(
            "SELECT boxes FROM data_changes ORDER BY version DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(anywhere, None);
}

/// A city's practices lie at their own points, anywhere: a change lists them only when what
/// their tiles filter by changes (the city's country, region, district or publication; a
/// membership's network, status or publication, or a membership that comes or goes). A new
/// population (a change of the city's profile), a verification date (of a membership's
/// check) or a demand status changes only the city's own point. A practice's new title is a
/// change of its texts alone (`practice_details`), a new slug one of the practice: both at
/// the practice's point and its city's. A write that changes the city's summary (its
/// networks, its listing) is followed by a change of `city_summaries` at the city's point.
#[tokio::test]
async fn a_change_lists_the_practices_of_its_city_only_when_their_tiles_change() {
    let app = TestApp::with_sample().await;
    let client = db(&app).await;
    // Köln's practice at its own point, in Gdańsk.
    move_a_koeln_practice_to_gdansk(&client).await;
    let koeln = [KOELN.0, KOELN.1, KOELN.0, KOELN.1];
    let both = [
        KOELN.0, KOELN.1, KOELN.0, KOELN.1, GDANSK.0, GDANSK.1, GDANSK.0, GDANSK.1,
    ];
    let cases: [(&str, &str, &[f64], bool); 9] = [
        (
            "UPDATE practices SET title = title || '{\"en\": \"Housing\"}'
              WHERE slug = 'koeln-welcome-housing'",
            "practice_details",
            &both,
            false,
        ),
        (
            "UPDATE practices SET slug = 'koeln-housing' WHERE slug = 'koeln-welcome-housing'",
            "practices",
            &both,
            false,
        ),
        (
            "UPDATE cities SET population = 1000001 WHERE slug = 'koeln'",
            "city_profiles",
            &koeln,
            false,
        ),
        (
            "UPDATE cities SET region_id = NULL WHERE slug = 'koeln'",
            "cities",
            &both,
            false,
        ),
        (
            "UPDATE memberships SET verified_on = '2026-11-30'
              WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')",
            "membership_checks",
            &koeln,
            false,
        ),
        (
            "UPDATE memberships SET status = 'left', until = '2026-11'
              WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')
                AND network_id = (SELECT id FROM networks WHERE slug = 'seebruecke-safe-harbour')",
            "memberships",
            &both,
            true,
        ),
        (
            "INSERT INTO memberships (city_id, network_id, status)
             SELECT c.id, n.id, 'member' FROM cities c, networks n
              WHERE c.slug = 'koeln' AND n.slug = 'iash'",
            "memberships",
            &both,
            true,
        ),
        (
            "UPDATE safe_harbour_demands SET as_of = '2020'
              WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')",
            "demands",
            &koeln,
            false,
        ),
        (
            "UPDATE cities SET published = false WHERE slug = 'koeln'",
            "cities",
            &both,
            true,
        ),
    ];
    for (statement, kind, boxes, summary) in cases {
        let before: i64 = client
            .query_one("SELECT version FROM data_version", &[])
            .await
            .unwrap()
            .get(0);
        client.batch_execute(statement).await.unwrap();
        let rows = client
            .query(
                "SELECT kind, boxes FROM data_changes WHERE version > $1 ORDER BY version",
                &[&before],
            )
            .await
            .unwrap();
        let (summaries, own): (Vec<_>, Vec<_>) = rows
            .iter()
            .partition(|row| row.get::<_, String>(0) == "city_summaries");
        assert_eq!(own.len(), 1, "{statement}: one change of its own");
        assert_eq!(own[0].get::<_, String>(0), kind, "{statement}");
        assert_eq!(own[0].get::<_, Vec<f64>>(1), boxes, "{statement}");
        // A change of Köln's summary (networks, Safe Harbour standing, listing), at its point;
        // none for what its Feature alone shows (population, region).
        assert_eq!(
            summaries.len(),
            usize::from(summary),
            "{statement}: its summary"
        );
        for row in summaries {
            assert_eq!(row.get::<_, Vec<f64>>(1), koeln, "{statement}");
        }
    }
}

/// Reads each path on each instance; with `kept`, asserts it came from the cache with the
/// ETag it had, and returns the ETags.
async fn read_all(
    apps: &[&TestApp],
    paths: &[String],
    kept: Option<&[Option<String>]>,
) -> Vec<Option<String>> {
    let mut tags = Vec::new();
    for app in apps {
        for path in paths {
            let (tiles, answers) = (
                metric(app, "haven_tile_cache_hits_total").await,
                metric(app, "haven_answer_cache_hits_total").await,
            );
            let response = app.get(path).await;
            assert!(response.status.is_success(), "{path}: {}", response.status);
            let hits = metric(app, "haven_tile_cache_hits_total").await - tiles
                + metric(app, "haven_answer_cache_hits_total").await
                - answers;
            let tag = response
                .headers
                .get("etag")
                .map(|tag| tag.to_str().unwrap().to_owned());
            if let Some(kept) = kept {
                assert_eq!(hits, 1, "{path} stays cached");
                assert_eq!(tag, kept[tags.len()], "{path} keeps its ETag");
            }
            tags.push(tag);
        }
    }
    tags
}

/// Whether the answer at `path` lists the feature `slug`.
async fn lists(app: &TestApp, path: &str, slug: &str) -> bool {
    let answer = app.get(path).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}");
    answer.json()["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|feature| feature["properties"]["slug"] == slug)
}

/// A practice's new policy area is a change of `practice_areas`; its city's summary changes
/// only when no other practice of the city had the area. While it had, the cities' list, its
/// filtered page, the OGC items and the city tiles stay cached on both instances, and the
/// practices' list filtered by the area shows the practice at once. An area new to the city
/// changes its summary (`city_summaries`), and the cities' list and tile filtered by it show
/// the city at once.
#[tokio::test]
async fn a_practice_area_its_city_had_keeps_the_city_answers_and_tiles() {
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let client = db(&a).await;
    client
        .batch_execute(
            "INSERT INTO practices (slug, city_id, original_lang, title, status)
             SELECT 'koeln-clearing-office', id, 'de', '{\"de\": \"Clearingstelle\"}', 'active'
             FROM cities WHERE slug = 'koeln';
             INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT id, 'health' FROM practices WHERE slug = 'koeln-clearing-office';",
        )
        .await
        .unwrap();
    settle(&apps).await;
    let kept: Vec<String> = [
        "/api/v1/cities",
        "/api/v1/cities?policy_area=health",
        "/ogc/collections/cities/items",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([tile_path("cities", KOELN)])
    .collect();
    const PRACTICES: &str = "/api/v1/practices?policy_area=health";
    const CITIES_AT_WORK: &str = "/api/v1/cities?policy_area=work";
    read_all(&apps, &kept, None).await;
    let tags = read_all(&apps, &kept, None).await;
    let tile_at_work = format!("{}?policy_area=work", tile_path("cities", KOELN));
    let koeln_at_work = async |app: &TestApp| {
        features(&app.get(&tile_at_work).await, "cities")
            .iter()
            .any(|f| f.str("slug") == Some("koeln"))
    };
    for app in apps {
        assert!(!lists(app, PRACTICES, "koeln-welcome-housing").await);
        assert!(!lists(app, CITIES_AT_WORK, "koeln").await);
        assert!(!koeln_at_work(app).await);
    }
    let kinds_of = async |statement: &str| -> Vec<String> {
        let before: i64 = client
            .query_one("SELECT version FROM data_version", &[])
            .await
            .unwrap()
            .get(0);
        client.batch_execute(statement).await.unwrap();
        client
            .query(
                "SELECT kind FROM data_changes WHERE version > $1 ORDER BY kind",
                &[&before],
            )
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    };
    let add = |area: &str| {
        format!(
            "INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT id, '{area}' FROM practices WHERE slug = 'koeln-welcome-housing'"
        )
    };
    assert_eq!(kinds_of(&add("health")).await, ["practice_areas"]);
    settle(&apps).await;
    read_all(&apps, &kept, Some(&tags)).await;
    for app in apps {
        assert!(lists(app, PRACTICES, "koeln-welcome-housing").await);
    }
    assert_eq!(
        kinds_of(&add("work")).await,
        ["city_summaries", "practice_areas"]
    );
    settle(&apps).await;
    for app in apps {
        assert!(lists(app, CITIES_AT_WORK, "koeln").await);
        assert!(
            koeln_at_work(app).await,
            "the city tile filtered by work shows Köln"
        );
    }
}

/// A city's website as each of its documents shows it: the API's page at a new address (no
/// answer of the answer cache), its OGC item and its HTML page.
async fn websites_shown(app: &TestApp, n: u32) -> [String; 3] {
    let page = app
        .get(&format!("/api/v1/cities/koeln?lang=de&_={n}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.json();
    let self_link = page["properties"]["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|link| link["rel"] == "self")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let (path, query) = self_link.split_once('?').unwrap();
    assert!(
        path.ends_with("/api/v1/cities/koeln") && query.split('&').any(|p| p == format!("_={n}")),
        "the links name the address asked: {self_link}"
    );
    let ogc = app
        .get(&format!(
            "/ogc/collections/cities/items/koeln?lang=de&_={n}"
        ))
        .await
        .json();
    let html = app.get(&format!("/de/cities/koeln?_={n}")).await.text();
    let shown_in_html = ["https://www.stadt-koeln.de", "https://kept.example/koeln"]
        .into_iter()
        .find(|site| html.contains(site))
        .unwrap_or("neither")
        .to_owned();
    [
        page["properties"]["website"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        ogc["properties"]["website"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        shown_in_html,
    ]
}

/// Each instance keeps its cities' pages (`model::city_pages`): asked at a new address, a page
/// comes from memory (a website changed behind the instances' backs, with no change
/// recorded, does not show); a write at a city far away keeps it, as does one of data no page
/// shows; a write at the city drops it (on both instances), and so does a change of a network
/// whose name every page shows.
#[tokio::test]
async fn a_city_page_is_kept_until_a_write_touches_its_city() {
    const OLD: &str = "https://www.stadt-koeln.de";
    const HIDDEN: &str = "https://kept.example/koeln";
    let (a, b) = two_instances().await;
    let apps = [&a, &b];
    let client = db(&a).await;
    client
        .batch_execute(&format!(
            "UPDATE cities SET website = '{OLD}' WHERE slug = 'koeln'"
        ))
        .await
        .unwrap();
    settle(&apps).await;
    let mut n = 0;
    for app in apps {
        n += 1;
        assert_eq!(websites_shown(app, n).await, [OLD, OLD, OLD]);
    }
    // Behind the instances' backs: the triggers that record changes do not fire.
    let behind_the_back = |site: &str| {
        format!(
            "BEGIN; SET LOCAL session_replication_role = replica;
             UPDATE cities SET website = '{site}' WHERE slug = 'koeln'; COMMIT;"
        )
    };
    client
        .batch_execute(&behind_the_back(HIDDEN))
        .await
        .unwrap();
    let kept_writes = [
        // A city's profile far away, a practice there, a search synonym.
        "UPDATE cities SET population = population + 1 WHERE slug = 'palermo'",
        "UPDATE practices SET title = title || jsonb_build_object('en', 'Kept ' || (title ->> 'en'))
          WHERE city_id = (SELECT id FROM cities WHERE slug = 'palermo')",
        "INSERT INTO search_synonyms (term, synonym) VALUES ('zuflucht', 'hafen')",
    ];
    for write in kept_writes {
        let changed = client.execute(write, &[]).await.unwrap();
        assert!(changed > 0, "{write}");
        settle(&apps).await;
        for app in apps {
            n += 1;
            assert_eq!(
                websites_shown(app, n).await,
                [OLD, OLD, OLD],
                "after {write}"
            );
        }
    }
    // A membership re-checked at Köln: its pages are read again.
    client
        .batch_execute(
            "UPDATE memberships SET verified_on = '2026-11-28'
              WHERE city_id = (SELECT id FROM cities WHERE slug = 'koeln')",
        )
        .await
        .unwrap();
    settle(&apps).await;
    for app in apps {
        n += 1;
        assert_eq!(websites_shown(app, n).await, [HIDDEN, HIDDEN, HIDDEN]);
    }
    // A network renamed (its name is on every page): every page is read again.
    client.batch_execute(&behind_the_back(OLD)).await.unwrap();
    client
        .batch_execute("UPDATE networks SET name = name || ' (renamed)' WHERE slug = 'iash'")
        .await
        .unwrap();
    settle(&apps).await;
    for app in apps {
        n += 1;
        assert_eq!(websites_shown(app, n).await, [OLD, OLD, OLD]);
    }
}
