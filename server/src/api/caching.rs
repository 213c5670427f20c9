//! HTTP caching and CORS of the public reads.
//!
//! Every public GET answer depends only on the published data and the request, so its strong
//! `ETag` is the in-memory data version plus a hash of the normalised request (host, path,
//! sorted query, `Accept-Encoding`, as the compression layer outside picks the encoding from
//! it). A matching `If-None-Match` is answered 304 before the handler runs, without touching
//! the database. `Cache-Control` lets browsers and CDNs keep answers for a minute; a change of
//! the data changes every tag at once, on every instance (the version rides on NOTIFY).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::cors::{Any, CorsLayer};

use super::params::QueryParams;
use crate::app::AppState;

/// `Cache-Control` of public reads.
pub const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=60";

/// The strong ETag of a public GET at data version `version`.
#[must_use]
pub fn etag_for(version: i64, headers: &HeaderMap, path: &str, query: Option<&str>) -> String {
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    };
    let mut encodings: Vec<&str> = header(header::ACCEPT_ENCODING)
        .split(',')
        .map(str::trim)
        .filter(|encoding| !encoding.is_empty())
        .collect();
    encodings.sort_unstable();
    let mut hash = Sha256::new();
    for part in [
        header(header::HOST),
        header(header::HeaderName::from_static("x-forwarded-proto")),
        path,
        &QueryParams::parse(query).to_query_string(),
        &encodings.join(","),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{version}-{hex}\"")
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for this header).
fn matches(if_none_match: &str, tag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == tag
    })
}

/// Middleware: 304 for a current `If-None-Match`, else the handler's answer with `ETag` and
/// `Cache-Control` when it is a 200.
pub async fn revalidate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let tag = etag_for(
        state.data_version.get(),
        request.headers(),
        request.uri().path(),
        request.uri().query(),
    );
    let Ok(tag_value) = HeaderValue::from_str(&tag) else {
        return next.run(request).await;
    };
    let fresh = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| matches(value, &tag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        next.run(request).await
    };
    if response.status() == StatusCode::OK || response.status() == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::ETAG, tag_value);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        );
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// CORS for the public reads: any origin may GET them and read their cache headers.
pub fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([header::ETAG, header::LOCATION])
        .max_age(std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_ignore_query_order_and_follow_the_version() {
        let headers = HeaderMap::new();
        let a = etag_for(3, &headers, "/api/v1/cities", Some("country=DE&lang=de"));
        let b = etag_for(3, &headers, "/api/v1/cities", Some("lang=de&country=DE"));
        let c = etag_for(4, &headers, "/api/v1/cities", Some("lang=de&country=DE"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(matches(&format!("W/{a}, \"x\""), &a));
        assert!(!matches("\"x\"", &a));
    }
}
