//! `GET /style.json`: Haven's own MapLibre style, with URLs to this server.

use axum::Json;
use axum::extract::State;

use crate::app::AppState;
use crate::document::BaseUrl;
use crate::tiles;
use crate::tiles::style::Style;

/// The map style (see [`tiles::style`]): Haven's tile layers and glyphs, and the offline
/// basemap unless a basemap style URL is configured.
#[utoipa::path(get, path = "/style.json", tag = "tiles",
    responses((status = 200, description = "MapLibre style (version 8) with URLs to this server",
               body = Style, content_type = "application/json")))]
pub async fn style(State(state): State<AppState>, base: BaseUrl) -> Json<Style> {
    Json(tiles::style::document(
        &base.0,
        state.config.basemap_style_url.as_deref(),
    ))
}
