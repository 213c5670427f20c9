//! Submissions from anyone: checks naming the field, sources, honeypot, rate limit, and
//! hostile text stored verbatim.

use axum::http::StatusCode;
use haven::config::Config;
use serde_json::{Value, json};

use crate::auth::{confirmed_user, db, request, send};
use crate::support::TestApp;

pub fn city_proposal(name: &str) -> Value {
    json!({
        "kind": "city",
        "payload": { "name": name, "country": "DE", "lon": 7.1, "lat": 51.2, "website": "https://example.org/town" },
        "source_urls": ["https://example.org/council-decision"],
        "email": "someone@example.org",
        "message": "Our council declared it last week.",
        "website": ""
    })
}

pub async fn submit(app: &TestApp, body: Value) -> String {
    let response = send(app, "POST", "/api/v1/submissions", Some(body), None).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    response.json()["reference"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn anyone_submits_and_follows_it_by_reference() {
    let app = TestApp::with_sample().await;
    let reference = submit(&app, city_proposal("Neustadt")).await;
    let bytes = reference.as_bytes();
    assert_eq!(bytes.len(), 9);
    assert_eq!(bytes[4], b'-');
    assert!(
        reference
            .chars()
            .filter(|c| *c != '-')
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    let status = app.get(&format!("/api/v1/submissions/{reference}")).await;
    assert_eq!(status.status, StatusCode::OK);
    let status = status.json();
    assert_eq!(status["status"], "pending");
    assert_eq!(status["kind"], "city");
    assert_eq!(status["reason"], Value::Null);
    assert!(
        status.get("payload").is_none() && status.get("email").is_none(),
        "{status}"
    );
    app.get("/api/v1/submissions/ZZZZ-ZZZZ")
        .await
        .problem(StatusCode::NOT_FOUND);
    // Nothing is published yet.
    let cities: i64 = db(&app)
        .await
        .query_one("SELECT count(*) FROM cities", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(cities, 4);
}

#[tokio::test]
async fn a_signed_in_submitter_is_recorded() {
    let app = TestApp::with_sample().await;
    let browser = confirmed_user(&app, "g@example.org", "G").await;
    let mut body = city_proposal("Neustadt");
    body.as_object_mut().unwrap().remove("email");
    let response = send(
        &app,
        "POST",
        "/api/v1/submissions",
        Some(body),
        Some(&browser),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
    let row = db(&app)
        .await
        .query_one(
            "SELECT submitter_email, submitter_id IS NOT NULL FROM submissions",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "g@example.org");
    assert!(row.get::<_, bool>(1));
}

#[tokio::test]
async fn invalid_submissions_name_the_field() {
    let app = TestApp::with_sample().await;
    let with = |path: &[&str], value: Value| {
        let mut body = city_proposal("Neustadt");
        let mut at = &mut body;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        body
    };
    let cases = [
        (
            with(&["source_urls"], json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_urls",
        ),
        (
            with(&["source_urls"], json!(["javascript:alert(1)"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_urls.0",
        ),
        (
            with(&["source_urls"], json!(["ftp://example.org/x"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "source_urls.0",
        ),
        (
            with(&["kind"], json!("poem")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            with(&["payload", "website"], json!("javascript:alert(1)")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.website",
        ),
        (
            with(&["payload", "name"], json!("")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.name",
        ),
        (
            with(&["payload", "name"], json!("x".repeat(201))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.name",
        ),
        (
            with(&["payload", "lat"], json!(123)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.lat",
        ),
        (
            with(&["payload", "country"], json!("XX")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.country",
        ),
        (
            with(&["payload", "published"], json!(false)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.published",
        ),
        (
            with(&["email"], json!("nope")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
        ),
        (
            with(&["payload"], json!("text")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload",
        ),
        (with(&["extra"], json!(1)), StatusCode::BAD_REQUEST, "extra"),
        (
            json!({ "kind": "city", "source_urls": ["https://example.org"] }),
            StatusCode::BAD_REQUEST,
            "payload",
        ),
        (
            json!({ "kind": "correction", "target": { "type": "city", "slug": "atlantis" }, "payload": { "population": 5 }, "source_urls": ["https://example.org"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "target.slug",
        ),
        (
            json!({ "kind": "correction", "payload": { "population": 5 }, "source_urls": ["https://example.org"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "target",
        ),
        (
            json!({ "kind": "practice", "payload": { "city": "koeln", "original_lang": "de", "title": { "en": "Only English" } }, "source_urls": ["https://example.org"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.title",
        ),
        (
            json!({ "kind": "practice", "payload": { "city": "koeln", "original_lang": "de", "title": { "de": "T" }, "policy_areas": ["magic"] }, "source_urls": ["https://example.org"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.policy_areas",
        ),
        (
            json!({ "kind": "membership", "payload": { "city": "koeln", "network": "nowhere", "status": "member" }, "source_urls": ["https://example.org"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.network",
        ),
        (
            json!({ "kind": "demand", "payload": { "city": "koeln", "demand": "public_solidarity_declaration", "decided": "yes" }, "source_urls": ["https://example.org"] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "payload.decided",
        ),
    ];
    for (body, status, field) in cases {
        let response = send(
            &app,
            "POST",
            "/api/v1/submissions",
            Some(body.clone()),
            None,
        )
        .await;
        assert_eq!(response.problem(status)["field"], field, "{body}");
    }
    let stored: i64 = db(&app)
        .await
        .query_one("SELECT count(*) FROM submissions", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);
}

/// Choice: a filled-in honeypot gets the same 201 a person gets (robots learn nothing), but
/// nothing is stored and the reference leads nowhere.
#[tokio::test]
async fn the_honeypot_accepts_and_drops() {
    let app = TestApp::with_sample().await;
    let mut body = city_proposal("Spamtown");
    body["website"] = json!("http://spam.example");
    let response = send(&app, "POST", "/api/v1/submissions", Some(body), None).await;
    assert_eq!(response.status, StatusCode::CREATED);
    let reference = response.json()["reference"].as_str().unwrap().to_owned();
    let stored: i64 = db(&app)
        .await
        .query_one("SELECT count(*) FROM submissions", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);
    app.get(&format!("/api/v1/submissions/{reference}"))
        .await
        .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn submissions_are_rate_limited_per_client() {
    let app = TestApp::with_sample().await;
    for n in 0..10 {
        let response = app
            .request(request(
                "POST",
                "/api/v1/submissions",
                Some(city_proposal(&format!("Town {n}"))),
                None,
                [10, 9, 0, 1],
            ))
            .await;
        assert_eq!(response.status, StatusCode::CREATED);
    }
    let refused = app
        .request(request(
            "POST",
            "/api/v1/submissions",
            Some(city_proposal("One more")),
            None,
            [10, 9, 0, 1],
        ))
        .await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers.contains_key("retry-after"));
    let other = app
        .request(request(
            "POST",
            "/api/v1/submissions",
            Some(city_proposal("Elsewhere")),
            None,
            [10, 9, 0, 2],
        ))
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    // Behind a trusted proxy, X-Forwarded-For tells clients apart.
    let proxied = TestApp::over(
        app.database_url.clone(),
        Config {
            trust_forwarded_for: true,
            ..Config::default()
        },
    )
    .await;
    let mut req = request(
        "POST",
        "/api/v1/submissions",
        Some(city_proposal("Proxied")),
        None,
        [10, 9, 0, 1],
    );
    req.headers_mut()
        .insert("x-forwarded-for", "198.51.100.7".parse().unwrap());
    assert_eq!(proxied.request(req).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn hostile_text_is_stored_verbatim() {
    let app = TestApp::with_sample().await;
    let name = "<script>alert('x')</script><b onmouseover=\"x()\">Town</b> & \"Co\"";
    let mut body = city_proposal(name);
    body["message"] = json!("<img src=x onerror=alert(1)>");
    submit(&app, body).await;
    let row = db(&app)
        .await
        .query_one("SELECT payload->>'name', message FROM submissions", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), name);
    assert_eq!(row.get::<_, String>(1), "<img src=x onerror=alert(1)>");
}

/// The document states the body the server reads: one alternative per kind (a correction's
/// per target type), each with its `kind`, its target and its payload's own schema, so that a
/// generated body the document refuses is one the server refuses too (the fuzz run's check).
#[tokio::test]
async fn the_documented_body_has_one_alternative_per_kind() {
    let app = TestApp::new().await;
    let document = app.get("/api/openapi.json").await.json();
    let schemas = &document["components"]["schemas"];
    let alternatives = schemas["ProposalBody"]["oneOf"].as_array().unwrap();
    let mut found: Vec<(String, String, String)> = alternatives
        .iter()
        .map(|alternative| {
            let properties = &alternative["properties"];
            let kind = properties["kind"]["enum"].to_string();
            let target = match properties["target"]["type"].as_str() {
                Some("null") => "none".to_owned(),
                _ => properties["target"]["properties"]["type"]["enum"].to_string(),
            };
            let payload = properties["payload"]["$ref"].as_str().unwrap().to_owned();
            assert_eq!(alternative["additionalProperties"], false);
            let required = alternative["required"].as_array().unwrap();
            assert!(required.contains(&json!("source_urls")));
            assert_eq!(properties["source_urls"]["minItems"], 1);
            assert_eq!(properties["source_urls"]["maxItems"], 10);
            assert_eq!(required.contains(&json!("target")), target != "none");
            (kind, target, payload)
        })
        .collect();
    found.sort();
    let payload = |name: &str| format!("#/components/schemas/{name}");
    let mut expected = vec![
        (r#"["city"]"#, "none", payload("NewCityDoc")),
        (r#"["correction"]"#, r#"["city"]"#, payload("CityPatch")),
        (
            r#"["correction"]"#,
            r#"["practice"]"#,
            payload("PracticePatch"),
        ),
        (r#"["demand"]"#, "none", payload("DemandState")),
        (r#"["membership"]"#, "none", payload("MembershipState")),
        (r#"["practice"]"#, "none", payload("NewPracticeDoc")),
    ]
    .into_iter()
    .map(|(kind, target, payload)| (kind.to_owned(), target.to_owned(), payload))
    .collect::<Vec<_>>();
    expected.sort();
    assert_eq!(found, expected);
    for (_, _, reference) in &found {
        let name = reference.rsplit('/').next().unwrap();
        assert!(schemas[name].is_object(), "{name} is not in the document");
    }
}
