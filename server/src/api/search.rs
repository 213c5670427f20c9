//! `GET /api/v1/search?q=`: the map's search box, over places, cities, practices and policy
//! areas at once.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::document;
use crate::error::{AppResult, bad_request};
use crate::model::search;
use crate::query::{Lang, OverLimit, Page, QueryParams, q_param};

/// Default hits per group.
pub const DEFAULT_LIMIT: i64 = 5;
/// Most hits per group.
pub const MAX_LIMIT: i64 = 20;

/// The parameters of the search, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The text: full text over cities and practices (German and English stemming, accents
    /// ignored, synonyms and German compounds from Haven's list: `Krankenschein` finds
    /// "anonymer Behandlungsschein"), name prefixes of places, cities and policy areas; 1 to
    /// 200 characters.
    #[param(example = "Krankenschein")]
    pub q: String,
    /// Language of titles and labels: de, en (default), fr or es.
    pub lang: Option<String>,
    /// Hits per group, 1 to 20 (default 5).
    pub limit: Option<i64>,
}

/// Places, listed cities, practices and policy areas that `q` finds, grouped, with the
/// number of all cities and practices found; similar words when nothing is.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "What the text finds, grouped", body = search::SearchDoc),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Missing or bad parameter (named in `field`)",
         body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    let q =
        q_param(&params)?.ok_or_else(|| bad_request("q", "`q` (the text to find) is required."))?;
    let lang = Lang::from_params(&params)?;
    let page = Page::from_params(&params, DEFAULT_LIMIT, MAX_LIMIT, OverLimit::Refuse)?;
    // The places first, from the gazetteer (with a connection of their own only when it is
    // not read yet): one connection held at a time.
    let places = state.places_found(&q, page.limit).await?;
    let mut conn = state.db_read().await?;
    Ok(document::json(
        search::search(&mut conn, &q, lang, page.limit, &places).await?,
    ))
}
