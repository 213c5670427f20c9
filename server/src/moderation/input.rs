//! Reading and checking what people send: JSON bodies whose errors name the field, text
//! lengths, http(s) URLs, language maps, and database refusals mapped to 409/422.
//!
//! Text is stored exactly as given (it is escaped where rendered); only its length and, for
//! URLs, its scheme are checked.

use axum::extract::{FromRequest, Request};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{AppError, AppResult, bad_request};

/// A JSON request body; malformed JSON or a wrong field is a 400 naming the field. A body
/// must say it is `application/json` (415 otherwise: a cross-site form or `text/plain` post
/// cannot pass for JSON). An empty body reads as `{}` on POST (actions whose fields are all
/// optional) and is a 400 on PATCH and PUT, which change nothing without one.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

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
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .map(|value| value.to_str().map(is_json).unwrap_or(false));
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|error| match error.status() {
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                        AppError::PayloadTooLarge("The request body is too large.".to_owned())
                    }
                    _ => bad_request("body", error.body_text()),
                })?;
        let empty = bytes.iter().all(u8::is_ascii_whitespace);
        if !empty && content_type != Some(true) {
            return Err(AppError::UnsupportedMediaType(
                "The body must be JSON, sent as Content-Type: application/json.".to_owned(),
            ));
        }
        if empty && method != axum::http::Method::POST {
            return Err(bad_request("body", "A JSON body is required."));
        }
        let bytes: &[u8] = if empty { b"{}" } else { &bytes };
        serde_json::from_slice(bytes).map(Self).map_err(|error| {
            let message = error.to_string();
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.contains("field"))
                .unwrap_or("body")
                .to_owned();
            AppError::BadRequest {
                field: Some(field),
                detail: message,
            }
        })
    }
}

/// A 422 naming the field.
pub fn unprocessable(field: impl Into<String>, detail: impl Into<String>) -> AppError {
    AppError::Unprocessable {
        field: Some(field.into()),
        detail: detail.into(),
    }
}

/// Text of 1 to `max` characters (not only white space).
///
/// # Errors
/// 422 naming `field`.
pub fn text(field: &str, value: &str, max: usize) -> AppResult<()> {
    if value.trim().is_empty() {
        return Err(unprocessable(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(unprocessable(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// An absolute http(s) URL (no `javascript:`, `data:` and the like).
///
/// # Errors
/// 422 naming `field`.
pub fn web_url(field: &str, value: &str) -> AppResult<()> {
    let ok = value.len() <= 2048
        && !value.chars().any(char::is_whitespace)
        && url::Url::parse(value)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
    if ok {
        Ok(())
    } else {
        Err(unprocessable(field, "must be an http(s) URL"))
    }
}

/// An e-mail address as the `users` table accepts it.
///
/// # Errors
/// 422 naming `field`.
pub fn email(field: &str, value: &str) -> AppResult<()> {
    let ok = value.len() <= 254
        && !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if ok {
        Ok(())
    } else {
        Err(unprocessable(field, "must be an e-mail address"))
    }
}

/// A partial ISO date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
///
/// # Errors
/// 422 naming `field`.
pub fn partial_date(field: &str, value: &str) -> AppResult<()> {
    let parts: Vec<&str> = value.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && ("01"..="12").contains(m),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && ("01"..="12").contains(m)
                && digits(d, 2)
                && ("01"..="31").contains(d)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(unprocessable(field, "must be YYYY, YYYY-MM or YYYY-MM-DD"))
    }
}

/// A two-letter language code.
#[must_use]
pub fn is_lang(value: &str) -> bool {
    value.len() == 2 && value.bytes().all(|b| b.is_ascii_lowercase())
}

/// An object of texts by language, e.g. `{"de": "…", "en": "…"}`, each at most `max` long.
///
/// # Errors
/// 422 naming `field` (or `field.lang`).
pub fn lang_map(field: &str, value: &Value, max: usize) -> AppResult<()> {
    let Value::Object(map) = value else {
        return Err(unprocessable(
            field,
            "must be an object of texts by language",
        ));
    };
    for (lang, text_value) in map {
        if !is_lang(lang) {
            return Err(unprocessable(
                format!("{field}.{lang}"),
                "is not a two-letter language code",
            ));
        }
        let Value::String(s) = text_value else {
            return Err(unprocessable(format!("{field}.{lang}"), "must be text"));
        };
        text(&format!("{field}.{lang}"), s, max)?;
    }
    Ok(())
}

/// The object under `value`, or a 422 naming `field`.
///
/// # Errors
/// 422 naming `field`.
pub fn object<'a>(field: &str, value: &'a Value) -> AppResult<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| unprocessable(field, "must be an object"))
}

/// Maps a database refusal of a write to 409 (already exists) or 422 (a rule of the schema),
/// naming the field as well as the constraint allows; anything else stays internal.
pub fn refusal(error: diesel::result::Error) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(kind, info) => {
            let constraint = info.constraint_name().unwrap_or("");
            let column = info.column_name().map(str::to_owned);
            let field = column.or_else(|| field_of_constraint(constraint, info.message()));
            match kind {
                DatabaseErrorKind::UniqueViolation => AppError::Conflict {
                    field,
                    detail: "This already exists.".to_owned(),
                },
                DatabaseErrorKind::CheckViolation
                | DatabaseErrorKind::NotNullViolation
                | DatabaseErrorKind::ForeignKeyViolation => AppError::Unprocessable {
                    field,
                    detail: format!("The value breaks a rule of the data model ({constraint})."),
                },
                _ => AppError::Internal(anyhow::anyhow!("{}", info.message())),
            }
        }
        other => other.into(),
    }
}

fn field_of_constraint(constraint: &str, message: &str) -> Option<String> {
    if constraint == "web_url_check" || message.contains("web_url") {
        return Some("url".to_owned());
    }
    if constraint == "partial_date_check" {
        return Some("date".to_owned());
    }
    // `<table>_<column>_check` / `_key` / `_fkey`
    let trimmed = constraint
        .trim_end_matches("_check")
        .trim_end_matches("_fkey")
        .trim_end_matches("_key");
    trimmed.split_once('_').map(|(_, column)| column.to_owned())
}
