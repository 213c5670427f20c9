//! The OpenAPI document and the reference page.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::support::TestApp;

/// The answer of `api::not_found`, the fallback for paths no route matches.
const FALLBACK_DETAIL: &str = "There is nothing at this address.";

/// A documented path with its parameters filled in with sample values.
fn concrete(path: &str) -> String {
    let concrete = path
        .replace("{lang}", "en")
        .replace("/static/{file}", "/static/pages.css")
        .replace("/en/practices/{slug}", "/en/practices/palermo-charter")
        .replace("/en/networks/{slug}", "/en/networks/iash")
        .replace("/en/policy-areas/{slug}", "/en/policy-areas/housing")
        .replace("{slug}", "koeln")
        .replace("{key}", "housing")
        .replace("{collection}", "cities")
        .replace("{feature}", "koeln")
        .replace("{id}", "1")
        .replace("{reference}", "no-such-reference")
        .replace("{fontstack}", "Noto%20Sans%20Regular")
        .replace("{range}", "0-255.pbf")
        .replace("{file}", "cities.json")
        .replace("{layer}/{z}/{x}/{y}", "cities/0/0/0.mvt");
    let concrete = concrete.replace(
        "/api/v1/practices/koeln",
        "/api/v1/practices/palermo-charter",
    );
    if concrete == "/api/v1/places" || concrete == "/api/v1/search" {
        format!("{concrete}?q=k")
    } else if concrete == "/feeds/follow.atom" || concrete == "/en/follow" {
        format!("{concrete}?city=koeln")
    } else {
        concrete
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let app = TestApp::with_sample().await;
    app.execute(
        "INSERT INTO take_action_guides (key, kind, lang, title, intro, who_decides, motion, costs, objections, next_steps)
         VALUES ('housing', 'policy_area', 'en', 'Homes', 'i', 'w', 'm', 'c', 'o', 'n')",
    )
    .await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let document = response.json();
    // Routes and their entries are registered together, so the document lists every route;
    // the benchmark's ceiling route is not part of the API.
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 44, "every route: {:?}", paths.keys());
    assert!(!paths.contains_key("/__bench/static"));
    for (path, item) in paths {
        assert!(
            METHODS.iter().any(|m| item[*m].is_object()),
            "{path} documents an operation"
        );
        let url = concrete(path);
        let documented: BTreeSet<String> = METHODS
            .iter()
            .filter(|m| item[**m].is_object())
            .map(|m| m.to_uppercase())
            .collect();
        for method in &documented {
            let operation = &item[method.to_lowercase()];
            // No cookie and an empty body: public reads succeed, the rest is refused early
            // (401, or 400 for the body), before anything is written.
            let answer = app
                .request(
                    Request::builder()
                        .method(method.as_str())
                        .uri(&url)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            let fallback =
                answer.status == StatusCode::NOT_FOUND && answer.text().contains(FALLBACK_DETAIL);
            assert!(
                !fallback && answer.status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {url} is documented but not routed: {} {}",
                answer.status,
                answer.text()
            );
            let status = answer.status.as_u16().to_string();
            assert!(
                operation["responses"][&status].is_object(),
                "{method} {path} answered {status}, which it does not document: {}",
                answer.text()
            );
            let public = operation.get("security").is_none();
            // Pages the links in mails open need the mailed token.
            let needs_token = operation["parameters"]
                .as_array()
                .is_some_and(|parameters| parameters.iter().any(|p| p["name"] == "token"));
            if method == "GET" && public && !path.contains("{reference}") && !needs_token {
                assert_eq!(answer.status, StatusCode::OK, "{url}: {}", answer.text());
            }
            // Pages answer people with pages, failures included (the 404 page, a form
            // with its message); everything else with problem documents.
            let page = operation["tags"][0] == "pages";
            if page && !answer.status.is_success() {
                assert!(
                    operation["responses"][&status]["content"]["text/html"].is_object(),
                    "{method} {path} documents its {status} as a page"
                );
                assert!(
                    answer.content_type().starts_with("text/html"),
                    "{method} {url}"
                );
            } else if !answer.status.is_success() && answer.status != StatusCode::NOT_MODIFIED {
                assert!(
                    operation["responses"][&status]["content"]["application/problem+json"]
                        .is_object(),
                    "{method} {path} documents its {status} as a problem document"
                );
            }
        }
        // An unknown method lists the routed methods in `Allow`: they are the documented ones.
        let probe = app
            .request(
                Request::builder()
                    .method("PROBE")
                    .uri(&url)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(probe.status, StatusCode::METHOD_NOT_ALLOWED, "PROBE {url}");
        let allowed: BTreeSet<String> = probe.headers[header::ALLOW]
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| m != "HEAD")
            .collect();
        assert_eq!(
            allowed, documented,
            "methods routed on {path} vs documented"
        );
    }
    // Signed-in routes name the cookie session, writes the CSRF header too.
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "haven_session");
    assert_eq!(schemes["csrf"]["in"], "header");
    assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");
    let revert = &paths["/api/v1/moderation/revisions/{id}/revert"]["post"];
    assert_eq!(revert["security"][0]["csrf"], serde_json::json!([]));
    assert!(revert["requestBody"]["content"]["application/json"].is_object());
    assert!(revert["responses"]["403"]["content"]["application/problem+json"].is_object());
    let login = &paths["/api/v1/auth/login"]["post"];
    assert!(login["responses"]["429"]["content"]["application/problem+json"].is_object());
    // Parameters and problems are documented.
    let cities = &paths["/api/v1/cities"]["get"];
    let names: Vec<&str> = cities["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "policy_area",
        "policy_area_match",
        "network",
        "country",
        "region",
        "q",
        "bbox",
        "near",
        "radius_km",
        "lang",
        "limit",
        "offset",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(cities["responses"]["400"]["content"]["application/problem+json"].is_object());
    assert!(document["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn the_reference_page_is_served_by_haven_itself() {
    let app = TestApp::new().await;
    let response = app.get("/api/docs").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.content_type().starts_with("text/html"));
    let html = response.text();
    assert!(html.contains("/api/v1/cities/{slug}"));
    assert!(html.contains("policy_area"));
    assert!(!html.contains("<script"), "no script");
    assert!(!html.contains("https://cdn"), "no CDN");
    assert_eq!(
        haven::api::openapi::escape("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}

/// Every `$ref` of the document names a schema it holds (a parameter's enum included), and
/// every error answer may be a problem document.
#[tokio::test]
async fn every_reference_resolves_and_every_error_is_a_problem() {
    let app = TestApp::new().await;
    let document = app.get("/api/openapi.json").await.json();
    let text = document.to_string();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut references = text.split("\"$ref\":\"#/components/schemas/").skip(1);
    assert!(references.clone().count() > 20);
    assert!(references.all(|rest| schemas.contains_key(rest.split('"').next().unwrap())));
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status}"
                    );
                }
            }
            if operation["requestBody"].is_object() {
                for status in ["400", "413", "415", "422"] {
                    assert!(
                        operation["responses"][status].is_object(),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

/// Free-form values the document may hold, `(schema, property)`, each with why its fields
/// cannot be listed.
const FREE_FORM: [(&str, &str); 11] = [
    // An entity's state as it was recorded at the time (a city's, practice's, membership's or
    // demand status's snapshot): old revisions keep the shape of their day.
    ("Revision", "before"),
    ("Revision", "after"),
    // One field's value, of whatever JSON type that field has.
    ("FieldChange", "before"),
    ("FieldChange", "after"),
    // A proposal's payload, read by the submission's kind (NewCityDoc, NewPracticeDoc,
    // MembershipState, DemandState, CityPatch or PracticePatch): stored as it was sent.
    ("Submission", "payload"),
    ("Diff", "before"),
    ("Diff", "after"),
    ("Decision", "payload"),
    // MapLibre sources and layers, as the MapLibre style specification defines them.
    ("Style", "sources"),
    ("Style", "layers"),
    // A JSON Schema per queryable: schemas of schemas.
    ("QueryablesDoc", "properties"),
];

/// Bodies that are free-form documents, each with why.
const FREE_BODIES: [&str; 1] = [
    // The OpenAPI document itself: its schema is the OpenAPI specification's.
    "get /api/openapi.json",
];

/// The schema a `$ref` names, or the schema itself.
fn resolve<'a>(
    document: &'a serde_json::Value,
    schema: &'a serde_json::Value,
) -> (Option<String>, &'a serde_json::Value) {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            (
                Some(name.to_owned()),
                &document["components"]["schemas"][name],
            )
        }
        None => (None, schema),
    }
}

/// Where under `schema` (reached at `at`, inside the named schema `owner`) an object has no
/// stated fields.
fn schema_less(
    document: &serde_json::Value,
    schema: &serde_json::Value,
    owner: &str,
    at: &str,
    seen: &mut BTreeSet<String>,
    found: &mut Vec<String>,
) {
    let (name, schema) = resolve(document, schema);
    let owner = match name {
        Some(name) if !seen.insert(name.clone()) => return,
        Some(name) => name,
        None => owner.to_owned(),
    };
    let composed = ["allOf", "oneOf", "anyOf"]
        .iter()
        .filter_map(|key| schema[*key].as_array())
        .flatten();
    let mut structured = false;
    for part in composed {
        structured = true;
        schema_less(document, part, &owner, at, seen, found);
    }
    if let Some(properties) = schema["properties"].as_object() {
        structured = true;
        for (key, property) in properties {
            let free = FREE_FORM.iter().any(|(o, p)| *o == owner && p == key);
            if !free {
                schema_less(
                    document,
                    property,
                    &owner,
                    &format!("{at}.{key}"),
                    seen,
                    found,
                );
            }
        }
    }
    if schema["items"].is_object() {
        schema_less(
            document,
            &schema["items"],
            &owner,
            &format!("{at}[]"),
            seen,
            found,
        );
    }
    match &schema["additionalProperties"] {
        serde_json::Value::Object(values) if !values.is_empty() => {
            structured = true;
            schema_less(
                document,
                &schema["additionalProperties"],
                &owner,
                &format!("{at}.*"),
                seen,
                found,
            );
        }
        serde_json::Value::Object(_) | serde_json::Value::Bool(true) => {
            found.push(format!("{at} (in {owner}): a map of anything"));
            structured = true;
        }
        _ => {}
    }
    let types: Vec<&str> = match &schema["type"] {
        serde_json::Value::String(kind) => vec![kind.as_str()],
        serde_json::Value::Array(kinds) => kinds.iter().filter_map(|k| k.as_str()).collect(),
        _ => Vec::new(),
    };
    let untyped = types.is_empty() && schema.get("enum").is_none() && schema.get("const").is_none();
    if !structured && (types.contains(&"object") || untyped) {
        found.push(format!(
            "{at} (in {owner}): an object with no stated fields"
        ));
    }
}

/// Every request and response body names its fields: no schema-less object anywhere in it,
/// except the free-form maps listed (and justified) in [`FREE_FORM`].
#[tokio::test]
async fn every_body_states_its_fields() {
    let app = TestApp::new().await;
    let document = app.get("/api/openapi.json").await.json();
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let mut bodies: Vec<(String, &serde_json::Value)> = Vec::new();
            if let Some(content) = operation["requestBody"]["content"].as_object() {
                for (kind, body) in content {
                    bodies.push((format!("{method} {path} request {kind}"), &body["schema"]));
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                for (kind, body) in response["content"].as_object().into_iter().flatten() {
                    if kind.contains("json") {
                        bodies.push((format!("{method} {path} {status} {kind}"), &body["schema"]));
                    }
                }
            }
            if FREE_BODIES.contains(&format!("{method} {path}").as_str()) {
                continue;
            }
            for (at, schema) in bodies {
                schema_less(
                    &document,
                    schema,
                    "-",
                    &at,
                    &mut BTreeSet::new(),
                    &mut found,
                );
            }
        }
    }
    assert!(
        found.is_empty(),
        "schema-less bodies:\n{}",
        found.join("\n")
    );
}
