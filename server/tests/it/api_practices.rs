//! `GET /api/v1/practices` and `/api/v1/practices/{slug}`.

use axum::http::StatusCode;
use haven::model::collection::{FeatureCollectionDoc, FeatureDoc};
use haven::model::practice::{PracticeDetailProperties, PracticeProperties};

use crate::api_cities::slugs;
use crate::support::TestApp;

#[tokio::test]
async fn lists_published_practices_with_the_documented_shape() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/practices").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let doc: FeatureCollectionDoc<PracticeProperties> =
        serde_json::from_slice(&response.body).unwrap();
    assert_eq!(doc.number_matched, 3);
    let gdansk = &doc.features[0];
    assert_eq!(gdansk.id, "gdansk-immigrants-council");
    assert_eq!(gdansk.geometry.coordinates, [18.65, 54.35]);
    let p = &gdansk.properties;
    assert_eq!(
        (p.title.as_str(), p.title_lang.as_str()),
        ("Immigrants' Council of Gdańsk", "en")
    );
    assert_eq!(p.summary_lang.as_deref(), Some("en"));
    assert_eq!(
        (p.city.slug.as_str(), p.city.name.as_str()),
        ("gdansk", "Gdańsk")
    );
    assert_eq!(p.country, "PL");
    assert_eq!(p.policy_areas, ["political-participation"]);
    assert_eq!((p.status.as_str(), p.started), ("active", Some(2016)));
    assert_eq!(p.organisation.as_deref(), Some("City of Gdańsk"));

    app.execute("UPDATE practices SET published = false WHERE slug = 'palermo-charter'")
        .await;
    assert_eq!(
        slugs(&app, "/api/v1/practices").await,
        ["gdansk-immigrants-council", "koeln-welcome-housing"]
    );
    assert_eq!(
        app.get("/api/v1/practices/palermo-charter").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn filters_alone_and_combined() {
    let app = TestApp::with_sample().await;
    let cases: &[(&str, &[&str])] = &[
        ("policy_area=housing", &["koeln-welcome-housing"]),
        (
            "policy_area=residence-security,political-participation",
            &["gdansk-immigrants-council", "palermo-charter"],
        ),
        (
            "policy_area=residence-security,social-inclusion&policy_area_match=all",
            &["palermo-charter"],
        ),
        (
            "policy_area=residence-security,political-participation&policy_area_match=all",
            &[],
        ),
        ("network=iash", &["palermo-charter"]),
        ("country=DE", &["koeln-welcome-housing"]),
        ("region=82", &["gdansk-immigrants-council"]),
        ("q=Wohnungen", &["koeln-welcome-housing"]),
        ("q=Unterkunft", &["koeln-welcome-housing"]),
        ("q=charter", &["palermo-charter"]),
        ("q=carta", &["palermo-charter"]),
        ("q=palermo", &["palermo-charter"]),
        ("bbox=18,54,19,55", &["gdansk-immigrants-council"]),
        (
            "country=DE,PL&policy_area=housing",
            &["koeln-welcome-housing"],
        ),
        ("country=IT&policy_area=housing", &[]),
        (
            "network=seebruecke-safe-harbour&q=refugees",
            &["koeln-welcome-housing"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            slugs(&app, &format!("/api/v1/practices?{query}")).await,
            *expected,
            "{query}"
        );
    }
}

#[tokio::test]
async fn an_own_location_counts_for_bbox_and_near() {
    let app = TestApp::with_sample().await;
    app.execute("UPDATE practices SET geom = ST_SetSRID(ST_MakePoint(7.0, 51.0), 4326) WHERE slug = 'koeln-welcome-housing'").await;
    let json = app
        .get("/api/v1/practices?near=6.95,50.94&radius_km=5000")
        .await
        .json();
    let first = &json["features"][0];
    assert_eq!(first["id"], "koeln-welcome-housing");
    assert_eq!(first["geometry"]["coordinates"][0].as_f64(), Some(7.0));
    assert_eq!(first["geometry"]["coordinates"][1].as_f64(), Some(51.0));
    assert!(first["properties"]["distance_km"].as_f64().unwrap() > 5.0);
    let order: Vec<&str> = json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "koeln-welcome-housing",
            "gdansk-immigrants-council",
            "palermo-charter"
        ]
    );
}

#[tokio::test]
async fn one_practice_in_full() {
    let app = TestApp::with_sample().await;
    let response = app.get("/api/v1/practices/palermo-charter?lang=de").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let doc: FeatureDoc<PracticeDetailProperties> = serde_json::from_slice(&response.body).unwrap();
    let p = &doc.properties;
    assert_eq!(
        (p.title.as_str(), p.title_lang.as_str()),
        ("Charter of Palermo", "en")
    );
    assert_eq!(
        (p.original_lang.as_str(), p.title_original.as_str()),
        ("it", "Carta di Palermo")
    );
    assert_eq!(p.sources.len(), 2);
    assert_eq!(p.sources[0].url, "https://example.org/palermo-charter");
    assert_eq!(p.sources[0].accessed_on.as_deref(), Some("2026-11-01"));
    assert_eq!(p.body, None);
    let german = app
        .get("/api/v1/practices/koeln-welcome-housing?lang=de")
        .await
        .json();
    assert_eq!(german["properties"]["title_lang"], "de");
    assert_eq!(german["properties"]["summary_lang"], "de");
}

#[tokio::test]
async fn an_old_practice_slug_moves_permanently() {
    let app = TestApp::with_sample().await;
    app.execute("INSERT INTO practice_slug_redirects (slug, practice_id) SELECT 'carta', id FROM practices WHERE slug = 'palermo-charter'").await;
    let response = app.get("/api/v1/practices/carta").await;
    assert_eq!(response.status, StatusCode::MOVED_PERMANENTLY);
    assert!(
        response.headers["location"]
            .to_str()
            .unwrap()
            .ends_with("/api/v1/practices/palermo-charter")
    );
    app.get("/api/v1/practices/nothing")
        .await
        .problem(StatusCode::NOT_FOUND);
}

/// `numberMatched` of the practices with no filter and with one policy area comes from the
/// kept counts: it agrees with the features listed, and with the same filter counted (with a
/// bbox of the whole world, which no kept count answers), after the writes that change what
/// is listed.
#[tokio::test]
async fn kept_counts_agree_with_the_features_listed() {
    let app = TestApp::with_sample().await;
    let areas: Vec<String> = app
        .get("/api/v1/policy-areas")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|area| area["slug"].as_str().unwrap().to_owned())
        .collect();
    assert!(areas.len() > 5);
    let matched = |path: String| {
        let app = &app;
        async move {
            let doc = app.get(&path).await.json();
            let listed = doc["features"].as_array().unwrap().len();
            (doc["numberMatched"].as_u64().unwrap(), listed as u64, path)
        }
    };
    for when in [
        "as loaded",
        "a city unpublished",
        "a practice unpublished",
        "an area added",
    ] {
        match when {
            "a city unpublished" => {
                app.execute("UPDATE cities SET published = false WHERE slug = 'koeln'")
                    .await;
            }
            "a practice unpublished" => {
                app.execute(
                    "UPDATE practices SET published = false WHERE slug = 'palermo-charter'",
                )
                .await;
            }
            "an area added" => {
                app.execute(
                    "INSERT INTO practice_policy_areas (practice_id, policy_area)
                     SELECT id, 'housing' FROM practices WHERE slug = 'gdansk-immigrants-council'",
                )
                .await;
            }
            _ => {}
        }
        let (all, listed, path) = matched("/api/v1/practices?limit=1000".to_owned()).await;
        assert_eq!(all, listed, "{when}: {path}");
        let (counted, _, path) =
            matched("/api/v1/practices?bbox=-180,-90,180,90&limit=1000".to_owned()).await;
        assert_eq!(counted, all, "{when}: {path}");
        for area in &areas {
            let (kept, listed, path) =
                matched(format!("/api/v1/practices?policy_area={area}&limit=1000")).await;
            assert_eq!(kept, listed, "{when}: {path}");
            let (counted, _, path) = matched(format!(
                "/api/v1/practices?policy_area={area}&bbox=-180,-90,180,90&limit=1000"
            ))
            .await;
            assert_eq!(counted, kept, "{when}: {path}");
        }
    }
    // What the last state lists: Gdańsk's practice, now also about housing.
    let housing = app
        .get("/api/v1/practices?policy_area=housing")
        .await
        .json();
    assert_eq!(housing["numberMatched"], 1);
    assert_eq!(
        app.get("/api/v1/practices").await.json()["numberMatched"],
        1
    );
}

/// The list's Features are written from the parts kept per practice (`practice_features`):
/// after every kind of write that changes what a practice shows, each listed practice in every
/// language (and with `near`, its distance) is the practice as its own answer shows it, which
/// is computed from the tables per request.
#[tokio::test]
async fn listed_practices_follow_every_write_of_what_they_show() {
    let app = TestApp::with_sample().await;
    let writes = [
        ("as loaded", ""),
        (
            "titles and summaries in other languages",
            "UPDATE practices SET title = title || '{\"fr\": \"Titre \\\"cité\\\"\\n\"}',
                                  summary = '{\"es\": \"Resumen\"}'
             WHERE slug = 'koeln-welcome-housing';
             UPDATE practices SET title = '{\"pl\": \"Rada\"}', original_lang = 'pl'
             WHERE slug = 'gdansk-immigrants-council'",
        ),
        (
            "statuses dated around two years ago",
            "UPDATE practices SET status = 'active',
                 status_as_of = to_char(current_date - interval '2 years' - interval '1 day', 'YYYY-MM-DD')
             WHERE slug = 'koeln-welcome-housing';
             UPDATE practices SET status = 'active',
                 status_as_of = to_char(current_date - interval '2 years' + interval '1 day', 'YYYY-MM-DD')
             WHERE slug = 'palermo-charter';
             UPDATE practices SET status = 'ended',
                 status_as_of = to_char(current_date - interval '2 years', 'YYYY-MM')
             WHERE slug = 'gdansk-immigrants-council'",
        ),
        (
            "a year alone, and unknown",
            "UPDATE practices SET status_as_of = to_char(current_date, 'YYYY')
             WHERE slug = 'palermo-charter';
             UPDATE practices SET status = 'unknown' WHERE slug = 'koeln-welcome-housing'",
        ),
        (
            "policy areas added, removed and reordered",
            "INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT id, 'health' FROM practices WHERE slug = 'palermo-charter'
             ON CONFLICT DO NOTHING;
             DELETE FROM practice_policy_areas WHERE policy_area = 'reception'
               AND practice_id = (SELECT id FROM practices WHERE slug = 'koeln-welcome-housing');
             UPDATE policy_areas SET position = 100 - position",
        ),
        (
            "sources added and removed",
            "DELETE FROM practice_sources;
             INSERT INTO practice_sources (practice_id, position, url)
             SELECT id, 1, 'https://example.org/' || slug FROM practices",
        ),
        (
            "cities renamed and moved",
            "UPDATE cities SET name = 'Köln \"am\" Rhein', slug = 'koeln-am-rhein',
                 geom = ST_SetSRID(ST_MakePoint(7.1, 51.1), 4326)
             WHERE slug = 'koeln';
             UPDATE practices SET geom = NULL",
        ),
        (
            "a practice moved to another city, with a place of its own",
            "UPDATE practices SET city_id = (SELECT id FROM cities WHERE slug = 'gdansk'),
                 geom = ST_SetSRID(ST_MakePoint(18.61234567, 54.3), 4326),
                 started = 2019, ended = 2021, organisation = 'Verein \\ e.V.'
             WHERE slug = 'palermo-charter'",
        ),
    ];
    for (when, sql) in writes {
        if !sql.is_empty() {
            app.execute(sql).await;
        }
        for lang in ["de", "en", "fr", "es"] {
            for extra in ["", "&near=10,50&radius_km=3000"] {
                let path = format!("/api/v1/practices?limit=1000&lang={lang}{extra}");
                let list = app.get(&path).await.json();
                let features = list["features"].as_array().unwrap();
                assert!(!features.is_empty(), "{when}: {path}");
                for listed in features {
                    let slug = listed["id"].as_str().unwrap();
                    let own = app
                        .get(&format!("/api/v1/practices/{slug}?lang={lang}"))
                        .await
                        .json();
                    assert_eq!(listed["geometry"], own["geometry"], "{when}: {slug}");
                    let properties = listed["properties"].as_object().unwrap();
                    for (key, value) in properties {
                        if key == "distance_km" {
                            continue;
                        }
                        assert_eq!(
                            value, &own["properties"][key],
                            "{when}: `{key}` of {slug} in {lang}"
                        );
                    }
                    assert_eq!(properties.contains_key("distance_km"), !extra.is_empty());
                }
            }
        }
    }
    let near = app
        .get("/api/v1/practices?near=18.61234567,54.3&radius_km=10")
        .await
        .json();
    assert_eq!(near["features"][0]["id"], "palermo-charter");
    assert_eq!(near["features"][0]["properties"]["distance_km"], 0.0);
    assert_eq!(
        near["features"][0]["properties"]["organisation"],
        "Verein \\ e.V."
    );
}

/// The practices' collection chosen from the instance's snapshot is, text for text, the page
/// the collection statement writes in PostgreSQL: for the practices of 200 more cities (some
/// unpublished, some of unpublished cities, titles in several languages), with every filter
/// the snapshot answers, in every language, in pages, with unknown values. Features read at
/// another data version than the snapshot's are not used, and over HTTP the list follows a
/// write of each kind it reads.
#[tokio::test]
async fn the_practice_list_from_memory_is_the_statements_page() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use haven::db::data_version::{Change, DataVersion};
    use haven::db::snapshot::Loaded;
    use haven::model::practice_list::PracticeList;
    use haven::query::{CollectionQuery, OverLimit, QueryParams};

    let app = TestApp::with_sample().await;
    crate::api_cities::add_list_cities(&app).await;
    app.execute(
        "UPDATE practices SET title = title || '{\"de\": \"Liste \\\"Ä\\\"\"}',
                              summary = '{\"fr\": \"Résumé\\n\"}'
         WHERE slug LIKE 'list-practice-%' AND id % 4 = 0;
         UPDATE practices SET published = false WHERE slug LIKE 'list-practice-%' AND id % 7 = 0;
         UPDATE cities SET published = false WHERE slug IN ('list-8', 'list-9');",
    )
    .await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let snapshot = PracticeList::load(&mut conn).await.unwrap();
    let knows = DataVersion::new(snapshot.version());
    let links = crate::api_cities::city_list_links();
    let mut queries = crate::api_cities::city_list_queries(&app).await;
    queries.extend(
        [
            "policy_area=housing&limit=1000&lang=de",
            "policy_area=work,health&policy_area_match=all&limit=1000&lang=fr",
            "country=IT&policy_area=housing",
            "limit=1000&offset=20&lang=es",
            "limit=1000&lang=fr",
        ]
        .map(String::from),
    );
    let compared = same_pages(&mut conn, &snapshot, &queries).await;
    assert!(compared > 1000, "{compared} features compared");

    // After writes of cities, memberships and a country, the snapshot made from the old one
    // (the cities read again, the practices kept) writes the statement's pages; after a
    // practice's write it is read whole.
    app.execute(
        "UPDATE cities SET population = 7, country = 'PL' WHERE slug = 'list-10';
         UPDATE cities SET published = false WHERE slug IN ('list-11', 'list-12');
         UPDATE cities SET published = true WHERE slug = 'list-8';
         DELETE FROM memberships WHERE city_id IN (SELECT id FROM cities WHERE slug LIKE 'list-2%');
         UPDATE countries SET names = '{\"de\": \"Quote\"}' WHERE iso2 = 'XQ';",
    )
    .await;
    let updated = snapshot.update(&mut conn).await.unwrap().unwrap();
    assert!(updated.version() > snapshot.version());
    let compared = same_pages(&mut conn, &updated, &queries).await;
    assert!(compared > 1000, "{compared} features compared");

    // After each kind of write of the practices, the snapshot made from the previous one (the
    // practices of the cities where the write lies read again) writes the statement's pages;
    // so it does after a membership and a city's publication between them (the cities read
    // again, kept after the practices' writes).
    let mut previous = updated;
    for write in [
        "UPDATE practices SET title = title || '{\"en\": \"Retitled\"}' WHERE slug = 'list-practice-30'",
        "DELETE FROM memberships WHERE city_id IN (SELECT id FROM cities WHERE slug LIKE 'list-3%')",
        "INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, 'work' FROM practices WHERE slug LIKE 'list-practice-4%' ON CONFLICT DO NOTHING",
        "DELETE FROM practice_policy_areas
         WHERE practice_id IN (SELECT id FROM practices WHERE slug LIKE 'list-practice-5%')",
        "UPDATE practices SET slug = 'aaa-first' WHERE slug = 'list-practice-60'",
        "UPDATE cities SET published = false WHERE slug = 'list-13'",
        "UPDATE practices SET slug = 'zzz-last' WHERE slug = 'list-practice-63'",
        "UPDATE practices SET published = false WHERE slug IN ('list-practice-62', 'list-practice-65')",
        "UPDATE practices SET published = true WHERE slug LIKE 'list-practice-%' AND id % 7 = 0",
        "INSERT INTO practices (slug, city_id, original_lang, title, status)
         SELECT 'list-practice-new-' || c.id, c.id, 'en', '{\"en\": \"New\"}', 'active'
         FROM cities c WHERE c.slug IN ('list-20', 'list-21', 'list-8')",
        "UPDATE practices SET city_id = (SELECT id FROM cities WHERE slug = 'list-150')
         WHERE slug = 'list-practice-68'",
        "UPDATE practices SET geom = ST_SetSRID(ST_MakePoint(30, 60), 4326)
         WHERE slug = 'list-practice-71'",
    ] {
        app.execute(write).await;
        let next = previous
            .update(&mut conn)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("read whole after `{write}`"));
        assert!(next.version() > previous.version(), "`{write}` changed nothing");
        let compared = same_pages(&mut conn, &next, &queries).await;
        assert!(compared > 1000, "`{write}`: {compared} features compared");
        previous = next;
    }
    // A practice deleted: its policy areas' rows go with it, and their change has no place (the
    // practice is gone when its boxes are read), so the snapshot is read whole.
    app.execute("DELETE FROM practices WHERE slug IN ('list-practice-72', 'aaa-first')")
        .await;
    assert!(previous.update(&mut conn).await.unwrap().is_none());
    // A change of the policy areas reads it whole.
    app.execute("UPDATE policy_areas SET position = 100 - position")
        .await;
    assert!(previous.update(&mut conn).await.unwrap().is_none());

    // A practice's title changed: the snapshot read before does not write pages with the
    // Features after it, whether the instance knows the change or not yet.
    app.execute(
        "UPDATE practices SET title = title || '{\"en\": \"Renamed\"}' WHERE slug = 'koeln-welcome-housing'",
    )
    .await;
    let everything =
        CollectionQuery::from_params(&QueryParams::parse(Some("limit=1000")), OverLimit::Refuse)
            .unwrap();
    let newer = PracticeList::load(&mut conn).await.unwrap();
    let knows_the_change = DataVersion::new(snapshot.version());
    knows_the_change.apply(&Change::everything(newer.version()));
    for data_version in [&knows, &knows_the_change] {
        let page = snapshot
            .page(&mut conn, data_version, &everything, &links)
            .await
            .unwrap();
        assert!(page.is_none(), "{page:?}");
    }
    let page = newer
        .page(&mut conn, &knows_the_change, &everything, &links)
        .await
        .unwrap()
        .unwrap();
    assert!(page.contains("\"Renamed\""));

    // Over HTTP: a practice unpublished, a policy area added to another, a city unpublished,
    // a membership ended.
    // Each asked twice: the first answer is the statement's while the snapshot of the new
    // data version is read in the background, the second the snapshot's.
    let listed = async |path: &str| -> Vec<String> {
        let first = app.get(path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let wanted = app.data_version.of(haven::model::practice_list::KINDS);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while app.state.listed_practices.fresh(wanted).is_none() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no snapshot of {wanted}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // Another address than the first: not the first's answer from the answer cache.
        let response = app.get(&format!("{path}&_=again")).await;
        assert_eq!(
            first.json()["features"],
            response.json()["features"],
            "{path}"
        );
        assert_eq!(response.status, StatusCode::OK, "{path}");
        let doc = response.json();
        let features = doc["features"].as_array().unwrap();
        assert_eq!(
            doc["numberMatched"].as_u64().unwrap() as usize,
            features.len()
        );
        features
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let housing = "/api/v1/practices?policy_area=housing&limit=1000";
    let before = listed(housing).await;
    assert!(before.contains(&"koeln-welcome-housing".to_owned()));
    assert!(!before.contains(&"palermo-charter".to_owned()));
    app.execute(
        "UPDATE practices SET published = false WHERE slug = 'koeln-welcome-housing';
         INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, 'housing' FROM practices WHERE slug = 'palermo-charter'
         ON CONFLICT DO NOTHING;",
    )
    .await;
    let after = listed(housing).await;
    assert!(!after.contains(&"koeln-welcome-housing".to_owned()));
    assert!(after.contains(&"palermo-charter".to_owned()));
    app.execute("UPDATE cities SET published = false WHERE slug = 'palermo'")
        .await;
    assert!(
        !listed(housing)
            .await
            .contains(&"palermo-charter".to_owned())
    );

    let network: String = {
        let (client, connection) =
            tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
                .await
                .unwrap();
        tokio::spawn(connection);
        client
            .query_one(
                "SELECT n.slug::text FROM networks n JOIN memberships m ON m.network_id = n.id
                 JOIN cities c ON c.id = m.city_id WHERE c.slug = 'gdansk' LIMIT 1",
                &[],
            )
            .await
            .unwrap()
            .get(0)
    };
    let of_network = format!("/api/v1/practices?network={network}&limit=1000");
    assert!(
        listed(&of_network)
            .await
            .contains(&"gdansk-immigrants-council".to_owned())
    );
    app.execute(&format!(
        "DELETE FROM memberships WHERE city_id = (SELECT id FROM cities WHERE slug = 'gdansk')
           AND network_id = (SELECT id FROM networks WHERE slug = '{network}')"
    ))
    .await;
    assert!(
        !listed(&of_network)
            .await
            .contains(&"gdansk-immigrants-council".to_owned())
    );
}

/// After a write, the practice pages asked for while the instance updates its snapshot wait
/// for the update instead of each taking the collection statement: the count the statement
/// reads for one policy area (`policy_area_stats`) is made false behind the instance's back,
/// and none of 24 concurrent answers after a write shows it.
#[tokio::test]
async fn practice_pages_asked_while_the_snapshot_updates_wait_for_it() {
    use haven::model::practice_list::KINDS;

    let app = TestApp::with_sample().await;
    let housing = "/api/v1/practices?policy_area=housing&limit=1000";
    let matched = |doc: &serde_json::Value| doc["numberMatched"].as_i64().unwrap();
    let before = matched(&app.get(housing).await.json());
    assert!(before > 0);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .state
        .listed_practices
        .fresh(app.data_version.of(KINDS))
        .is_none()
    {
        assert!(tokio::time::Instant::now() < deadline, "no snapshot");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // Another area for a practice (the housing count stays), then the false count.
    app.execute(
        "INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, 'work' FROM practices WHERE slug = 'palermo-charter'
         ON CONFLICT DO NOTHING;",
    )
    .await;
    app.execute("UPDATE policy_area_stats SET practice_count = 999 WHERE policy_area = 'housing'")
        .await;
    assert!(
        app.state
            .listed_practices
            .fresh(app.data_version.of(KINDS))
            .is_none(),
        "the write is not one of the practices' kinds"
    );
    let paths: Vec<String> = (0..24).map(|i| format!("{housing}&_={i}")).collect();
    let answers = paths.iter().map(|path| app.get(path));
    for answer in futures_util::future::join_all(answers).await {
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(matched(&answer.json()), before, "a page took the statement");
    }
}

/// Asserts that `snapshot` writes each of `queries` it serves as the collection statement does
/// (the page's Features read now, at the snapshot's data version); returns how many Features
/// were compared.
async fn same_pages(
    conn: &mut diesel_async::AsyncPgConnection,
    snapshot: &haven::model::practice_list::PracticeList,
    queries: &[String],
) -> u64 {
    use haven::db::data_version::DataVersion;
    use haven::db::snapshot::Loaded;
    use haven::model::practice_list::PracticeList;
    use haven::query::{CollectionQuery, OverLimit, QueryParams};

    let knows = DataVersion::new(snapshot.version());
    let links = crate::api_cities::city_list_links();
    let mut compared = 0;
    let mut served = 0;
    for raw in queries {
        let query = CollectionQuery::from_params(&QueryParams::parse(Some(raw)), OverLimit::Refuse)
            .unwrap();
        if !PracticeList::serves(&query) {
            continue;
        }
        served += 1;
        let from_memory = snapshot.page(conn, &knows, &query, &links).await;
        let from_sql = haven::model::practice::list(conn, &query, &links).await;
        match (from_memory, from_sql) {
            (Ok(Some(memory)), Ok(sql)) => {
                assert_eq!(memory, sql, "the page of `{raw}` differs");
                let doc: serde_json::Value = serde_json::from_str(&memory).unwrap();
                compared += doc["numberReturned"].as_u64().unwrap();
            }
            (Err(memory), Err(sql)) => {
                assert_eq!(format!("{memory:?}"), format!("{sql:?}"), "`{raw}`");
            }
            (memory, sql) => panic!("`{raw}`: {memory:?} against {sql:?}"),
        }
    }
    assert!(served > 30, "{served} queries served");
    compared
}
