//! Query parameters shared by every collection: the API, OGC API - Features and the tiles.
//!
//! Parameters are parsed once into typed values ("parse, don't validate"), so handlers and SQL
//! never see raw strings, and every bad value becomes a 400 problem naming the parameter.
//! Checks that need the database (does this policy area exist?) run in one round trip in
//! [`Filters::check`]. Unknown parameters are ignored, as clients add their own (`f`, `_`).

pub mod doc;
pub mod filters;
pub mod page;
pub mod search;

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

pub use crate::domain::Lang;
pub use doc::{CollectionParams, LangParams};
pub use filters::{AreaMatch, FilterBinds, Filters, KnownValues, REGION_MATCH};
pub use page::{CollectionQuery, DEFAULT_LIMIT, MAX_LIMIT, OverLimit, Page};
pub use search::{BBox, DEFAULT_RADIUS_KM, MAX_Q_CHARS, MAX_RADIUS_KM, Near, Search, q_param};

/// The query string as a sorted map; a repeated key is joined with commas
/// (`policy_area=a&policy_area=b` means `policy_area=a,b`). Never fails.
#[derive(Debug, Clone, Default)]
pub struct QueryParams(BTreeMap<String, String>);

impl QueryParams {
    /// Parses a raw (percent-encoded) query string.
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            map.entry(key.into_owned())
                .and_modify(|joined| {
                    joined.push(',');
                    joined.push_str(&value);
                })
                .or_insert_with(|| value.into_owned());
        }
        Self(map)
    }

    /// The trimmed value of `key`; absent and blank are both `None`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(|value| value.trim_ascii())
            .filter(|value| !value.is_empty())
    }

    /// Whether `key` was given as nothing but white space (`?f=%0D%09`): a value that
    /// [`get`](Self::get) reads as absent, but that a parameter with a fixed set of values
    /// refuses.
    #[must_use]
    pub fn is_blank(&self, key: &str) -> bool {
        self.0
            .get(key)
            .is_some_and(|value| !value.is_empty() && value.trim_ascii().is_empty())
    }

    /// The same parameters with `key` set to `value` (for `next` links).
    #[must_use]
    pub fn with(&self, key: &str, value: impl Into<String>) -> Self {
        let mut map = self.0.clone();
        map.insert(key.to_owned(), value.into());
        Self(map)
    }

    /// The same parameters without `key`.
    #[must_use]
    pub fn without(&self, key: &str) -> Self {
        let mut map = self.0.clone();
        map.remove(key);
        Self(map)
    }

    /// The parameters as given (not trimmed), sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The parameters, sorted by name and percent-encoded: one spelling per request, used
    /// for ETags and links.
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.0 {
            out.append_pair(key, value);
        }
        out.finish()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_join_and_blank_is_absent() {
        let params = QueryParams::parse(Some("policy_area=a&policy_area=b&q=%20&x=1"));
        assert_eq!(params.get("policy_area"), Some("a,b"));
        assert_eq!(params.get("q"), None);
        assert_eq!(params.to_query_string(), "policy_area=a%2Cb&q=+&x=1");
    }
}
