//! HTTP routes: one module per resource. `router` lists every route.

pub mod fonts;
pub mod health;
pub mod style;
pub mod tiles;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::app::AppState;
use crate::error::Problem;

/// Every route of Haven; unknown paths fall through to the map client's files, then to a 404
/// problem document.
pub fn router(state: AppState) -> Router {
    let static_files = ServeDir::new(&state.config.static_dir)
        .append_index_html_on_directories(true)
        .not_found_service(axum::routing::any(not_found).with_state(()));
    let bench_static = state.config.bench_static_bytes.is_some();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/style.json", get(style::style))
        .route("/fonts/{fontstack}/{range}", get(fonts::glyphs))
        .route("/tiles/{file}", get(tiles::tilejson))
        .route("/tiles/{layer}/{z}/{x}/{y}", get(tiles::tile));
    let router = if bench_static {
        router.route("/__bench/static", get(tiles::bench_static))
    } else {
        router
    };
    router.fallback_service(static_files).with_state(state)
}

/// The answer to any path Haven does not know.
pub async fn not_found() -> impl IntoResponse {
    Problem::new(
        StatusCode::NOT_FOUND,
        "There is nothing at this address.",
        None,
    )
}
