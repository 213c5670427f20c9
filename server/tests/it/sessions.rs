//! Sessions and credentials (issue 14, items 1, 3, 10 and 14): only confirmed addresses sign
//! in; a role or password change ends every session; idle and absolute limits; the list of
//! sessions, ending one and signing out everywhere; the password policy, the change-password
//! route and what a reset ends; reset confirmations are throttled.

use axum::http::StatusCode;
use serde_json::json;

use crate::auth::{Browser, PASSWORD, confirmed_user, db, login, mailed_link_token, request, send};
use crate::support::TestApp;

async fn create_moderator(app: &TestApp, email: &str, password: &str) {
    use diesel_async::AsyncConnection;
    let mut conn = diesel_async::AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    haven::auth::account::create_moderator(&mut conn, email, password.to_owned())
        .await
        .unwrap();
}

async fn signed_in(app: &TestApp, browser: &Browser) -> bool {
    let response = send(app, "GET", "/api/v1/me", None, Some(browser)).await;
    match response.status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => false,
        other => panic!("unexpected {other}: {}", response.text()),
    }
}

#[tokio::test]
async fn a_squatted_address_made_moderator_keeps_nothing_of_the_squatter() {
    let app = TestApp::new().await;
    // Someone registers the future moderator's address and never confirms it.
    let squat = json!({ "email": "mod@example.org", "password": "squatter password 1", "display_name": "S" });
    send(&app, "POST", "/api/v1/auth/register", Some(squat), None).await;
    let early = send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "mod@example.org", "password": "squatter password 1" })),
        None,
    )
    .await;
    early.problem(StatusCode::FORBIDDEN);
    assert!(early.headers.get("set-cookie").is_none());

    // The operator makes the address a moderator with a password of their own.
    create_moderator(&app, "mod@example.org", "the operator's own password").await;
    send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "mod@example.org", "password": "squatter password 1" })),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    let moderator = login(&app, "mod@example.org", "the operator's own password").await;
    let me = send(&app, "GET", "/api/v1/me", None, Some(&moderator))
        .await
        .json();
    assert_eq!(me["user"]["role"], "moderator");
    assert_eq!(me["user"]["email_confirmed"], true);
}

#[tokio::test]
async fn a_role_change_ends_every_session_of_the_account() {
    let app = TestApp::new().await;
    let first = confirmed_user(&app, "r@example.org", "R").await;
    let second = login(&app, "r@example.org", PASSWORD).await;
    assert!(signed_in(&app, &first).await && signed_in(&app, &second).await);
    // Made a moderator by the operator: the old sessions were a user's, they end.
    create_moderator(&app, "r@example.org", "the operator's own password").await;
    assert!(!signed_in(&app, &first).await);
    assert!(!signed_in(&app, &second).await);
    // Whoever changes the role (here plain SQL), the sessions end.
    let moderator = login(&app, "r@example.org", "the operator's own password").await;
    app.execute("UPDATE users SET role = 'user' WHERE email = 'r@example.org'")
        .await;
    assert!(!signed_in(&app, &moderator).await);
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_their_lifetime() {
    let app = TestApp::new().await;
    let user = confirmed_user(&app, "i@example.org", "I").await;
    let client = db(&app).await;
    let back = |interval: &'static str| {
        let client = &client;
        async move {
            client
                .execute(
                    &format!(
                        "UPDATE sessions SET last_seen_at = now() - interval '{interval}',
                                             created_at = now() - interval '{interval}'"
                    ),
                    &[],
                )
                .await
                .unwrap();
        }
    };
    // 11 hours idle: still signed in, and the use renews the session.
    back("11 hours").await;
    assert!(signed_in(&app, &user).await);
    let idle: bool = client
        .query_one(
            "SELECT last_seen_at > now() - interval '1 minute' FROM sessions",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(idle, "a use renews the session");
    back("13 hours").await;
    assert!(!signed_in(&app, &user).await, "12 hours idle end a session");

    // A moderator's session ends after 30 idle minutes and lives 12 hours at most.
    create_moderator(&app, "m@example.org", PASSWORD).await;
    let response = send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "m@example.org", "password": PASSWORD })),
        None,
    )
    .await;
    let cookie = response.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Max-Age=43200"), "{cookie}");
    let moderator = login(&app, "m@example.org", PASSWORD).await;
    back("20 minutes").await;
    assert!(signed_in(&app, &moderator).await);
    back("31 minutes").await;
    assert!(!signed_in(&app, &moderator).await);

    // The absolute limit holds however recently the session was used.
    let again = login(&app, "i@example.org", PASSWORD).await;
    client
        .execute(
            "UPDATE sessions SET expires_at = now() - interval '1 second'",
            &[],
        )
        .await
        .unwrap();
    assert!(!signed_in(&app, &again).await);
}

#[tokio::test]
async fn the_owner_lists_and_ends_sessions_and_signs_out_everywhere() {
    let app = TestApp::new().await;
    let laptop = confirmed_user(&app, "s@example.org", "S").await;
    let phone = login(&app, "s@example.org", PASSWORD).await;
    let other = confirmed_user(&app, "o@example.org", "O").await;

    let list = send(&app, "GET", "/api/v1/me/sessions", None, Some(&laptop)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let sessions = list.json()["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!(sessions[0]["current"], true);
    assert_eq!(sessions[1]["current"], false);
    for key in ["number", "created_at", "last_seen_at", "expires_at"] {
        assert!(!sessions[0][key].is_null(), "{key}");
    }
    let phone_number = sessions[1]["number"].as_i64().unwrap();

    // Another account cannot end this account's session.
    send(
        &app,
        "POST",
        &format!("/api/v1/me/sessions/{phone_number}/end"),
        None,
        Some(&other),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    assert!(signed_in(&app, &phone).await);
    // The owner can.
    let ended = send(
        &app,
        "POST",
        &format!("/api/v1/me/sessions/{phone_number}/end"),
        None,
        Some(&laptop),
    )
    .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text());
    assert!(!signed_in(&app, &phone).await);
    assert!(signed_in(&app, &laptop).await);

    let phone = login(&app, "s@example.org", PASSWORD).await;
    let everywhere = send(
        &app,
        "POST",
        "/api/v1/auth/logout-everywhere",
        None,
        Some(&laptop),
    )
    .await;
    assert_eq!(everywhere.status, StatusCode::NO_CONTENT);
    assert!(
        everywhere.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(!signed_in(&app, &laptop).await);
    assert!(!signed_in(&app, &phone).await);
    assert!(signed_in(&app, &other).await, "other accounts keep theirs");
}

#[tokio::test]
async fn the_password_policy_refuses_short_and_common_passwords() {
    let app = TestApp::new().await;
    for (password, says) in [
        ("elevenchars", "at least 12"),
        ("qwerty123456", "too common"),
        ("Sunshine2024!", "too common"),
    ] {
        let response = send(
            &app,
            "POST",
            "/api/v1/auth/register",
            Some(json!({ "email": "p@example.org", "password": password, "display_name": "P" })),
            None,
        )
        .await;
        let problem = response.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["field"], "password");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{password}: {problem}"
        );
    }
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_tells_the_owner() {
    let app = TestApp::new().await;
    let here = confirmed_user(&app, "c@example.org", "C").await;
    let elsewhere = login(&app, "c@example.org", PASSWORD).await;
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
    let wrong = send(
        &app,
        "POST",
        "/api/v1/me/password",
        Some(change("not my password", "a fresh long password")),
        Some(&here),
    )
    .await;
    assert_eq!(
        wrong.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "current_password"
    );
    let weak = send(
        &app,
        "POST",
        "/api/v1/me/password",
        Some(change(PASSWORD, "password1234")),
        Some(&here),
    )
    .await;
    assert_eq!(
        weak.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "new_password"
    );
    let done = send(
        &app,
        "POST",
        "/api/v1/me/password",
        Some(change(PASSWORD, "a fresh long password")),
        Some(&here),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let cookie = done.headers["set-cookie"].to_str().unwrap();
    let renewed = Browser {
        cookie: cookie.split(';').next().unwrap().to_owned(),
        csrf: done.json()["csrf_token"].as_str().unwrap().to_owned(),
    };
    assert!(
        signed_in(&app, &renewed).await,
        "this browser stays signed in"
    );
    assert!(!signed_in(&app, &here).await, "its old session ended");
    assert!(
        !signed_in(&app, &elsewhere).await,
        "every other session ended"
    );
    login(&app, "c@example.org", "a fresh long password").await;
    let subject: String = db(&app)
        .await
        .query_one(
            "SELECT subject FROM outbox WHERE to_address = 'c@example.org' ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(subject.contains("password was changed"), "{subject}");
}

#[tokio::test]
async fn a_reset_ends_the_other_reset_links_and_tells_the_owner() {
    let app = TestApp::new().await;
    confirmed_user(&app, "t@example.org", "T").await;
    let ask = || {
        send(
            &app,
            "POST",
            "/api/v1/auth/password-reset",
            Some(json!({ "email": "t@example.org" })),
            None,
        )
    };
    ask().await;
    let first = mailed_link_token(&app, "t@example.org", "/reset-password").await;
    ask().await;
    let client = db(&app).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let second = loop {
        let token = mailed_link_token(&app, "t@example.org", "/reset-password").await;
        if token != first {
            break token;
        }
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let reset = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset/confirm",
        Some(json!({ "token": second, "password": "a fresh long password" })),
        None,
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
    let stale = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset/confirm",
        Some(json!({ "token": first, "password": "yet another long password" })),
        None,
    )
    .await;
    assert_eq!(stale.problem(StatusCode::BAD_REQUEST)["field"], "token");
    let subject: String = client
        .query_one(
            "SELECT subject FROM outbox WHERE to_address = 't@example.org' ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(subject.contains("password was changed"), "{subject}");
}

#[tokio::test]
async fn reset_confirmations_are_throttled_per_client() {
    let app = TestApp::new().await;
    let body = json!({ "token": "0".repeat(64), "password": "a fresh long password" });
    for _ in 0..20 {
        app.request(request(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            Some(body.clone()),
            None,
            [10, 9, 0, 1],
        ))
        .await
        .problem(StatusCode::BAD_REQUEST);
    }
    let refused = app
        .request(request(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            Some(body.clone()),
            None,
            [10, 9, 0, 1],
        ))
        .await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
    app.request(request(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        Some(body),
        None,
        [10, 9, 0, 2],
    ))
    .await
    .problem(StatusCode::BAD_REQUEST);
}
