//! Query parameters shared by every collection: the API, OGC API - Features and the tiles.
//!
//! Parameters are parsed once into typed values ("parse, don't validate"), so handlers and SQL
//! never see raw strings, and every bad value becomes a 400 problem naming the parameter.
//! Checks that need the database (does this policy area exist?) run in one round trip in
//! [`Filters::check`]. Unknown parameters are ignored, as clients add their own (`f`, `_`).

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use diesel::sql_types::{Array, Bool, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::{AppResult, bad_request};

/// Most values one comma list may hold.
const MAX_LIST: usize = 50;
/// Longest accepted `q`.
pub const MAX_Q_CHARS: usize = 200;
/// Default and maximum `radius_km` of `near`.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;
/// Largest `radius_km` (half the earth's circumference, so everything).
pub const MAX_RADIUS_KM: f64 = 20_000.0;

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
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
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

/// The filters of every collection and of the tiles: a city (or a practice's city) matches
/// when it matches every filter given; inside one filter the values are any-of, except that
/// `policy_area_match=all` asks for all of the policy areas.
///
/// - `policy_area`: the city has a published practice in one of the areas (for practices:
///   the practice itself is in one of them); with `policy_area_match=all`, published practices
///   in every one of the areas (for practices: the practice is in every one of them);
/// - `network`: the city is a member (any status but `left`) of one of the networks;
/// - `country`: ISO 3166-1 alpha-2, upper case;
/// - `region`: a region code (`05`, `05315`), `<country>-<code>` (`DE-05`) or a region id;
///   the city's state/admin1 region or its district.
///
/// An empty vector (or `None`) means "no filter". [`Filters::binds`] gives the values as
/// nullable SQL arrays for `($1::text[] IS NULL OR ...)` predicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Policy area slugs.
    pub policy_areas: Vec<String>,
    /// Whether any of the policy areas matches, or all of them must.
    pub policy_area_match: AreaMatch,
    /// Network slugs.
    pub networks: Vec<String>,
    /// ISO 3166-1 alpha-2 country codes, upper case.
    pub countries: Vec<String>,
    /// A region code, `<country>-<code>` or region id.
    pub region: Option<String>,
}

/// How several policy areas combine (`policy_area_match`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AreaMatch {
    /// Any of them (the default).
    #[default]
    Any,
    /// All of them.
    All,
}

impl AreaMatch {
    /// The parameter's value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::All => "all",
        }
    }

    /// Parses `policy_area_match` (default `any`).
    ///
    /// # Errors
    /// 400 naming `policy_area_match` for any other value.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        match params.get("policy_area_match") {
            None | Some("any") => Ok(Self::Any),
            Some("all") => Ok(Self::All),
            Some(_) => Err(bad_request(
                "policy_area_match",
                "`policy_area_match` is `any` (the default) or `all`.",
            )),
        }
    }
}

/// The filters as SQL binds: `None` where the filter is not given.
#[derive(Debug, Clone, Default)]
pub struct FilterBinds {
    pub policy_areas: Option<Vec<String>>,
    /// Every policy area must match (only meaningful with `policy_areas`).
    pub all_policy_areas: bool,
    pub networks: Option<Vec<String>>,
    pub countries: Option<Vec<String>>,
    pub region: Option<String>,
}

/// SQL matching a region parameter (`$n`) against `regions`: by code, `<country>-<code>` or id.
/// Use as `region_id IN (SELECT id FROM regions WHERE <REGION_MATCH with $n>)`.
pub const REGION_MATCH: &str = "(code = $R OR country || '-' || code = $R OR id::text = $R)";

impl Filters {
    /// Parses `policy_area`, `network`, `country` and `region` (syntax only; see
    /// [`check`](Self::check) for existence).
    ///
    /// # Errors
    /// 400 naming the parameter when a value is malformed or a list too long.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let policy_areas = slug_list(params, "policy_area")?;
        let policy_area_match = AreaMatch::from_params(params)?;
        let networks = slug_list(params, "network")?;
        let countries = list(params, "country")?
            .into_iter()
            .map(|code| {
                if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
                    Ok(code.to_ascii_uppercase())
                } else {
                    Err(bad_request(
                        "country",
                        format!("`{code}` is not an ISO 3166-1 alpha-2 country code such as DE."),
                    ))
                }
            })
            .collect::<AppResult<Vec<_>>>()?;
        let region = match params.get("region") {
            None => None,
            Some(region)
                if region.len() <= 40
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                Some(region.to_owned())
            }
            Some(_) => {
                return Err(bad_request(
                    "region",
                    "`region` is a region code (e.g. 05 or DE-05) or a region id.",
                ));
            }
        };
        Ok(Self {
            policy_areas,
            policy_area_match,
            networks,
            countries,
            region,
        })
    }

    /// No filter given.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.policy_areas.is_empty()
            && self.networks.is_empty()
            && self.countries.is_empty()
            && self.region.is_none()
    }

    /// The filters as nullable SQL binds.
    #[must_use]
    pub fn binds(&self) -> FilterBinds {
        let some = |values: &Vec<String>| (!values.is_empty()).then(|| values.clone());
        FilterBinds {
            policy_areas: some(&self.policy_areas),
            all_policy_areas: self.policy_area_match == AreaMatch::All,
            networks: some(&self.networks),
            countries: some(&self.countries),
            region: self.region.clone(),
        }
    }

    /// Checks that every policy area, network, country and region exists, in one query
    /// (none when no filter is given).
    ///
    /// # Errors
    /// 400 naming the parameter (for policy areas the message lists the valid slugs); 500
    /// when the query fails.
    pub async fn check(&self, conn: &mut AsyncPgConnection) -> AppResult<()> {
        #[derive(diesel::QueryableByName)]
        struct Unknown {
            #[diesel(sql_type = Array<Text>)]
            policy_areas: Vec<String>,
            #[diesel(sql_type = Array<Text>)]
            networks: Vec<String>,
            #[diesel(sql_type = Array<Text>)]
            countries: Vec<String>,
            #[diesel(sql_type = Bool)]
            region_ok: bool,
            #[diesel(sql_type = Array<Text>)]
            valid_policy_areas: Vec<String>,
        }
        if self.is_empty() {
            return Ok(());
        }
        let binds = self.binds();
        let sql = format!(
            "SELECT \
               ARRAY(SELECT unnest(coalesce($1::text[], '{{}}')) EXCEPT SELECT slug FROM policy_areas) AS policy_areas, \
               ARRAY(SELECT unnest(coalesce($2::text[], '{{}}')) EXCEPT SELECT slug FROM networks) AS networks, \
               ARRAY(SELECT unnest(coalesce($3::text[], '{{}}')) EXCEPT SELECT iso2::text FROM countries) AS countries, \
               ($4::text IS NULL OR EXISTS (SELECT 1 FROM regions WHERE {})) AS region_ok, \
               ARRAY(SELECT slug::text FROM policy_areas ORDER BY position) AS valid_policy_areas",
            REGION_MATCH.replace("$R", "$4")
        );
        let unknown: Unknown = diesel::sql_query(sql)
            .bind::<Nullable<Array<Text>>, _>(binds.policy_areas)
            .bind::<Nullable<Array<Text>>, _>(binds.networks)
            .bind::<Nullable<Array<Text>>, _>(binds.countries)
            .bind::<Nullable<Text>, _>(binds.region)
            .get_result(conn)
            .await?;
        if !unknown.policy_areas.is_empty() {
            return Err(bad_request(
                "policy_area",
                format!(
                    "Unknown policy area {}; valid: {}.",
                    quoted(&unknown.policy_areas),
                    unknown.valid_policy_areas.join(", ")
                ),
            ));
        }
        if !unknown.networks.is_empty() {
            return Err(bad_request(
                "network",
                format!(
                    "Unknown network {}; GET /api/v1/networks lists them.",
                    quoted(&unknown.networks)
                ),
            ));
        }
        if !unknown.countries.is_empty() {
            return Err(bad_request(
                "country",
                format!("No data for country {}.", quoted(&unknown.countries)),
            ));
        }
        if !unknown.region_ok {
            return Err(bad_request("region", "Unknown region."));
        }
        Ok(())
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A comma list (empty items dropped), at most [`MAX_LIST`] values.
fn list(params: &QueryParams, name: &str) -> AppResult<Vec<String>> {
    let Some(raw) = params.get(name) else {
        return Ok(Vec::new());
    };
    let mut values: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect();
    values.dedup();
    if values.len() > MAX_LIST {
        return Err(bad_request(
            name,
            format!("At most {MAX_LIST} values in `{name}`."),
        ));
    }
    Ok(values)
}

/// A comma list of slugs.
fn slug_list(params: &QueryParams, name: &str) -> AppResult<Vec<String>> {
    let values = list(params, name)?;
    for value in &values {
        if !is_slug(value) {
            return Err(bad_request(
                name,
                format!(
                    "`{value}` is not a valid `{name}` (lowercase letters, digits and hyphens)."
                ),
            ));
        }
    }
    Ok(values)
}

/// Whether `value` has the shape of a slug (the `slug` domain of the schema).
#[must_use]
pub fn is_slug(value: &str) -> bool {
    value.len() <= 120
        && !value.is_empty()
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A bounding box `minLon,minLat,maxLon,maxLat` in WGS 84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// Parses `bbox`; a reversed or out-of-range box is a 400.
    ///
    /// # Errors
    /// 400 naming `bbox`.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let numbers = numbers(raw, "bbox")?;
        // OGC allows six numbers (with heights); the heights are ignored.
        let [min_lon, min_lat, max_lon, max_lat] = match numbers[..] {
            [a, b, c, d] => [a, b, c, d],
            [a, b, _, d, e, _] => [a, b, d, e],
            _ => {
                return Err(bad_request(
                    "bbox",
                    "`bbox` is minLon,minLat,maxLon,maxLat (four numbers).",
                ));
            }
        };
        check_lon_lat(min_lon, min_lat, "bbox")?;
        check_lon_lat(max_lon, max_lat, "bbox")?;
        if min_lon > max_lon || min_lat > max_lat {
            return Err(bad_request(
                "bbox",
                "`bbox` is reversed: minLon must not exceed maxLon, nor minLat maxLat.",
            ));
        }
        Ok(Self {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }
}

/// A point and radius for `near` + `radius_km`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lon: f64,
    pub lat: f64,
    pub radius_km: f64,
}

/// Full text, box and distance: the search parameters of the collections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// Full text (`q`), at most [`MAX_Q_CHARS`] characters.
    pub q: Option<String>,
    pub bbox: Option<BBox>,
    pub near: Option<Near>,
}

impl Search {
    /// Parses `q`, `bbox`, `near` and `radius_km`.
    ///
    /// # Errors
    /// 400 naming the parameter.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let q = q_param(params)?;
        let bbox = params.get("bbox").map(BBox::parse).transpose()?;
        let radius_km = match params.get("radius_km") {
            None => DEFAULT_RADIUS_KM,
            Some(raw) => match raw.parse::<f64>() {
                Ok(radius) if radius.is_finite() && radius > 0.0 && radius <= MAX_RADIUS_KM => {
                    radius
                }
                _ => {
                    return Err(bad_request(
                        "radius_km",
                        format!(
                            "`radius_km` is a number of kilometres above 0, at most {MAX_RADIUS_KM}."
                        ),
                    ));
                }
            },
        };
        let near = match params.get("near") {
            None if params.get("radius_km").is_some() => {
                return Err(bad_request("near", "`radius_km` needs `near=lon,lat`."));
            }
            None => None,
            Some(raw) => {
                let numbers = numbers(raw, "near")?;
                let [lon, lat] = numbers[..] else {
                    return Err(bad_request("near", "`near` is lon,lat (two numbers)."));
                };
                check_lon_lat(lon, lat, "near")?;
                Some(Near {
                    lon,
                    lat,
                    radius_km,
                })
            }
        };
        Ok(Self { q, bbox, near })
    }
}

/// `q`: trimmed, at most [`MAX_Q_CHARS`] characters.
///
/// # Errors
/// 400 naming `q` when it is too long or holds control characters.
pub fn q_param(params: &QueryParams) -> AppResult<Option<String>> {
    let Some(q) = params.get("q") else {
        return Ok(None);
    };
    if q.chars().count() > MAX_Q_CHARS {
        return Err(bad_request(
            "q",
            format!("`q` is at most {MAX_Q_CHARS} characters."),
        ));
    }
    if q.chars().any(char::is_control) {
        return Err(bad_request("q", "`q` may not contain control characters."));
    }
    Ok(Some(q.to_owned()))
}

fn numbers(raw: &str, name: &str) -> AppResult<Vec<f64>> {
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .ok_or_else(|| {
                    bad_request(
                        name,
                        format!("`{name}` holds a value that is not a number."),
                    )
                })
        })
        .collect()
}

fn check_lon_lat(lon: f64, lat: f64, name: &str) -> AppResult<()> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(bad_request(
            name,
            format!("Latitude {lat} in `{name}` is beyond ±90."),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(bad_request(
            name,
            format!("Longitude {lon} in `{name}` is beyond ±180."),
        ));
    }
    Ok(())
}

/// A content and label language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    De,
    #[default]
    En,
    Fr,
    Es,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Self; 4] = [Self::De, Self::En, Self::Fr, Self::Es];

    /// The ISO 639-1 code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::De => "de",
            Self::En => "en",
            Self::Fr => "fr",
            Self::Es => "es",
        }
    }

    /// Parses `lang` (default English).
    ///
    /// # Errors
    /// 400 naming `lang` for any other language.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let Some(raw) = params.get("lang") else {
            return Ok(Self::En);
        };
        Self::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(raw))
            .ok_or_else(|| bad_request("lang", "`lang` is one of de, en, fr, es."))
    }
}

/// A page of a collection: `limit` and `offset` (the `next` link carries the offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// How a too-large `limit` is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    /// 400 (the API's contract).
    Refuse,
    /// Lowered to the maximum (what OGC API - Features recommends).
    Clamp,
}

impl Page {
    /// Parses `limit` (default `default`, at most `max`) and `offset`.
    ///
    /// # Errors
    /// 400 naming `limit` or `offset`.
    pub fn from_params(
        params: &QueryParams,
        default: i64,
        max: i64,
        over: OverLimit,
    ) -> AppResult<Self> {
        let limit = match params.get("limit") {
            None => default,
            Some(raw) => match raw.parse::<i64>() {
                Ok(limit) if (1..=max).contains(&limit) => limit,
                Ok(limit) if limit > max && over == OverLimit::Clamp => max,
                _ => {
                    return Err(bad_request(
                        "limit",
                        format!("`limit` is a whole number from 1 to {max}."),
                    ));
                }
            },
        };
        let offset = match params.get("offset") {
            None => 0,
            Some(raw) => match raw.parse::<i64>() {
                Ok(offset) if (0..=1_000_000_000).contains(&offset) => offset,
                _ => {
                    return Err(bad_request(
                        "offset",
                        "`offset` is a whole number of at least 0.",
                    ));
                }
            },
        };
        Ok(Self { limit, offset })
    }
}

/// Everything a collection request says: filters, search, language and page.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionQuery {
    pub filters: Filters,
    pub search: Search,
    pub lang: Lang,
    pub page: Page,
}

/// Default `limit` of collections.
pub const DEFAULT_LIMIT: i64 = 100;
/// Largest `limit` of collections.
pub const MAX_LIMIT: i64 = 1000;

impl CollectionQuery {
    /// Parses every collection parameter.
    ///
    /// # Errors
    /// 400 naming the first bad parameter.
    pub fn from_params(params: &QueryParams, over: OverLimit) -> AppResult<Self> {
        Ok(Self {
            filters: Filters::from_params(params)?,
            search: Search::from_params(params)?,
            lang: Lang::from_params(params)?,
            page: Page::from_params(params, DEFAULT_LIMIT, MAX_LIMIT, over)?,
        })
    }
}

/// The parameters of every collection, as the OpenAPI document describes them (parsing is
/// done by [`CollectionQuery::from_params`]).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CollectionParams {
    /// Policy area slugs, comma-separated; any of them matches (or all of them, with
    /// `policy_area_match=all`). An unknown slug is a 400 listing the valid ones.
    #[param(example = "housing,health")]
    pub policy_area: Option<String>,
    /// How several `policy_area` values combine: `any` (the default: a practice in any of
    /// the areas; a city with practices in any of them) or `all` (a practice in every one of
    /// the areas; a city whose practices cover every one). The tiles take the same parameter.
    #[param(example = "all")]
    pub policy_area_match: Option<String>,
    /// Network slugs, comma-separated; any of them matches.
    #[param(example = "seebruecke-safe-harbour")]
    pub network: Option<String>,
    /// ISO 3166-1 alpha-2 country codes, comma-separated.
    #[param(example = "DE,PL")]
    pub country: Option<String>,
    /// A region: its code (`05`, `05315`), `<country>-<code>` (`DE-05`) or its id.
    pub region: Option<String>,
    /// Full text over names, titles and summaries (German, English and simple stemming,
    /// accents ignored) and name prefixes; at most 200 characters.
    pub q: Option<String>,
    /// `minLon,minLat,maxLon,maxLat` (WGS 84).
    #[param(example = "5.8,47.2,15.1,55.1")]
    pub bbox: Option<String>,
    /// `lon,lat`: only features within `radius_km`, nearest first, with `distance_km`.
    #[param(example = "6.95,50.94")]
    pub near: Option<String>,
    /// Radius around `near` in km (default 50, at most 20000).
    pub radius_km: Option<f64>,
    /// Language of labels and content: de, en (default), fr or es. Content falls back to
    /// English, then the original, and says which language it is in (`*_lang`).
    pub lang: Option<String>,
    /// Features per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// Features to skip (the `next` link sets it).
    pub offset: Option<i64>,
}

/// The `lang` parameter alone, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParams {
    /// de, en (default), fr or es.
    pub lang: Option<String>,
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

    #[test]
    fn slugs() {
        assert!(is_slug("sea-rescue-safe-passage"));
        assert!(!is_slug("Sea"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
    }
}
