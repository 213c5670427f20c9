//! The gazetteer: countries (Natural Earth shapes, GeoNames codes and names), regions
//! (German states and districts from VG5000, GeoNames first-level divisions elsewhere) and
//! places (every German municipality from VG5000, GeoNames places elsewhere, with their
//! alternate names). These tables are also read by the directory loaders to place cities.

pub mod countries;
pub mod places;
pub mod regions;

use std::collections::{HashMap, HashSet};

use super::Ctx;
use super::source::read_features;

/// The ISO codes of the countries in the database.
///
/// # Errors
/// On a database error.
pub async fn known_countries(ctx: &Ctx<'_>) -> anyhow::Result<HashSet<String>> {
    Ok(ctx
        .client
        .query("SELECT iso2::text FROM countries", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

/// The GeoJSON geometries of the features in `path` by the property `key`.
fn shapes_by(path: &std::path::Path, key: &str) -> anyhow::Result<HashMap<String, String>> {
    if !path.exists() {
        return Ok(HashMap::new());
    }
    Ok(read_features(path)?
        .into_iter()
        .filter_map(|feature| Some((feature.text(key), feature.geometry?)))
        .collect())
}

/// EWKT of a WGS84 point.
#[must_use]
pub fn point_ewkt(x: f64, y: f64) -> String {
    format!("SRID=4326;POINT({x} {y})")
}
