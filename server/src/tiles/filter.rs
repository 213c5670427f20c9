//! The filters of a tile request: the API's shared [`Filters`] (same parameters, same 400s,
//! same existence check), normalised so that equal filters key one cache entry.

use crate::error::AppResult;
use crate::query::{Filters, QueryParams};

/// Parses `policy_area`, `network`, `country` and `region` like every collection does, then
/// sorts and deduplicates the lists: `a,b` and `b,a` are one tile, one cache entry, one URL.
///
/// # Errors
/// 400 naming the parameter when a value is malformed.
pub fn parse(params: &QueryParams) -> AppResult<Filters> {
    let mut filters = Filters::from_params(params)?;
    for values in [
        &mut filters.policy_areas,
        &mut filters.networks,
        &mut filters.countries,
    ] {
        values.sort_unstable();
        values.dedup();
    }
    Ok(filters)
}

/// The query string of normalised filters (`policy_area=a,b&country=DE`), empty without
/// filters: it keys the cache and is appended to tile URLs. Values are slugs, country codes
/// and region codes, which need no escaping.
#[must_use]
pub fn query_string(filters: &Filters) -> String {
    let mut parts = Vec::new();
    for (name, values) in [
        ("policy_area", &filters.policy_areas),
        ("network", &filters.networks),
        ("country", &filters.countries),
    ] {
        if !values.is_empty() {
            parts.push(format!("{name}={}", values.join(",")));
        }
    }
    if let Some(region) = &filters.region {
        parts.push(format!("region={region}"));
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_query(raw: &str) -> AppResult<Filters> {
        parse(&QueryParams::parse(Some(raw)))
    }

    #[test]
    fn normalises_order_case_and_duplicates() {
        let filters = parse_query("policy_area=work,housing,work&country=pl,DE").unwrap();
        assert_eq!(
            query_string(&filters),
            "policy_area=housing,work&country=DE,PL"
        );
    }

    #[test]
    fn rejects_malformed_values() {
        assert!(parse_query("policy_area=Housing!").is_err());
        assert!(parse_query("country=DEU").is_err());
        assert!(parse_query("region=05;drop").is_err());
    }
}
