//! `GET /tiles/{layer}.json` (TileJSON) and `GET /tiles/{layer}/{z}/{x}/{y}.mvt`.
//!
//! Tiles answer gzipped when the client accepts it (the cache holds both forms, so nothing
//! is compressed per request), with a strong ETag per representation, 304 for a matching
//! `If-None-Match`, and `Cache-Control: no-cache` so that browsers and CDNs keep tiles but
//! revalidate them: a data change shows at once. An empty tile is 204.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use super::caching::accepts_gzip;
use crate::app::AppState;
use crate::document::{BaseUrl, MVT};
use crate::error::{AppResult, not_found};
use crate::query::QueryParams;
use crate::tiles::{self, Layer, TileCoord};

/// How clients and CDNs may keep a tile: store it, but revalidate before use.
const CACHE_CONTROL: &str = "public, no-cache";

/// The filter parameters of the tile layers, as the OpenAPI document describes them (parsed
/// by [`tiles::filter::parse`], the collections' own rules).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TileFilterParams {
    /// Policy area slugs, comma-separated; any of them matches (all of them with
    /// `policy_area_match=all`). An unknown slug is a 400 listing the valid ones. Ignored by
    /// the basemap.
    #[param(example = "housing,health")]
    pub policy_area: Option<String>,
    /// How several `policy_area` values combine: `any` (the default) or `all`, as in the
    /// collections; cluster counts follow it.
    #[param(example = "all")]
    pub policy_area_match: Option<String>,
    /// Network slugs, comma-separated; any of them matches.
    pub network: Option<String>,
    /// ISO 3166-1 alpha-2 country codes, comma-separated.
    pub country: Option<String>,
    /// A region: its code (`05`), `<country>-<code>` (`DE-05`) or its id.
    #[param(max_length = 40, pattern = "^[A-Za-z0-9-]+$")]
    pub region: Option<String>,
}

/// `GET /tiles/{layer}.json`: the TileJSON 3.0.0 document of a layer, whose tile URLs keep
/// the filters given.
#[utoipa::path(get, path = "/tiles/{file}", tag = "tiles",
    params(("file" = String, Path, description = "`{layer}.json`: `cities.json`, `practices.json` or `basemap.json`"),
           TileFilterParams),
    responses(
        (status = 200, description = "TileJSON 3.0.0 with `vector_layers` and every attribute",
         body = crate::tiles::tilejson::TileJsonDoc, content_type = "application/json"),
        (status = 400, description = "Bad or unknown filter value (named in `field`)"),
        (status = 404, description = "No such layer"),
    ))]
pub async fn tilejson(
    State(state): State<AppState>,
    Path(file): Path<String>,
    params: QueryParams,
    base: BaseUrl,
) -> AppResult<Response> {
    let Some(name) = file.strip_suffix(".json") else {
        return Err(not_found("Tile documents are at /tiles/{layer}.json."));
    };
    let layer = Layer::parse(name)?;
    let filters = tiles::filter::parse(&params)?;
    let mut conn = state.db_read().await?;
    if layer.is_filtered() {
        filters.check(&mut conn).await?;
    }
    let document = tiles::tilejson::document(&mut conn, layer, &base.0, &filters).await?;
    Ok(axum::Json(document).into_response())
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`: one vector tile.
#[utoipa::path(get, path = "/tiles/{layer}/{z}/{x}/{y}", tag = "tiles",
    params(("layer" = String, Path, description = "`cities`, `practices` or `basemap`"),
           ("z" = u8, Path, description = "Zoom, 0 to 22"),
           ("x" = u32, Path, description = "Column, 0 to 2^z - 1"),
           ("y" = String, Path, description = "Row, 0 to 2^z - 1, with or without `.mvt`"),
           ("Accept-Encoding" = Option<String>, Header, description = "`gzip` gives the tile gzipped"),
           ("If-None-Match" = Option<String>, Header, description = "An ETag of this tile: 304 while it is current"),
           TileFilterParams),
    responses(
        (status = 200, description = "A Mapbox Vector Tile (gzipped when accepted), strong ETag, `Cache-Control: public, no-cache`",
         content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "An empty tile: nothing there"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad z, x, y or filter value (named in `field`)"),
        (status = 404, description = "No such layer"),
    ))]
pub async fn tile(
    State(state): State<AppState>,
    Path((layer, z, x, y)): Path<(String, String, String, String)>,
    params: QueryParams,
    headers: HeaderMap,
) -> AppResult<Response> {
    let layer = Layer::parse(&layer)?;
    let coord = TileCoord::parse(&z, &x, &y)?;
    let filter = tiles::filter::parse(&params)?;
    let tile = state
        .tiles
        .tile(
            &state.data_version,
            || state.db_read(),
            layer,
            coord,
            &filter,
        )
        .await?;

    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if tile.raw.is_empty() {
        return Ok((StatusCode::NO_CONTENT, response_headers).into_response());
    }
    let gzip = accepts_gzip(&headers);
    let etag = if gzip {
        format!("{}-gz\"", tile.etag.trim_end_matches('"'))
    } else {
        tile.etag.clone()
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    if if_none_match(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, response_headers).into_response());
    }
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    let body = if gzip {
        response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        tile.gzip.clone()
    } else {
        tile.raw.clone()
    };
    Ok((response_headers, body).into_response())
}

/// `GET /__bench/static`: a constant body of the configured size, the ceiling of the tile
/// benchmark (registered only with the `bench_static_bytes` setting; not part of the public
/// API, so not in the OpenAPI document).
pub async fn bench_static(State(state): State<AppState>) -> Response {
    let size = state.config.bench_static_bytes.unwrap_or(0);
    let body = Bytes::from(vec![b'x'; size]);
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(MVT)),
            (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        ],
        body,
    )
        .into_response()
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}
