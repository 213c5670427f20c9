//! OGC API - Features at `/ogc`: Haven's cities and practices for GIS clients (QGIS, GDAL).
//!
//! The items are the very documents of `/api/v1/cities` and `/api/v1/practices` (same SQL,
//! same filters as queryables), paged by `limit` and `offset` with `next` links; other
//! documents are `application/json`. `f=json` (or `f=geojson`) is accepted, as clients send
//! it; `f=html` gives each document as a page to browse (`html`); any other format is a 400.

pub mod collections;
pub mod doc;
pub mod html;
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
pub const CONFORMANCE: [&str; 5] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
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

/// The encodings `f` may ask for: JSON (the default) or HTML.
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
    #[schema(rename = "html")]
    Html,
}

/// An encoding of the OGC documents (`f`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// JSON or GeoJSON (the default).
    Json,
    /// A page to browse (`f=html`).
    Html,
}

/// Checks `f`: JSON (the default) or HTML.
///
/// # Errors
/// 400 naming `f` for any other format.
pub fn check_format(params: &QueryParams) -> AppResult<Encoding> {
    if params.is_blank("f") {
        return Err(bad_request("f", "`f` is json or html."));
    }
    match params.get("f") {
        None | Some("json" | "geojson" | "application/json" | "application/geo+json") => {
            Ok(Encoding::Json)
        }
        Some("html" | "text/html") => Ok(Encoding::Html),
        Some(_) => Err(bad_request("f", "`f` is json or html.")),
    }
}

/// `document` (the JSON answer at `path`) in `encoding`: as it is, or as a page.
///
/// # Errors
/// 500 when the page fails to render.
pub(crate) fn encoded<T: Serialize>(
    encoding: Encoding,
    base: &BaseUrl,
    path: &str,
    params: &QueryParams,
    document: &T,
) -> AppResult<Response> {
    match encoding {
        Encoding::Json => Ok(json_doc(document)),
        Encoding::Html => {
            let value = serde_json::to_value(document)
                .map_err(|error| crate::error::AppError::Internal(error.into()))?;
            html::page(base, path, params, &value)
        }
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
    params(("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON (default) or html (a page to browse)")),
    responses((status = 200, description = "Landing page (with f=html a page)", content((Landing = "application/json"), (String = "text/html"))),
              (status = 400, description = "Unsupported `f`")))]
pub async fn landing(base: BaseUrl, params: QueryParams) -> AppResult<Response> {
    let encoding = check_format(&params)?;
    let none = QueryParams::default();
    encoded(
        encoding,
        &base,
        "/ogc",
        &params,
        &Landing {
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
        },
    )
}

/// The conformance declaration.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conformance {
    pub conforms_to: Vec<String>,
}

/// The conformance classes Haven implements.
#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc",
    params(("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON (default) or html (a page to browse)")),
    responses((status = 200, description = "Conformance classes (with f=html a page)", content((Conformance = "application/json"), (String = "text/html"))),
              (status = 400, description = "Unsupported `f`")))]
pub async fn conformance(base: BaseUrl, params: QueryParams) -> AppResult<Response> {
    let encoding = check_format(&params)?;
    let classes: Vec<String> = CONFORMANCE
        .iter()
        .map(|class| (*class).to_owned())
        .collect();
    encoded(
        encoding,
        &base,
        "/ogc/conformance",
        &params,
        &Conformance {
            conforms_to: classes,
        },
    )
}
