//! `GET /fonts/{fontstack}/{range}.pbf`: signed-distance-field glyphs for the map's labels.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::AppResult;

/// One glyph range of a font stack (see [`crate::tiles::glyphs`]).
#[utoipa::path(get, path = "/fonts/{fontstack}/{range}", tag = "tiles",
    params(("fontstack" = String, Path, description = "Font stack, e.g. `Noto Sans Regular`"),
           ("range" = String, Path, description = "`{start}-{end}.pbf`, a range of 256 code points such as `0-255.pbf`")),
    responses(
        (status = 200, description = "Signed-distance-field glyphs (`Cache-Control: public, max-age=86400`)",
         content_type = "application/x-protobuf"),
        (status = 400, description = "Not a range of 256 code points (`field` is `range`)"),
        (status = 404, description = "Unknown font stack"),
    ))]
pub async fn glyphs(
    State(state): State<AppState>,
    Path((fontstack, range)): Path<(String, String)>,
) -> AppResult<Response> {
    let pbf = state.glyphs.range(&fontstack, &range).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(crate::document::PROTOBUF),
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
