//! The rows of an exported table, checked column by column and staged.

use std::collections::{HashMap, HashSet};

use crate::import::Ctx;
use crate::import::report::RowError;
use crate::import::source::{CsvTable, read_features};
use crate::import::stage::Copy;
use crate::import::validate;

/// A row of an exported table: its line (CSV) or feature number (GeoJSON) and its cells.
pub(super) struct Record {
    pub(super) line: u64,
    pub(super) cells: HashMap<String, String>,
}

/// Reads `file` (CSV or GeoJSON) into records; empty cells and nulls are absent.
pub(super) fn read(ctx: &Ctx<'_>, file: &str) -> anyhow::Result<Vec<Record>> {
    let path = ctx.path(file);
    if file.ends_with(".geojson") {
        return Ok(read_features(&path)?
            .into_iter()
            .map(|feature| {
                let mut cells: HashMap<String, String> = feature
                    .properties
                    .iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| {
                        let text = match value {
                            serde_json::Value::String(text) => text.clone(),
                            other => other.to_string(),
                        };
                        (key.clone(), text)
                    })
                    .filter(|(_, text)| !text.is_empty())
                    .collect();
                if let Some(geometry) = feature.geometry {
                    cells.insert("geom".to_owned(), geometry);
                }
                Record {
                    line: feature.index,
                    cells,
                }
            })
            .collect());
    }
    let table = CsvTable::read(&path)?;
    Ok(table
        .rows
        .iter()
        .map(|row| {
            let cells = table.cells(row);
            Record {
                line: row.line,
                cells: table
                    .column_names()
                    .filter_map(|name| {
                        cells
                            .opt(name)
                            .map(|value| (name.to_owned(), value.to_owned()))
                    })
                    .collect(),
            }
        })
        .collect())
}

/// How a column is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    Text,
    Required,
    Slug,
    Date,
    FullDate,
    Url,
    Json,
    Bool,
    Int,
    Geom,
    RequiredGeom,
}

pub(super) fn check(record: &Record, column: &str, how: Check) -> Result<Option<String>, RowError> {
    let Some(value) = record.cells.get(column) else {
        return match how {
            Check::Required | Check::Slug | Check::RequiredGeom => {
                Err(RowError::new(column, "required, but empty"))
            }
            _ => Ok(None),
        };
    };
    let value = value.as_str();
    Ok(Some(match how {
        Check::Text | Check::Required | Check::Geom | Check::RequiredGeom => value.to_owned(),
        Check::Slug => validate::slug(column, value)?,
        Check::Date => validate::partial_date(column, value)?,
        Check::FullDate => validate::full_date(column, value)?,
        Check::Url => validate::web_url(column, value)?,
        Check::Json => validate::json_object(column, value)?.to_string(),
        Check::Bool => validate::one_of(column, value, &["true", "false"])?,
        Check::Int => value
            .parse::<i64>()
            .map_err(|_| RowError::new(column, format!("not a whole number: {value:?}")))?
            .to_string(),
    }))
}

/// Reads the unit's file, checks each row against `columns` and `extra`, and copies the good
/// rows into `table` (whose first column is `line`). Returns the number of rows copied.
pub(super) async fn stage_file(
    ctx: &mut Ctx<'_>,
    table: &str,
    columns: &[(&str, Check)],
    extra: impl Fn(&Record) -> Result<(), RowError>,
) -> anyhow::Result<u64> {
    let file = ctx.problems.file().to_owned();
    let records = read(ctx, &file)?;
    let mut names = vec!["line"];
    names.extend(columns.iter().map(|(name, _)| *name));
    let mut copy = Copy::start(ctx.client, table, &names).await?;
    let mut rows = 0;
    for record in &records {
        let values: Result<Vec<Option<String>>, RowError> =
            std::iter::once(Ok(Some(record.line.to_string())))
                .chain(
                    columns
                        .iter()
                        .map(|(column, how)| check(record, column, *how)),
                )
                .collect();
        let parsed = values.and_then(|values| extra(record).map(|()| values));
        if ctx.copy_parsed(&mut copy, record.line, parsed).await? {
            rows += 1;
        }
    }
    copy.finish().await?;
    Ok(rows)
}

/// Refuses a `field` of `record` that names nothing in `set` (an unknown city, policy area...).
pub(super) fn known(record: &Record, field: &str, set: &HashSet<String>) -> Result<(), RowError> {
    match record.cells.get(field) {
        Some(value) if !set.contains(value) => Err(RowError::new(
            field,
            format!("unknown {} {value:?}", field.replace('_', " ")),
        )),
        _ => Ok(()),
    }
}

/// Refuses a `field` of `record` that is not one of `allowed`.
pub(super) fn one_of(record: &Record, field: &str, allowed: &[&str]) -> Result<(), RowError> {
    let value = record.cells.get(field).map_or("", String::as_str);
    validate::one_of(field, value, allowed).map(|_| ())
}
