//! Countries: GeoNames codes and names with Natural Earth shapes.

use std::collections::HashMap;

use crate::import::names;
use crate::import::report::RowError;
use crate::import::source::{CsvTable, read_features};
use crate::import::stage::{self, Copy, Written};
use crate::import::validate;
use crate::import::{Counts, Ctx};

/// Columns of the staged `countries`.
pub const COUNTRY_COLUMNS: &[&str] = &[
    "line",
    "iso2",
    "iso3",
    "iso_n3",
    "geonameid",
    "name",
    "names",
    "continent",
    "population",
    "geom",
];

/// Creates the staging table of `countries`.
///
/// # Errors
/// On a database error.
pub async fn stage_countries(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_countries",
        "line bigint, iso2 text, iso3 text, iso_n3 text, geonameid text, name text, names text, \
         continent text, population text, geom text",
    )
    .await
}

/// Writes the staged countries.
///
/// # Errors
/// On a database error.
pub async fn upsert_countries(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    let geom = stage::multipolygon("s.geom");
    stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO countries AS t (iso2, iso3, iso_n3, geonameid, name, names, continent, population, geom)
             SELECT s.iso2, s.iso3, s.iso_n3, s.geonameid::bigint, s.name, coalesce(s.names, '{{}}')::jsonb,
                    s.continent, s.population::bigint, {geom}
             FROM stage_countries s
             ON CONFLICT (iso2) DO UPDATE SET iso3 = EXCLUDED.iso3, iso_n3 = EXCLUDED.iso_n3,
                 geonameid = EXCLUDED.geonameid, name = EXCLUDED.name, names = EXCLUDED.names,
                 continent = EXCLUDED.continent, population = EXCLUDED.population, geom = EXCLUDED.geom
             WHERE (t.iso3, t.iso_n3, t.geonameid, t.name, t.names, t.continent, t.population, t.geom)
                 IS DISTINCT FROM (EXCLUDED.iso3, EXCLUDED.iso_n3, EXCLUDED.geonameid, EXCLUDED.name,
                 EXCLUDED.names, EXCLUDED.continent, EXCLUDED.population, EXCLUDED.geom)"
        ),
    )
    .await
}

/// `geonames_countries.csv` with the shapes of `europe_countries_ne_10m.geojson` (preferred)
/// and `world_countries_ne_50m.geojson`, matched on ISO alpha-2 (alpha-3 when a shape has no
/// alpha-2 code).
pub async fn load_countries(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("geonames_countries.csv"))?;
    let translated = names::read(ctx, "country_names.csv", |cells| {
        cells.opt("iso_a2").map(str::to_owned)
    })?;
    let mut iso3_to_iso2 = HashMap::new();
    let mut countries = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let iso2 = cells.required("iso_a2")?;
            if iso2.len() != 2 || !iso2.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(RowError::new(
                    "iso_a2",
                    format!("not an ISO alpha-2 code: {iso2:?}"),
                ));
            }
            let name = cells.required("name")?;
            let continent = cells
                .opt("continent")
                .map(|c| {
                    validate::one_of("continent", c, &["EU", "AS", "AF", "NA", "SA", "OC", "AN"])
                })
                .transpose()?;
            Ok((
                iso2,
                name,
                continent,
                cells.int("population")?,
                cells.int("geonameid")?,
            ))
        })();
        match parsed {
            Ok((iso2, name, continent, population, geonameid)) => {
                let iso3 = cells.opt("iso_a3");
                if let Some(iso3) = iso3 {
                    iso3_to_iso2.insert(iso3.to_owned(), iso2.to_owned());
                }
                countries.push((
                    row.line,
                    iso2,
                    iso3,
                    cells.opt("iso_n3"),
                    geonameid,
                    name,
                    continent,
                    population,
                ));
            }
            Err(error) => ctx.problems.reject_row(row.line, error),
        }
    }
    // Shapes: the 1:10m European set wins over the 1:50m world set.
    let mut shapes: HashMap<String, (u8, Vec<String>)> = HashMap::new();
    for (file, rank) in [
        ("europe_countries_ne_10m.geojson", 0u8),
        ("world_countries_ne_50m.geojson", 1),
    ] {
        let path = ctx.path(file);
        if !path.exists() {
            continue;
        }
        for feature in read_features(&path)? {
            let Some(geometry) = feature.geometry.clone() else {
                continue;
            };
            let iso2 = Some(feature.text("iso_a2"))
                .filter(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
                .or_else(|| iso3_to_iso2.get(&feature.text("iso_a3")).cloned());
            let Some(iso2) = iso2 else { continue };
            let entry = shapes.entry(iso2).or_insert((rank, Vec::new()));
            if entry.0 == rank {
                entry.1.push(geometry);
            } else if rank < entry.0 {
                *entry = (rank, vec![geometry]);
            }
        }
    }
    stage_countries(ctx).await?;
    // Each part numbered in file order: the parts are collected in that order, so a country
    // of several parts comes out the same on every import (and a second import changes
    // nothing).
    stage::create(
        ctx.client,
        "stage_country_shapes",
        "iso2 text, part integer, geom text",
    )
    .await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_country_shapes",
        &["iso2", "part", "geom"],
    )
    .await?;
    for (iso2, (_, geometries)) in &shapes {
        for (part, geometry) in geometries.iter().enumerate() {
            let part = part.to_string();
            copy.row(&[
                Some(iso2.as_str()),
                Some(part.as_str()),
                Some(geometry.as_str()),
            ])
            .await?;
        }
    }
    copy.finish().await?;
    let mut copy = Copy::start(ctx.client, "stage_countries", COUNTRY_COLUMNS).await?;
    let rows = countries.len() as u64;
    for (line, iso2, iso3, iso_n3, geonameid, name, continent, population) in countries {
        // The English name is GeoNames'; other languages from `country_names.csv` (CLDR).
        let names = names::with_own(translated.get(iso2), Some(("en", name)));
        copy.row(&[
            Some(line.to_string()),
            Some(iso2.to_owned()),
            iso3.map(str::to_owned),
            iso_n3.map(str::to_owned),
            geonameid.map(|id| id.to_string()),
            Some(name.to_owned()),
            names,
            continent,
            population.map(|p| p.to_string()),
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    // Made valid (overlapping parts unioned), so that clipping a country to a tile is exact.
    ctx.step("merging shapes");
    ctx.client
        .batch_execute(
            "UPDATE stage_countries s SET geom = m.geom::text FROM (
                 SELECT iso2, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Collect(ST_SetSRID(ST_GeomFromGeoJSON(geom), 4326) ORDER BY part), 'method=structure'), 3)) AS geom
                 FROM stage_country_shapes GROUP BY iso2) m
             WHERE m.iso2 = s.iso2",
        )
        .await?;
    ctx.step("writing");
    let written = upsert_countries(ctx).await?;
    Ok(Counts::of(rows, written))
}
