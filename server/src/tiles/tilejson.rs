//! TileJSON 3.0.0 documents: where a layer's tiles are and what their features carry.
//!
//! `vector_layers` lists every attribute with its type (`String`, `Number`, `Boolean`, as
//! tippecanoe writes them), including one flag per policy area and per network read from the
//! database, so clients can build filters from the document alone.

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value, json};

use super::{Layer, MAX_ZOOM, filter, sql};
use crate::query::Filters;

#[derive(QueryableByName)]
struct Slug {
    #[diesel(sql_type = Text)]
    slug: String,
}

/// The attribute name of a policy area or network flag (`area_sea_rescue_safe_passage`).
#[must_use]
pub fn flag_name(prefix: &str, slug: &str) -> String {
    format!("{prefix}_{}", slug.replace('-', "_"))
}

/// The TileJSON document of `layer`, with tile URLs under `base` that keep `filters`.
///
/// # Errors
/// When the policy areas or networks cannot be read.
pub async fn document(
    conn: &mut AsyncPgConnection,
    layer: Layer,
    base: &str,
    filters: &Filters,
) -> diesel::QueryResult<Value> {
    let query = if layer.is_filtered() {
        filter::query_string(filters)
    } else {
        String::new()
    };
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let vector_layers = match layer {
        Layer::Basemap => basemap_layers(),
        Layer::Cities | Layer::Practices => {
            let areas: Vec<Slug> =
                diesel::sql_query("SELECT slug::text AS slug FROM policy_areas ORDER BY position")
                    .load(conn)
                    .await?;
            let networks: Vec<Slug> = if layer == Layer::Cities {
                diesel::sql_query("SELECT slug::text AS slug FROM networks ORDER BY slug")
                    .load(conn)
                    .await?
            } else {
                Vec::new()
            };
            let mut fields = Map::new();
            let base_fields: &[(&str, &str)] = if layer == Layer::Cities {
                &[
                    ("slug", "String"),
                    ("name", "String"),
                    ("kind", "String"),
                    ("country", "String"),
                    ("safe_harbour", "Boolean"),
                    ("alliance", "Boolean"),
                    ("practice_count", "Number"),
                    ("category", "String"),
                    ("cluster", "Boolean"),
                    ("count", "Number"),
                    ("safe_harbour_count", "Number"),
                ]
            } else {
                &[
                    ("slug", "String"),
                    ("cluster", "Boolean"),
                    ("count", "Number"),
                ]
            };
            for (name, kind) in base_fields {
                fields.insert((*name).to_owned(), json!(kind));
            }
            for area in &areas {
                fields.insert(
                    flag_name("area", &area.slug),
                    json!("Boolean (Number of members in a cluster)"),
                );
            }
            for network in &networks {
                fields.insert(flag_name("net", &network.slug), json!("Boolean"));
            }
            vec![json!({
                "id": layer.name(),
                "description": format!(
                    "{}; below zoom {} clusters (cluster = true) with counts",
                    if layer == Layer::Cities { "Welcoming cities" } else { "Local practices" },
                    if layer == Layer::Cities {
                        sql::CITY_CLUSTER_BELOW_ZOOM
                    } else {
                        sql::PRACTICE_CLUSTER_BELOW_ZOOM
                    }
                ),
                "minzoom": 0,
                "maxzoom": MAX_ZOOM,
                "fields": fields,
            })]
        }
    };
    Ok(json!({
        "tilejson": "3.0.0",
        "name": format!("haven-{}", layer.name()),
        "attribution": attribution(layer),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{suffix}", layer.name())],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": [-180.0, -85.051_128_779_806_6, 180.0, 85.051_128_779_806_6],
        "center": [10.0, 51.0, 4],
        "vector_layers": vector_layers,
    }))
}

/// A TileJSON 3.0.0 document (<https://github.com/mapbox/tilejson-spec>) as [`document`]
/// builds it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TileJsonDoc {
    /// Always `3.0.0`.
    tilejson: String,
    /// `haven-<layer>`.
    name: String,
    attribution: String,
    /// Always `xyz`.
    scheme: String,
    /// The tile URL template (`{z}`, `{x}`, `{y}`), keeping the filters given.
    tiles: Vec<String>,
    minzoom: u8,
    maxzoom: u8,
    /// West, south, east, north.
    bounds: Vec<f64>,
    /// Longitude, latitude and zoom of the first view.
    center: Vec<f64>,
    vector_layers: Vec<VectorLayerDoc>,
}

/// One layer of a tile's data.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct VectorLayerDoc {
    /// The layer's name in the tiles.
    id: String,
    description: String,
    minzoom: u8,
    maxzoom: u8,
    /// Each attribute's name and type (`String`, `Number`, `Boolean`).
    fields: std::collections::BTreeMap<String, String>,
}

/// The attribution a layer's tiles carry (also in the style's inline basemap source).
pub(super) fn attribution(layer: Layer) -> &'static str {
    match layer {
        Layer::Basemap => {
            "Made with Natural Earth; © <a href=\"https://www.bkg.bund.de\">GeoBasis-DE / BKG</a> (2021), Daten verändert; GeoNames (CC BY 4.0)"
        }
        Layer::Cities | Layer::Practices => "Haven contributors",
    }
}

fn basemap_layers() -> Vec<Value> {
    let layer = |id: &str, minzoom: u8, description: &str, fields: Value| json!({"id": id, "description": description, "minzoom": minzoom, "maxzoom": MAX_ZOOM, "fields": fields});
    vec![
        layer("land", 0, "Land areas", json!({})),
        layer(
            "countries",
            0,
            "Countries",
            json!({"iso2": "String", "name": "String"}),
        ),
        layer(
            "country_borders",
            0,
            "Country outlines",
            json!({"iso2": "String"}),
        ),
        layer(
            "states",
            3,
            "First-level regions (German states)",
            json!({"code": "String", "name": "String", "country": "String"}),
        ),
        layer(
            "districts",
            6,
            "German districts",
            json!({"code": "String", "name": "String", "designation": "String"}),
        ),
        layer(
            "municipalities",
            8,
            "German municipalities",
            json!({"name": "String", "ags": "String"}),
        ),
        layer(
            "place_labels",
            2,
            "Places by population (rank 1 largest .. 5)",
            json!({"name": "String", "country": "String", "population": "Number", "rank": "Number"}),
        ),
    ]
}
