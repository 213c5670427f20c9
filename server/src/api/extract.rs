//! The edge of the API: request bodies and path segments parsed into domain types, with
//! errors that name the field.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::domain::{self, Parse, Slug};
use crate::error::{AppError, AppResult, bad_request};

/// A JSON request body: malformed JSON or an unknown or missing field is a 400 naming the
/// field, a value that breaks its rule a 422 naming it (`source_urls.0`). An empty body
/// reads as `{}`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|error| bad_request("body", error.body_text()))?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
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
