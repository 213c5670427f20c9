//! Moderation: the queue with its diff, approval that publishes exactly what was submitted
//! in one transaction, rejection with a reason, editor claims, direct edits of verified
//! editors, revision history and reverts — and every refusal.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{Browser, confirmed_user, db, moderator, send};
use crate::submissions::{city_proposal, submit};
use crate::support::TestApp;

async fn data_version(app: &TestApp) -> i64 {
    db(app)
        .await
        .query_one("SELECT version FROM data_version", &[])
        .await
        .unwrap()
        .get(0)
}

pub async fn submission_id(app: &TestApp, reference: &str) -> i64 {
    db(app)
        .await
        .query_one(
            "SELECT id FROM submissions WHERE reference = $1",
            &[&reference],
        )
        .await
        .unwrap()
        .get(0)
}

pub async fn approve(app: &TestApp, moderator: &Browser, id: i64) -> Value {
    let response = send(
        app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({})),
        Some(moderator),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

#[tokio::test]
async fn the_queue_is_for_moderators_only() {
    let app = TestApp::with_sample().await;
    let reference = submit(&app, city_proposal("Neustadt")).await;
    let id = submission_id(&app, &reference).await;
    send(&app, "GET", "/api/v1/moderation/submissions", None, None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let user = confirmed_user(&app, "u@example.org", "U").await;
    send(
        &app,
        "GET",
        "/api/v1/moderation/submissions",
        None,
        Some(&user),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({})),
        Some(&user),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({})),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    let moderator = moderator(&app).await;
    let no_csrf = Browser {
        csrf: String::new(),
        ..moderator.clone()
    };
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({})),
        Some(&no_csrf),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let queue = send(
        &app,
        "GET",
        "/api/v1/moderation/submissions",
        None,
        Some(&moderator),
    )
    .await;
    assert_eq!(queue.status, StatusCode::OK);
    let queue = queue.json();
    let item = &queue["submissions"][0];
    assert_eq!(item["reference"], reference.as_str());
    assert_eq!(item["email"], "someone@example.org");
    assert_eq!(item["diff"]["before"], Value::Null);
    assert_eq!(item["diff"]["after"]["name"], "Neustadt");
    send(
        &app,
        "GET",
        "/api/v1/moderation/submissions?status=bogus",
        None,
        Some(&moderator),
    )
    .await
    .problem(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn approval_publishes_exactly_what_was_submitted() {
    let app = TestApp::with_sample().await;
    let name = "<script>alert(1)</script>Neu<b>stadt</b>";
    let reference = submit(&app, city_proposal(name)).await;
    let id = submission_id(&app, &reference).await;
    let moderator = moderator(&app).await;
    let version = data_version(&app).await;
    let approved = approve(&app, &moderator, id).await;
    assert_eq!(approved["submission"]["status"], "published");
    assert_eq!(approved["entity"]["type"], "city");
    assert_eq!(
        approved["entity"]["slug"],
        "script-alert-1-script-neu-b-stadt-b"
    );
    assert!(
        data_version(&app).await > version,
        "the map's data version moved"
    );

    let row = db(&app)
        .await
        .query_one(
            "SELECT name, country, website, ST_X(geom), ST_Y(geom), published FROM cities WHERE slug = $1",
            &[&approved["entity"]["slug"].as_str().unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), name, "stored verbatim");
    assert_eq!(row.get::<_, String>(1), "DE");
    assert_eq!(row.get::<_, String>(2), "https://example.org/town");
    assert!(
        (row.get::<_, f64>(3) - 7.1).abs() < 1e-9 && (row.get::<_, f64>(4) - 51.2).abs() < 1e-9
    );
    assert!(row.get::<_, bool>(5));

    let status = app
        .get(&format!("/api/v1/submissions/{reference}"))
        .await
        .json();
    assert_eq!(status["status"], "published");
    // A second decision is refused.
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        None,
        Some(&moderator),
    )
    .await
    .problem(StatusCode::CONFLICT);

    let history = app
        .get(&format!(
            "/api/v1/cities/{}/revisions",
            approved["entity"]["slug"].as_str().unwrap()
        ))
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.text());
    let history = history.json();
    let revision = &history["revisions"][0];
    assert_eq!(revision["action"], "create");
    assert_eq!(revision["author"], "mod");
    assert_eq!(revision["submission"], reference.as_str());
    // The submitter's message was for the moderators, not the public history.
    assert_eq!(revision["reason"], serde_json::Value::Null);
    assert!(!history.to_string().contains("Our council declared it"));
    assert_eq!(revision["after"]["name"], name);
    assert!(history["last_changed_at"].is_string());
}

#[tokio::test]
async fn a_failure_midway_publishes_nothing() {
    let app = TestApp::with_sample().await;
    let body = json!({
        "kind": "practice",
        "payload": {
            "city": "potsdam", "original_lang": "de", "title": { "de": "Willkommensbüro" },
            "policy_areas": ["reception"],
            "sources": [{ "url": "https://example.org/a" }, { "url": "https://example.org/b" }]
        },
        "source_urls": ["https://example.org/a"]
    });
    let reference = submit(&app, body).await;
    let id = submission_id(&app, &reference).await;
    // Corrupt the stored payload so that a late write of the approval (the policy areas)
    // fails after the practice row was written: an area the database does not know.
    let client = db(&app).await;
    client
        .execute(
            "UPDATE submissions SET payload = jsonb_set(payload, '{policy_areas}', '[\"reception\", \"magic\"]') WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    let moderator = moderator(&app).await;
    let version = data_version(&app).await;
    let response = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        None,
        Some(&moderator),
    )
    .await;
    let problem = response.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "policy_areas");
    let practices: i64 = client
        .query_one("SELECT count(*) FROM practices", &[])
        .await
        .unwrap()
        .get(0);
    let areas: i64 = client
        .query_one("SELECT count(*) FROM practice_policy_areas", &[])
        .await
        .unwrap()
        .get(0);
    let revisions: i64 = client
        .query_one("SELECT count(*) FROM revisions", &[])
        .await
        .unwrap()
        .get(0);
    let status: String = client
        .query_one("SELECT status FROM submissions WHERE id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        (practices, areas, revisions, status.as_str()),
        (3, 5, 0, "pending")
    );
    assert_eq!(data_version(&app).await, version);

    // Uncorrupted, the same approval goes through and publishes the sources in order.
    client
        .execute("UPDATE submissions SET payload = jsonb_set(payload, '{policy_areas}', '[\"reception\"]') WHERE id = $1", &[&id])
        .await
        .unwrap();
    let approved = approve(&app, &moderator, id).await;
    let slug = approved["entity"]["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug, "potsdam-willkommensbuero");
    let sources: Vec<String> = client
        .query(
            "SELECT s.url FROM practice_sources s JOIN practices p ON p.id = s.practice_id WHERE p.slug = $1 ORDER BY position",
            &[&slug],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(sources, ["https://example.org/a", "https://example.org/b"]);
}

#[tokio::test]
async fn rejection_tells_the_submitter_why() {
    let app = TestApp::with_sample().await;
    let reference = submit(&app, city_proposal("Nowhere")).await;
    let id = submission_id(&app, &reference).await;
    let moderator = moderator(&app).await;
    let path = format!("/api/v1/moderation/submissions/{id}/reject");
    let missing = send(&app, "POST", &path, Some(json!({})), Some(&moderator)).await;
    assert_eq!(
        missing.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "reason"
    );
    let rejected = send(
        &app,
        "POST",
        &path,
        Some(json!({ "reason": "The source does not say so." })),
        Some(&moderator),
    )
    .await;
    assert_eq!(rejected.status, StatusCode::OK);
    let status = app
        .get(&format!("/api/v1/submissions/{reference}"))
        .await
        .json();
    assert_eq!(status["status"], "rejected");
    assert_eq!(status["reason"], "The source does not say so.");
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        None,
        Some(&moderator),
    )
    .await
    .problem(StatusCode::CONFLICT);
    send(
        &app,
        "POST",
        "/api/v1/moderation/submissions/999999/approve",
        None,
        Some(&moderator),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_correction_shows_its_diff_renames_keep_the_old_slug_and_reverts_restore() {
    let app = TestApp::with_sample().await;
    let body = json!({
        "kind": "correction",
        "target": { "type": "city", "slug": "koeln" },
        "payload": { "name": "Köln am Rhein", "website": "https://www.stadt-koeln.de" },
        "source_urls": ["https://www.stadt-koeln.de"]
    });
    let reference = submit(&app, body).await;
    let id = submission_id(&app, &reference).await;
    let moderator = moderator(&app).await;
    let queue = send(
        &app,
        "GET",
        "/api/v1/moderation/submissions",
        None,
        Some(&moderator),
    )
    .await
    .json();
    let item = &queue["submissions"][0];
    assert_eq!(item["target"]["slug"], "koeln");
    assert_eq!(
        item["diff"]["before"],
        json!({ "name": "Köln", "website": null })
    );
    assert_eq!(
        item["diff"]["after"],
        json!({ "name": "Köln am Rhein", "website": "https://www.stadt-koeln.de" })
    );

    let approved = approve(&app, &moderator, id).await;
    assert_eq!(approved["entity"]["slug"], "koeln-am-rhein");
    let client = db(&app).await;
    let redirect: String = client
        .query_one("SELECT c.slug FROM city_slug_redirects r JOIN cities c ON c.id = r.city_id WHERE r.slug = 'koeln'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(redirect, "koeln-am-rhein");

    // The old slug still finds the history.
    let history = app.get("/api/v1/cities/koeln/revisions").await.json();
    let revision = &history["revisions"][0];
    assert_eq!(revision["action"], "update");
    assert_eq!(
        revision["changes"]["website"],
        json!({ "before": null, "after": "https://www.stadt-koeln.de" })
    );
    assert_eq!(
        revision["changes"]["slug"],
        json!({ "before": "koeln", "after": "koeln-am-rhein" })
    );

    let revision_id = revision["id"].as_i64().unwrap();
    let user = confirmed_user(&app, "v@example.org", "V").await;
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/revisions/{revision_id}/revert"),
        None,
        Some(&user),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let reverted = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/revisions/{revision_id}/revert"),
        Some(json!({ "reason": "Official name is Köln." })),
        Some(&moderator),
    )
    .await;
    assert_eq!(reverted.status, StatusCode::OK, "{}", reverted.text());
    let row = client
        .query_one(
            "SELECT slug, name, website FROM cities WHERE ags = '05315000'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "koeln");
    assert_eq!(row.get::<_, String>(1), "Köln");
    assert_eq!(row.get::<_, Option<String>>(2), None);
    let history = app
        .get("/api/v1/cities/koeln-am-rhein/revisions")
        .await
        .json();
    assert_eq!(history["revisions"][0]["action"], "revert");
    assert_eq!(history["revisions"][0]["reverts"], revision_id);
    assert_eq!(history["revisions"][0]["reason"], "Official name is Köln.");
}

#[tokio::test]
async fn membership_and_demand_submissions_publish_with_revisions() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let membership = json!({
        "kind": "membership",
        "payload": { "city": "gdansk", "network": "iash", "status": "member", "since": "2022-03", "evidence_url": "https://example.org/gdansk-iash" },
        "source_urls": ["https://example.org/gdansk-iash"]
    });
    let id = submission_id(&app, &submit(&app, membership).await).await;
    let approved = approve(&app, &moderator, id).await;
    assert_eq!(approved["entity"]["type"], "membership");
    let demand = json!({
        "kind": "demand",
        "payload": { "city": "koeln", "demand": "admission_in_addition_quota", "decided": true, "fulfilled": false, "as_of": "2024" },
        "source_urls": ["https://example.org/koeln-2024"]
    });
    let reference = submit(&app, demand).await;
    let id = submission_id(&app, &reference).await;
    let queue = send(
        &app,
        "GET",
        "/api/v1/moderation/submissions",
        None,
        Some(&moderator),
    )
    .await
    .json();
    assert_eq!(
        queue["submissions"][0]["diff"]["before"]["fulfilled"],
        Value::Null
    );
    assert_eq!(queue["submissions"][0]["diff"]["before"]["as_of"], "2019");
    approve(&app, &moderator, id).await;
    let client = db(&app).await;
    let row = client
        .query_one(
            "SELECT fulfilled, as_of FROM safe_harbour_demands d JOIN cities c ON c.id = d.city_id
              WHERE c.slug = 'koeln' AND demand_key = 'admission_in_addition_quota'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<bool>>(0), Some(false));
    assert_eq!(row.get::<_, String>(1), "2024");
    let gdansk = app.get("/api/v1/cities/gdansk/revisions").await.json();
    assert_eq!(gdansk["revisions"][0]["entity_type"], "membership");
    assert_eq!(gdansk["revisions"][0]["after"]["network"], "iash");
    let koeln = app.get("/api/v1/cities/koeln/revisions").await.json();
    assert_eq!(koeln["revisions"][0]["entity_type"], "demand");
    assert_eq!(
        koeln["revisions"][0]["changes"]["fulfilled"],
        json!({ "before": null, "after": false })
    );
}

#[tokio::test]
async fn a_town_not_listed_registers_itself_through_a_verified_editor() {
    let app = TestApp::with_sample().await;
    let client = db(&app).await;
    let dinslaken: i64 = client
        .query_one("SELECT id FROM places WHERE name = 'Dinslaken'", &[])
        .await
        .unwrap()
        .get(0);

    send(
        &app,
        "POST",
        "/api/v1/editors/claims",
        Some(json!({ "place_id": dinslaken })),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    // An unconfirmed account may not even sign in (so it cannot claim).
    send(
        &app,
        "POST",
        "/api/v1/auth/register",
        Some(json!({ "email": "late@example.org", "password": crate::auth::PASSWORD, "display_name": "Late" })),
        None,
    )
    .await;
    send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "late@example.org", "password": crate::auth::PASSWORD })),
        None,
    )
    .await
    .problem(StatusCode::FORBIDDEN);

    let editor = confirmed_user(&app, "clerk@dinslaken.example", "Dinslaken clerk").await;
    let claim = send(
        &app,
        "POST",
        "/api/v1/editors/claims",
        Some(json!({ "place_id": dinslaken, "role_title": "Integrationsbeauftragte", "evidence": "https://www.dinslaken.de/team" })),
        Some(&editor),
    )
    .await;
    assert_eq!(claim.status, StatusCode::CREATED, "{}", claim.text());
    let claim = claim.json();
    assert_eq!(claim["status"], "pending");
    assert_eq!(claim["place"]["name"], "Dinslaken");
    assert_eq!(claim["city"], Value::Null);
    let again = send(
        &app,
        "POST",
        "/api/v1/editors/claims",
        Some(json!({ "place_id": dinslaken })),
        Some(&editor),
    )
    .await;
    assert_eq!(again.problem(StatusCode::CONFLICT)["field"], "place_id");
    let claim_id = claim["id"].as_i64().unwrap();

    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/claims/{claim_id}/verify"),
        None,
        Some(&editor),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let moderator = moderator(&app).await;
    let pending = send(
        &app,
        "GET",
        "/api/v1/moderation/claims",
        None,
        Some(&moderator),
    )
    .await
    .json();
    assert_eq!(
        pending["claims"][0]["user"]["email"],
        "clerk@dinslaken.example"
    );
    let verified = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/claims/{claim_id}/verify"),
        None,
        Some(&moderator),
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.text());
    assert_eq!(verified.json()["city"]["slug"], "dinslaken");
    let me = send(&app, "GET", "/api/v1/me", None, Some(&editor))
        .await
        .json();
    assert_eq!(me["claims"][0]["status"], "verified");
    assert_eq!(me["claims"][0]["city"]["slug"], "dinslaken");

    // The editor writes their own city, published at once and flagged for review...
    let version = data_version(&app).await;
    let patched = send(
        &app,
        "PATCH",
        "/api/v1/cities/dinslaken",
        Some(json!({ "website": "https://www.dinslaken.de", "summary": { "de": "Sicherer Hafen seit 2019." }, "reason": "Our own page" })),
        Some(&editor),
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    assert_eq!(
        patched.json()["city"]["website"],
        "https://www.dinslaken.de"
    );
    assert!(data_version(&app).await > version);
    // ...but not another city, nor with a javascript: URL, nor without the CSRF token.
    send(
        &app,
        "PATCH",
        "/api/v1/cities/koeln",
        Some(json!({ "population": 1 })),
        Some(&editor),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let hostile = send(
        &app,
        "PATCH",
        "/api/v1/cities/dinslaken",
        Some(json!({ "website": "javascript:alert(1)" })),
        Some(&editor),
    )
    .await;
    assert_eq!(
        hostile.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "website"
    );
    let no_csrf = Browser {
        csrf: String::new(),
        ..editor.clone()
    };
    send(
        &app,
        "PATCH",
        "/api/v1/cities/dinslaken",
        Some(json!({ "population": 1 })),
        Some(&no_csrf),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    send(
        &app,
        "PATCH",
        "/api/v1/cities/dinslaken",
        Some(json!({ "population": 1 })),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);

    // The editor adds a practice and changes it.
    let created = send(
        &app,
        "POST",
        "/api/v1/cities/dinslaken/practices",
        Some(json!({
            "original_lang": "de", "title": { "de": "Patenschaften <em>für</em> Neuankommende" },
            "summary": { "de": "Ehrenamtliche begleiten." }, "status": "active", "started": 2016,
            "policy_areas": ["social-inclusion", "reception"],
            "sources": [{ "url": "https://www.dinslaken.de/paten", "title": "Stadt Dinslaken" }]
        })),
        Some(&editor),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let practice = created.json()["practice"].clone();
    assert_eq!(
        practice["slug"],
        "dinslaken-patenschaften-em-fuer-em-neuankommende"
    );
    assert_eq!(
        practice["title"]["de"],
        "Patenschaften <em>für</em> Neuankommende"
    );
    assert_eq!(
        practice["policy_areas"],
        json!(["reception", "social-inclusion"])
    );
    let slug = practice["slug"].as_str().unwrap().to_owned();
    let changed = send(
        &app,
        "PATCH",
        &format!("/api/v1/practices/{slug}"),
        Some(json!({ "status": "ended", "ended": 2024 })),
        Some(&editor),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    send(
        &app,
        "PATCH",
        "/api/v1/practices/koeln-welcome-housing",
        Some(json!({ "status": "ended" })),
        Some(&editor),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let practice_history = app
        .get(&format!("/api/v1/practices/{slug}/revisions"))
        .await
        .json();
    assert_eq!(practice_history["revisions"].as_array().unwrap().len(), 2);
    assert_eq!(
        practice_history["revisions"][0]["author"],
        "Dinslaken clerk"
    );
    assert_eq!(
        practice_history["revisions"][0]["changes"]["status"],
        json!({ "before": "active", "after": "ended" })
    );

    // Moderators see the editor's revisions for follow-up and can mark them reviewed.
    let to_review = send(
        &app,
        "GET",
        "/api/v1/moderation/revisions",
        None,
        Some(&moderator),
    )
    .await
    .json();
    let ids: Vec<i64> = to_review["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let reviewed = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/revisions/{}/reviewed", ids[0]),
        None,
        Some(&moderator),
    )
    .await;
    assert_eq!(reviewed.status, StatusCode::OK);

    // Reverting the practice's creation unpublishes it.
    let reverted = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/revisions/{}/revert", ids[1]),
        None,
        Some(&moderator),
    )
    .await;
    assert_eq!(reverted.status, StatusCode::OK, "{}", reverted.text());
    let published: bool = client
        .query_one("SELECT published FROM practices WHERE slug = $1", &[&slug])
        .await
        .unwrap()
        .get(0);
    assert!(!published);

    // Withdrawing the claim ends the editor's rights, and the editor sees why.
    let withdrawn = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/claims/{claim_id}/withdraw"),
        Some(json!({ "reason": "Left the office." })),
        Some(&moderator),
    )
    .await;
    assert_eq!(withdrawn.json()["status"], "withdrawn");
    send(
        &app,
        "PATCH",
        "/api/v1/cities/dinslaken",
        Some(json!({ "population": 1 })),
        Some(&editor),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let me = send(&app, "GET", "/api/v1/me", None, Some(&editor))
        .await
        .json();
    assert_eq!(me["claims"][0]["reason"], "Left the office.");
}

/// The messages queued for `to`, oldest first, as (subject, body).
async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    db(app)
        .await
        .query(
            "SELECT subject, body FROM outbox WHERE to_address = $1 ORDER BY id",
            &[&to],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

#[tokio::test]
async fn city_officials_are_mailed_each_decision_in_their_language() {
    let app = TestApp::with_sample().await;
    let editor = confirmed_user(&app, "clerk@dinslaken.example", "Dinslaken clerk").await;
    let client = db(&app).await;
    client
        .execute(
            "UPDATE users SET preferred_lang = 'de' WHERE email = 'clerk@dinslaken.example'",
            &[],
        )
        .await
        .unwrap();
    let dinslaken: i64 = client
        .query_one("SELECT id FROM places WHERE name = 'Dinslaken'", &[])
        .await
        .unwrap()
        .get(0);
    let before = mails_to(&app, "clerk@dinslaken.example").await.len();
    let claim = send(
        &app,
        "POST",
        "/api/v1/editors/claims",
        Some(json!({ "place_id": dinslaken, "role_title": "Integrationsbeauftragte" })),
        Some(&editor),
    )
    .await
    .json();
    let moderator = moderator(&app).await;
    let claim_id = claim["id"].as_i64().unwrap();
    let verified = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/claims/{claim_id}/verify"),
        None,
        Some(&moderator),
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.text());
    let mails = mails_to(&app, "clerk@dinslaken.example").await;
    assert_eq!(mails.len(), before + 1);
    let (subject, body) = mails.last().unwrap();
    assert_eq!(subject, "Haven: Sie bearbeiten jetzt Dinslaken");
    assert!(body.contains("/?view=editor"), "{body}");

    // A suggestion sent from the account: its rejection is mailed with the reason.
    let mut proposal = city_proposal("Nirgendwo");
    proposal.as_object_mut().unwrap().remove("email");
    let sent = send(
        &app,
        "POST",
        "/api/v1/submissions",
        Some(proposal),
        Some(&editor),
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    let reference = sent.json()["reference"].as_str().unwrap().to_owned();
    let id = submission_id(&app, &reference).await;
    send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/reject"),
        Some(json!({ "reason": "Die Quelle sagt das nicht." })),
        Some(&moderator),
    )
    .await;
    let (subject, body) = mails_to(&app, "clerk@dinslaken.example")
        .await
        .pop()
        .unwrap();
    assert_eq!(
        subject,
        format!("Haven: Ihr Vorschlag {reference} wurde nicht veröffentlicht")
    );
    assert!(body.contains("Die Quelle sagt das nicht."), "{body}");
    assert!(
        body.contains(&format!("view=status&ref={reference}")),
        "{body}"
    );

    // An address typed into an anonymous suggestion was never confirmed: it gets nothing.
    let anonymous = submit(&app, city_proposal("Irgendwo")).await;
    let id = submission_id(&app, &anonymous).await;
    approve(&app, &moderator, id).await;
    assert!(mails_to(&app, "someone@example.org").await.is_empty());
}

#[tokio::test]
async fn a_moderator_corrects_a_suggestion_before_approving_it() {
    let app = TestApp::with_sample().await;
    let reference = submit(&app, city_proposal("Neustdat")).await;
    let id = submission_id(&app, &reference).await;
    let moderator = moderator(&app).await;
    let path = format!("/api/v1/moderation/submissions/{id}/approve");

    // A correction is read by the submission's rules: a bad one is refused, nothing written.
    let mut bad = city_proposal("Neustadt")["payload"].clone();
    bad["website"] = json!("javascript:alert(1)");
    let refused = send(
        &app,
        "POST",
        &path,
        Some(json!({ "payload": bad })),
        Some(&moderator),
    )
    .await;
    assert_eq!(
        refused.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "payload.website"
    );
    let status = app
        .get(&format!("/api/v1/submissions/{reference}"))
        .await
        .json();
    assert_eq!(status["status"], "pending");

    // Only an approval takes a payload.
    let rejected = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/reject"),
        Some(json!({ "reason": "typo", "payload": {} })),
        Some(&moderator),
    )
    .await;
    assert_eq!(
        rejected.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "payload"
    );

    let corrected = city_proposal("Neustadt")["payload"].clone();
    let approved = send(
        &app,
        "POST",
        &path,
        Some(json!({ "payload": corrected, "note": "Name spelt as the council writes it." })),
        Some(&moderator),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let approved = approved.json();
    assert_eq!(approved["entity"]["slug"], "neustadt");
    let row = db(&app)
        .await
        .query_one(
            "SELECT payload->>'name', submitted_payload->>'name' FROM submissions WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Neustadt");
    assert_eq!(row.get::<_, String>(1), "Neustdat", "what was sent is kept");
    let history = app.get("/api/v1/cities/neustadt/revisions").await.json();
    assert_eq!(history["revisions"][0]["after"]["name"], "Neustadt");
    assert_eq!(
        history["revisions"][0]["reason"],
        "Name spelt as the council writes it."
    );
}
