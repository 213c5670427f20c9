//! What moderation keeps private and bounded (issue 14, items 7, 8 and 9): the history of
//! unpublished content is for moderators and the city's editors; the submitter's message never
//! becomes the public reason; claims and submissions are throttled per account and per
//! address; the queues page through everything, newest first.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{confirmed_user, db, moderator, request, send};
use crate::submissions::{city_proposal, submit};
use crate::support::TestApp;

async fn submission_id(app: &TestApp, reference: &str) -> i64 {
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

#[tokio::test]
async fn the_private_message_never_becomes_the_public_reason() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let mut proposal = city_proposal("Stillhafen");
    proposal["message"] = json!("Private: call me on 0171 2345678.");
    let id = submission_id(&app, &submit(&app, proposal).await).await;
    let approved = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        None,
        Some(&moderator),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let slug = approved.json()["entity"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let history = app.get(&format!("/api/v1/cities/{slug}/revisions")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.json()["revisions"][0]["reason"], Value::Null);
    assert!(!history.text().contains("0171"), "{}", history.text());
    // A moderator's note is the public reason.
    let mut proposal = city_proposal("Notehafen");
    proposal["message"] = json!("Private again.");
    let id = submission_id(&app, &submit(&app, proposal).await).await;
    let approved = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        Some(json!({ "note": "Council decision of 3 May." })),
        Some(&moderator),
    )
    .await;
    let slug = approved.json()["entity"]["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let history = app
        .get(&format!("/api/v1/cities/{slug}/revisions"))
        .await
        .json();
    assert_eq!(
        history["revisions"][0]["reason"],
        "Council decision of 3 May."
    );
}

#[tokio::test]
async fn the_history_of_unpublished_content_is_for_moderators_and_editors() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    // A city published by approval, then reverted: unpublished again.
    let id = submission_id(&app, &submit(&app, city_proposal("Kurzhafen")).await).await;
    let approved = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/submissions/{id}/approve"),
        None,
        Some(&moderator),
    )
    .await
    .json();
    let slug = approved["entity"]["slug"].as_str().unwrap().to_owned();
    let revision = approved["revision_id"].as_i64().unwrap();
    let reverted = send(
        &app,
        "POST",
        &format!("/api/v1/moderation/revisions/{revision}/revert"),
        Some(json!({ "reason": "Not a real town." })),
        Some(&moderator),
    )
    .await;
    assert_eq!(reverted.status, StatusCode::OK, "{}", reverted.text());
    app.get(&format!("/api/v1/cities/{slug}"))
        .await
        .problem(StatusCode::NOT_FOUND);
    let path = format!("/api/v1/cities/{slug}/revisions");
    app.get(&path).await.problem(StatusCode::NOT_FOUND);
    let stranger = confirmed_user(&app, "x@example.org", "X").await;
    send(&app, "GET", &path, None, Some(&stranger))
        .await
        .problem(StatusCode::NOT_FOUND);
    let seen = send(&app, "GET", &path, None, Some(&moderator)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text());
    assert_eq!(seen.json()["revisions"].as_array().unwrap().len(), 2);

    // An unpublished practice: its city's verified editor sees the history, others do not.
    app.execute("UPDATE practices SET published = false WHERE slug = 'koeln-welcome-housing'")
        .await;
    let editor = confirmed_user(&app, "clerk@koeln.example", "Clerk").await;
    app.execute(
        "INSERT INTO city_editors (user_id, city_id, status)
         SELECT u.id, c.id, 'verified' FROM users u, cities c
          WHERE u.email = 'clerk@koeln.example' AND c.slug = 'koeln'",
    )
    .await;
    let path = "/api/v1/practices/koeln-welcome-housing/revisions";
    app.get(path).await.problem(StatusCode::NOT_FOUND);
    send(&app, "GET", path, None, Some(&stranger))
        .await
        .problem(StatusCode::NOT_FOUND);
    assert_eq!(
        send(&app, "GET", path, None, Some(&editor)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, "GET", path, None, Some(&moderator)).await.status,
        StatusCode::OK
    );
    // Published content keeps its public history.
    assert_eq!(
        app.get("/api/v1/practices/gdansk-immigrants-council/revisions")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn claims_are_throttled_per_account_and_per_address() {
    let app = TestApp::with_sample().await;
    let claim = json!({ "city": "koeln", "role_title": "Clerk" });
    let first = confirmed_user(&app, "a1@example.org", "A1").await;
    for n in 0..10u8 {
        let response = app
            .request(request(
                "POST",
                "/api/v1/editors/claims",
                Some(claim.clone()),
                Some(&first),
                [10, 6, 0, n],
            ))
            .await;
        assert!(
            [StatusCode::CREATED, StatusCode::CONFLICT].contains(&response.status),
            "{}",
            response.text()
        );
    }
    let refused = app
        .request(request(
            "POST",
            "/api/v1/editors/claims",
            Some(claim.clone()),
            Some(&first),
            [10, 6, 0, 99],
        ))
        .await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));

    // From one address, 20 claims of any accounts.
    for n in 0..4u8 {
        let account = confirmed_user(&app, &format!("b{n}@example.org"), "B").await;
        for _ in 0..5 {
            let response = app
                .request(request(
                    "POST",
                    "/api/v1/editors/claims",
                    Some(claim.clone()),
                    Some(&account),
                    [10, 6, 1, 1],
                ))
                .await;
            assert_ne!(response.status, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    let fresh = confirmed_user(&app, "c@example.org", "C").await;
    app.request(request(
        "POST",
        "/api/v1/editors/claims",
        Some(claim.clone()),
        Some(&fresh),
        [10, 6, 1, 1],
    ))
    .await
    .problem(StatusCode::TOO_MANY_REQUESTS);
    let other_address = app
        .request(request(
            "POST",
            "/api/v1/editors/claims",
            Some(claim),
            Some(&fresh),
            [10, 6, 1, 2],
        ))
        .await;
    assert_eq!(
        other_address.status,
        StatusCode::CREATED,
        "{}",
        other_address.text()
    );
}

#[tokio::test]
async fn signed_in_submissions_are_throttled_per_account() {
    let app = TestApp::with_sample().await;
    let user = confirmed_user(&app, "s@example.org", "S").await;
    for n in 0..10u8 {
        let response = app
            .request(request(
                "POST",
                "/api/v1/submissions",
                Some(city_proposal(&format!("Ort {n}"))),
                Some(&user),
                [10, 6, 2, n],
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    }
    app.request(request(
        "POST",
        "/api/v1/submissions",
        Some(city_proposal("Ort 11")),
        Some(&user),
        [10, 6, 2, 200],
    ))
    .await
    .problem(StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_queues_page_through_everything_newest_first() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    // 600 claims waiting (as a flood leaves them), then a genuine one.
    app.execute(
        "INSERT INTO users (email, display_name, password_hash, email_confirmed_at)
         SELECT 'flood' || n || '@example.org', 'F', '$argon2id$x', now() FROM generate_series(1, 600) n;
         INSERT INTO city_editors (user_id, city_id, status, created_at)
         SELECT u.id, (SELECT id FROM cities WHERE slug = 'koeln'), 'pending', now() - interval '1 hour'
           FROM users u WHERE u.email LIKE 'flood%'",
    )
    .await;
    let genuine = confirmed_user(&app, "genuine@potsdam.example", "G").await;
    let claimed = send(
        &app,
        "POST",
        "/api/v1/editors/claims",
        Some(json!({ "city": "potsdam" })),
        Some(&genuine),
    )
    .await;
    assert_eq!(claimed.status, StatusCode::CREATED, "{}", claimed.text());
    let page = send(
        &app,
        "GET",
        "/api/v1/moderation/claims?limit=100",
        None,
        Some(&moderator),
    )
    .await
    .json();
    assert_eq!(page["total"], 601);
    assert_eq!(page["next_offset"], 100);
    assert_eq!(page["claims"].as_array().unwrap().len(), 100);
    assert_eq!(
        page["claims"][0]["user"]["email"], "genuine@potsdam.example",
        "{}",
        page["claims"][0]
    );
    let mut seen = 0;
    let mut offset = Some(0);
    while let Some(at) = offset {
        let page = send(
            &app,
            "GET",
            &format!("/api/v1/moderation/claims?limit=250&offset={at}"),
            None,
            Some(&moderator),
        )
        .await
        .json();
        seen += page["claims"].as_array().unwrap().len();
        offset = page["next_offset"].as_i64();
    }
    assert_eq!(seen, 601, "every claim is reachable");

    // Submissions: newest first, paged.
    for n in 0..3 {
        submit(&app, city_proposal(&format!("Hafen {n}"))).await;
    }
    let page = send(
        &app,
        "GET",
        "/api/v1/moderation/submissions?limit=2",
        None,
        Some(&moderator),
    )
    .await
    .json();
    assert_eq!(page["total"], 3);
    assert_eq!(page["next_offset"], 2);
    assert_eq!(page["submissions"][0]["payload"]["name"], "Hafen 2");
    let last = send(
        &app,
        "GET",
        "/api/v1/moderation/submissions?limit=2&offset=2",
        None,
        Some(&moderator),
    )
    .await
    .json();
    assert_eq!(last["submissions"][0]["payload"]["name"], "Hafen 0");
    assert_eq!(last["next_offset"], Value::Null);
    send(
        &app,
        "GET",
        "/api/v1/moderation/submissions?offset=-1",
        None,
        Some(&moderator),
    )
    .await
    .problem(StatusCode::BAD_REQUEST);
}
