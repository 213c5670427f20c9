//! `GET /api/v1/networks`.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::document;
use crate::error::AppResult;
use crate::model::network::{self, NetworkDoc};
use crate::query::{Lang, QueryParams};

/// Every city network with its number of member cities.
#[utoipa::path(get, path = "/api/v1/networks", tag = "directory",
    params(crate::query::LangParams),
    responses(
        (status = 200, description = "Every network", body = Vec<NetworkDoc>),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter"),
    ))]
pub async fn list(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    let lang = Lang::from_params(&params)?;
    let mut conn = state.db_read().await?;
    Ok(document::json(network::list(&mut conn, lang).await?))
}
