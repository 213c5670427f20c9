//! OGC API - Features at `/ogc`: Haven's cities and practices for GIS clients (QGIS, GDAL).
//!
//! The items are the very documents of `/api/v1/cities` and `/api/v1/practices` (same SQL,
//! same filters as queryables), paged by `limit` and `offset` with `next` links; other
//! documents are `application/json`. `f=json` (or `f=geojson`) is accepted, as clients send
//! it; any other format is a 400.

pub mod collections;
pub mod items;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::document::{BaseUrl, JSON};
use crate::error::{AppResult, bad_request};
use crate::model::collection::Link;
use crate::query::QueryParams;

/// Conformance classes Haven implements.
pub const CONFORMANCE: [&str; 4] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
];

/// The OGC routes (registered among the public reads in `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(landing))
        .routes(routes!(conformance))
        .routes(routes!(collections::list))
        .routes(routes!(collections::show))
        .routes(routes!(collections::queryables))
        .routes(routes!(items::list))
        .routes(routes!(items::show))
}

/// The encodings `f` may ask for: JSON only.
#[derive(Debug, Clone, Copy, utoipa::ToSchema)]
#[allow(dead_code)]
pub enum Format {
    #[schema(rename = "json")]
    Json,
    #[schema(rename = "geojson")]
    GeoJson,
    #[schema(rename = "application/json")]
    ApplicationJson,
    #[schema(rename = "application/geo+json")]
    ApplicationGeoJson,
}

/// Checks `f`: only JSON encodings are offered.
///
/// # Errors
/// 400 naming `f` for any other format.
pub fn check_format(params: &QueryParams) -> AppResult<()> {
    match params.get("f") {
        None | Some("json" | "geojson" | "application/json" | "application/geo+json") => Ok(()),
        Some(_) => Err(bad_request("f", "Only f=json is offered.")),
    }
}

/// A JSON answer of `application/json`.
pub(crate) fn json_doc<T: Serialize>(doc: &T) -> Response {
    let mut response = Json(doc).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(JSON),
    );
    response
}

/// The landing page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Landing {
    pub title: String,
    pub description: String,
    pub links: Vec<Link>,
}

/// The landing page: what this service is and where its parts are.
#[utoipa::path(get, path = "/ogc", tag = "ogc",
    params(("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON only")),
    responses((status = 200, description = "Landing page", body = Landing),
              (status = 400, description = "Unsupported `f`")))]
pub async fn landing(base: BaseUrl, params: QueryParams) -> AppResult<Response> {
    check_format(&params)?;
    let none = QueryParams::default();
    Ok(json_doc(&Landing {
        title: "Haven".to_owned(),
        description: "Welcoming cities, city networks and local refugee-policy practices."
            .to_owned(),
        links: vec![
            Link::new("self", JSON, base.href("/ogc", &none)).titled("This document"),
            Link::new(
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.0",
                base.href("/api/openapi.json", &none),
            )
            .titled("The API definition"),
            Link::new("service-doc", "text/html", base.href("/api/docs", &none))
                .titled("The API reference"),
            Link::new("conformance", JSON, base.href("/ogc/conformance", &none))
                .titled("Conformance classes"),
            Link::new("data", JSON, base.href("/ogc/collections", &none)).titled("Collections"),
        ],
    }))
}

/// The conformance declaration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conformance {
    pub conforms_to: Vec<String>,
}

/// The conformance classes Haven implements.
#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc",
    params(("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON only")),
    responses((status = 200, description = "Conformance classes", body = Conformance),
              (status = 400, description = "Unsupported `f`")))]
pub async fn conformance(params: QueryParams) -> AppResult<Response> {
    check_format(&params)?;
    Ok(json_doc(&Conformance {
        conforms_to: CONFORMANCE
            .iter()
            .map(|class| (*class).to_owned())
            .collect(),
    }))
}
