//! Liveness and readiness probes for load balancers and service managers.

use axum::extract::State;
use diesel_async::RunQueryDsl;

use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// `GET /healthz`: the process is up (says nothing about the database).
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The process is running", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers; 503 problem document while it does not.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = String),
        (status = 503, description = "The database is unreachable"),
    ))]
pub async fn readyz(State(state): State<AppState>) -> AppResult<&'static str> {
    let mut conn = state.db_read().await?;
    diesel::sql_query("SELECT 1")
        .execute(&mut conn)
        .await
        .map_err(|error| AppError::Unavailable(error.to_string()))?;
    Ok("ready")
}
