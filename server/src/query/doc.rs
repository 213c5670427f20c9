//! The query parameters as the OpenAPI document describes them.

use super::Lang;

/// The parameters of every collection, as the OpenAPI document describes them (parsing is
/// done by [`super::CollectionQuery::from_params`]).
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
    #[param(max_length = 40, pattern = "^[A-Za-z0-9-]+$")]
    pub region: Option<String>,
    /// Full text over names, titles and summaries (German, English and simple stemming,
    /// accents ignored) and name prefixes; at most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `minLon,minLat,maxLon,maxLat` (WGS 84).
    #[param(example = "5.8,47.2,15.1,55.1")]
    pub bbox: Option<String>,
    /// `lon,lat`: only features within `radius_km`, nearest first, with `distance_km`
    /// (great-circle distances on the mean-radius sphere).
    #[param(example = "6.95,50.94")]
    pub near: Option<String>,
    /// Radius around `near` in km (default 50, at most 20000).
    #[param(exclusive_minimum = 0, maximum = 20000)]
    pub radius_km: Option<f64>,
    /// Language of labels and content: de, en (default), fr or es. Content falls back to
    /// English, then the original, and says which language it is in (`*_lang`).
    pub lang: Option<Lang>,
    /// Features per page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Features to skip (the `next` link sets it).
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<i64>,
}

/// The `lang` parameter alone, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParams {
    /// de, en (default), fr or es.
    pub lang: Option<Lang>,
}
