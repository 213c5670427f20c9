//! Liveness and readiness probes for load balancers and service managers, and the counters
//! of the caches.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
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

/// `GET /metrics`: the caches' counters since start and the data version, in the Prometheus
/// text format, so that operators (and the write benchmark) see how often answers come from
/// memory.
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Counters in the Prometheus text format (version 0.0.4)",
               body = String, content_type = "text/plain; version=0.0.4")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let (tile_hits, tile_misses, tiles_shared) = state.tiles.counts();
    let answers = state.answers.counts();
    let mut body = String::new();
    for (name, help, value) in [
        (
            "haven_tile_cache_hits_total",
            "Tiles answered from memory (the tile cache, or known to be empty).",
            tile_hits,
        ),
        (
            "haven_tile_cache_misses_total",
            "Tiles rendered anew (from the database, or the cities from their snapshot).",
            tile_misses,
        ),
        (
            "haven_tile_shared_total",
            "Tiles that waited for the same tile rendered for another request.",
            tiles_shared,
        ),
        (
            "haven_answer_cache_hits_total",
            "Public answers served from the answer cache.",
            answers.hits,
        ),
        (
            "haven_answer_cache_misses_total",
            "Public answers looked up in the answer cache and not found.",
            answers.misses,
        ),
        (
            "haven_answer_shared_total",
            "Public answers that waited for the same answer made for another request.",
            answers.shared,
        ),
        (
            "haven_not_modified_total",
            "Public answers revalidated with 304.",
            answers.not_modified,
        ),
    ] {
        let _ = writeln!(
            body,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
        );
    }
    let _ = writeln!(
        body,
        "# HELP haven_data_version The data version this instance knows.\n# TYPE haven_data_version gauge\nhaven_data_version {}",
        state.data_version.get()
    );
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        body,
    )
}
