//! The OpenAPI document (`/api/openapi.json`, from the routes as registered) and a
//! human-readable reference rendered from it on the server (`/api/docs`): no CDN, no script,
//! every text escaped.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{RefOr, Required};
use utoipa::{Modify, OpenApi};

use crate::document;
use crate::error::PROBLEM_JSON;

/// The document's frame: its description, tags and security schemes; the operations are
/// added by [`super::router`]'s registrations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Haven API",
        description = "Welcoming cities, city networks and local refugee-policy practices. \
            Collections are GeoJSON (RFC 7946) with `numberMatched`, `numberReturned` and \
            `next` links; errors are RFC 9457 problem documents naming the `field` at fault. \
            Answers carry a strong ETag (If-None-Match gives 304) and Cache-Control. \
            Accounts sign in with `POST /api/v1/auth/login`, which sets the `haven_session` \
            cookie (HttpOnly, SameSite=Lax) and answers the session's CSRF token; every write \
            made with that cookie must send the token in `X-CSRF-Token`, and a browser's \
            `Origin`, when sent, must be Haven's own (else 403).",
        license(name = "AGPL-3.0-or-later"),
    ),
    // Schemas that operations name only through a parameter's or a body's `$ref` (which the
    // registrations do not collect).
    components(schemas(
        crate::error::Problem,
        crate::domain::Lang,
        crate::domain::ClaimStatus,
        crate::domain::SubmissionStatus,
        crate::ogc::Format,
        crate::moderation::payload::NewCityDoc,
        crate::moderation::payload::NewPracticeDoc,
        crate::moderation::payload::CityPatch,
        crate::moderation::payload::PracticePatch,
        crate::moderation::payload::DemandState,
        crate::moderation::payload::MembershipState,
    )),
    modifiers(&SessionSecurity),
    tags(
        (name = "directory", description = "Policy areas and networks"),
        (name = "cities", description = "Welcoming cities"),
        (name = "practices", description = "Local practices"),
        (name = "gazetteer", description = "Place search"),
        (name = "search", description = "The search box: places, cities, practices and policy areas at once"),
        (name = "ogc", description = "OGC API - Features"),
        (name = "accounts", description = "Registration, sign-in, password reset and the signed-in account"),
        (name = "submissions", description = "Proposals anyone can send, reviewed by moderators"),
        (name = "editors", description = "City editor claims and direct edits of verified editors"),
        (name = "moderation", description = "Moderators: submission queue, claims, revision review"),
        (name = "revisions", description = "Public change history"),
        (name = "tiles", description = "Vector tiles, TileJSON, the map style and its glyphs"),
        (name = "downloads", description = "The whole published data set in one archive"),
        (name = "feeds", description = "Atom feeds of new and changed practices and memberships"),
        (name = "pages", description = "Pages for people (HTML), one per language, and the sitemap"),
        (name = "meta", description = "This document and its reference page"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

/// The two halves of a signed-in request: the `haven_session` cookie (`session`) and, on
/// writes, the session's CSRF token in `X-CSRF-Token` (`csrf`).
struct SessionSecurity;

impl Modify for SessionSecurity {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::COOKIE,
                "Session cookie set by `POST /api/v1/auth/login` (HttpOnly, SameSite=Lax); \
                 named `__Host-haven_session` (and Secure) when Haven is served over https.",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's `csrf_token` (from login or `GET /api/v1/me`), required on \
                 every write made with the session cookie.",
            ))),
        );
    }
}

/// Every 4xx and 5xx answer is a problem document: the one place that says so, for every
/// operation's error responses (which give only their status and description, or the media
/// type of their page). It also documents, for every operation at once, what the edge of the
/// API answers before a handler runs: a path segment that does not parse (400), and for a JSON
/// body a malformed one (400), one over the limit (413), one not sent as JSON (415) and a
/// field breaking its rule (422).
pub fn problem_answers(document: &mut utoipa::openapi::OpenApi) {
    let problem = utoipa::openapi::ContentBuilder::new()
        .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
        .build();
    let answer = |description: &str| {
        RefOr::T(
            utoipa::openapi::ResponseBuilder::new()
                .description(description)
                .content(PROBLEM_JSON, problem.clone())
                .build(),
        )
    };
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let responses = &mut operation.responses.responses;
            let in_path = operation
                .parameters
                .iter()
                .flatten()
                .any(|parameter| matches!(parameter.parameter_in, ParameterIn::Path));
            if in_path {
                responses.entry("400".to_owned()).or_insert_with(|| {
                    answer("A path segment that does not parse (named in `field`)")
                });
            }
            if operation.request_body.is_some() {
                for (status, description) in [
                    (
                        "400",
                        "Malformed JSON or an unknown or missing field (named in `field`)",
                    ),
                    ("413", "The body is over the size limit"),
                    (
                        "415",
                        "The body is not sent as `Content-Type: application/json`",
                    ),
                    ("422", "A field breaks its rule (named in `field`)"),
                ] {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| answer(description));
                }
            }
            for (status, response) in responses.iter_mut() {
                if let RefOr::T(response) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                {
                    response
                        .content
                        .entry(PROBLEM_JSON.to_owned())
                        .or_insert_with(|| problem.clone());
                }
            }
        }
    }
}

/// The document, serialised once.
pub static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut document = serde_json::to_value(super::openapi()).unwrap_or_default();
    empty_means_absent(&mut document);
    unpaged_limits(&mut document);
    document.to_string()
});

/// The collections' shared parameters, as the CSV and OGC items routes read them: a CSV holds
/// every match (no `limit` or `offset`), and OGC API - Features reads a `limit` over the
/// maximum as the maximum (no 400).
fn unpaged_limits(document: &mut serde_json::Value) {
    let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(parameters) = item
            .pointer_mut("/get/parameters")
            .and_then(serde_json::Value::as_array_mut)
        else {
            continue;
        };
        if path.ends_with(".csv") {
            parameters
                .retain(|parameter| parameter["name"] != "limit" && parameter["name"] != "offset");
        } else if path == "/ogc/collections/{collection}/items" {
            for parameter in parameters
                .iter_mut()
                .filter(|parameter| parameter["name"] == "limit")
            {
                if let Some(schema) = parameter
                    .get_mut("schema")
                    .and_then(serde_json::Value::as_object_mut)
                {
                    schema.remove("maximum");
                }
                parameter["description"] = serde_json::Value::from(
                    "Features per page (default 100); more than 1000 is read as 1000.",
                );
            }
        }
    }
}

/// Haven reads an optional query parameter given with an empty value (`?region=`, as an HTML
/// form sends an empty field) as if it were absent: the document says so on each of them
/// (`allowEmptyValue`, which utoipa cannot write).
fn empty_means_absent(document: &mut serde_json::Value) {
    let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    let parameters = paths
        .values_mut()
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("parameters"))
        .filter_map(serde_json::Value::as_array_mut)
        .flatten();
    for parameter in parameters {
        let optional_query = parameter["in"] == "query" && parameter["required"] != true;
        if let Some(parameter) = parameter.as_object_mut()
            && optional_query
        {
            parameter.insert("allowEmptyValue".to_owned(), serde_json::Value::Bool(true));
        }
    }
}

/// The reference page, rendered once.
static PAGE: LazyLock<String> = LazyLock::new(|| render(&super::openapi()));

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    document::json(DOCUMENT.clone())
}

/// A readable reference of every route, parameter and answer.
#[utoipa::path(get, path = "/api/docs", tag = "meta",
    responses((status = 200, description = "HTML reference", content_type = "text/html")))]
pub async fn docs() -> Response {
    let mut response = PAGE.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn render(api: &utoipa::openapi::OpenApi) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    );
    let _ = write!(
        html,
        "<title>{} reference</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         code{{background:#f3f3f3;padding:0 .2em}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #ccc;padding:.3em;text-align:left;vertical-align:top}}\
         h2{{margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}}</style></head><body>",
        escape(&api.info.title)
    );
    let _ = write!(
        html,
        "<h1>{}</h1><p>{}</p><p>Machine-readable: <a href=\"/api/openapi.json\">/api/openapi.json</a></p><nav><ul>",
        escape(&api.info.title),
        escape(api.info.description.as_deref().unwrap_or(""))
    );
    for (path, item) in &api.paths.paths {
        for method in operations(item) {
            let _ = write!(
                html,
                "<li><a href=\"#{}\"><code>{} {}</code></a></li>",
                escape(&anchor(method.0, path)),
                method.0,
                escape(path)
            );
        }
    }
    html.push_str("</ul></nav>");
    for (path, item) in &api.paths.paths {
        for (method, operation) in operations(item) {
            render_operation(&mut html, method, path, operation);
        }
    }
    html.push_str("</body></html>");
    html
}

fn operations(item: &utoipa::openapi::PathItem) -> Vec<(&'static str, &Operation)> {
    [
        ("GET", item.get.as_ref()),
        ("POST", item.post.as_ref()),
        ("PUT", item.put.as_ref()),
        ("PATCH", item.patch.as_ref()),
        ("DELETE", item.delete.as_ref()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
    .collect()
}

fn anchor(method: &str, path: &str) -> String {
    format!("{method}-{path}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn render_operation(html: &mut String, method: &str, path: &str, operation: &Operation) {
    let _ = write!(
        html,
        "<h2 id=\"{}\"><code>{method} {}</code></h2>",
        escape(&anchor(method, path)),
        escape(path)
    );
    for text in [&operation.summary, &operation.description]
        .into_iter()
        .flatten()
    {
        let _ = write!(html, "<p>{}</p>", escape(text));
    }
    if let Some(parameters) = &operation.parameters {
        html.push_str("<h3>Parameters</h3><table><tr><th>Name</th><th>In</th><th>Required</th><th>Description</th></tr>");
        for parameter in parameters {
            let place = match parameter.parameter_in {
                ParameterIn::Query => "query",
                ParameterIn::Path => "path",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = matches!(parameter.required, Required::True);
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td><td>{}</td></tr>",
                escape(&parameter.name),
                if required { "yes" } else { "no" },
                escape(parameter.description.as_deref().unwrap_or(""))
            );
        }
        html.push_str("</table>");
    }
    html.push_str(
        "<h3>Responses</h3><table><tr><th>Status</th><th>Type</th><th>Description</th></tr>",
    );
    for (status, response) in &operation.responses.responses {
        let (description, types) = match response {
            RefOr::T(response) => (
                response.description.clone(),
                response
                    .content
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            RefOr::Ref(reference) => (reference.ref_location.clone(), String::new()),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(status),
            escape(&types),
            escape(&description)
        );
    }
    html.push_str("</table>");
}
