//! HTTP caching and CORS of the public reads.
//!
//! Every public GET answer depends only on the published data and the request, so its strong
//! `ETag` is the in-memory data version plus a hash of the normalised request (host, path,
//! sorted query, `Accept-Encoding`, as the compression layer outside picks the encoding from
//! it). A matching `If-None-Match` is answered 304 before the handler runs, without touching
//! the database. `Cache-Control` lets browsers and CDNs keep answers for a minute; a change of
//! the data changes every tag at once, on every instance (the version rides on NOTIFY).
//!
//! The same tag also keys a small in-memory cache of answers: repeated requests (the map's
//! default view, a popular filter) are served without the database until the data changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::cors::{Any, CorsLayer};

use crate::app::AppState;
use crate::query::QueryParams;

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

/// Most answers and bytes kept in memory (the cache starts over beyond), and the largest
/// body read (far above any answer: collections stop at 1000 features).
const CACHE_ENTRIES: usize = 1024;
const CACHE_TOTAL_BYTES: usize = 64 * 1024 * 1024;
const CACHE_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Answers of the current data version by ETag (one per router, so per database).
#[derive(Debug, Default)]
pub struct AnswerCache {
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    version: i64,
    bytes: usize,
    answers: HashMap<String, (HeaderValue, Bytes)>,
}

impl AnswerCache {
    fn get(&self, version: i64, tag: &str) -> Option<(HeaderValue, Bytes)> {
        let inner = self.inner.lock().ok()?;
        (inner.version == version)
            .then(|| inner.answers.get(tag).cloned())
            .flatten()
    }

    fn put(&self, version: i64, tag: String, content_type: HeaderValue, body: Bytes) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.version != version
            || inner.answers.len() >= CACHE_ENTRIES
            || inner.bytes + body.len() > CACHE_TOTAL_BYTES
        {
            inner.version = version;
            inner.answers.clear();
            inner.bytes = 0;
        }
        inner.bytes += body.len();
        inner.answers.insert(tag, (content_type, body));
    }
}

/// The state of [`revalidate`].
pub type CacheState = (AppState, Arc<AnswerCache>);

/// Middleware: 304 for a current `If-None-Match`, else the cached or the handler's answer
/// with `ETag` and `Cache-Control` when it is a 200.
pub async fn revalidate(
    State((state, cache)): State<CacheState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let version = state.data_version.get();
    let tag = etag_for(
        version,
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
    } else if let Some((content_type, body)) = cache.get(version, &tag) {
        let mut response = Response::new(Body::from(body));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
        response
    } else {
        let response = next.run(request).await;
        keep(&cache, version, &tag, response).await
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

/// Stores a 200 answer in `cache` (reading its body) and gives it back.
async fn keep(cache: &AnswerCache, version: i64, tag: &str, response: Response) -> Response {
    let Some(content_type) = response.headers().get(header::CONTENT_TYPE).cloned() else {
        return response;
    };
    if response.status() != StatusCode::OK || response.headers().len() > 1 {
        return response; // Only plain answers (redirects and problems are not kept).
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, CACHE_BODY_BYTES).await {
        Ok(bytes) => {
            cache.put(version, tag.to_owned(), content_type, bytes.clone());
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(error) => {
            tracing::warn!(%error, "answer too large to keep");
            crate::error::AppError::Internal(anyhow::anyhow!("answer too large")).into_response()
        }
    }
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
