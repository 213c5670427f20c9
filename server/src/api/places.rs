//! `GET /api/v1/places?q=`: the gazetteer search.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::document;
use crate::error::{AppResult, bad_request};
use crate::model::place::PlaceDoc;
use crate::query::{OverLimit, Page, QueryParams, q_param};

/// Default number of places.
pub const DEFAULT_LIMIT: i64 = 10;
/// Most places per answer.
pub const MAX_LIMIT: i64 = 50;

/// The parameters of the place search, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceParams {
    /// Start of the name (case and accents ignored; `Koeln` finds Köln, so does `Cologne`);
    /// 1 to 200 characters.
    #[param(example = "koln", min_length = 1, max_length = 200)]
    pub q: String,
    /// Places to return, 1 to 50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

/// Places whose name starts with `q`, most populous first.
#[utoipa::path(get, path = "/api/v1/places", tag = "gazetteer",
    params(PlaceParams),
    responses(
        (status = 200, description = "Matching places, most populous first", body = Vec<PlaceDoc>),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Missing or bad parameter"),
    ))]
pub async fn search(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    let q = q_param(&params)?
        .ok_or_else(|| bad_request("q", "`q` (the start of a name) is required."))?;
    let page = Page::from_params(&params, DEFAULT_LIMIT, MAX_LIMIT, OverLimit::Refuse)?;
    Ok(document::json(state.places_found(&q, page.limit).await?))
}
