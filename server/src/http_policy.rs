//! What every answer carries, whichever route made it: security headers, and problem
//! documents for the errors the HTTP stack answers by itself (a path segment that does not
//! parse, a method the route does not have, a body over the limit, an address too long).
//!
//! The security headers are defaults: a route that sets a header itself keeps its own. So a
//! page that may be framed by other sites (an `/embed` page) sets its own
//! `Content-Security-Policy` with `frame-ancestors *` and gets no `X-Frame-Options`.
//!
//! The headers that govern documents (`Content-Security-Policy`, `X-Frame-Options`,
//! `Referrer-Policy`) are left off binary map data, vector tiles and glyphs, which a browser
//! never renders, frames or follows links from: they made up a third of a small tile's
//! answer. `nosniff` and HSTS stay on every answer.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Config;
use crate::error::{PROBLEM_JSON, Problem};

/// The longest request target (path and query) Haven reads, in bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The longest plain-text error body turned into a problem's `detail`.
const MAX_DETAIL_BYTES: usize = 1024;

/// HSTS over https: a year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The headers every answer gets unless its route set them.
#[derive(Debug)]
pub struct HeaderPolicy {
    config: Config,
    csp: HeaderValue,
}

impl HeaderPolicy {
    /// The policy for Haven's settings.
    #[must_use]
    pub fn new(config: &Config) -> Arc<Self> {
        Arc::new(Self {
            csp: content_security_policy(config),
            config: config.clone(),
        })
    }
}

/// The default Content-Security-Policy: scripts, styles, workers, fonts and data from Haven
/// itself only (no inline script); images also as `data:`/`blob:` (the map's icons); framed
/// by Haven's own pages only. Inline `style` attributes are allowed (the list's colour dots),
/// `<style>` elements are not. An external basemap (`HAVEN_BASEMAP_STYLE_URL`) adds https
/// sources for its style, tiles, sprites and glyphs.
fn content_security_policy(config: &Config) -> HeaderValue {
    policy_framed_by(config, "'self'")
}

/// The Content-Security-Policy of the embeddable map (`/embed`): the default one, except that
/// any site may frame it.
#[must_use]
pub fn embed_content_security_policy(config: &Config) -> HeaderValue {
    policy_framed_by(config, "*")
}

fn policy_framed_by(config: &Config, ancestors: &str) -> HeaderValue {
    let external = if config.basemap_style_url.is_some() {
        " https:"
    } else {
        ""
    };
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data: blob:{external}; font-src 'self'; connect-src 'self'{external}; \
         worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors {ancestors}"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// The middleware: refuses overlong addresses, turns bare error answers into problem
/// documents, and adds the security headers a route did not set.
pub async fn enforce(
    State(policy): State<Arc<HeaderPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    let https = policy.config.is_https(request.headers());
    let target_length = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    let mut response = if target_length > MAX_URI_BYTES {
        Problem::new(
            StatusCode::URI_TOO_LONG,
            format!("The address is longer than {MAX_URI_BYTES} bytes."),
            None,
        )
        .into_response()
    } else {
        as_problem(next.run(request).await, policy.config.body_limit).await
    };
    let headers = response.headers_mut();
    if !is_map_data(headers) {
        let own_policy = headers.contains_key(header::CONTENT_SECURITY_POLICY);
        set_default(headers, header::CONTENT_SECURITY_POLICY, policy.csp.clone());
        if !own_policy {
            set_default(
                headers,
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            );
        }
        set_default(
            headers,
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    set_default(
        headers,
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if https {
        set_default(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// The media types of binary map data (vector tiles, glyph ranges): never a document.
const MAP_DATA: [&str; 2] = [crate::document::MVT, crate::document::PROTOBUF];

/// Whether an answer is binary map data rather than something a browser may render.
fn is_map_data(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).is_some_and(|value| {
        MAP_DATA
            .iter()
            .any(|media| value.as_bytes() == media.as_bytes())
    })
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: HeaderValue) {
    headers.entry(name).or_insert(value);
}

/// Whether an error answer is already a document a client can read (a problem document,
/// another JSON error such as an OGC exception, or a page such as a "not found" page).
fn is_document(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json") || value.starts_with("text/html"))
}

/// An error answer with an empty or plain-text body, made a problem document with the same
/// status and headers (`Allow` of a 405 stays).
async fn as_problem(response: Response, body_limit: usize) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_document(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let plain = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/plain"));
    let text = if plain {
        axum::body::to_bytes(body, MAX_DETAIL_BYTES)
            .await
            .ok()
            .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
            .filter(|text| !text.is_empty())
    } else {
        None
    };
    let detail = text.unwrap_or_else(|| default_detail(status, body_limit));
    let problem = Problem::new(status, detail, None);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Response::from_parts(parts, Body::from(body))
}

fn default_detail(status: StatusCode, body_limit: usize) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            "This method is not allowed at this address; the Allow header lists those that are."
                .to_owned()
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("The request body is larger than {body_limit} bytes.")
        }
        StatusCode::URI_TOO_LONG => format!("The address is longer than {MAX_URI_BYTES} bytes."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "This media type is not accepted here.".to_owned(),
        other => other
            .canonical_reason()
            .unwrap_or("The request failed.")
            .to_owned(),
    }
}
