//! `GET /api/v1/policy-areas`.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::document;
use crate::error::AppResult;
use crate::model::policy_area::{self, PolicyAreaDoc};
use crate::query::{Lang, QueryParams};

/// The twelve policy areas in order, with labels in `lang` and their practice counts.
#[utoipa::path(get, path = "/api/v1/policy-areas", tag = "directory",
    params(crate::query::LangParams),
    responses(
        (status = 200, description = "Every policy area", body = Vec<PolicyAreaDoc>),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter"),
    ))]
pub async fn list(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    let lang = Lang::from_params(&params)?;
    let mut conn = state.db_read().await?;
    Ok(document::json(policy_area::list(&mut conn, lang).await?))
}
