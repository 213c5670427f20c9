//! `GET /downloads/haven.zip`: every published table in one archive (`export::archive`),
//! rebuilt once per data version.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::app::AppState;
use crate::error::AppResult;

/// The published data: cities and practices as GeoJSON and CSV, memberships, demand
/// statuses with their evidence, practice sources, networks and policy areas as CSV, with the
/// licence and attributions.
#[utoipa::path(get, path = "/downloads/haven.zip", tag = "downloads",
    responses(
        (status = 200, description = "A zip archive (`haven/…`): cities.geojson, cities.csv, \
            practices.geojson, practices.csv, memberships.csv, demand_statuses.csv, \
            demand_evidence.csv, practice_sources.csv, networks.csv, policy_areas.csv, \
            LICENCE.txt and SOURCES.md", content_type = "application/zip"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
    ))]
pub async fn archive(State(state): State<AppState>) -> AppResult<Response> {
    let archive = state.downloads.current(&state).await?;
    let mut response = Response::new(Body::from(archive.bytes.clone()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"haven.zip\""),
    );
    Ok(response)
}
