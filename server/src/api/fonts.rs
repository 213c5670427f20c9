//! `GET /fonts/{fontstack}/{range}.pbf`: signed-distance-field glyphs for the map's labels.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::AppResult;

/// One glyph range of a font stack (see [`crate::tiles::glyphs`]).
pub async fn glyphs(
    State(state): State<AppState>,
    Path((fontstack, range)): Path<(String, String)>,
) -> AppResult<Response> {
    let pbf = state.glyphs.range(&fontstack, &range).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-protobuf"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        pbf,
    )
        .into_response())
}
