//! Answers made of JSON that PostgreSQL already built, and the absolute links inside them.
//!
//! Links are absolute (OGC clients such as GDAL follow `next` as given): the public base URL
//! when one is configured, else the scheme and host the request came in on.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::model::collection::{Link, PageLinks};
use crate::query::{Page, QueryParams};

/// GeoJSON (RFC 7946).
pub const GEO_JSON: &str = "application/geo+json";
/// Plain JSON.
pub const JSON: &str = "application/json";
/// Mapbox Vector Tiles.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Protocol Buffers (the map's glyph ranges).
pub const PROTOBUF: &str = "application/x-protobuf";

/// A body of `media_type`.
#[must_use]
pub fn with_type(body: String, media_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// A GeoJSON body.
#[must_use]
pub fn geojson(body: String) -> Response {
    with_type(body, GEO_JSON)
}

/// A JSON body.
#[must_use]
pub fn json(body: String) -> Response {
    with_type(body, JSON)
}

/// 301 to `location` (an old slug's new address).
#[must_use]
pub fn moved(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => crate::error::not_found("Not found.").into_response(),
    }
}

/// The base of absolute links, without a trailing slash (`https://haven.example.org`): the
/// configured public URL, else the request's own (checked) `Host`, `https` only when a
/// trusted proxy says so (`HAVEN_TRUST_FORWARDED_FOR`); read from the request by
/// `api::base_url`.
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl BaseUrl {
    /// `path` with `params` (sorted), absolute.
    #[must_use]
    pub fn href(&self, path: &str, params: &QueryParams) -> String {
        let query = params.to_query_string();
        if query.is_empty() {
            format!("{}{path}", self.0)
        } else {
            format!("{}{path}?{query}", self.0)
        }
    }

    /// `self` (and `next`, used when more features match) links of a collection page.
    #[must_use]
    pub fn page_links(&self, path: &str, params: &QueryParams, page: &Page) -> PageLinks {
        let next = params.with("offset", (page.offset + page.limit).to_string());
        PageLinks {
            always: vec![Link::new("self", GEO_JSON, self.href(path, params))],
            next: Link::new("next", GEO_JSON, self.href(path, &next)),
        }
    }
}
