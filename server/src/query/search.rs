//! Full text, bounding box and distance.

use super::QueryParams;
use crate::error::{AppResult, bad_request};

/// Longest accepted `q`.
pub const MAX_Q_CHARS: usize = 200;
/// Default and maximum `radius_km` of `near`.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;
/// Largest `radius_km` (half the earth's circumference, so everything).
pub const MAX_RADIUS_KM: f64 = 20_000.0;

/// A bounding box `minLon,minLat,maxLon,maxLat` in WGS 84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// Parses `bbox`; a reversed or out-of-range box is a 400.
    ///
    /// # Errors
    /// 400 naming `bbox`.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let numbers = numbers(raw, "bbox")?;
        // OGC allows six numbers (with heights); the heights are ignored.
        let [min_lon, min_lat, max_lon, max_lat] = match numbers[..] {
            [a, b, c, d] => [a, b, c, d],
            [a, b, _, d, e, _] => [a, b, d, e],
            _ => {
                return Err(bad_request(
                    "bbox",
                    "`bbox` is minLon,minLat,maxLon,maxLat (four numbers).",
                ));
            }
        };
        check_lon_lat(min_lon, min_lat, "bbox")?;
        check_lon_lat(max_lon, max_lat, "bbox")?;
        if min_lon > max_lon || min_lat > max_lat {
            return Err(bad_request(
                "bbox",
                "`bbox` is reversed: minLon must not exceed maxLon, nor minLat maxLat.",
            ));
        }
        Ok(Self {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }
}

/// A point and radius for `near` + `radius_km`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lon: f64,
    pub lat: f64,
    pub radius_km: f64,
}

/// Full text, box and distance: the search parameters of the collections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// Full text (`q`), at most [`MAX_Q_CHARS`] characters.
    pub q: Option<String>,
    pub bbox: Option<BBox>,
    pub near: Option<Near>,
}

impl Search {
    /// Parses `q`, `bbox`, `near` and `radius_km`.
    ///
    /// # Errors
    /// 400 naming the parameter.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let q = q_param(params)?;
        let bbox = params.get("bbox").map(BBox::parse).transpose()?;
        let radius_km = match params.get("radius_km") {
            None => DEFAULT_RADIUS_KM,
            Some(raw) => match raw.parse::<f64>() {
                Ok(radius) if radius.is_finite() && radius > 0.0 && radius <= MAX_RADIUS_KM => {
                    radius
                }
                _ => {
                    return Err(bad_request(
                        "radius_km",
                        format!(
                            "`radius_km` is a number of kilometres above 0, at most {MAX_RADIUS_KM}."
                        ),
                    ));
                }
            },
        };
        let near = match params.get("near") {
            None if params.get("radius_km").is_some() => {
                return Err(bad_request("near", "`radius_km` needs `near=lon,lat`."));
            }
            None => None,
            Some(raw) => {
                let numbers = numbers(raw, "near")?;
                let [lon, lat] = numbers[..] else {
                    return Err(bad_request("near", "`near` is lon,lat (two numbers)."));
                };
                check_lon_lat(lon, lat, "near")?;
                Some(Near {
                    lon,
                    lat,
                    radius_km,
                })
            }
        };
        Ok(Self { q, bbox, near })
    }
}

/// `q`: trimmed, at most [`MAX_Q_CHARS`] characters.
///
/// # Errors
/// 400 naming `q` when it is too long or holds control characters.
pub fn q_param(params: &QueryParams) -> AppResult<Option<String>> {
    let Some(q) = params.get("q") else {
        return Ok(None);
    };
    if q.chars().count() > MAX_Q_CHARS {
        return Err(bad_request(
            "q",
            format!("`q` is at most {MAX_Q_CHARS} characters."),
        ));
    }
    if q.chars().any(char::is_control) {
        return Err(bad_request("q", "`q` may not contain control characters."));
    }
    Ok(Some(q.to_owned()))
}

fn numbers(raw: &str, name: &str) -> AppResult<Vec<f64>> {
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .ok_or_else(|| {
                    bad_request(
                        name,
                        format!("`{name}` holds a value that is not a number."),
                    )
                })
        })
        .collect()
}

fn check_lon_lat(lon: f64, lat: f64, name: &str) -> AppResult<()> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err(bad_request(
            name,
            format!("Latitude {lat} in `{name}` is beyond ±90."),
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(bad_request(
            name,
            format!("Longitude {lon} in `{name}` is beyond ±180."),
        ));
    }
    Ok(())
}
