//! Reading and checking what people send: JSON bodies whose errors name the field, text
//! lengths, http(s) URLs, language maps.
//!
//! Text is stored exactly as given (it is escaped where rendered); only its length and, for
//! URLs, its scheme are checked.

use serde_json::{Map, Value};

use crate::domain::{self, Email, Parse, PartialDate, WebUrl};
use crate::error::AppResult;

pub use crate::error::unprocessable;

/// Text of 1 to `max` characters (not only white space), line breaks allowed, no other
/// control or bidi-override characters.
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
    domain::clean(value, true).map_err(|invalid| unprocessable(field, invalid.0))
}

fn parsed<T: Parse>(field: &str, value: &str) -> AppResult<()> {
    T::parse(value)
        .map(drop)
        .map_err(|invalid| unprocessable(field, invalid.0))
}

/// An absolute http(s) URL (no `javascript:`, `data:` and the like).
///
/// # Errors
/// 422 naming `field`.
pub fn web_url(field: &str, value: &str) -> AppResult<()> {
    parsed::<WebUrl>(field, value)
}

/// An e-mail address as the `users` table accepts it.
///
/// # Errors
/// 422 naming `field`.
pub fn email(field: &str, value: &str) -> AppResult<()> {
    parsed::<Email>(field, value)
}

/// A partial ISO date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
///
/// # Errors
/// 422 naming `field`.
pub fn partial_date(field: &str, value: &str) -> AppResult<()> {
    parsed::<PartialDate>(field, value)
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
