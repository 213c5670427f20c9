//! Field checks shared by every loader: the same rules the database's domains enforce
//! (`partial_date`, `web_url`, `slug`), checked first so that a bad row is reported with
//! its line and field instead of aborting a whole statement.

use super::report::RowError;

/// A partial ISO 8601 date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real calendar day).
///
/// # Errors
/// When `value` is not such a date.
pub fn partial_date(field: &str, value: &str) -> Result<String, RowError> {
    let bad = || {
        RowError::new(
            field,
            format!("not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value:?}"),
        )
    };
    let parts: Vec<&str> = value.split('-').collect();
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [year] if digits(year, 4) => Ok(value.to_owned()),
        [year, month] if digits(year, 4) && digits(month, 2) => {
            let month: u32 = month.parse().map_err(|_| bad())?;
            if (1..=12).contains(&month) {
                Ok(value.to_owned())
            } else {
                Err(bad())
            }
        }
        [year, month, day] if digits(year, 4) && digits(month, 2) && digits(day, 2) => {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
            Ok(value.to_owned())
        }
        _ => Err(bad()),
    }
}

/// A full calendar date `YYYY-MM-DD`.
///
/// # Errors
/// When `value` is not such a date.
pub fn full_date(field: &str, value: &str) -> Result<String, RowError> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|_| value.to_owned())
        .map_err(|_| RowError::new(field, format!("not a date (YYYY-MM-DD): {value:?}")))
}

/// An absolute http(s) URL without spaces, at most 2048 characters.
///
/// # Errors
/// When `value` is not such a URL.
pub fn web_url(field: &str, value: &str) -> Result<String, RowError> {
    let ok = url::Url::parse(value)
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
        && !value.chars().any(char::is_whitespace)
        && value.len() <= 2048;
    if ok {
        Ok(value.to_owned())
    } else {
        Err(RowError::new(
            field,
            format!("not an http(s) URL: {value:?}"),
        ))
    }
}

/// A slug: lowercase ASCII letters and digits in hyphen-separated words.
///
/// # Errors
/// When `value` is not a slug.
pub fn slug(field: &str, value: &str) -> Result<String, RowError> {
    let ok = !value.is_empty()
        && value.len() <= 120
        && value.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(value.to_owned())
    } else {
        Err(RowError::new(
            field,
            format!("not a slug (lowercase ASCII words joined by hyphens): {value:?}"),
        ))
    }
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
