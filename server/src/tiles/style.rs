//! Haven's own MapLibre style: the offline basemap, cities and practices, all served by
//! Haven (tiles, glyphs), so the map works without the internet.
//!
//! With the `basemap_style_url` setting the basemap layers are left out and the external
//! style's URL is named in `metadata`, for the client to load it and add Haven's sources on
//! top.

use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::glyphs::DEFAULT_FONT;
use super::{Layer, MAX_ZOOM, tilejson};

/// Category colours of the cities layer (shared with the legend of the client).
const SAFE_HARBOUR_ALLIANCE: &str = "#0b6e4f";
const SAFE_HARBOUR: &str = "#2a9d8f";
const NETWORK_MEMBER: &str = "#e9a23b";
/// Listed for its practices, with no network membership recorded.
const NO_NETWORK: &str = "#cc79a7";

/// A MapLibre style (version 8, <https://maplibre.org/maplibre-style-spec/>).
#[derive(Debug, Serialize, ToSchema)]
pub struct Style {
    /// Always 8.
    pub version: u8,
    pub name: &'static str,
    pub metadata: StyleMetadata,
    /// Longitude and latitude of the first view.
    pub center: [f64; 2],
    pub zoom: u8,
    /// MapLibre sources by name: `cities` and `practices` (TileJSON URLs) and, unless an
    /// external basemap is configured, `basemap`.
    #[schema(value_type = Object)]
    pub sources: Map<String, Value>,
    /// The glyphs URL template (`{fontstack}`, `{range}`).
    pub glyphs: String,
    /// MapLibre layers, drawn in order.
    #[schema(value_type = Vec<Object>)]
    pub layers: Vec<Value>,
}

/// What Haven adds to its style.
#[derive(Debug, Serialize, ToSchema)]
pub struct StyleMetadata {
    /// The server's version.
    #[serde(rename = "haven:version")]
    pub version: &'static str,
    /// The external basemap style to load below Haven's layers, when one is configured.
    #[serde(
        rename = "haven:basemap_style_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub basemap_style_url: Option<String>,
}

/// The style document with every URL under `base`.
#[must_use]
pub fn document(base: &str, basemap_style_url: Option<&str>) -> Style {
    let mut sources = serde_json::Map::new();
    for layer in ["cities", "practices"] {
        sources.insert(
            layer.to_owned(),
            json!({"type": "vector", "url": format!("{base}/tiles/{layer}.json")}),
        );
    }
    let mut layers = Vec::new();
    if basemap_style_url.is_none() {
        // Inline, not a TileJSON URL: the first basemap tiles are requested without a round
        // trip for `/tiles/basemap.json` first (it serves the same description).
        sources.insert(
            "basemap".to_owned(),
            json!({
                "type": "vector",
                "tiles": [format!("{base}/tiles/basemap/{{z}}/{{x}}/{{y}}.mvt")],
                "minzoom": 0,
                "maxzoom": MAX_ZOOM,
                "attribution": tilejson::attribution(Layer::Basemap),
            }),
        );
        layers.extend(basemap_layers());
    } else {
        layers.push(json!({"id": "background", "type": "background", "paint": {"background-color": "rgba(0,0,0,0)"}}));
    }
    layers.extend(point_layers());
    Style {
        version: 8,
        name: "Haven",
        metadata: StyleMetadata {
            version: env!("CARGO_PKG_VERSION"),
            basemap_style_url: basemap_style_url.map(str::to_owned),
        },
        center: [10.0, 51.0],
        zoom: 4,
        sources,
        glyphs: format!("{base}/fonts/{{fontstack}}/{{range}}.pbf"),
        layers,
    }
}

fn basemap_layers() -> Vec<Value> {
    vec![
        json!({"id": "background", "type": "background", "paint": {"background-color": "#cfe3ef"}}),
        json!({"id": "land", "type": "fill", "source": "basemap", "source-layer": "land",
               "paint": {"fill-color": "#f4f1ea"}}),
        json!({"id": "germany", "type": "fill", "source": "basemap", "source-layer": "countries",
               "filter": ["==", ["get", "iso2"], "DE"], "paint": {"fill-color": "#fbf9f4"}}),
        json!({"id": "municipalities", "type": "line", "source": "basemap", "source-layer": "municipalities",
               "minzoom": 8, "paint": {"line-color": "#d8d2c4", "line-width": 0.5}}),
        json!({"id": "districts", "type": "line", "source": "basemap", "source-layer": "districts",
               "minzoom": 6, "paint": {"line-color": "#c4bba8", "line-width": 0.8}}),
        json!({"id": "states", "type": "line", "source": "basemap", "source-layer": "states",
               "minzoom": 3, "paint": {"line-color": "#a99f8a", "line-width": 1, "line-dasharray": [3, 2]}}),
        json!({"id": "country-borders", "type": "line", "source": "basemap", "source-layer": "country_borders",
               "paint": {"line-color": "#8c8273", "line-width": ["interpolate", ["linear"], ["zoom"], 0, 0.5, 8, 1.5]}}),
        json!({"id": "place-labels", "type": "symbol", "source": "basemap", "source-layer": "place_labels",
               "layout": {
                   "text-field": ["get", "name"],
                   "text-font": [DEFAULT_FONT],
                   "text-size": ["interpolate", ["linear"], ["zoom"], 3, ["-", 14, ["get", "rank"]], 10, ["-", 18, ["get", "rank"]]],
                   "symbol-sort-key": ["get", "rank"],
                   "text-max-width": 8
               },
               "paint": {"text-color": "#5b5447", "text-halo-color": "#ffffff", "text-halo-width": 1.2}}),
    ]
}

fn point_layers() -> Vec<Value> {
    let category_colour = json!([
        "match",
        ["get", "category"],
        "safe_harbour_alliance",
        SAFE_HARBOUR_ALLIANCE,
        "safe_harbour",
        SAFE_HARBOUR,
        "network_member",
        NETWORK_MEMBER,
        NO_NETWORK
    ]);
    vec![
        json!({"id": "practices", "type": "circle", "source": "practices", "source-layer": "practices",
               "minzoom": 6, "filter": ["!", ["get", "cluster"]],
               "paint": {"circle-radius": 3, "circle-color": "#6a4c93", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}}),
        json!({"id": "city-clusters", "type": "circle", "source": "cities", "source-layer": "cities",
        "filter": ["==", ["get", "cluster"], true],
        "paint": {
            "circle-color": SAFE_HARBOUR,
            "circle-opacity": 0.85,
            "circle-radius": ["interpolate", ["linear"], ["get", "count"], 2, 8, 50, 16, 500, 26],
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5
        }}),
        json!({"id": "city-cluster-counts", "type": "symbol", "source": "cities", "source-layer": "cities",
               "filter": ["==", ["get", "cluster"], true],
               "layout": {"text-field": ["to-string", ["get", "count"]], "text-font": [DEFAULT_FONT], "text-size": 12,
                          "text-allow-overlap": true},
               "paint": {"text-color": "#ffffff"}}),
        json!({"id": "cities", "type": "circle", "source": "cities", "source-layer": "cities",
        "filter": ["!=", ["get", "cluster"], true],
        "paint": {
            "circle-color": category_colour,
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 3, 4, 10, 8],
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5
        }}),
        json!({"id": "city-labels", "type": "symbol", "source": "cities", "source-layer": "cities",
               "minzoom": 6, "filter": ["!=", ["get", "cluster"], true],
               "layout": {"text-field": ["get", "name"], "text-font": [DEFAULT_FONT], "text-size": 13,
                          "text-offset": [0, 1.2], "text-anchor": "top", "text-optional": true},
               "paint": {"text-color": "#1d3c34", "text-halo-color": "#ffffff", "text-halo-width": 1.5}}),
    ]
}
