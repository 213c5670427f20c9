//! The edge of the API: request bodies and path segments parsed into domain types, with
//! errors that name the field.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::domain::{self, Parse, Slug};
use crate::error::{AppError, AppResult, bad_request};

/// A JSON request body: malformed JSON, a body that is not an object, or an unknown or
/// missing field is a 400 naming the field, a value that breaks its rule a 422 naming it
/// (`source_urls.0`). A body must say it
/// is `application/json` (415 otherwise: a cross-site form or `text/plain` post cannot pass
/// for JSON). An empty body reads as `{}` on POST (actions whose fields are all optional) and
/// is a 400 on PATCH and PUT, which change nothing without one. A body over the limit is 413.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// The body as bytes: 413 over the limit, 400 when it cannot be read.
async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> AppResult<Bytes> {
    Bytes::from_request(request, state)
        .await
        .map_err(|error| match error.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge("The request body is too large.".to_owned())
            }
            _ => bad_request("body", error.body_text()),
        })
}

/// Whether a `Content-Type` is JSON (`application/json` or `application/*+json`, any
/// parameters).
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let method = request.method().clone();
        let declared_json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_some_and(|value| value.to_str().is_ok_and(is_json));
        let bytes = body_bytes(request, state).await?;
        let empty = bytes.iter().all(u8::is_ascii_whitespace);
        if !empty && !declared_json {
            return Err(AppError::UnsupportedMediaType(
                "The body must be JSON, sent as Content-Type: application/json.".to_owned(),
            ));
        }
        if empty && method != axum::http::Method::POST {
            return Err(bad_request("body", "A JSON body is required."));
        }
        // Every body is an object: serde would read a struct from an array too (`[null]`),
        // and name its fields by position.
        if !empty && bytes.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
            return Err(bad_request("body", "The body must be a JSON object."));
        }
        let bytes: &[u8] = if empty { b"{}" } else { &bytes };
        Ok(Self(domain::json::from_slice(bytes)?))
    }
}

/// A query string read into `T`: a bad or unknown value is a 400 naming the parameter.
#[derive(Debug)]
pub struct QueryOf<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryOf<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let deserializer =
            serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|error| {
                let field = error.path().to_string();
                let detail = error.into_inner().to_string();
                bad_request(if field == "." { "query" } else { &field }, detail)
            })
    }
}

/// A path segment that names something by its slug: `None` when it cannot be a slug (the
/// caller answers 404, as for any unknown slug).
///
/// # Errors
/// 400 naming `field` when the segment holds control or bidi-override characters.
pub fn slug_in_path(field: &str, segment: &str) -> AppResult<Option<Slug>> {
    domain::clean(segment, false).map_err(|invalid| bad_request(field, invalid.0))?;
    Ok(Slug::parse(segment).ok())
}

/// The slug of a detail address (`/api/v1/cities/{slug}`): a segment that is missing or cannot
/// be a slug is a 404 saying that no `what` (`city`) has this address.
///
/// # Errors
/// 400 naming `slug` for control or bidi-override characters; that 404.
pub fn detail_slug(segment: Result<Path<String>, PathRejection>, what: &str) -> AppResult<String> {
    let missing = || crate::error::not_found(format!("No {what} has this address."));
    let Ok(Path(slug)) = segment else {
        return Err(missing());
    };
    if slug_in_path("slug", &slug)?.is_none() {
        return Err(missing());
    }
    Ok(slug)
}

/// The slug a path segment names, else a 404 saying there is no `what` (`city`) with it.
///
/// # Errors
/// 400 naming `field` for control or bidi-override characters, 404 for anything else that is
/// not a slug.
pub fn slug_or_404(field: &str, segment: &str, what: &str) -> AppResult<Slug> {
    slug_in_path(field, segment)?
        .ok_or_else(|| crate::error::not_found(format!("There is no {what} '{segment}'.")))
}

/// A path segment parsed as `T`.
///
/// # Errors
/// 400 naming `field`.
pub fn in_path<T: Parse>(field: &str, segment: &str) -> AppResult<T> {
    T::parse(segment).map_err(|invalid| bad_request(field, invalid.0))
}

/// A form body (`application/x-www-form-urlencoded`), read like a query string: 415 for any
/// other declared media type, 400 when it is not UTF-8, 413 when too large. An empty body
/// reads as no fields.
#[derive(Debug)]
pub struct FormBody(pub crate::query::QueryParams);

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let declared_form = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| {
                value
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let bytes = body_bytes(request, state).await?;
        if bytes.is_empty() {
            return Ok(Self(crate::query::QueryParams::default()));
        }
        if declared_form.as_deref() != Some("application/x-www-form-urlencoded") {
            return Err(AppError::UnsupportedMediaType(
                "The body must be a form, sent as Content-Type: application/x-www-form-urlencoded."
                    .to_owned(),
            ));
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| bad_request("body", "The form is not UTF-8."))?;
        Ok(Self(crate::query::QueryParams::parse(Some(text))))
    }
}
