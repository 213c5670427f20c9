//! A directory written by `haven export` (see [`crate::export`]): one file per table, with
//! the columns of the staging tables, so that loading it is staging plus the same writes the
//! bundled loaders use. Spatial tables come as CSV (geometries as WKT) or as GeoJSON (the
//! feature geometry is `geom`, other geometries are GeoJSON objects in the properties).

use std::collections::{HashMap, HashSet};

use super::catalogue::{self, known_slugs};
use super::cities;
use super::gazetteer::{self, known_countries};
use super::report::RowError;
use super::source::{CsvTable, read_features};
use super::stage::Copy;
use super::validate;
use super::{Counts, Ctx, MANIFEST, Unit, unit};

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

/// A row of an exported table: its line (CSV) or feature number (GeoJSON) and its cells.
struct Record {
    line: u64,
    cells: HashMap<String, String>,
}

/// Reads `file` (CSV or GeoJSON) into records; empty cells and nulls are absent.
fn read(ctx: &Ctx<'_>, file: &str) -> anyhow::Result<Vec<Record>> {
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
enum Check {
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

fn check(record: &Record, column: &str, how: Check) -> Result<Option<String>, RowError> {
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
async fn stage_file(
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

fn known(
    value: Option<&String>,
    set: &HashSet<String>,
    field: &str,
    what: &str,
) -> Result<(), RowError> {
    match value {
        Some(value) if !set.contains(value) => {
            Err(RowError::new(field, format!("unknown {what} {value:?}")))
        }
        _ => Ok(()),
    }
}

/// Refuses a `field` of `record` that is not one of `allowed`.
fn one_of(record: &Record, field: &str, allowed: &[&str]) -> Result<(), RowError> {
    let value = record.cells.get(field).map_or("", String::as_str);
    validate::one_of(field, value, allowed).map(|_| ())
}

async fn load_countries(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    gazetteer::countries::stage_countries(ctx).await?;
    use Check::{Geom, Int, Json, Required, Text};
    let rows = stage_file(
        ctx,
        "stage_countries",
        &[
            ("iso2", Required),
            ("iso3", Text),
            ("iso_n3", Text),
            ("geonameid", Int),
            ("name", Required),
            ("names", Json),
            ("continent", Text),
            ("population", Int),
            ("geom", Geom),
        ],
        |_| Ok(()),
    )
    .await?;
    let written = gazetteer::countries::upsert_countries(ctx).await?;
    Ok(Counts::of(rows, written))
}

async fn load_regions(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let countries = known_countries(ctx).await?;
    gazetteer::regions::stage_regions(ctx).await?;
    use Check::{Geom, Json, Required, Text};
    let rows = stage_file(
        ctx,
        "stage_regions",
        &[
            ("country", Required),
            ("level", Required),
            ("code", Required),
            ("name", Required),
            ("designation", Text),
            ("parent_level", Text),
            ("parent_code", Text),
            ("nuts", Text),
            ("label_point", Geom),
            ("geom", Geom),
            ("names", Json),
        ],
        |record| {
            known(
                record.cells.get("country"),
                &countries,
                "country",
                "country",
            )
        },
    )
    .await?;
    // Parents first: a statement does not see the rows it inserts itself.
    let mut written =
        gazetteer::regions::upsert_regions_where(ctx, "s.parent_level IS NULL").await?;
    written += gazetteer::regions::upsert_regions_where(ctx, "s.parent_level IS NOT NULL").await?;
    Ok(Counts::of(rows, written))
}

async fn load_cities(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let countries = known_countries(ctx).await?;
    cities::stage_cities(ctx).await?;
    use Check::{Bool, Geom, Int, Json, Required, RequiredGeom, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_cities",
        &[
            ("slug", Slug),
            ("name", Required),
            ("official_name", Text),
            ("names", Json),
            ("country", Required),
            ("region_code", Text),
            ("district_code", Text),
            ("kind", Required),
            ("designation", Text),
            ("ags", Text),
            ("ars", Text),
            ("lau", Text),
            ("geonameid", Int),
            ("wikidata", Text),
            ("population", Int),
            ("website", Url),
            ("summary", Json),
            ("summary_sources", Text),
            ("takeaways", Json),
            ("published", Bool),
            ("boundary", Geom),
            ("geom", RequiredGeom),
        ],
        |record| {
            known(
                record.cells.get("country"),
                &countries,
                "country",
                "country",
            )?;
            one_of(
                record,
                "kind",
                &[
                    "municipality",
                    "district",
                    "municipal_association",
                    "state",
                    "borough",
                ],
            )
        },
    )
    .await?;
    cities::check_cities_in_country(ctx, "geom").await?;
    let written = cities::upsert_cities(ctx).await?;
    Ok(Counts::of(rows, written))
}

async fn load_memberships(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    let networks = known_slugs(ctx, "networks").await?;
    cities::stage_memberships(ctx).await?;
    use Check::{Bool, Date, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_memberships",
        &[
            ("city", Slug),
            ("network", Slug),
            ("status", Required),
            ("role", Text),
            ("since", Date),
            ("until", Date),
            ("evidence_url", Url),
            ("verified_on", Date),
            ("note", Text),
            ("published", Bool),
        ],
        |record| {
            known(record.cells.get("city"), &cities, "city", "city")?;
            known(record.cells.get("network"), &networks, "network", "network")?;
            one_of(
                record,
                "status",
                &["declared", "member", "founding_member", "left"],
            )
        },
    )
    .await?;
    let written = cities::upsert_memberships(ctx).await?;
    Ok(Counts::of(rows, written))
}

async fn load_city_demands(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    let demands = super::catalogue::known_demands(ctx).await?;
    cities::stage_city_demands(ctx).await?;
    use Check::{Bool, Date, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_city_demands",
        &[
            ("city", Slug),
            ("demand", Required),
            ("decided", Bool),
            ("fulfilled", Bool),
            ("as_of", Date),
            ("evidence_url", Url),
            ("note", Text),
        ],
        |record| {
            known(record.cells.get("city"), &cities, "city", "city")?;
            known(record.cells.get("demand"), &demands, "demand", "demand")
        },
    )
    .await?;
    let written = cities::upsert_city_demands(ctx).await?;
    Ok(Counts::of(rows, written))
}

/// `demand_evidence`: what the cited sources say about a city's demands (the standing itself
/// comes with `city_demands.csv`).
async fn load_demand_evidence(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    super::stage::create(
        ctx.client,
        "stage_demand_evidence",
        "line bigint, city text, demand text, status text, as_of text, source_url text, note text",
    )
    .await?;
    use Check::{Date, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_demand_evidence",
        &[
            ("city", Slug),
            ("demand", Required),
            ("status", Required),
            ("as_of", Date),
            ("source_url", Url),
            ("note", Text),
        ],
        |record| {
            known(record.cells.get("city"), &cities, "city", "city")?;
            one_of(record, "status", &["decided", "fulfilled", "not_decided"])
        },
    )
    .await?;
    let written = super::stage::upsert(
        ctx.client,
        "INSERT INTO demand_evidence AS t (city_id, demand_key, status, as_of, source_url, note)
         SELECT c.id, s.demand, s.status, s.as_of, s.source_url, s.note
         FROM stage_demand_evidence s JOIN cities c ON c.slug = s.city JOIN demands d ON d.key = s.demand
         ON CONFLICT (city_id, demand_key, status, source_url) DO UPDATE SET as_of = EXCLUDED.as_of,
             note = EXCLUDED.note
         WHERE (t.as_of, t.note) IS DISTINCT FROM (EXCLUDED.as_of, EXCLUDED.note)",
    )
    .await?;
    Ok(Counts::of(rows, written))
}

/// `practices` with `practice_policy_areas.csv` and `practice_sources.csv`, in one
/// transaction (a practice's areas and sources are part of it).
async fn load_practices(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    let areas = known_slugs(ctx, "policy_areas").await?;
    cities::stage_practices(ctx).await?;
    use Check::{Bool, Date, FullDate, Geom, Int, Json, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_practices",
        &[
            ("slug", Slug),
            ("city", Slug),
            ("original_lang", Required),
            ("title", Json),
            ("summary", Json),
            ("body", Json),
            ("transferability", Json),
            ("organisation", Text),
            ("started", Int),
            ("ended", Int),
            ("status", Text),
            ("contact", Text),
            ("confidence", Text),
            ("published", Bool),
            ("geom", Geom),
            ("status_as_of", Date),
        ],
        |record| known(record.cells.get("city"), &cities, "city", "city"),
    )
    .await?;
    let mut practices: HashSet<String> = ctx
        .client
        .query("SELECT slug FROM stage_practices", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    practices.extend(known_slugs(ctx, "practices").await?);
    for (companion, table, columns) in [
        (
            "practice_policy_areas.csv",
            "stage_practice_areas",
            &[("practice", Slug), ("policy_area", Slug)][..],
        ),
        (
            "practice_sources.csv",
            "stage_practice_sources",
            &[
                ("practice", Slug),
                ("position", Int),
                ("url", Url),
                ("title", Text),
                ("accessed_on", FullDate),
            ][..],
        ),
    ] {
        if !ctx.path(companion).exists() {
            continue;
        }
        // The companions' rows are reported under the practices file's name with their own
        // file in the reason, as they are one unit.
        let records = read(ctx, companion)?;
        let mut names = vec![];
        names.extend(columns.iter().map(|(name, _)| *name));
        let mut copy = Copy::start(ctx.client, table, &names).await?;
        for record in &records {
            let values: Result<Vec<Option<String>>, RowError> = columns
                .iter()
                .map(|(column, how)| check(record, column, *how))
                .collect();
            let checked = values.and_then(|values| {
                known(
                    record.cells.get("practice"),
                    &practices,
                    "practice",
                    "practice",
                )?;
                known(
                    record.cells.get("policy_area"),
                    &areas,
                    "policy_area",
                    "policy area",
                )?;
                Ok(values)
            });
            match checked {
                Ok(values) => copy.row(&values).await?,
                Err(error) => ctx.problems.reject(
                    record.line,
                    &format!("{companion}: {}", error.field),
                    error.reason,
                ),
            }
        }
        copy.finish().await?;
    }
    let (main, links) = cities::upsert_practices(ctx).await?;
    let mut written = main;
    written += links;
    Ok(Counts::new(rows, written, main.changed()))
}
