//! Dates as sources state them.

use super::{Invalid, Parse, string_schema, string_type};

/// Today's date, UTC (`YYYY-MM-DD`).
#[must_use]
pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// A partial ISO 8601 date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real calendar day), the
/// schema's `partial_date` domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate(String);

impl PartialDate {
    /// Whether the date names a day (`YYYY-MM-DD`).
    #[must_use]
    pub fn is_day(&self) -> bool {
        self.0.len() == 10
    }
}

impl Parse for PartialDate {
    fn parse(value: &str) -> Result<Self, Invalid> {
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = value.split('-').collect();
        let ok = match parts.as_slice() {
            [year] => digits(year, 4),
            [year, month] => digits(year, 4) && digits(month, 2) && ("01"..="12").contains(month),
            [year, month, day] => {
                digits(year, 4)
                    && digits(month, 2)
                    && digits(day, 2)
                    && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
            }
            _ => false,
        };
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new("must be YYYY, YYYY-MM or YYYY-MM-DD"))
        }
    }
}

string_type!(PartialDate, || string_schema("YYYY, YYYY-MM or YYYY-MM-DD")
    .pattern(Some("^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")));

/// A calendar day `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(String);

impl Parse for Day {
    fn parse(value: &str) -> Result<Self, Invalid> {
        match PartialDate::parse(value) {
            Ok(date) if date.is_day() => Ok(Self(date.0)),
            _ => Err(Invalid::new("must be YYYY-MM-DD")),
        }
    }
}

string_type!(Day, || string_schema("YYYY-MM-DD").format(Some(
    utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date)
)));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        assert!(PartialDate::parse("2019").is_ok());
        assert!(PartialDate::parse("2019-06").is_ok());
        assert!(PartialDate::parse("2019-06-14").is_ok());
        assert!(PartialDate::parse("2019-13").is_err());
        assert!(PartialDate::parse("2019-02-30").is_err());
        assert!(PartialDate::parse("2021/2022").is_err());
        assert!(PartialDate::parse("19").is_err());
        assert!(Day::parse("2019-06-14").is_ok());
        assert!(Day::parse("2019-06").is_err());
    }
}
