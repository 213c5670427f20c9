//! `/api/v1/editors/claims`: an account claims a city, or a gazetteer place not listed yet.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::moderation::editor::{self, ClaimRequest};
use crate::moderation::input::JsonBody;

/// `POST /api/v1/editors/claims` `{city | place_id, role_title?, evidence?}` → 201 claim.
pub async fn claim(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    JsonBody(request): JsonBody<ClaimRequest>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let mut conn = state.db_write().await?;
    Ok((
        StatusCode::CREATED,
        Json(editor::claim(&mut conn, &session.user, request).await?),
    ))
}

/// `GET /api/v1/editors/claims` → `{claims: [...]}` of the signed-in account.
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Value>> {
    let mut conn = state.db_write().await?;
    Ok(Json(
        json!({ "claims": editor::of_user(&mut conn, session.user.id).await? }),
    ))
}
