//! Text that must never reach a query: over-long strings and NUL, control or bidi-override
//! characters in any body field or path segment answer a 4xx problem naming the field, never
//! a 500, and nothing is stored.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::{Browser, PASSWORD, db, moderator, send};
use crate::submissions::city_proposal;
use crate::support::TestApp;

/// `(status, field)` of the problem `method path body` answers.
async fn refused(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    browser: Option<&Browser>,
) -> (StatusCode, String) {
    let response = send(app, method, path, body, browser).await;
    assert!(
        response.status.is_client_error(),
        "{method} {path}: {} {}",
        response.status,
        response.text()
    );
    let problem = response.problem(response.status);
    (
        response.status,
        problem["field"].as_str().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn an_8_kb_login_e_mail_is_refused_naming_the_field() {
    let app = TestApp::new().await;
    let long = format!("{}@example.org", "a".repeat(8192));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/register",
        "/api/v1/auth/password-reset",
    ] {
        let body = json!({ "email": long, "password": PASSWORD, "display_name": "A" });
        let body = if path.ends_with("reset") {
            json!({ "email": long })
        } else if path.ends_with("login") {
            json!({ "email": long, "password": PASSWORD })
        } else {
            body
        };
        assert_eq!(
            refused(&app, "POST", path, Some(body), None).await,
            (StatusCode::UNPROCESSABLE_ENTITY, "email".to_owned()),
            "{path}"
        );
    }
    let users: i64 = db(&app)
        .await
        .query_one("SELECT count(*) FROM users", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(users, 0);
}

#[tokio::test]
async fn nul_and_bidi_overrides_in_body_fields_are_refused_naming_the_field() {
    let app = TestApp::with_sample().await;
    let moderator = moderator(&app).await;
    let nul = "a\u{0}b";
    let mut message = city_proposal("Nultown");
    message["message"] = json!(nul);
    let mut name = city_proposal("Nultown");
    name["payload"]["name"] = json!("Null\u{202E}town");
    let cases = [
        (
            "POST",
            "/api/v1/auth/login".to_owned(),
            json!({ "email": nul, "password": PASSWORD }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            "POST",
            "/api/v1/submissions".to_owned(),
            message,
            StatusCode::UNPROCESSABLE_ENTITY,
            "message",
        ),
        (
            "POST",
            "/api/v1/submissions".to_owned(),
            name,
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.name",
        ),
        (
            "POST",
            "/api/v1/editors/claims".to_owned(),
            json!({ "city": "koeln", "role_title": nul }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "role_title",
        ),
        (
            "POST",
            "/api/v1/editors/claims".to_owned(),
            json!({ "city": "koeln", "evidence": nul }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "evidence",
        ),
        (
            "PATCH",
            "/api/v1/cities/koeln".to_owned(),
            json!({ "name": nul }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            "PATCH",
            "/api/v1/practices/palermo-charter".to_owned(),
            json!({ "contact": nul }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contact",
        ),
        (
            "POST",
            "/api/v1/moderation/revisions/1/revert".to_owned(),
            json!({ "reason": nul }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        ),
    ];
    for (method, path, body, status, field) in cases {
        assert_eq!(
            refused(&app, method, &path, Some(body.clone()), Some(&moderator)).await,
            (status, field.to_owned()),
            "{method} {path} {body}"
        );
    }
    let client = db(&app).await;
    let stored: i64 = client
        .query_one(
            "SELECT (SELECT count(*) FROM submissions) + (SELECT count(*) FROM city_editors)
                  + (SELECT count(*) FROM revisions)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn nul_in_a_path_segment_is_refused_naming_it() {
    let app = TestApp::with_sample().await;
    for (path, field) in [
        ("/api/v1/submissions/a%00b", "reference"),
        ("/api/v1/cities/a%00b/revisions", "slug"),
        ("/api/v1/practices/a%00b/revisions", "slug"),
        ("/api/v1/cities/a%00b", "slug"),
        ("/api/v1/practices/a%E2%80%AEb", "slug"),
    ] {
        assert_eq!(
            refused(&app, "GET", path, None, None).await,
            (StatusCode::BAD_REQUEST, field.to_owned()),
            "{path}"
        );
    }
}
