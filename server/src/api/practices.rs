//! `GET /api/v1/practices` and `GET /api/v1/practices/{slug}`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::api::extract::detail_slug;
use crate::app::AppState;
use crate::document::{self, BaseUrl, GEO_JSON};
use crate::error::{AppResult, not_found};
use crate::model::Lookup;
use crate::model::collection::{FeatureCollectionDoc, FeatureDoc, Link};
use crate::model::practice::{self, PracticeDetailProperties, PracticeProperties};
use crate::query::{CollectionQuery, Lang, OverLimit, QueryParams};

/// The published practices matching the filters, at their own point or their city's.
#[utoipa::path(get, path = "/api/v1/practices", tag = "practices",
    params(crate::query::CollectionParams),
    responses(
        (status = 200, description = "A page of practices, by slug or by distance from `near`; with \
            `Accept: text/csv`, every match as CSV (as `/api/v1/practices.csv`)",
         content((FeatureCollectionDoc<PracticeProperties> = "application/geo+json"), (String = "text/csv"))),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter (named in `field`)"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    base: BaseUrl,
    headers: HeaderMap,
    params: QueryParams,
) -> AppResult<Response> {
    if super::csv::wants_csv(&headers) {
        return super::csv::answer(&state, &params, super::csv::Collection::Practices).await;
    }
    let query = CollectionQuery::from_params(&params, OverLimit::Refuse)?;
    let links = base.page_links("/api/v1/practices", &params, &query.page);
    Ok(document::geojson(
        state.practice_page(&query, &links).await?,
    ))
}

/// One practice in full; an old slug answers 301 to the new one.
#[utoipa::path(get, path = "/api/v1/practices/{slug}", tag = "practices",
    params(("slug" = String, Path, description = "The practice's slug"),
           crate::query::LangParams),
    responses(
        (status = 200, description = "The practice", body = FeatureDoc<PracticeDetailProperties>,
         content_type = "application/geo+json"),
        (status = 301, description = "An old slug: `Location` has the current address"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad `lang`"),
        (status = 404, description = "No published practice has this slug"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    slug: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let lang = Lang::from_params(&params)?;
    let slug = detail_slug(slug, "practice")?;
    let links = vec![
        Link::new(
            "self",
            GEO_JSON,
            base.href(&format!("/api/v1/practices/{slug}"), &params),
        ),
        Link::new(
            "alternate",
            GEO_JSON,
            base.href(
                &format!("/ogc/collections/practices/items/{slug}"),
                &QueryParams::default(),
            ),
        )
        .titled("OGC API - Features"),
    ];
    let mut conn = state.db_read().await?;
    match practice::find(&mut conn, &slug, lang, &links).await? {
        Lookup::Found(body) => Ok(document::geojson(body)),
        Lookup::Moved(to) => Ok(document::moved(
            &base.href(&format!("/api/v1/practices/{to}"), &params),
        )),
        Lookup::Missing => Err(not_found(format!("No practice has the slug `{slug}`."))),
    }
}
