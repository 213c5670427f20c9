//! `GET /api/v1/places/{id}/gaps`: the gap sheet of any place in the gazetteer.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::app::AppState;
use crate::document;
use crate::error::{AppResult, not_found};
use crate::model::gaps::{self, GapSheetDoc};
use crate::query::{Filters, Lang, QueryParams};

/// The parameters of the gap sheet, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// Policy areas to compare, comma-separated slugs (e.g. `housing,health`); none by default.
    #[param(example = "housing,health")]
    pub policy_area: Option<String>,
    /// de, en (default), fr or es.
    pub lang: Option<Lang>,
}

/// What a place (listed on Haven or not) has done of Seebrücke's eight demands and of the
/// chosen policy areas; for each gap the 3 nearest cities that did it and the 3 most similar
/// (same country, closest population), with evidence, practices and distance.
#[utoipa::path(get, path = "/api/v1/places/{id}/gaps", tag = "gazetteer",
    params(("id" = i64, Path, description = "The place's id (from `/api/v1/places?q=`)"), GapParams),
    responses(
        (status = 200, description = "The place's gap sheet", body = GapSheetDoc),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad `policy_area` or `lang`"),
        (status = 404, description = "No place has this id"),
    ))]
pub async fn sheet(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let lang = Lang::from_params(&params)?;
    let Some(id) = id.ok().and_then(|Path(segment)| gaps::place_id(&segment)) else {
        return Err(not_found("No place has this id."));
    };
    let filters = Filters::from_params(&params)?;
    let mut conn = state.db_read().await?;
    filters.check(&mut conn).await?;
    match gaps::sheet(&mut conn, id, lang, &filters.policy_areas).await? {
        Some(json) => Ok(document::json(json)),
        None => Err(not_found("No place has this id.")),
    }
}
