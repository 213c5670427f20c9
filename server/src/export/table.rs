//! GeoJSON features as CSV rows: one row per feature, a fixed column per property (nested
//! values by path, lists joined with `|`, the point as `lon` and `lat`), so that the CSV of a
//! collection holds exactly the rows and values of its GeoJSON.

use serde_json::Value;

/// A CSV column: its header and the JSON pointer of its value in a feature.
pub type Column = (&'static str, &'static str);

/// The columns of `/api/v1/cities` as CSV.
pub const CITY_COLUMNS: &[Column] = &[
    ("slug", "/id"),
    ("name", "/properties/name"),
    ("kind", "/properties/kind"),
    ("country", "/properties/country"),
    ("country_name", "/properties/country_name"),
    ("region", "/properties/region"),
    ("population", "/properties/population"),
    ("networks", "/properties/networks"),
    ("safe_harbour_status", "/properties/safe_harbour/status"),
    ("safe_harbour_since", "/properties/safe_harbour/since"),
    ("alliance_member", "/properties/alliance_member"),
    ("policy_areas", "/properties/policy_areas"),
    ("practice_count", "/properties/practice_count"),
    ("distance_km", "/properties/distance_km"),
    ("lon", "/geometry/coordinates/0"),
    ("lat", "/geometry/coordinates/1"),
];

/// The columns of `/api/v1/practices` as CSV.
pub const PRACTICE_COLUMNS: &[Column] = &[
    ("slug", "/id"),
    ("title", "/properties/title"),
    ("title_lang", "/properties/title_lang"),
    ("summary", "/properties/summary"),
    ("summary_lang", "/properties/summary_lang"),
    ("city", "/properties/city/slug"),
    ("city_name", "/properties/city/name"),
    ("country", "/properties/country"),
    ("policy_areas", "/properties/policy_areas"),
    ("status", "/properties/status"),
    ("status_as_of", "/properties/status_as_of"),
    ("needs_checking", "/properties/needs_checking"),
    ("single_source", "/properties/single_source"),
    ("started", "/properties/started"),
    ("ended", "/properties/ended"),
    ("organisation", "/properties/organisation"),
    ("distance_km", "/properties/distance_km"),
    ("lon", "/geometry/coordinates/0"),
    ("lat", "/geometry/coordinates/1"),
];

/// One CSV cell of a JSON value: nothing for null, lists joined with `|`, objects as JSON.
#[must_use]
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| cell(Some(item)))
            .collect::<Vec<_>>()
            .join("|"),
        Some(other) => other.to_string(),
    }
}

/// A CSV writer into memory.
#[derive(Debug)]
pub struct CsvBuffer {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvBuffer {
    /// A buffer starting with the header row of `headers`.
    ///
    /// # Errors
    /// Never in practice (writes go to memory).
    pub fn new<'a>(headers: impl IntoIterator<Item = &'a str>) -> anyhow::Result<Self> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(headers)?;
        Ok(Self { writer })
    }

    /// Writes the row of `feature` under `columns`.
    ///
    /// # Errors
    /// Never in practice (writes go to memory).
    pub fn feature(&mut self, columns: &[Column], feature: &Value) -> anyhow::Result<()> {
        self.writer.write_record(
            columns
                .iter()
                .map(|(_, pointer)| cell(feature.pointer(pointer))),
        )?;
        Ok(())
    }

    /// Writes a row of values.
    ///
    /// # Errors
    /// Never in practice (writes go to memory).
    pub fn values(&mut self, values: &[Value]) -> anyhow::Result<()> {
        self.writer
            .write_record(values.iter().map(|value| cell(Some(value))))?;
        Ok(())
    }

    /// The bytes written so far, leaving the buffer empty.
    ///
    /// # Errors
    /// Never in practice (writes go to memory).
    pub fn take(&mut self) -> anyhow::Result<Vec<u8>> {
        let full = std::mem::replace(&mut self.writer, csv::Writer::from_writer(Vec::new()));
        full.into_inner()
            .map_err(|error| anyhow::anyhow!("writing CSV: {}", error.error()))
    }
}

/// The CSV of the features of a FeatureCollection.
///
/// # Errors
/// When `collection` is not a FeatureCollection.
pub fn collection_csv(columns: &[Column], collection: &Value) -> anyhow::Result<Vec<u8>> {
    let features = collection["features"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("not a FeatureCollection"))?;
    let mut out = CsvBuffer::new(columns.iter().map(|(name, _)| *name))?;
    for feature in features {
        out.feature(columns, feature)?;
    }
    out.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_flatten_json() {
        assert_eq!(cell(None), "");
        assert_eq!(cell(Some(&serde_json::json!(["a", "b"]))), "a|b");
        assert_eq!(cell(Some(&serde_json::json!(6.95))), "6.95");
        assert_eq!(cell(Some(&serde_json::json!(true))), "true");
    }
}
