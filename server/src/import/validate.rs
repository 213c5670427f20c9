//! Field checks shared by every loader: the domain types' rules (the ones the database's
//! domains enforce: `partial_date`, `web_url`, `slug`), checked first so that a bad row is reported with
//! its line and field instead of aborting a whole statement.

use super::report::RowError;
use crate::domain::{Day, Parse, PartialDate, Slug, WebUrl};

/// `value` checked as the domain type `T` (the same rule the API applies), kept as text;
/// the report names `field` and the rule.
fn checked<T: Parse>(field: &str, value: &str, what: &str) -> Result<String, RowError> {
    T::parse(value)
        .map(|_| value.to_owned())
        .map_err(|_| RowError::new(field, format!("not {what}: {value:?}")))
}

/// A partial ISO 8601 date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real calendar day).
///
/// # Errors
/// When `value` is not such a date.
pub fn partial_date(field: &str, value: &str) -> Result<String, RowError> {
    checked::<PartialDate>(field, value, "a date (YYYY, YYYY-MM or YYYY-MM-DD)")
}

/// A full calendar date `YYYY-MM-DD`.
///
/// # Errors
/// When `value` is not such a date.
pub fn full_date(field: &str, value: &str) -> Result<String, RowError> {
    checked::<Day>(field, value, "a date (YYYY-MM-DD)")
}

/// An absolute http(s) URL without spaces, at most 2048 characters.
///
/// # Errors
/// When `value` is not such a URL.
pub fn web_url(field: &str, value: &str) -> Result<String, RowError> {
    checked::<WebUrl>(field, value, "an http(s) URL")
}

/// A slug: lowercase ASCII letters and digits in hyphen-separated words.
///
/// # Errors
/// When `value` is not a slug.
pub fn slug(field: &str, value: &str) -> Result<String, RowError> {
    checked::<Slug>(
        field,
        value,
        "a slug (lowercase ASCII words joined by hyphens)",
    )
}

/// A slug that no earlier row of the file had (`seen` holds theirs).
///
/// # Errors
/// When `value` is not a slug or appears twice.
pub fn new_slug(
    field: &str,
    value: &str,
    seen: &mut std::collections::HashSet<String>,
) -> Result<String, RowError> {
    let slug = slug(field, value)?;
    if !seen.insert(slug.clone()) {
        return Err(RowError::new(field, format!("{slug:?} appears twice")));
    }
    Ok(slug)
}

/// A coordinate within ±`limit` degrees.
///
/// # Errors
/// When `value` is not a number in range.
pub fn coordinate(field: &str, value: &str, limit: f64) -> Result<f64, RowError> {
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() && number.abs() <= limit => Ok(number),
        _ => Err(RowError::new(
            field,
            format!("not a coordinate within ±{limit}°: {value:?}"),
        )),
    }
}

/// One of `allowed`.
///
/// # Errors
/// When `value` is not in `allowed`.
pub fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<String, RowError> {
    if allowed.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(RowError::new(
            field,
            format!("{value:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

/// A JSON object (as the text of a CSV cell).
///
/// # Errors
/// When `value` is not a JSON object.
pub fn json_object(field: &str, value: &str) -> Result<serde_json::Value, RowError> {
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(object @ serde_json::Value::Object(_)) => Ok(object),
        _ => Err(RowError::new(field, "not a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        assert!(partial_date("d", "2019").is_ok());
        assert!(partial_date("d", "2019-06").is_ok());
        assert!(partial_date("d", "2019-06-14").is_ok());
        assert!(partial_date("d", "2019-13").is_err());
        assert!(partial_date("d", "2019-02-30").is_err());
        assert!(partial_date("d", "2021/2022").is_err());
        assert!(partial_date("d", "19").is_err());
    }

    #[test]
    fn urls_and_slugs() {
        assert!(web_url("u", "https://seebruecke.org/x").is_ok());
        assert!(web_url("u", "ftp://example.org").is_err());
        assert!(web_url("u", "seebruecke.org").is_err());
        assert!(slug("s", "koeln").is_ok());
        assert!(slug("s", "landkreis-goettingen").is_ok());
        assert!(slug("s", "Köln").is_err());
        assert!(slug("s", "a--b").is_err());
    }
}
