//! Accounts and sessions: registration without enumeration, confirmation, login throttling,
//! cookies, CSRF and Origin checks, password reset. Also the helpers the moderation suites use.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use haven::config::Config;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, fresh_database};

pub const PASSWORD: &str = "correct horse battery";

/// A signed-in browser: its cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

/// A JSON request from `ip`, with the browser's cookie and CSRF token when given.
pub fn request(
    method: &str,
    path: &str,
    body: Option<Value>,
    browser: Option<&Browser>,
    ip: [u8; 4],
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "haven.test");
    if let Some(browser) = browser {
        builder = builder
            .header("cookie", &browser.cookie)
            .header("x-csrf-token", &browser.csrf);
    }
    let body = match body {
        Some(body) => {
            builder = builder.header("content-type", "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    let mut request = builder.body(body).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 4000))));
    request
}

pub async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    browser: Option<&Browser>,
) -> TestResponse {
    app.request(request(method, path, body, browser, [10, 0, 0, 1]))
        .await
}

/// A database client for assertions and set-up.
pub async fn db(app: &TestApp) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// The token in the newest mail with a token to `email`.
pub async fn mailed_token(app: &TestApp, email: &str) -> String {
    mailed_link_token(app, email, "").await
}

/// The token of the newest link to `path` (`/reset-password`; empty: any) mailed to `email`,
/// waiting for it a little: reset mail is written after the answer.
pub async fn mailed_link_token(app: &TestApp, email: &str, path: &str) -> String {
    let pattern = format!("%{path}?token=%");
    let client = db(app).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let body: String = loop {
        let row = client
            .query_opt(
                "SELECT body FROM outbox WHERE to_address = $1 AND body LIKE $2
                  ORDER BY id DESC LIMIT 1",
                &[&email, &pattern],
            )
            .await
            .unwrap();
        if let Some(row) = row {
            break row.get(0);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail with a token to {email}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    body.split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

pub async fn login(app: &TestApp, email: &str, password: &str) -> Browser {
    let response = send(
        app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": email, "password": password })),
        None,
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let cookie = response
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let csrf = response.json()["csrf_token"].as_str().unwrap().to_owned();
    Browser { cookie, csrf }
}

/// Registers, confirms and logs in an account.
pub async fn confirmed_user(app: &TestApp, email: &str, name: &str) -> Browser {
    let response = send(
        app,
        "POST",
        "/api/v1/auth/register",
        Some(json!({ "email": email, "password": PASSWORD, "display_name": name })),
        None,
    )
    .await;
    assert_eq!(response.status, StatusCode::ACCEPTED, "{}", response.text());
    let token = mailed_token(app, email).await;
    let confirmed = send(
        app,
        "POST",
        "/api/v1/auth/confirm",
        Some(json!({ "token": token })),
        None,
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
    login(app, email, PASSWORD).await
}

/// A moderator made the way `haven admin create-moderator` makes one, logged in.
pub async fn moderator(app: &TestApp) -> Browser {
    use diesel_async::AsyncConnection;
    let mut conn = diesel_async::AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    haven::auth::account::create_moderator(&mut conn, "mod@haven.test", PASSWORD.to_owned())
        .await
        .unwrap();
    login(app, "mod@haven.test", PASSWORD).await
}

#[tokio::test]
async fn register_confirm_login_me_logout() {
    let app = TestApp::new().await;
    let response = send(
        &app,
        "POST",
        "/api/v1/auth/register",
        Some(json!({ "email": "ana@example.org", "password": PASSWORD, "display_name": "Ana", "lang": "de" })),
        None,
    )
    .await;
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(response.json(), json!({ "status": "check_your_mail" }));
    let mail = db(&app)
        .await
        .query_one("SELECT subject FROM outbox", &[])
        .await
        .unwrap();
    assert!(
        mail.get::<_, String>(0).contains("bestätigen"),
        "mail in the account's language"
    );

    // The right password of an unconfirmed address does not sign in.
    let early = send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "ana@example.org", "password": PASSWORD })),
        None,
    )
    .await;
    assert!(
        early.problem(StatusCode::FORBIDDEN)["detail"]
            .as_str()
            .unwrap()
            .contains("Confirm your e-mail address")
    );

    let token = mailed_token(&app, "ana@example.org").await;
    let confirmed = send(
        &app,
        "POST",
        "/api/v1/auth/confirm",
        Some(json!({ "token": token })),
        None,
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK);
    let again = send(
        &app,
        "POST",
        "/api/v1/auth/confirm",
        Some(json!({ "token": token })),
        None,
    )
    .await;
    assert_eq!(again.problem(StatusCode::BAD_REQUEST)["field"], "token");
    let browser = login(&app, "ANA@example.org", PASSWORD).await;
    let me = send(&app, "GET", "/api/v1/me", None, Some(&browser))
        .await
        .json();
    assert_eq!(me["user"]["email_confirmed"], true);
    assert_eq!(me["user"]["role"], "user");
    assert_eq!(me["user"]["display_name"], "Ana");
    assert_eq!(me["csrf_token"], browser.csrf.as_str());
    assert_eq!(me["claims"], json!([]));

    // Only a hash of the cookie is stored.
    let stored: String = db(&app)
        .await
        .query_one("SELECT id FROM sessions", &[])
        .await
        .unwrap()
        .get(0);
    assert!(!browser.cookie.contains(&stored));

    let out = send(&app, "POST", "/api/v1/auth/logout", None, Some(&browser)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    send(&app, "GET", "/api/v1/me", None, Some(&browser))
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_cookie_is_httponly_lax_and_secure_behind_https() {
    let app = TestApp::new().await;
    confirmed_user(&app, "a@example.org", "A").await;
    let response = send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "a@example.org", "password": PASSWORD })),
        None,
    )
    .await;
    let cookie = response
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "{cookie}");

    let config = Config {
        public_url: Some("https://haven.example.org".to_owned()),
        ..Config::default()
    };
    let https = TestApp::over(app.database_url.clone(), config).await;
    let response = send(
        &https,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "a@example.org", "password": PASSWORD })),
        None,
    )
    .await;
    assert!(
        response
            .headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
}

#[tokio::test]
async fn registration_does_not_tell_whether_an_address_has_an_account() {
    let app = TestApp::new().await;
    let body = json!({ "email": "b@example.org", "password": PASSWORD, "display_name": "B" });
    let first = send(
        &app,
        "POST",
        "/api/v1/auth/register",
        Some(body.clone()),
        None,
    )
    .await;
    let mut other = body.clone();
    other["email"] = json!("B@Example.org");
    other["password"] = json!("another password 123");
    let second = send(&app, "POST", "/api/v1/auth/register", Some(other), None).await;
    assert_eq!(first.status, second.status);
    assert_eq!(first.body, second.body);
    let client = db(&app).await;
    let users: i64 = client
        .query_one("SELECT count(*) FROM users", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(users, 1);
    let subjects: Vec<String> = client
        .query("SELECT subject FROM outbox ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(subjects.len(), 2);
    assert!(subjects[1].contains("already exists"), "{subjects:?}");
    // The first password still holds.
    let confirm_token = {
        let row = client
            .query_one(
                "SELECT body FROM outbox WHERE subject LIKE '%confirm%' ORDER BY id LIMIT 1",
                &[],
            )
            .await
            .unwrap();
        let body: String = row.get(0);
        body.split("token=").nth(1).unwrap().trim().to_owned()
    };
    send(
        &app,
        "POST",
        "/api/v1/auth/confirm",
        Some(json!({ "token": confirm_token })),
        None,
    )
    .await;
    login(&app, "b@example.org", PASSWORD).await;
}

#[tokio::test]
async fn registration_refuses_bad_input_naming_the_field() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({ "email": "c@example.org", "password": "short", "display_name": "C" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "password",
        ),
        (
            json!({ "email": "not an address", "password": PASSWORD, "display_name": "C" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            json!({ "email": "c@example.org", "password": PASSWORD, "display_name": "" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "display_name",
        ),
        (
            json!({ "email": "c@example.org", "password": PASSWORD }),
            StatusCode::BAD_REQUEST,
            "display_name",
        ),
        (
            json!({ "email": "c@example.org", "password": PASSWORD, "display_name": "C", "role": "admin" }),
            StatusCode::BAD_REQUEST,
            "role",
        ),
    ];
    for (body, status, field) in cases {
        let response = send(&app, "POST", "/api/v1/auth/register", Some(body), None).await;
        assert_eq!(response.problem(status)["field"], field);
    }
    let broken = app
        .request({
            let mut request = request("POST", "/api/v1/auth/register", None, None, [10, 0, 0, 1]);
            request
                .headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            *request.body_mut() = Body::from("{not json");
            request
        })
        .await;
    broken.problem(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn login_is_throttled_per_account_with_retry_after() {
    let app = TestApp::new().await;
    confirmed_user(&app, "d@example.org", "D").await;
    let wrong = json!({ "email": "d@example.org", "password": "wrong password!" });
    for attempt in 0..5u8 {
        let response = app
            .request(request(
                "POST",
                "/api/v1/auth/login",
                Some(wrong.clone()),
                None,
                [10, 1, 0, attempt],
            ))
            .await;
        response.problem(StatusCode::UNAUTHORIZED);
    }
    // From yet another client, even the right password waits now.
    let right = json!({ "email": "d@example.org", "password": PASSWORD });
    let response = app
        .request(request(
            "POST",
            "/api/v1/auth/login",
            Some(right),
            None,
            [10, 2, 0, 1],
        ))
        .await;
    response.problem(StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry));
    // The limit lives in the database, shared by every instance, keyed on a hash of the
    // address (so a long address cannot make the key too long).
    let bucket = format!(
        "login-account:{}",
        haven::auth::token::hash_token("d@example.org")
    );
    let hits: i32 = db(&app)
        .await
        .query_one("SELECT hits FROM rate_limits WHERE bucket = $1", &[&bucket])
        .await
        .unwrap()
        .get(0);
    assert_eq!(hits, 5);
}

#[tokio::test]
async fn login_is_throttled_per_client() {
    let app = TestApp::new().await;
    for n in 0..20 {
        let body =
            json!({ "email": format!("nobody{n}@example.org"), "password": "wrong password!" });
        app.request(request(
            "POST",
            "/api/v1/auth/login",
            Some(body),
            None,
            [10, 3, 0, 1],
        ))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    }
    let body = json!({ "email": "someone@example.org", "password": "wrong password!" });
    let response = app
        .request(request(
            "POST",
            "/api/v1/auth/login",
            Some(body.clone()),
            None,
            [10, 3, 0, 1],
        ))
        .await;
    response.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers.contains_key("retry-after"));
    // Another client is not affected.
    let other = app
        .request(request(
            "POST",
            "/api/v1/auth/login",
            Some(body),
            None,
            [10, 3, 0, 2],
        ))
        .await;
    other.problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forwarded_for_counts_only_when_trusted() {
    let database_url = fresh_database().await;
    let trusting = TestApp::over(
        database_url.clone(),
        Config {
            trust_forwarded_for: true,
            ..Config::default()
        },
    )
    .await;
    let plain = TestApp::over(database_url, Config::default()).await;
    for n in 0..20u8 {
        let body = json!({ "email": format!("x{n}@example.org"), "password": "wrong password!" });
        let mut req = request(
            "POST",
            "/api/v1/auth/login",
            Some(body),
            None,
            [10, 4, 0, 1],
        );
        req.headers_mut()
            .insert("x-forwarded-for", format!("192.0.2.{n}").parse().unwrap());
        plain.request(req).await.problem(StatusCode::UNAUTHORIZED);
    }
    // Without trust, the changing header did not help: the socket address counted.
    let body = json!({ "email": "y@example.org", "password": "wrong password!" });
    let mut req = request(
        "POST",
        "/api/v1/auth/login",
        Some(body.clone()),
        None,
        [10, 4, 0, 1],
    );
    req.headers_mut()
        .insert("x-forwarded-for", "192.0.2.99".parse().unwrap());
    plain
        .request(req)
        .await
        .problem(StatusCode::TOO_MANY_REQUESTS);
    // With trust, the proxy's last hop is the client.
    let mut req = request(
        "POST",
        "/api/v1/auth/login",
        Some(body),
        None,
        [10, 4, 0, 1],
    );
    req.headers_mut()
        .insert("x-forwarded-for", "spoofed, 192.0.2.99".parse().unwrap());
    trusting
        .request(req)
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token_and_a_matching_origin() {
    let app = TestApp::new().await;
    let browser = confirmed_user(&app, "e@example.org", "E").await;
    let no_token = Browser {
        csrf: String::new(),
        ..browser.clone()
    };
    send(&app, "POST", "/api/v1/auth/logout", None, Some(&no_token))
        .await
        .problem(StatusCode::FORBIDDEN);
    let wrong = Browser {
        csrf: "0".repeat(64),
        ..browser.clone()
    };
    send(&app, "POST", "/api/v1/auth/logout", None, Some(&wrong))
        .await
        .problem(StatusCode::FORBIDDEN);
    let mut foreign = request(
        "POST",
        "/api/v1/auth/logout",
        None,
        Some(&browser),
        [10, 0, 0, 1],
    );
    foreign
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    app.request(foreign).await.problem(StatusCode::FORBIDDEN);
    let mut own = request(
        "POST",
        "/api/v1/auth/logout",
        None,
        Some(&browser),
        [10, 0, 0, 1],
    );
    own.headers_mut()
        .insert("origin", "http://haven.test".parse().unwrap());
    assert_eq!(app.request(own).await.status, StatusCode::NO_CONTENT);
    // Reads need no token.
    send(&app, "GET", "/api/v1/me", None, None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn password_reset_sets_a_new_password_and_ends_sessions() {
    let app = TestApp::new().await;
    let old = confirmed_user(&app, "f@example.org", "F").await;
    let client = db(&app).await;
    let before: i64 = client
        .query_one("SELECT count(*) FROM outbox", &[])
        .await
        .unwrap()
        .get(0);
    let unknown = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset",
        Some(json!({ "email": "ghost@example.org" })),
        None,
    )
    .await;
    let known = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset",
        Some(json!({ "email": "f@example.org" })),
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    assert_eq!(unknown.body, known.body);
    // The mail is written after the answer (the same time for both).
    let token = mailed_link_token(&app, "f@example.org", "/reset-password").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after: i64 = client
        .query_one("SELECT count(*) FROM outbox", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(after, before + 1, "only the real account gets mail");

    let short = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset/confirm",
        Some(json!({ "token": token, "password": "short" })),
        None,
    )
    .await;
    assert_eq!(
        short.problem(StatusCode::UNPROCESSABLE_ENTITY)["field"],
        "password"
    );
    let done = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset/confirm",
        Some(json!({ "token": token, "password": "a brand new password" })),
        None,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    send(&app, "GET", "/api/v1/me", None, Some(&old))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    send(
        &app,
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "f@example.org", "password": PASSWORD })),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    login(&app, "f@example.org", "a brand new password").await;
    let reused = send(
        &app,
        "POST",
        "/api/v1/auth/password-reset/confirm",
        Some(json!({ "token": token, "password": "yet another password" })),
        None,
    )
    .await;
    assert_eq!(reused.problem(StatusCode::BAD_REQUEST)["field"], "token");
}
