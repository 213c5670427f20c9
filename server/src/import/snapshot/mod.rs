//! A directory written by `haven export` (see [`crate::export`]): one file per table, with
//! the columns of the staging tables, so that loading it is staging plus the same writes the
//! bundled loaders use. Spatial tables come as CSV (geometries as WKT) or as GeoJSON (the
//! feature geometry is `geom`, other geometries are GeoJSON objects in the properties).

mod cities;
mod demands;
mod gazetteer;
mod practices;
mod record;

use super::catalogue;
use super::{MANIFEST, Unit, unit};
use cities::{load_cities, load_memberships};
use demands::{load_city_demands, load_demand_evidence};
use gazetteer::{load_countries, load_regions};
use practices::load_practices;

/// The loaders of an export directory, in the order they must run. Spatial tables are read
/// from `<table>.geojson` when the manifest says the export is GeoJSON.
///
/// # Errors
/// When the manifest cannot be read.
pub fn units(dir: &std::path::Path) -> anyhow::Result<Vec<Unit>> {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(MANIFEST))?)?;
    let geojson = manifest.get("format").and_then(serde_json::Value::as_str) == Some("geojson");
    Ok(if geojson {
        vec![
            unit!("countries.geojson", load_countries),
            unit!("regions.geojson", load_regions),
            unit!("policy_areas.csv", catalogue::load_policy_areas),
            unit!("demands.csv", catalogue::load_demands),
            unit!("networks.csv", catalogue::load_networks),
            unit!("cities.geojson", load_cities),
            unit!("memberships.csv", load_memberships),
            unit!("city_demands.csv", load_city_demands),
            unit!("demand_evidence.csv", load_demand_evidence),
            unit!("practices.geojson", load_practices),
        ]
    } else {
        vec![
            unit!("countries.csv", load_countries),
            unit!("regions.csv", load_regions),
            unit!("policy_areas.csv", catalogue::load_policy_areas),
            unit!("demands.csv", catalogue::load_demands),
            unit!("networks.csv", catalogue::load_networks),
            unit!("cities.csv", load_cities),
            unit!("memberships.csv", load_memberships),
            unit!("city_demands.csv", load_city_demands),
            unit!("demand_evidence.csv", load_demand_evidence),
            unit!("practices.csv", load_practices),
        ]
    })
}
