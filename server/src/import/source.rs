//! Reading data files: CSV rows by column name with their line numbers, GeoJSON features.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;

use super::report::RowError;
use super::validate;

/// A CSV file read whole: its header and its rows.
#[derive(Debug)]
pub struct CsvTable {
    columns: HashMap<String, usize>,
    pub rows: Vec<CsvRow>,
}

/// One data row of a CSV file.
#[derive(Debug)]
pub struct CsvRow {
    /// 1-based line where the record starts (the header is line 1).
    pub line: u64,
    record: csv::StringRecord,
}

impl CsvTable {
    /// Reads `path` (RFC 4180, one header row, UTF-8 with or without BOM).
    ///
    /// # Errors
    /// When the file cannot be read or is not well-formed CSV.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_path(path)
            .with_context(|| format!("opening {}", path.display()))?;
        let columns = reader
            .headers()
            .with_context(|| format!("reading the header of {}", path.display()))?
            .iter()
            .enumerate()
            .map(|(index, name)| (name.trim_start_matches('\u{feff}').trim().to_owned(), index))
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.with_context(|| format!("reading {}", path.display()))?;
            let line = record.position().map_or(0, csv::Position::line);
            rows.push(CsvRow { line, record });
        }
        Ok(Self { columns, rows })
    }

    /// Whether the file has `column`.
    #[must_use]
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The column names, in no particular order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.keys().map(String::as_str)
    }

    /// A view of `row` that reads cells by column name.
    #[must_use]
    pub fn cells<'a>(&'a self, row: &'a CsvRow) -> Cells<'a> {
        Cells { table: self, row }
    }
}

/// The cells of one row, by column name.
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    table: &'a CsvTable,
    row: &'a CsvRow,
}

impl<'a> Cells<'a> {
    /// The trimmed cell of `column` ("" when empty or when the file has no such column).
    #[must_use]
    pub fn get(&self, column: &str) -> &'a str {
        self.table
            .columns
            .get(column)
            .and_then(|index| self.row.record.get(*index))
            .map_or("", str::trim)
    }

    /// The cell of `column`, or `None` when it is empty.
    #[must_use]
    pub fn opt(&self, column: &str) -> Option<&'a str> {
        Some(self.get(column)).filter(|value| !value.is_empty())
    }

    /// The cell of `column`, which must not be empty.
    ///
    /// # Errors
    /// When it is empty.
    pub fn required(&self, column: &str) -> Result<&'a str, RowError> {
        self.opt(column)
            .ok_or_else(|| RowError::new(column, "required, but empty"))
    }

    /// An optional partial ISO date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    ///
    /// # Errors
    /// When the cell is not empty and not such a date.
    pub fn date(&self, column: &str) -> Result<Option<String>, RowError> {
        self.opt(column)
            .map(|value| validate::partial_date(column, value))
            .transpose()
    }

    /// An optional http(s) URL.
    ///
    /// # Errors
    /// When the cell is not empty and not an http(s) URL.
    pub fn url(&self, column: &str) -> Result<Option<String>, RowError> {
        self.opt(column)
            .map(|value| validate::web_url(column, value))
            .transpose()
    }

    /// An optional integer.
    ///
    /// # Errors
    /// When the cell is not empty and not an integer.
    pub fn int(&self, column: &str) -> Result<Option<i64>, RowError> {
        self.opt(column)
            .map(|value| {
                value
                    .parse::<i64>()
                    .map_err(|_| RowError::new(column, format!("not a whole number: {value:?}")))
            })
            .transpose()
    }

    /// A point from a latitude and a longitude column, both required.
    ///
    /// # Errors
    /// When either is empty or they are not valid WGS84 coordinates.
    pub fn required_point(&self, lat: &str, lon: &str) -> Result<(f64, f64), RowError> {
        self.point(lat, lon)?
            .ok_or_else(|| RowError::new(lat, "required, but empty"))
    }

    /// The ISO country code of `column`, which must be one of `known`.
    ///
    /// # Errors
    /// When it is empty or not a known country.
    pub fn country(
        &self,
        column: &str,
        known: &std::collections::HashSet<String>,
    ) -> Result<&'a str, RowError> {
        let country = self.required(column)?;
        if known.contains(country) {
            Ok(country)
        } else {
            Err(RowError::new(
                column,
                format!("unknown country {country:?}"),
            ))
        }
    }

    /// An optional point from a latitude and a longitude column (both or neither).
    ///
    /// # Errors
    /// When only one is given or they are not valid WGS84 coordinates.
    pub fn point(&self, lat: &str, lon: &str) -> Result<Option<(f64, f64)>, RowError> {
        match (self.opt(lon), self.opt(lat)) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(RowError::new(lat, "longitude given without latitude")),
            (None, Some(_)) => Err(RowError::new(lon, "latitude given without longitude")),
            (Some(x), Some(y)) => {
                let x = validate::coordinate(lon, x, 180.0)?;
                let y = validate::coordinate(lat, y, 90.0)?;
                Ok(Some((x, y)))
            }
        }
    }
}

/// The `|`-separated URLs of `column` (spaces around the bars allowed), each checked.
///
/// # Errors
/// When one is not an http(s) URL.
pub fn urls(cells: &Cells<'_>, column: &str) -> Result<Vec<String>, RowError> {
    cells
        .get(column)
        .split('|')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(|url| validate::web_url(column, url))
        .collect()
}

/// A partial date, or nothing when the cell is not one (e.g. `2021/2022`).
pub fn lenient_date(cells: &Cells<'_>, column: &str) -> Option<String> {
    cells
        .opt(column)
        .and_then(|value| validate::partial_date(column, value).ok())
}

/// One feature of a GeoJSON FeatureCollection.
#[derive(Debug)]
pub struct Feature {
    /// 1-based position of the feature in the collection (GeoJSON has no useful lines).
    pub index: u64,
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// The geometry as GeoJSON text (`None` when null or, as PostGIS writes a null geometry
    /// of a record, `{"type": null}`).
    pub geometry: Option<String>,
}

impl Feature {
    /// A string property ("" when missing or null; numbers are written out).
    #[must_use]
    pub fn text(&self, name: &str) -> String {
        match self.properties.get(name) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(value)) => value.trim().to_owned(),
            Some(other) => other.to_string(),
        }
    }
}

/// Reads the features of the FeatureCollection in `path`.
///
/// # Errors
/// When the file cannot be read or is not a FeatureCollection.
pub fn read_features(path: &Path) -> anyhow::Result<Vec<Feature>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut document: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let features = match document.get_mut("features") {
        Some(serde_json::Value::Array(features)) => std::mem::take(features),
        _ => anyhow::bail!("{} is not a GeoJSON FeatureCollection", path.display()),
    };
    Ok(features
        .into_iter()
        .zip(1..)
        .map(|(mut feature, index)| {
            let properties = match feature.get_mut("properties") {
                Some(serde_json::Value::Object(map)) => std::mem::take(map),
                _ => serde_json::Map::new(),
            };
            if let Some(geometry) = feature.get_mut("geometry") {
                keep_rings_on_their_side(geometry);
            }
            let geometry = feature
                .get("geometry")
                .filter(|geometry| {
                    geometry
                        .get("type")
                        .is_some_and(serde_json::Value::is_string)
                })
                .map(ToString::to_string);
            Feature {
                index,
                properties,
                geometry,
            }
        })
        .collect())
}

/// Natural Earth starts and ends some rings that touch the antimeridian with a vertex at
/// longitude −180 while every other vertex lies east of it (Russia's mainland), or mixes
/// vertices just east and just west of it in one islet (Fiji): read as a plane, such a ring
/// sweeps a band around the whole world, and the basemap then drew the North Atlantic as
/// Russian land. In a ring wider than 180°, the vertices on the side with fewer vertices move by 360°
/// to the side with more (the same places, the ring now contiguous).
fn keep_rings_on_their_side(geometry: &mut serde_json::Value) {
    fn ring(ring: &mut [serde_json::Value]) {
        let longitudes: Vec<f64> = ring
            .iter()
            .filter_map(|point| point.get(0).and_then(serde_json::Value::as_f64))
            .collect();
        let (min, max) = longitudes
            .iter()
            .fold((f64::MAX, f64::MIN), |(min, max), &x| {
                (min.min(x), max.max(x))
            });
        if max - min <= 180.0 {
            return;
        }
        // Vertices on the antimeridian itself belong to either side: they do not vote.
        let east = longitudes.iter().filter(|&&x| x > 0.0 && x < 180.0).count();
        let west = longitudes
            .iter()
            .filter(|&&x| x < 0.0 && x > -180.0)
            .count();
        let shift = if east >= west { 360.0 } else { -360.0 };
        for point in ring.iter_mut() {
            if let Some(x) = point.get_mut(0)
                && let Some(longitude) = x.as_f64()
                && (longitude > 0.0) != (shift > 0.0)
            {
                *x = serde_json::json!(longitude + shift);
            }
        }
    }
    fn polygon(rings: &mut serde_json::Value) {
        if let Some(rings) = rings.as_array_mut() {
            for points in rings.iter_mut().filter_map(serde_json::Value::as_array_mut) {
                ring(points);
            }
        }
    }
    let kind = geometry.get("type").and_then(serde_json::Value::as_str);
    let multi = match kind {
        Some("Polygon") => false,
        Some("MultiPolygon") => true,
        _ => return,
    };
    let Some(coordinates) = geometry.get_mut("coordinates") else {
        return;
    };
    if multi {
        if let Some(polygons) = coordinates.as_array_mut() {
            polygons.iter_mut().for_each(polygon);
        }
    } else {
        polygon(coordinates);
    }
}

#[cfg(test)]
mod tests {
    use super::keep_rings_on_their_side;
    use serde_json::json;

    #[test]
    fn a_ring_across_the_antimeridian_keeps_its_vertices_on_one_side() {
        let mut geometry = json!({"type": "MultiPolygon", "coordinates": [
            [[[-180, 65], [179, 66], [170, 70], [-180, 68], [-180, 65]]],
            [[[-180, 65], [-170, 66], [-175, 70], [180, 68], [-180, 65]]],
            [[[-179.9, -16], [179.9, -16.1], [-179.9, -16.2], [-179.9, -16]]],
            [[[10, 50], [11, 50], [11, 51], [10, 50]]]
        ]});
        keep_rings_on_their_side(&mut geometry);
        assert_eq!(
            geometry["coordinates"],
            json!([
                [[[180.0, 65], [179, 66], [170, 70], [180.0, 68], [180.0, 65]]],
                [[[-180, 65], [-170, 66], [-175, 70], [-180.0, 68], [-180, 65]]],
                [[
                    [-179.9, -16],
                    [-180.1, -16.1],
                    [-179.9, -16.2],
                    [-179.9, -16]
                ]],
                [[[10, 50], [11, 50], [11, 51], [10, 50]]]
            ])
        );
    }
}
