//! Text that must never reach a query: over-long strings and NUL, control or bidi-override
//! characters in any body field or path segment answer a 4xx problem naming the field, never
//! a 500, and nothing is stored. And a corpus of hostile input sent to every route the OpenAPI
//! document lists (so a new route is covered by being registered): only successes or 4xx
//! problem documents, and nothing stored that a page renders as markup.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::auth::{Browser, PASSWORD, db, moderator, send};
use crate::submissions::city_proposal;
use crate::support::{TestApp, TestResponse};

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

/// Markup that would run if a page put it out unescaped.
const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(1)>";

/// Hostile values of a path segment or query parameter, percent-encoded as a client sends
/// them: markup, SQL metacharacters, NUL and control characters, bidi overrides, invalid
/// UTF-8, numbers out of every range, the whole world, and a 7 KB value (under the address
/// limit, so it reaches the handler).
fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "%27%20OR%201%3D1--",
        "%27%3B%20DROP%20TABLE%20cities%3B--",
        "a%00b",
        "a%01%1F%7Fb",
        "a%0D%0Ab",
        "a%E2%80%AEb",
        "%E2%81%A6x%E2%81%A9",
        "%FF%FE",
        "%C0%80",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "-1",
        "9223372036854775808",
        "999999999999",
        "-180,-90,180,90",
        "NaN,NaN,NaN,NaN",
        "1e400,0",
        "..%2F..%2Fetc%2Fpasswd",
    ]
    .map(str::to_owned)
    .to_vec();
    values.push("x".repeat(7 * 1024));
    values
}

/// `method path` with `body` (bytes as they are) and the moderator's session.
async fn hostile(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Body,
    browser: &Browser,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "haven.test")
        .header("cookie", &browser.cookie)
        .header("x-csrf-token", &browser.csrf)
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    app.request(request).await
}

/// A success, a redirect or "not modified", or a 4xx problem document (or the page the
/// operation documents for that status, such as a page's 404): never a 5xx, and no markup
/// sent back outside JSON.
fn assert_contained(response: &TestResponse, operation: &Value, what: &str) {
    let status = response.status;
    let body = String::from_utf8_lossy(&response.body);
    assert!(
        status.is_success() || status.is_redirection() || status.is_client_error(),
        "{what}: {status} {body}"
    );
    let media_type = response
        .content_type()
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    if status.is_client_error() {
        let documented = &operation["responses"][status.as_str()]["content"][media_type];
        assert!(
            media_type == "application/problem+json" || documented.is_object(),
            "{what}: {status} {media_type}"
        );
    }
    if !media_type.ends_with("json") {
        assert!(!body.contains("<script>alert"), "{what}: markup sent back");
    }
}

/// The names of the top-level properties of an operation's JSON body.
fn body_fields(document: &Value, operation: &Value) -> Vec<String> {
    let mut schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        schema = &document["components"]["schemas"][name];
    }
    schema["properties"]
        .as_object()
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// Bodies no JSON route takes: not an object, not JSON, invalid UTF-8, numbers JSON has no
/// room for, 10,000 levels of nesting, 10 MB at once and 2 MB in chunks of unknown length.
fn hostile_bodies() -> Vec<(&'static str, Body)> {
    let deep_array = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let chunks =
        (0..32).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 64 * 1024])));
    vec![
        ("[null]", Body::from("[null]")),
        ("a string", Body::from("\"text\"")),
        ("NaN", Body::from("{\"a\": NaN}")),
        ("1e400", Body::from("{\"a\": 1e400, \"b\": -Infinity}")),
        (
            "invalid UTF-8",
            Body::from(b"{\"name\": \"\xff\xfe\"}".to_vec()),
        ),
        ("nested arrays", Body::from(deep_array)),
        ("nested objects", Body::from(deep_object)),
        ("10 MB", Body::from(vec![b' '; 10 * 1024 * 1024])),
        (
            "chunked",
            Body::from_stream(futures_util::stream::iter(chunks)),
        ),
    ]
}

#[tokio::test]
async fn every_route_answers_hostile_input_with_a_success_or_a_problem() {
    let app = TestApp::with_sample().await;
    let browser = moderator(&app).await;
    let document = app.get("/api/openapi.json").await.json();
    let mut operations: Vec<(String, String, Value)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    // Signing out ends the session the rest of the corpus is sent with: last.
    operations.sort_by_key(|(_, path, _)| path.contains("logout") || path.ends_with("/end"));
    assert!(operations.len() >= 60, "{}", operations.len());
    let values = hostile_values();
    let mut sent = 0;
    for (method, path, operation) in &operations {
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let sample = path
            .replace("{lang}", "en")
            .replace("{collection}", "cities")
            .replace("{layer}/{z}/{x}/{y}", "cities/0/0/0.mvt")
            .replace("{range}", "0-255.pbf")
            .replace(['{', '}'], "");
        let bodyless = || Body::empty();
        let with_body = operation["requestBody"].is_object();
        // Path segments: every segment the route names, each hostile value.
        if path.contains('{') {
            for value in &values {
                let mut target = path.clone();
                while let (Some(start), Some(end)) = (target.find('{'), target.find('}')) {
                    target.replace_range(start..=end, value);
                }
                let body = if with_body {
                    Body::from("{}")
                } else {
                    bodyless()
                };
                let response = hostile(&app, method, &target, body, &browser).await;
                assert_contained(&response, operation, &format!("{method} {target}"));
                sent += 1;
            }
        }
        // Query parameters: each documented one with each hostile value, and repeated.
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            let name = parameter["name"].as_str().unwrap();
            let repeated = format!("{name}=a&{name}=b&{name}=");
            for value in values
                .iter()
                .map(|value| format!("{name}={value}"))
                .chain([repeated])
            {
                let target = format!("{sample}?{value}");
                let body = if with_body {
                    Body::from("{}")
                } else {
                    bodyless()
                };
                let response = hostile(&app, method, &target, body, &browser).await;
                assert_contained(&response, operation, &format!("{method} {target}"));
                sent += 1;
            }
        }
        // A 10 KB `q` is over the address limit: a 414 problem.
        let response = hostile(
            &app,
            method,
            &format!("{sample}?q={}", "q".repeat(10 * 1024)),
            bodyless(),
            &browser,
        )
        .await;
        assert_contained(
            &response,
            operation,
            &format!("{method} {sample}?q=<10 KB>"),
        );
        if !with_body {
            continue;
        }
        // Bodies: each field with each hostile text, then bodies no route takes.
        for field in body_fields(&document, operation) {
            for text in [
                XSS,
                "' OR 1=1--",
                "a\u{0}b",
                "a\u{1}\u{7f}b",
                "a\u{202E}b",
                &"x".repeat(10 * 1024),
            ] {
                let body = Body::from(json!({ field.as_str(): text }).to_string());
                let response = hostile(&app, method, &sample, body, &browser).await;
                assert_contained(&response, operation, &format!("{method} {sample} {field}"));
                sent += 1;
            }
        }
        for (what, body) in hostile_bodies() {
            let response = hostile(&app, method, &sample, body, &browser).await;
            assert_contained(&response, operation, &format!("{method} {sample} {what}"));
            assert!(
                response.status.is_client_error(),
                "{method} {sample} {what}: {}",
                response.status
            );
            sent += 1;
        }
    }
    assert!(sent > 1000, "{sent} requests");
}

#[tokio::test]
async fn markup_stored_through_the_api_never_renders_as_markup() {
    let app = TestApp::with_sample().await;
    let browser = moderator(&app).await;
    let edits = [
        (
            "PATCH",
            "/api/v1/cities/koeln",
            json!({ "official_name": XSS }),
        ),
        (
            "PATCH",
            "/api/v1/practices/palermo-charter",
            json!({ "original_lang": "en", "title": { "en": XSS }, "summary": { "en": XSS }, "organisation": XSS, "contact": XSS }),
        ),
    ];
    for (method, path, body) in edits {
        let response = send(&app, method, path, Some(body), Some(&browser)).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{path}: {}",
            response.text()
        );
    }
    let practice = app
        .get("/api/v1/practices/palermo-charter?lang=en")
        .await
        .json();
    assert_eq!(practice["properties"]["title"], XSS, "stored as data");
    for page in [
        "/en/cities/koeln",
        "/en/practices/palermo-charter",
        "/en/",
        "/ogc/collections/cities/items/koeln?f=html",
        "/ogc/collections/practices/items?f=html",
        "/feeds/practices.atom",
        "/api/v1/cities/koeln/cite?format=bibtex",
        "/sitemap.xml",
    ] {
        let response = app.get(page).await;
        assert_eq!(response.status, StatusCode::OK, "{page}");
        let text = response.text();
        assert!(!text.contains("<script>alert"), "{page}");
        assert!(!text.contains("<img src=x"), "{page}");
        if page == "/en/practices/palermo-charter" {
            assert!(
                text.contains("&#60;script&#62;alert(1)"),
                "{page} shows the title as text"
            );
        }
    }
}
