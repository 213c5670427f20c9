//! The re-check queue: what needs checking (status unknown, newest source older than two
//! years) offered to moderators, and re-checks that record newer evidence as revisions —
//! newest evidence wins, and a re-checked fact no longer needs checking.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{Browser, confirmed_user, db, moderator, send};
use crate::support::TestApp;

async fn queue(app: &TestApp, moderator: &Browser, query: &str) -> Value {
    let response = send(
        app,
        "GET",
        &format!("/api/v1/moderation/rechecks{query}"),
        None,
        Some(moderator),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

async fn membership_id(app: &TestApp, city: &str, network: &str) -> i64 {
    db(app)
        .await
        .query_one(
            "SELECT m.id FROM memberships m JOIN cities c ON c.id = m.city_id
               JOIN networks n ON n.id = m.network_id WHERE c.slug = $1 AND n.slug = $2",
            &[&city, &network],
        )
        .await
        .unwrap()
        .get(0)
}

async fn city(app: &TestApp, slug: &str) -> Value {
    app.get(&format!("/api/v1/cities/{slug}")).await.json()["properties"].clone()
}

fn evidence(status: &str, as_of: &str, source: &str) -> Value {
    json!({ "status": status, "as_of": as_of, "source_url": source })
}

#[tokio::test]
async fn the_recheck_queue_is_for_moderators_only() {
    let app = TestApp::with_sample().await;
    let id = membership_id(&app, "koeln", "buendnis-staedte-sicherer-haefen").await;
    let path = format!("/api/v1/moderation/rechecks/memberships/{id}");
    let body = evidence("member", "2026-10-01", "https://example.org/koeln-2026");
    send(&app, "GET", "/api/v1/moderation/rechecks", None, None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    send(&app, "POST", &path, Some(body.clone()), None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let user = confirmed_user(&app, "u@example.org", "U").await;
    send(
        &app,
        "GET",
        "/api/v1/moderation/rechecks",
        None,
        Some(&user),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    send(&app, "POST", &path, Some(body.clone()), Some(&user))
        .await
        .problem(StatusCode::FORBIDDEN);
    let moderator = moderator(&app).await;
    let no_csrf = Browser {
        csrf: String::new(),
        ..moderator.clone()
    };
    send(&app, "POST", &path, Some(body), Some(&no_csrf))
        .await
        .problem(StatusCode::FORBIDDEN);
    let untouched = city(&app, "koeln").await;
    let membership = untouched["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["network"] == "buendnis-staedte-sicherer-haefen")
        .unwrap();
    assert_eq!(membership["needs_checking"], true, "nothing was written");
}

#[tokio::test]
async fn the_queue_lists_what_needs_checking_most_recently_stale_first() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let all = queue(&app, &moderator, "").await;
    // The sample's 7 memberships and 3 demand statuses are older than two years (one
    // membership is undated); its 3 practices have no dated status.
    assert_eq!(all["total"], 13, "{all:#}");
    assert_eq!(all["next_offset"], Value::Null);
    let items = all["rechecks"].as_array().unwrap();
    let count = |kind: &str| items.iter().filter(|i| i["kind"] == kind).count();
    assert_eq!(
        (count("membership"), count("demand"), count("practice")),
        (7, 3, 3)
    );
    assert_eq!(items[0]["as_of"], "2021-06-25");
    assert_eq!(items[0]["reason"], "older_than_two_years");
    let dates: Vec<&str> = items.iter().filter_map(|i| i["as_of"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(
        items[dates.len()..].iter().all(|i| i["as_of"].is_null()),
        "undated last"
    );
    let gdansk = items
        .iter()
        .find(|i| i["city"]["slug"] == "gdansk" && i["kind"] == "membership")
        .unwrap();
    assert_eq!(gdansk["reason"], "undated");
    assert_eq!(gdansk["network"]["slug"], "intercultural-cities");
    let palermo = items
        .iter()
        .find(|i| i["practice"]["slug"] == "palermo-charter")
        .unwrap();
    assert_eq!(palermo["reason"], "status_unknown");
    assert_eq!(palermo["status"], "unknown");
    assert_eq!(
        palermo["recheck"],
        "/api/v1/moderation/rechecks/practices/palermo-charter"
    );
    let demand = items.iter().find(|i| i["kind"] == "demand").unwrap();
    assert!(
        demand["recheck"]
            .as_str()
            .unwrap()
            .starts_with("/api/v1/moderation/rechecks/demands/koeln/")
    );

    let page = queue(&app, &moderator, "?limit=5&offset=5&lang=de").await;
    assert_eq!(page["rechecks"].as_array().unwrap().len(), 5);
    assert_eq!(page["next_offset"], 10);
    // The pages are stable: the sixth item is the same in either language.
    for key in ["kind", "recheck", "as_of", "reason"] {
        assert_eq!(page["rechecks"][0][key], items[5][key], "{key}");
    }
    let german = queue(&app, &moderator, "?lang=de").await;
    let label = german["rechecks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["demand"]["key"] == "alliance_safe_harbours")
        .unwrap()["demand"]["label"]
        .clone();
    assert!(label.as_str().unwrap().contains("Bündnis"), "{label}");
    for bad in ["?limit=0", "?offset=-1", "?lang=xx", "?bogus=1"] {
        let problem = send(
            &app,
            "GET",
            &format!("/api/v1/moderation/rechecks{bad}"),
            None,
            Some(&moderator),
        )
        .await
        .problem(StatusCode::BAD_REQUEST);
        assert!(problem["field"].is_string(), "{bad}: {problem}");
    }
}

#[tokio::test]
async fn a_membership_recheck_is_a_revision_and_clears_needs_checking() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let id = membership_id(&app, "koeln", "buendnis-staedte-sicherer-haefen").await;
    let response = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/rechecks/memberships/{id}"),
        Some(json!({
            "status": "member",
            "as_of": "2026-10-01",
            "source_url": "https://example.org/koeln-buendnis-2026",
            "note": "Listed on the alliance's members page."
        })),
        Some(&moderator),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let rechecked = response.json();
    assert_eq!(rechecked["state"]["verified_on"], "2026-10-01");
    assert_eq!(rechecked["state"]["since"], "2019-06-14", "since stays");
    let koeln = city(&app, "koeln").await;
    let membership = koeln["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["network"] == "buendnis-staedte-sicherer-haefen")
        .unwrap()
        .clone();
    assert_eq!(membership["as_of"], "2026-10-01");
    assert_eq!(membership["status"], "member");
    assert_eq!(
        membership["evidence_url"],
        "https://example.org/koeln-buendnis-2026"
    );
    assert_eq!(membership["needs_checking"], false);
    let history = app.get("/api/v1/cities/koeln/revisions").await.json();
    let revision = &history["revisions"][0];
    assert_eq!(revision["id"], rechecked["revision_id"]);
    assert_eq!(revision["entity_type"], "membership");
    assert_eq!(revision["reason"], "Listed on the alliance's members page.");
    assert_eq!(revision["author"], "mod");
    assert_eq!(revision["changes"]["verified_on"]["after"], "2026-10-01");
    assert_eq!(revision["changes"]["status"]["before"], "founding_member");
    let after = queue(&app, &moderator, "").await;
    assert_eq!(after["total"], 12);

    // Older evidence than the published one loses, and nothing changes.
    let older = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/rechecks/memberships/{id}"),
        Some(evidence("left", "2025-01", "https://example.org/old")),
        Some(&moderator),
    )
    .await
    .problem(StatusCode::CONFLICT);
    assert_eq!(older["field"], "as_of");
    assert_eq!(
        city(&app, "koeln").await["memberships"],
        koeln["memberships"]
    );
    // The newest evidence wins: a later source that the city left ends the membership.
    let newer = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/rechecks/memberships/{id}"),
        Some(evidence(
            "left",
            "2026-11",
            "https://example.org/koeln-left",
        )),
        Some(&moderator),
    )
    .await;
    assert_eq!(newer.status, StatusCode::OK, "{}", newer.text());
    assert_eq!(newer.json()["state"]["until"], "2026-11");
    // Reverting the re-check restores what was confirmed before it.
    let revert = send(
        &app,
        "POST",
        &format!(
            "/api/v1/moderation/revisions/{}/revert",
            newer.json()["revision_id"]
        ),
        Some(json!({})),
        Some(&moderator),
    )
    .await;
    assert_eq!(revert.status, StatusCode::OK, "{}", revert.text());
    assert_eq!(
        city(&app, "koeln").await["memberships"],
        koeln["memberships"]
    );
}

#[tokio::test]
async fn a_demand_recheck_adds_evidence_and_the_newest_decides() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let path = "/api/v1/moderation/rechecks/demands/koeln/admission_in_addition_quota";
    let response = send(
        &app,
        "POST",
        path,
        Some(evidence(
            "fulfilled",
            "2026-03-12",
            "https://example.org/koeln-council-2026",
        )),
        Some(&moderator),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let koeln = city(&app, "koeln").await;
    let demand = koeln["demands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "admission_in_addition_quota")
        .unwrap()
        .clone();
    assert_eq!(demand["decided"], true);
    assert_eq!(demand["fulfilled"], true);
    assert_eq!(demand["as_of"], "2026-03-12");
    assert_eq!(demand["needs_checking"], false);
    assert_eq!(
        demand["evidence"][0],
        json!({ "status": "fulfilled", "as_of": "2026-03-12", "source_url": "https://example.org/koeln-council-2026" })
    );
    let history = app.get("/api/v1/cities/koeln/revisions").await.json();
    assert_eq!(history["revisions"][0]["entity_type"], "demand");
    assert_eq!(
        history["revisions"][0]["id"],
        response.json()["revision_id"]
    );
    assert!(
        history["revisions"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("https://example.org/koeln-council-2026")
    );
    send(
        &app,
        "POST",
        path,
        Some(evidence(
            "not_decided",
            "2026-01",
            "https://example.org/older",
        )),
        Some(&moderator),
    )
    .await
    .problem(StatusCode::CONFLICT);
    let evidence_rows: i64 = db(&app)
        .await
        .query_one("SELECT count(*) FROM demand_evidence", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(evidence_rows, 1, "the refused evidence was not written");
    // A demand the city has no status on, an unknown city, a bad key.
    send(
        &app,
        "POST",
        "/api/v1/moderation/rechecks/demands/potsdam/admission_in_addition_quota",
        Some(evidence("decided", "2026-01", "https://example.org/p")),
        Some(&moderator),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    send(
        &app,
        "POST",
        "/api/v1/moderation/rechecks/demands/atlantis/admission_in_addition_quota",
        Some(evidence("decided", "2026-01", "https://example.org/p")),
        Some(&moderator),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    let bad_key = send(
        &app,
        "POST",
        "/api/v1/moderation/rechecks/demands/koeln/Not-A-Key",
        Some(evidence("decided", "2026-01", "https://example.org/p")),
        Some(&moderator),
    )
    .await
    .problem(StatusCode::BAD_REQUEST);
    assert_eq!(bad_key["field"], "demand");
}

#[tokio::test]
async fn a_practice_recheck_dates_its_status_and_adds_its_source() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let before = app.get("/api/v1/practices/palermo-charter").await.json()["properties"].clone();
    assert_eq!(before["needs_checking"], true);
    let response = send(
        &app,
        "POST",
        "/api/v1/moderation/rechecks/practices/palermo-charter",
        Some(evidence(
            "active",
            "2026-09",
            "https://example.org/palermo-2026",
        )),
        Some(&moderator),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let after = app.get("/api/v1/practices/palermo-charter").await.json()["properties"].clone();
    assert_eq!(after["status"], "active");
    assert_eq!(after["status_as_of"], "2026-09");
    assert_eq!(after["needs_checking"], false);
    let sources: Vec<&str> = after["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "https://example.org/palermo-charter",
            "https://example.org/palermo-charter-2",
            "https://example.org/palermo-2026"
        ]
    );
    let history = app
        .get("/api/v1/practices/palermo-charter/revisions")
        .await
        .json();
    let revision = &history["revisions"][0];
    assert_eq!(revision["id"], response.json()["revision_id"]);
    assert_eq!(revision["changes"]["status"]["before"], "unknown");
    assert_eq!(revision["changes"]["status"]["after"], "active");
    assert_eq!(revision["changes"]["status_as_of"]["after"], "2026-09");
    let queue = queue(&app, &moderator, "").await;
    assert!(
        queue["rechecks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["practice"]["slug"] != "palermo-charter")
    );
    send(
        &app,
        "POST",
        "/api/v1/moderation/rechecks/practices/no-such-practice",
        Some(evidence("active", "2026-09", "https://example.org/x")),
        Some(&moderator),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_evidence_is_refused_naming_the_field() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let path = "/api/v1/moderation/rechecks/practices/koeln-welcome-housing";
    let cases = [
        (
            json!({ "status": "thriving", "as_of": "2026-09", "source_url": "https://example.org/a" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "status",
        ),
        (
            json!({ "status": "active", "as_of": "2026-13", "source_url": "https://example.org/a" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "as_of",
        ),
        (
            json!({ "status": "active", "as_of": "2999-01", "source_url": "https://example.org/a" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "as_of",
        ),
        (
            json!({ "status": "active", "as_of": "2026-09", "source_url": "javascript:alert(1)" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_url",
        ),
        (
            json!({ "status": "active", "as_of": "2026-09" }),
            StatusCode::BAD_REQUEST,
            "source_url",
        ),
        (
            json!({ "status": "active", "as_of": "2026-09", "source_url": "https://example.org/a", "extra": 1 }),
            StatusCode::BAD_REQUEST,
            "extra",
        ),
    ];
    for (body, status, field) in cases {
        let problem = send(&app, "POST", path, Some(body.clone()), Some(&moderator))
            .await
            .problem(status);
        assert_eq!(problem["field"], field, "{body}: {problem}");
    }
    let revisions: i64 = db(&app)
        .await
        .query_one("SELECT count(*) FROM revisions", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(revisions, 0, "nothing was written");
}
