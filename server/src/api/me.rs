//! `GET /api/v1/me`: the signed-in account, its CSRF token and its editor claims.

use axum::Json;
use axum::extract::State;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::{CurrentUser, Session, User};
use crate::error::AppResult;
use crate::moderation::editor;

/// The signed-in account as its own pages and scripts see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    /// Send it in `X-CSRF-Token` with every write of this session.
    pub csrf_token: String,
    /// The account's editor claims, newest first: `{id, status, city, place, role_title,
    /// evidence, reason, decided_at, created_at, user}`.
    #[schema(value_type = Vec<Object>)]
    pub claims: Vec<Value>,
}

/// The [`Me`] document of a session.
///
/// # Errors
/// Database errors.
pub async fn document(conn: &mut AsyncPgConnection, session: &Session) -> AppResult<Me> {
    Ok(Me {
        user: session.user.clone(),
        csrf_token: session.csrf_token.clone(),
        claims: editor::of_user(conn, session.user.id).await?,
    })
}

/// `GET /api/v1/me` → the [`Me`] document; 401 without a session.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 200, description = "The signed-in account, its CSRF token and its claims", body = Me),
        crate::error::NoSession,
    ))]
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Me>> {
    let mut conn = state.db_write().await?;
    Ok(Json(document(&mut conn, &session).await?))
}
