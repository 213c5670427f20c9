//! The OpenAPI document (`/api/openapi.json`, from the routes as registered) and a
//! human-readable reference rendered from it on the server (`/api/docs`): no CDN, no script,
//! every text escaped.

pub mod reference;

use std::sync::LazyLock;

use axum::response::Response;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::document;
use crate::error::PROBLEM_JSON;
pub use reference::escape;

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

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    document::json(DOCUMENT.clone())
}
