//! The features of a collection, paged, and one feature.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;

use super::collections::Kind;
use super::{Encoding, check_format};
use crate::app::AppState;
use crate::document::{self, BaseUrl, JSON};
use crate::error::{AppResult, not_found};
use crate::model::collection::Link;
use crate::model::{Lookup, practice};
use crate::query::{CollectionQuery, Lang, OverLimit, QueryParams};

/// A page of features: the API's filters plus `bbox`, `limit` (default 100; above 1000 is
/// lowered to 1000) and `offset`.
#[utoipa::path(get, path = "/ogc/collections/{collection}/items", tag = "ogc",
    params(("collection" = String, Path, description = "`cities` or `practices`"),
           crate::query::CollectionParams,
           ("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON (default) or html (a page to browse)")),
    responses((status = 200, description = "A page of features (with f=html a page)",
               content((super::doc::ItemsDoc = "application/geo+json"),
                       (String = "text/html"))),
              (status = 400, description = "Bad parameter (named in `field`)"),
              (status = 404, description = "No such collection")))]
pub async fn list(
    State(state): State<AppState>,
    base: BaseUrl,
    collection: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let collection = collection.map(|Path(id)| id).unwrap_or_default();
    let kind = Kind::parse(&collection)?;
    let encoding = check_format(&params)?;
    let query = CollectionQuery::from_params(&params, OverLimit::Clamp)?;
    let path = format!("/ogc/collections/{}/items", kind.id());
    let mut links = base.page_links(&path, &params, &query.page);
    links.always.push(Link::new(
        "collection",
        JSON,
        base.href(
            &format!("/ogc/collections/{}", kind.id()),
            &QueryParams::default(),
        ),
    ));
    let body = match kind {
        Kind::Cities => state.city_page(&query, &links).await?,
        Kind::Practices => state.practice_page(&query, &links).await?,
    };
    encoded(encoding, &base, &path, &params, body)
}

/// One feature by its id (the slug).
#[utoipa::path(get, path = "/ogc/collections/{collection}/items/{feature}", tag = "ogc",
    params(("collection" = String, Path, description = "`cities` or `practices`"),
           ("feature" = String, Path, description = "The slug"),
           crate::query::LangParams,
           ("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON (default) or html (a page to browse)")),
    responses((status = 200, description = "The feature (with f=html a page)", content((super::doc::ItemDoc = "application/geo+json"),
                       (String = "text/html"))),
              (status = 301, description = "An old slug: `Location` has the current address"),
              (status = 404, description = "No such collection or feature")))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    path: Result<Path<(String, String)>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let Ok(Path((collection, feature))) = path else {
        return Err(not_found("There is no such feature."));
    };
    let kind = Kind::parse(&collection)?;
    let encoding = check_format(&params)?;
    let lang = Lang::from_params(&params)?;
    if !crate::domain::Slug::is_valid(&feature) {
        return Err(not_found("There is no such feature."));
    }
    let none = QueryParams::default();
    let collection_path = format!("/ogc/collections/{}", kind.id());
    let links = vec![
        Link::new(
            "self",
            document::GEO_JSON,
            base.href(&format!("{collection_path}/items/{feature}"), &params),
        ),
        Link::new("collection", JSON, base.href(&collection_path, &none)),
    ];
    let found = match kind {
        Kind::Cities => state.city_found(&feature, lang, &links).await?,
        Kind::Practices => {
            practice::find(&mut *state.db_read().await?, &feature, lang, &links).await?
        }
    };
    match found {
        Lookup::Found(body) => encoded(
            encoding,
            &base,
            &format!("{collection_path}/items/{feature}"),
            &params,
            body,
        ),
        Lookup::Moved(to) => Ok(document::moved(
            &base.href(&format!("{collection_path}/items/{to}"), &params),
        )),
        Lookup::Missing => Err(not_found("There is no such feature.")),
    }
}

/// A GeoJSON answer built by the database, as it is or as a page.
fn encoded(
    encoding: Encoding,
    base: &BaseUrl,
    path: &str,
    params: &QueryParams,
    body: String,
) -> AppResult<Response> {
    match encoding {
        Encoding::Json => Ok(document::geojson(body)),
        Encoding::Html => {
            let value: serde_json::Value = serde_json::from_str(&body)
                .map_err(|error| crate::error::AppError::Internal(error.into()))?;
            super::html::page(base, path, params, &value)
        }
    }
}
