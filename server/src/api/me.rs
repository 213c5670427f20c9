//! `GET /api/v1/me`: the signed-in account, its CSRF token and its editor claims.

use axum::Json;
use axum::extract::State;
use diesel_async::AsyncPgConnection;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::{CurrentUser, Session};
use crate::error::AppResult;
use crate::moderation::editor;

/// `{user: {id, email, display_name, role, email_confirmed}, csrf_token, claims: [...]}`.
///
/// # Errors
/// Database errors.
pub async fn document(conn: &mut AsyncPgConnection, session: &Session) -> AppResult<Value> {
    Ok(json!({
        "user": session.user,
        "csrf_token": session.csrf_token,
        "claims": editor::of_user(conn, session.user.id).await?,
    }))
}

/// `GET /api/v1/me` → the document above; 401 without a session.
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Value>> {
    let mut conn = state.db_write().await?;
    Ok(Json(document(&mut conn, &session).await?))
}
