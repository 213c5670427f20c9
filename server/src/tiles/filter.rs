//! The filters a tile request may carry, parsed and normalised.
//!
//! Tiles take the API's filters (`policy_area`, `network`, `country`, `region`). The parsing
//! here is deliberately small and local to the tiles; it is meant to be swapped for the API's
//! shared filter type once that exists, behind the same [`TileFilter`] interface (`parse`,
//! `cache_key`, `query_string`).

use std::collections::BTreeSet;
use std::collections::HashMap;

use crate::error::{AppResult, bad_request};

/// Most values one list filter may hold.
const MAX_VALUES: usize = 50;

/// The normalised filters of a tile request: sorted, deduplicated lists; empty means no
/// filter on that field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TileFilter {
    /// Policy area slugs (any-of).
    pub policy_areas: Vec<String>,
    /// Network slugs (any-of).
    pub networks: Vec<String>,
    /// ISO 3166-1 alpha-2 codes, upper case.
    pub countries: Vec<String>,
    /// A region code (AGS, admin1 code) or numeric region id.
    pub region: Option<String>,
}

impl TileFilter {
    /// Parses the filters from the query parameters; other parameters are ignored.
    ///
    /// # Errors
    /// 400 naming the parameter when a value is malformed.
    pub fn parse(query: &HashMap<String, String>) -> AppResult<Self> {
        let list = |field: &str, valid: fn(&str) -> bool, upper: bool| -> AppResult<Vec<String>> {
            let Some(raw) = query.get(field) else {
                return Ok(Vec::new());
            };
            let mut values = BTreeSet::new();
            for value in raw.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                let value = if upper {
                    value.to_ascii_uppercase()
                } else {
                    value.to_owned()
                };
                if !valid(&value) {
                    return Err(bad_request(
                        field,
                        format!("`{value}` is not a valid {field}."),
                    ));
                }
                values.insert(value);
            }
            if values.len() > MAX_VALUES {
                return Err(bad_request(
                    field,
                    format!("At most {MAX_VALUES} values are allowed."),
                ));
            }
            Ok(values.into_iter().collect())
        };
        let region = match query.get("region").map(|r| r.trim()) {
            None | Some("") => None,
            Some(region)
                if region.len() <= 20 && region.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Some(region.to_owned())
            }
            Some(_) => {
                return Err(bad_request(
                    "region",
                    "A region is a region code or id (letters and digits).",
                ));
            }
        };
        Ok(Self {
            policy_areas: list("policy_area", is_slug, false)?,
            networks: list("network", is_slug, false)?,
            countries: list("country", is_country, true)?,
            region,
        })
    }

    /// Whether no filter is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The normalised query string (`policy_area=a,b&country=DE`), empty without filters: the
    /// same filters always give the same string, so it keys the cache and builds tile URLs.
    #[must_use]
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (name, values) in [
            ("policy_area", &self.policy_areas),
            ("network", &self.networks),
            ("country", &self.countries),
        ] {
            if !values.is_empty() {
                parts.push(format!("{name}={}", values.join(",")));
            }
        }
        if let Some(region) = &self.region {
            parts.push(format!("region={region}"));
        }
        parts.join("&")
    }

    /// A list as an SQL bind: `None` (no filter) when empty.
    pub(crate) fn bind(values: &[String]) -> Option<Vec<String>> {
        (!values.is_empty()).then(|| values.to_vec())
    }
}

/// Lowercase ASCII letters, digits and single hyphens (the database's `slug` domain).
fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 120
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn is_country(value: &str) -> bool {
    value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> AppResult<TileFilter> {
        TileFilter::parse(
            &pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn normalises_order_case_and_duplicates() {
        let filter = parse(&[("policy_area", "work,housing,work"), ("country", "pl,DE")]).unwrap();
        assert_eq!(
            filter.query_string(),
            "policy_area=housing,work&country=DE,PL"
        );
    }

    #[test]
    fn rejects_malformed_values() {
        assert!(parse(&[("policy_area", "Housing!")]).is_err());
        assert!(parse(&[("country", "DEU")]).is_err());
        assert!(parse(&[("region", "05;drop")]).is_err());
    }
}
