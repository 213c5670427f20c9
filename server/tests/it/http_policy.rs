//! What every answer carries and refuses (issue 14, items 6, 11, 12 and 13): links in mail
//! never follow a request's `Host`; JSON bodies must say they are JSON and writes must come
//! from Haven's own origin; the security headers (and a route's own policy wins); every error
//! the HTTP stack answers by itself is a problem document.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use haven::config::Config;
use serde_json::json;

use crate::auth::{PASSWORD, confirmed_user, db, mailed_link_token, moderator, request, send};
use crate::support::{TestApp, TestResponse, fresh_database};

#[tokio::test]
async fn links_in_mail_never_follow_the_request_host() {
    let database_url = fresh_database().await;
    // No public URL: the address Haven listens on.
    let plain = TestApp::over(
        database_url.clone(),
        Config {
            listen: "127.0.0.1:8123".parse().unwrap(),
            ..Config::default()
        },
    )
    .await;
    let forged = |path: &str, body: serde_json::Value| {
        let mut request = request("POST", path, Some(body), None, [10, 7, 0, 1]);
        request
            .headers_mut()
            .insert("host", "evil.example".parse().unwrap());
        request
    };
    plain
        .request(forged(
            "/api/v1/auth/register",
            json!({ "email": "h@example.org", "password": PASSWORD, "display_name": "H" }),
        ))
        .await;
    let body: String = db(&plain)
        .await
        .query_one(
            "SELECT body FROM outbox WHERE to_address = 'h@example.org'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        body.contains("http://127.0.0.1:8123/confirm-email?token="),
        "{body}"
    );
    assert!(!body.contains("evil"), "{body}");

    // With a public URL: that one, for the reset link too.
    let public = TestApp::over(
        database_url,
        Config {
            public_url: Some("https://haven.example.org/".to_owned()),
            ..Config::default()
        },
    )
    .await;
    public
        .request(forged(
            "/api/v1/auth/password-reset",
            json!({ "email": "h@example.org" }),
        ))
        .await;
    mailed_link_token(&public, "h@example.org", "/reset-password").await;
    let body: String = db(&public)
        .await
        .query_one(
            "SELECT body FROM outbox WHERE body LIKE '%reset-password%' ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        body.contains("https://haven.example.org/reset-password?token="),
        "{body}"
    );
}

#[tokio::test]
async fn json_routes_refuse_bodies_that_are_not_json() {
    let app = TestApp::new().await;
    let credentials = r#"{"email":"x@example.org","password":"whatever password"}"#;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        for path in ["/api/v1/auth/login", "/api/v1/auth/register"] {
            let mut request = request("POST", path, None, None, [10, 8, 0, 1]);
            if let Some(content_type) = content_type {
                request
                    .headers_mut()
                    .insert("content-type", content_type.parse().unwrap());
            }
            *request.body_mut() = Body::from(credentials);
            app.request(request)
                .await
                .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        }
    }
    // JSON with a charset is JSON.
    let mut request = request("POST", "/api/v1/auth/login", None, None, [10, 8, 0, 1]);
    request.headers_mut().insert(
        "content-type",
        "application/json; charset=utf-8".parse().unwrap(),
    );
    *request.body_mut() = Body::from(credentials);
    app.request(request).await.problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn writes_must_come_from_havens_own_origin() {
    let app = TestApp::new().await;
    let body = json!({ "email": "x@example.org", "password": "whatever password" });
    let with = |headers: &[(&'static str, &'static str)]| {
        let mut request = request(
            "POST",
            "/api/v1/auth/login",
            Some(body.clone()),
            None,
            [10, 8, 1, 1],
        );
        for (name, value) in headers {
            request.headers_mut().insert(*name, value.parse().unwrap());
        }
        request
    };
    for refused in [
        &[("origin", "https://haven.test")][..],
        &[("origin", "http://haven.test:8080")][..],
        &[("origin", "http://evil.example")][..],
        &[("origin", "null")][..],
        &[("sec-fetch-site", "cross-site")][..],
    ] {
        app.request(with(refused))
            .await
            .problem(StatusCode::FORBIDDEN);
    }
    for accepted in [
        &[("origin", "http://haven.test")][..],
        &[("sec-fetch-site", "same-origin")][..],
        &[][..],
    ] {
        app.request(with(accepted))
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    // Behind a trusted https proxy the origin is https.
    let proxied = TestApp::over(
        app.database_url.clone(),
        Config {
            trust_forwarded_for: true,
            ..Config::default()
        },
    )
    .await;
    let mut https = with(&[("origin", "https://haven.test")]);
    https
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().unwrap());
    proxied
        .request(https)
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

fn header<'a>(response: &'a TestResponse, name: &str) -> &'a str {
    response
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in ["/healthz", "/api/v1/networks", "/nowhere", "/api/v1/me"] {
        let response = app.get(path).await;
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "referrer-policy"), "same-origin");
        assert_eq!(header(&response, "x-frame-options"), "SAMEORIGIN");
        assert!(
            response.headers.get("strict-transport-security").is_none(),
            "no HSTS over plain http"
        );
    }

    // Binary map data is never a document: no document headers, still nosniff.
    let sample = TestApp::with_sample().await;
    for path in [
        "/tiles/cities/0/0/0.mvt",
        "/fonts/Noto%20Sans%20Regular/0-255.pbf",
    ] {
        let response = sample.get(path).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        for document_header in [
            "content-security-policy",
            "x-frame-options",
            "referrer-policy",
        ] {
            assert!(
                response.headers.get(document_header).is_none(),
                "{path}: {document_header}"
            );
        }
    }

    // Over https: HSTS, and the cookie is Secure with the __Host- prefix.
    confirmed_user(&app, "k@example.org", "K").await;
    let https = TestApp::over(
        app.database_url.clone(),
        Config {
            public_url: Some("https://haven.example.org".to_owned()),
            ..Config::default()
        },
    )
    .await;
    let mut login = request(
        "POST",
        "/api/v1/auth/login",
        Some(json!({ "email": "k@example.org", "password": PASSWORD })),
        None,
        [10, 8, 2, 1],
    );
    login
        .headers_mut()
        .insert("origin", "https://haven.example.org".parse().unwrap());
    let response = https.request(login).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert!(header(&response, "strict-transport-security").contains("max-age="));
    let cookie = header(&response, "set-cookie").to_owned();
    assert!(cookie.starts_with("__Host-haven_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
    // Only the prefixed cookie counts over https.
    let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    let me = |cookie: String| {
        Request::get("/api/v1/me")
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(
        https
            .request(me(format!("__Host-haven_session={token}")))
            .await
            .status,
        StatusCode::OK
    );
    https
        .request(me(format!("haven_session={token}")))
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_route_may_set_its_own_framing_policy() {
    async fn embed() -> impl IntoResponse {
        (
            [(
                "content-security-policy",
                "default-src 'self'; frame-ancestors *",
            )],
            "embeddable",
        )
    }
    let router = haven::app::with_middleware(
        Router::new()
            .route("/embed", get(embed))
            .route("/page", get(|| async { "page" })),
        &Config::default(),
    );
    let get = |path: &str| {
        tower::ServiceExt::oneshot(
            router.clone(),
            Request::get(path).body(Body::empty()).unwrap(),
        )
    };
    let embed = TestResponse::read(get("/embed").await.unwrap()).await;
    assert_eq!(
        header(&embed, "content-security-policy"),
        "default-src 'self'; frame-ancestors *"
    );
    assert!(embed.headers.get("x-frame-options").is_none());
    assert_eq!(header(&embed, "x-content-type-options"), "nosniff");
    let page = TestResponse::read(get("/page").await.unwrap()).await;
    assert!(header(&page, "content-security-policy").contains("frame-ancestors 'self'"));
}

/// The client's page has no inline script, so the policy needs no `unsafe-inline` for scripts
/// (the source, and the build when there is one).
#[test]
fn the_client_page_has_no_inline_script() {
    let client = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../map-client");
    for page in [client.join("index.html"), client.join("dist/index.html")] {
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        for tag in html.split("<script").skip(1) {
            let open = tag.split('>').next().unwrap();
            assert!(open.contains("src="), "inline script in {}", page.display());
        }
        for handler in ["onload=", "onclick=", "onerror="] {
            assert!(
                !html.contains(handler),
                "inline handler in {}",
                page.display()
            );
        }
    }
}

#[tokio::test]
async fn errors_of_the_http_stack_are_problem_documents() {
    let app = TestApp::new().await;
    let moderator = moderator(&app).await;
    // A path segment that is not an integer, on the moderation routes that take an id.
    for path in [
        "/api/v1/moderation/submissions/abc/approve",
        "/api/v1/moderation/submissions/abc/reject",
        "/api/v1/moderation/claims/abc/verify",
        "/api/v1/moderation/claims/abc/withdraw",
        "/api/v1/moderation/revisions/abc/reviewed",
        "/api/v1/moderation/revisions/abc/revert",
    ] {
        send(&app, "POST", path, Some(json!({})), Some(&moderator))
            .await
            .problem(StatusCode::BAD_REQUEST);
    }
    // Invalid UTF-8 in a slug.
    app.get("/api/v1/cities/%FF%FE/revisions")
        .await
        .problem(StatusCode::BAD_REQUEST);
    // A method the route does not have: 405 with Allow.
    let response = app
        .request(
            Request::delete("/api/v1/networks")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    response.problem(StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers.contains_key("allow"));
    // An address too long.
    app.get(&format!("/api/v1/places?q={}", "a".repeat(9000)))
        .await
        .problem(StatusCode::URI_TOO_LONG);
    // A body over the limit, with and without a length.
    let big = "x".repeat(1024 * 1024 + 10);
    let mut sized = request("POST", "/api/v1/submissions", None, None, [10, 8, 3, 1]);
    sized
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    sized
        .headers_mut()
        .insert("content-length", big.len().to_string().parse().unwrap());
    *sized.body_mut() = Body::from(big.clone());
    app.request(sized)
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE);
    let chunks = futures_util::stream::iter(
        big.into_bytes()
            .chunks(64 * 1024)
            .map(|chunk| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(chunk)))
            .collect::<Vec<_>>(),
    );
    let mut chunked = request("POST", "/api/v1/submissions", None, None, [10, 8, 3, 1]);
    chunked
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    *chunked.body_mut() = Body::from_stream(chunks);
    app.request(chunked)
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE);
    // A PATCH with no body changes nothing and says so.
    let user = confirmed_user(&app, "e@example.org", "E").await;
    let response = send(&app, "PATCH", "/api/v1/cities/anywhere", None, Some(&user)).await;
    assert_eq!(response.problem(StatusCode::BAD_REQUEST)["field"], "body");
}
