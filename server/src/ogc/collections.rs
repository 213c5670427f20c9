//! The collections `cities` and `practices`: descriptions, extents and queryables.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use diesel::sql_types::{Array, Double, Nullable, Text};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use serde_json::json;

use super::{Encoding, check_format, encoded};
use crate::app::AppState;
use crate::document::{BaseUrl, GEO_JSON, JSON};
use crate::error::{AppResult, not_found};
use crate::model::collection::{CITY_LISTED, Link};
use crate::query::QueryParams;

/// The coordinate reference system of every geometry (WGS 84 longitude, latitude).
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// A collection Haven offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cities,
    Practices,
}

impl Kind {
    /// Both collections.
    pub const ALL: [Self; 2] = [Self::Cities, Self::Practices];

    /// The collection id.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Self::Cities => "cities",
            Self::Practices => "practices",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Cities => "Cities",
            Self::Practices => "Practices",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::Cities => {
                "Cities with a network membership, Safe Harbour demands or documented practices."
            }
            Self::Practices => {
                "Local refugee-policy practices, at their own location or their city's."
            }
        }
    }

    /// The collection named `id`.
    ///
    /// # Errors
    /// 404 for any other id.
    pub fn parse(id: &str) -> AppResult<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.id() == id)
            .ok_or_else(|| {
                not_found("There is no such collection; there are cities and practices.")
            })
    }
}

/// A collection's description.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionDoc {
    pub id: String,
    pub title: String,
    pub description: String,
    pub item_type: String,
    pub extent: Extent,
    pub crs: Vec<String>,
    pub storage_crs: String,
    pub links: Vec<Link>,
}

/// Where a collection's features are.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Extent {
    pub spatial: SpatialExtent,
}

/// The bounding box of a collection's features.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpatialExtent {
    /// One box: west, south, east, north.
    pub bbox: Vec<Vec<f64>>,
    /// Always CRS84.
    pub crs: &'static str,
}

/// The queryables of a collection: a JSON Schema (draft 2020-12) of the filters.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct QueryablesDoc {
    #[serde(rename = "$schema")]
    schema: String,
    #[serde(rename = "$id")]
    id: String,
    /// Always `object`.
    #[serde(rename = "type")]
    kind: String,
    title: String,
    /// One JSON Schema per queryable: `geometry`, `policy_area`, `network`, `country`,
    /// `region`.
    #[schema(value_type = Object)]
    properties: serde_json::Map<String, serde_json::Value>,
    /// Always true.
    #[serde(rename = "additionalProperties")]
    additional_properties: bool,
}

/// The collection list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CollectionsDoc {
    pub links: Vec<Link>,
    pub collections: Vec<CollectionDoc>,
}

#[derive(diesel::QueryableByName)]
struct Extents {
    #[diesel(sql_type = Nullable<Array<Double>>)]
    cities: Option<Vec<f64>>,
    #[diesel(sql_type = Nullable<Array<Double>>)]
    practices: Option<Vec<f64>>,
}

async fn extents(state: &AppState) -> AppResult<Extents> {
    let mut conn = state.db_read().await?;
    let sql = format!(
        "SELECT (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
                 FROM (SELECT ST_Extent(c.geom) AS e FROM cities c WHERE c.published AND {CITY_LISTED}) x
                 WHERE e IS NOT NULL) AS cities,
                (SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
                 FROM (SELECT ST_Extent(coalesce(p.geom, c.geom)) AS e FROM practices p
                       JOIN cities c ON c.id = p.city_id WHERE p.published AND c.published) x
                 WHERE e IS NOT NULL) AS practices"
    );
    Ok(diesel::sql_query(sql).get_result(&mut conn).await?)
}

fn describe(kind: Kind, bbox: Option<&Vec<f64>>, base: &BaseUrl) -> CollectionDoc {
    let none = QueryParams::default();
    let path = format!("/ogc/collections/{}", kind.id());
    let bbox = bbox
        .cloned()
        .unwrap_or_else(|| vec![-180.0, -90.0, 180.0, 90.0]);
    CollectionDoc {
        id: kind.id().to_owned(),
        title: kind.title().to_owned(),
        description: kind.description().to_owned(),
        item_type: "feature".to_owned(),
        extent: Extent {
            spatial: SpatialExtent {
                bbox: vec![bbox],
                crs: CRS84,
            },
        },
        crs: vec![CRS84.to_owned()],
        storage_crs: CRS84.to_owned(),
        links: vec![
            Link::new("self", JSON, base.href(&path, &none)).titled(kind.title()),
            Link::new(
                "items",
                GEO_JSON,
                base.href(&format!("{path}/items"), &none),
            )
            .titled(kind.title()),
            Link::new(
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                base.href(&format!("{path}/queryables"), &none),
            )
            .titled("Queryables"),
        ],
    }
}

/// The collections with their extents.
#[utoipa::path(get, path = "/ogc/collections", tag = "ogc",
    params(("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON (default) or html (a page to browse)")),
    responses((status = 200, description = "The collections (with f=html a page)", content((CollectionsDoc = "application/json"), (String = "text/html"))),
              (status = 400, description = "Unsupported `f`")))]
pub async fn list(
    State(state): State<AppState>,
    base: BaseUrl,
    params: QueryParams,
) -> AppResult<Response> {
    let encoding = check_format(&params)?;
    let extents = extents(&state).await?;
    let document = CollectionsDoc {
        links: vec![Link::new(
            "self",
            JSON,
            base.href("/ogc/collections", &QueryParams::default()),
        )],
        collections: vec![
            describe(Kind::Cities, extents.cities.as_ref(), &base),
            describe(Kind::Practices, extents.practices.as_ref(), &base),
        ],
    };
    encoded(encoding, &base, "/ogc/collections", &params, &document)
}

/// One collection.
#[utoipa::path(get, path = "/ogc/collections/{collection}", tag = "ogc",
    params(("collection" = String, Path, description = "`cities` or `practices`"),
           ("f" = Option<crate::ogc::Format>, Query, description = "The encoding: JSON (default) or html (a page to browse)")),
    responses((status = 200, description = "The collection (with f=html a page)", content((CollectionDoc = "application/json"), (String = "text/html"))),
              (status = 400, description = "Unsupported `f`"),
              (status = 404, description = "No such collection")))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    collection: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let collection = collection.map(|Path(id)| id).unwrap_or_default();
    let encoding = check_format(&params)?;
    let kind = Kind::parse(&collection)?;
    let extents = extents(&state).await?;
    let bbox = match kind {
        Kind::Cities => extents.cities.as_ref(),
        Kind::Practices => extents.practices.as_ref(),
    };
    let path = format!("/ogc/collections/{}", kind.id());
    encoded(
        encoding,
        &base,
        &path,
        &params,
        &describe(kind, bbox, &base),
    )
}

#[derive(diesel::QueryableByName)]
struct Vocabulary {
    #[diesel(sql_type = Array<Text>)]
    policy_areas: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    networks: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    countries: Vec<String>,
}

/// The queryables (OGC API - Features Part 3): the API's filters as a JSON Schema.
#[utoipa::path(get, path = "/ogc/collections/{collection}/queryables", tag = "ogc",
    params(("collection" = String, Path, description = "`cities` or `practices`")),
    responses((status = 200, description = "JSON Schema of the queryables",
               body = QueryablesDoc, content_type = "application/schema+json"),
              (status = 404, description = "No such collection")))]
pub async fn queryables(
    State(state): State<AppState>,
    base: BaseUrl,
    collection: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let collection = collection.map(|Path(id)| id).unwrap_or_default();
    if check_format(&params)? == Encoding::Html {
        return Err(crate::error::bad_request(
            "f",
            "The queryables are JSON Schema only.",
        ));
    }
    let kind = Kind::parse(&collection)?;
    let mut conn = state.db_read().await?;
    let vocabulary: Vocabulary = diesel::sql_query(
        "SELECT ARRAY(SELECT slug::text FROM policy_areas ORDER BY position) AS policy_areas,
                ARRAY(SELECT slug::text FROM networks ORDER BY slug) AS networks,
                ARRAY(SELECT iso2::text FROM countries ORDER BY iso2) AS countries",
    )
    .get_result(&mut conn)
    .await?;
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base.href(&format!("/ogc/collections/{}/queryables", kind.id()), &QueryParams::default()),
        "type": "object",
        "title": kind.title(),
        "properties": {
            "geometry": {"format": "geometry-point", "x-ogc-role": "primary-geometry"},
            "policy_area": {"title": "Policy area", "type": "string", "enum": vocabulary.policy_areas,
                "description": "Comma list; any of them matches."},
            "network": {"title": "Network", "type": "string", "enum": vocabulary.networks,
                "description": "Comma list; any of them matches."},
            "country": {"title": "Country", "type": "string", "enum": vocabulary.countries},
            "region": {"title": "Region", "type": "string",
                "description": "Region code, <country>-<code> or id."},
        },
        "additionalProperties": true,
    });
    Ok(crate::document::with_type(
        schema.to_string(),
        "application/schema+json",
    ))
}
