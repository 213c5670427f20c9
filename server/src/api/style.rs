//! `GET /style.json`: Haven's own MapLibre style, with URLs to this server.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::Value;

use crate::app::AppState;
use crate::tiles;

/// The map style (see [`tiles::style`]).
pub async fn style(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let base = tiles::base_url(&state, &headers);
    Json(tiles::style::document(
        &base,
        state.config.basemap_style_url.as_deref(),
    ))
}
