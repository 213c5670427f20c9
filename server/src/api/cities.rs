//! `GET /api/v1/cities` and `GET /api/v1/cities/{slug}`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::api::extract::detail_slug;
use crate::app::AppState;
use crate::document::{self, BaseUrl};
use crate::error::{AppResult, not_found};
use crate::model::Lookup;
use crate::model::city::{self, CityDetailProperties, CityProperties};
use crate::model::collection::{FeatureCollectionDoc, FeatureDoc};
use crate::query::{CollectionQuery, Lang, OverLimit, QueryParams};

/// The listed cities (with a membership, demand record or practice) matching the filters.
#[utoipa::path(get, path = "/api/v1/cities", tag = "cities",
    params(crate::query::CollectionParams),
    responses(
        (status = 200, description = "A page of cities, by slug or by distance from `near`; with \
            `Accept: text/csv`, every match as CSV (as `/api/v1/cities.csv`)",
         content((FeatureCollectionDoc<CityProperties> = "application/geo+json"), (String = "text/csv"))),
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
        return super::csv::answer(&state, &params, super::csv::Collection::Cities).await;
    }
    let query = CollectionQuery::from_params(&params, OverLimit::Refuse)?;
    let links = base.page_links("/api/v1/cities", &params, &query.page);
    Ok(document::geojson(state.city_page(&query, &links).await?))
}

/// One city with everything its page needs; an old slug answers 301 to the new one.
#[utoipa::path(get, path = "/api/v1/cities/{slug}", tag = "cities",
    params(("slug" = String, Path, description = "The city's slug, e.g. `koeln`"),
           crate::query::LangParams),
    responses(
        (status = 200, description = "The city", body = FeatureDoc<CityDetailProperties>,
         content_type = "application/geo+json"),
        (status = 301, description = "An old slug: `Location` has the current address"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad `lang`"),
        (status = 404, description = "No published city has this slug"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    slug: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let lang = Lang::from_params(&params)?;
    let slug = detail_slug(slug, "city")?;
    let self_params = params.without("offset");
    let links = city::detail_links(
        base.href(&format!("/api/v1/cities/{slug}"), &self_params),
        base.href(
            &format!("/ogc/collections/cities/items/{slug}"),
            &QueryParams::default(),
        ),
    );
    match state.city_found(&slug, lang, &links).await? {
        Lookup::Found(body) => Ok(document::geojson(body)),
        Lookup::Moved(to) => Ok(document::moved(
            &base.href(&format!("/api/v1/cities/{to}"), &params),
        )),
        Lookup::Missing => Err(not_found(format!("No city has the slug `{slug}`."))),
    }
}
