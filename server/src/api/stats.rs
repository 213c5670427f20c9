//! `GET /api/v1/stats/growth`: Safe Harbour declarations and network memberships over time.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::document;
use crate::error::AppResult;
use crate::model::growth::{self, GrowthDoc, Step};
use crate::query::{Filters, Lang, QueryParams};

/// The parameters of the growth series, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrowthParams {
    /// Memberships of these networks only (comma-separated slugs); declarations are always
    /// counted.
    #[param(example = "buendnis-staedte-sicherer-haefen")]
    pub network: Option<String>,
    /// Cities of these countries (ISO 3166-1 alpha-2, comma-separated).
    #[param(example = "DE")]
    pub country: Option<String>,
    /// Cities of this region (code such as `05` or `DE-05`, or its id).
    pub region: Option<String>,
    /// `year` (default) or `month`.
    pub by: Option<String>,
    /// de, en (default), fr or es: the language of country and region names.
    pub lang: Option<Lang>,
}

/// Cumulative counts of Safe Harbour declarations and network memberships by year or month
/// (dated ones; undated ones counted apart), with the current counts by country and, for one
/// country, by region.
#[utoipa::path(get, path = "/api/v1/stats/growth", tag = "directory",
    params(GrowthParams),
    responses(
        (status = 200, description = "The growth series", body = GrowthDoc),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad or unknown parameter value"),
    ))]
pub async fn growth(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    let lang = Lang::from_params(&params)?;
    let step = Step::from_params(&params)?;
    let filters = Filters::from_params(&params)?;
    let mut conn = state.db_read().await?;
    filters.check(&mut conn).await?;
    Ok(document::json(
        growth::growth(&mut conn, &filters.binds(), step, lang).await?,
    ))
}
