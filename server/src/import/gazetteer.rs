//! The gazetteer: countries (Natural Earth shapes, GeoNames codes and names), regions
//! (German states and districts from VG5000, GeoNames first-level divisions elsewhere) and
//! places (every German municipality from VG5000, GeoNames places elsewhere, with their
//! alternate names). These tables are also read by the directory loaders to place cities.

use std::collections::{HashMap, HashSet};

use super::source::{CsvTable, read_features};
use super::stage::{self, Copy, Written};
use super::validate;
use super::{Counts, Ctx};

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
    let translated = super::names::read(ctx, "country_names.csv", |cells| {
        cells.opt("iso_a2").map(str::to_owned)
    })?;
    let mut iso3_to_iso2 = HashMap::new();
    let mut countries = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let iso2 = cells.required("iso_a2")?;
            if iso2.len() != 2 || !iso2.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(super::report::RowError::new(
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
    stage::create(ctx.client, "stage_country_shapes", "iso2 text, geom text").await?;
    let mut copy = Copy::start(ctx.client, "stage_country_shapes", &["iso2", "geom"]).await?;
    for (iso2, (_, geometries)) in &shapes {
        for geometry in geometries {
            copy.row(&[Some(iso2.as_str()), Some(geometry.as_str())])
                .await?;
        }
    }
    copy.finish().await?;
    let mut copy = Copy::start(ctx.client, "stage_countries", COUNTRY_COLUMNS).await?;
    let rows = countries.len() as u64;
    for (line, iso2, iso3, iso_n3, geonameid, name, continent, population) in countries {
        // The English name is GeoNames'; other languages from `country_names.csv` (CLDR).
        let names = super::names::with_own(translated.get(iso2), Some(("en", name)));
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
                 SELECT iso2, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Collect(ST_SetSRID(ST_GeomFromGeoJSON(geom), 4326)), 'method=structure'), 3)) AS geom
                 FROM stage_country_shapes GROUP BY iso2) m
             WHERE m.iso2 = s.iso2",
        )
        .await?;
    ctx.step("writing");
    let written = upsert_countries(ctx).await?;
    Ok(Counts::of(rows, written))
}

/// Columns of the staged `regions`.
pub const REGION_COLUMNS: &[&str] = &[
    "line",
    "country",
    "level",
    "code",
    "name",
    "designation",
    "parent_level",
    "parent_code",
    "nuts",
    "label_point",
    "geom",
    "names",
];

/// Creates the staging table of `regions`.
///
/// # Errors
/// On a database error.
pub async fn stage_regions(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_regions",
        "line bigint, country text, level text, code text, name text, designation text, \
         parent_level text, parent_code text, nuts text, label_point text, geom text, names text",
    )
    .await
}

/// Writes the staged regions (parents first: they are looked up by level and code).
///
/// # Errors
/// On a database error.
pub async fn upsert_regions(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    upsert_regions_where(ctx, "true").await
}

/// Writes the staged regions that match `filter` (an SQL condition on the stage `s`).
///
/// # Errors
/// On a database error.
pub async fn upsert_regions_where(ctx: &Ctx<'_>, filter: &str) -> anyhow::Result<Written> {
    let geom = stage::multipolygon("s.geom");
    let label = stage::geometry("s.label_point");
    stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO regions AS t (country, level, code, name, designation, parent_id, nuts, label_point, geom,
                                       names)
             SELECT s.country, s.level, s.code, s.name, s.designation, p.id, s.nuts,
                    coalesce({label}, ST_PointOnSurface({geom})), {geom}, coalesce(s.names, '{{}}')::jsonb
             FROM stage_regions s
             LEFT JOIN regions p ON p.country = s.country AND p.level = s.parent_level AND p.code = s.parent_code
             WHERE {filter}
             ON CONFLICT (country, level, code) DO UPDATE SET name = EXCLUDED.name,
                 designation = EXCLUDED.designation, parent_id = EXCLUDED.parent_id, nuts = EXCLUDED.nuts,
                 label_point = EXCLUDED.label_point, geom = EXCLUDED.geom, names = EXCLUDED.names
             WHERE (t.name, t.designation, t.parent_id, t.nuts, t.label_point, t.geom, t.names)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.designation, EXCLUDED.parent_id,
                 EXCLUDED.nuts, EXCLUDED.label_point, EXCLUDED.geom, EXCLUDED.names)"
        ),
    )
    .await
}

/// `de_states_vg5000_2021.geojson`: the 16 Länder.
pub async fn load_states(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let features = read_features(&ctx.path("de_states_vg5000_2021.geojson"))?;
    let translated = super::names::read(ctx, "region_names.csv", |cells| {
        (cells.get("country_code") == "DE").then(|| cells.get("code").to_owned())
    })?;
    stage_regions(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_regions", REGION_COLUMNS).await?;
    let mut rows = 0;
    for feature in &features {
        let code = feature.text("ags");
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            ctx.problems.reject(
                feature.index,
                "ags",
                format!("not a 2-digit state key: {code:?}"),
            );
            continue;
        }
        let name = feature.text("name");
        if name.is_empty() {
            ctx.problems
                .reject(feature.index, "name", "required, but empty");
            continue;
        }
        rows += 1;
        let names = super::names::with_own(translated.get(&code), Some(("de", &name)));
        copy.row(&[
            Some(feature.index.to_string()),
            Some("DE".to_owned()),
            Some("state".to_owned()),
            Some(code),
            Some(name),
            Some(feature.text("bez")).filter(|s| !s.is_empty()),
            None,
            None,
            Some(feature.text("nuts")).filter(|s| !s.is_empty()),
            None,
            feature.geometry.clone(),
            names,
        ])
        .await?;
    }
    copy.finish().await?;
    Ok(Counts::of(rows, upsert_regions(ctx).await?))
}

/// `de_districts_vg5000_2021.csv` with the polygons of `de_districts_vg5000_2021.geojson`.
pub async fn load_districts(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("de_districts_vg5000_2021.csv"))?;
    let shapes = shapes_by(&ctx.path("de_districts_vg5000_2021.geojson"), "ags")?;
    stage_regions(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_regions", REGION_COLUMNS).await?;
    let mut rows = 0;
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let ags = cells.required("ags")?;
            if ags.len() != 5 || !ags.bytes().all(|b| b.is_ascii_digit()) {
                return Err(super::report::RowError::new(
                    "ags",
                    format!("not a 5-digit district key: {ags:?}"),
                ));
            }
            Ok((ags, cells.required("name")?, cells.point("lat", "lon")?))
        })();
        let (ags, name, point) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        rows += 1;
        copy.row(&[
            Some(row.line.to_string()),
            Some("DE".to_owned()),
            Some("district".to_owned()),
            Some(ags.to_owned()),
            Some(name.to_owned()),
            cells.opt("bez").map(str::to_owned),
            Some("state".to_owned()),
            Some(ags[..2].to_owned()),
            cells.opt("nuts3").map(str::to_owned),
            point.map(|(x, y)| point_ewkt(x, y)),
            shapes.get(ags).cloned(),
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    Ok(Counts::of(rows, upsert_regions(ctx).await?))
}

/// `geonames_admin1.csv`: first-level divisions of every country but Germany (whose states
/// come from VG5000).
pub async fn load_admin1(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("geonames_admin1.csv"))?;
    let countries = known_countries(ctx).await?;
    stage_regions(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_regions", REGION_COLUMNS).await?;
    let mut rows = 0;
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            Ok((
                cells.required("country_code")?,
                cells.required("admin1_code")?,
                cells.required("name")?,
            ))
        })();
        let (country, code, name) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        if country == "DE" {
            continue;
        }
        if !countries.contains(country) {
            ctx.problems.reject(
                row.line,
                "country_code",
                format!("unknown country {country:?}"),
            );
            continue;
        }
        rows += 1;
        copy.row(&[
            Some(row.line.to_string()),
            Some(country.to_owned()),
            Some("admin1".to_owned()),
            Some(code.to_owned()),
            Some(name.to_owned()),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    Ok(Counts::of(rows, upsert_regions(ctx).await?))
}

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

const PLACE_COLUMNS: &[&str] = &[
    "line",
    "source",
    "ags",
    "ars",
    "geonameid",
    "name",
    "designation",
    "country",
    "region_code",
    "district_code",
    "population",
    "geom",
    "boundary",
];

async fn stage_places(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_places",
        "line bigint, source text, ags text, ars text, geonameid bigint, name text, designation text, \
         country text, region_code text, district_code text, population bigint, geom text, boundary text",
    )
    .await
}

/// Writes the staged places, keyed by `target` (an `ON CONFLICT` target: `(ags)` for VG5000,
/// `(geonameid)` for GeoNames, the country and name of a place Haven adds).
async fn upsert_places(ctx: &Ctx<'_>, target: &str) -> anyhow::Result<Written> {
    let geom = stage::geometry("s.geom");
    let boundary = stage::multipolygon("s.boundary");
    stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO places AS t (source, ags, ars, geonameid, name, designation, country, region_id,
                                      district_id, population, geom, boundary)
             SELECT s.source, s.ags, s.ars, s.geonameid, s.name, s.designation, s.country, r.id, d.id,
                    s.population, {geom}, {boundary}
             FROM stage_places s
             LEFT JOIN regions r ON r.country = s.country AND r.code = s.region_code
                  AND r.level = CASE WHEN s.country = 'DE' THEN 'state' ELSE 'admin1' END
             LEFT JOIN regions d ON d.country = s.country AND d.level = 'district' AND d.code = s.district_code
             ON CONFLICT {target} DO UPDATE SET source = EXCLUDED.source, ags = EXCLUDED.ags, ars = EXCLUDED.ars,
                 geonameid = EXCLUDED.geonameid, name = EXCLUDED.name, designation = EXCLUDED.designation,
                 country = EXCLUDED.country, region_id = EXCLUDED.region_id, district_id = EXCLUDED.district_id,
                 population = EXCLUDED.population, geom = EXCLUDED.geom, boundary = EXCLUDED.boundary
             WHERE (t.source, t.ags, t.ars, t.geonameid, t.name, t.designation, t.country, t.region_id,
                    t.district_id, t.population, t.geom, t.boundary)
                 IS DISTINCT FROM (EXCLUDED.source, EXCLUDED.ags, EXCLUDED.ars, EXCLUDED.geonameid,
                    EXCLUDED.name, EXCLUDED.designation, EXCLUDED.country, EXCLUDED.region_id,
                    EXCLUDED.district_id, EXCLUDED.population, EXCLUDED.geom, EXCLUDED.boundary)"
        ),
    )
    .await
}

/// `de_municipalities_vg5000_2021.csv` with the polygons of the matching GeoJSON: every
/// German municipality. A GeoNames id that the table gives to several municipalities stays
/// with the one nearest to the GeoNames point (a place has one GeoNames id).
pub async fn load_municipalities(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("de_municipalities_vg5000_2021.csv"))?;
    let shapes = shapes_by(&ctx.path("de_municipalities_vg5000_2021.geojson"), "ags")?;
    struct Municipality<'a> {
        line: u64,
        ags: &'a str,
        ars: Option<&'a str>,
        name: &'a str,
        designation: Option<&'a str>,
        point: (f64, f64),
        geonameid: Option<i64>,
        gn_distance: f64,
        population: Option<i64>,
    }
    let mut municipalities = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let ags = cells.required("ags")?;
            if ags.len() != 8 || !ags.bytes().all(|b| b.is_ascii_digit()) {
                return Err(super::report::RowError::new(
                    "ags",
                    format!("not an 8-digit AGS: {ags:?}"),
                ));
            }
            let ars = cells.opt("ars");
            if let Some(ars) = ars
                && (ars.len() != 12 || !ars.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(super::report::RowError::new(
                    "ars",
                    format!("not a 12-digit ARS: {ars:?}"),
                ));
            }
            let point = cells.required_point("lat", "lon")?;
            let gn_point = cells.point("gn_lat", "gn_lon")?;
            let gn_distance = gn_point.map_or(f64::MAX, |(x, y)| (x - point.0).hypot(y - point.1));
            Ok(Municipality {
                line: row.line,
                ags,
                ars,
                name: cells.required("name")?,
                designation: cells.opt("bez"),
                point,
                geonameid: cells.int("geonameid")?,
                gn_distance,
                population: cells.int("gn_population")?,
            })
        })();
        match parsed {
            Ok(municipality) => municipalities.push(municipality),
            Err(error) => ctx.problems.reject_row(row.line, error),
        }
    }
    let mut nearest: HashMap<i64, (f64, &str)> = HashMap::new();
    for municipality in &municipalities {
        if let Some(id) = municipality.geonameid {
            let entry = nearest
                .entry(id)
                .or_insert((municipality.gn_distance, municipality.ags));
            if municipality.gn_distance < entry.0 {
                *entry = (municipality.gn_distance, municipality.ags);
            }
        }
    }
    stage_places(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_places", PLACE_COLUMNS).await?;
    for municipality in &municipalities {
        let geonameid = municipality.geonameid.filter(|id| {
            nearest
                .get(id)
                .is_some_and(|(_, ags)| *ags == municipality.ags)
        });
        copy.row(&[
            Some(municipality.line.to_string()),
            Some("vg5000".to_owned()),
            Some(municipality.ags.to_owned()),
            municipality.ars.map(str::to_owned),
            geonameid.map(|id| id.to_string()),
            Some(municipality.name.to_owned()),
            municipality.designation.map(str::to_owned),
            Some("DE".to_owned()),
            Some(municipality.ags[..2].to_owned()),
            Some(municipality.ags[..5].to_owned()),
            geonameid
                .and(municipality.population)
                .map(|p| p.max(0).to_string()),
            Some(point_ewkt(municipality.point.0, municipality.point.1)),
            shapes.get(municipality.ags).cloned(),
        ])
        .await?;
    }
    copy.finish().await?;
    ctx.step("writing");
    let rows = municipalities.len() as u64;
    // A GeoNames place that now belongs to a VG5000 municipality gives up its id first.
    ctx.client
        .batch_execute(
            "UPDATE places p SET geonameid = NULL FROM stage_places s
             WHERE p.geonameid = s.geonameid AND p.source = 'vg5000' AND p.ags <> s.ags",
        )
        .await?;
    Ok(Counts::of(rows, upsert_places(ctx, "(ags)").await?))
}

/// `geonames_cities_europe_pop500.csv`.
pub async fn load_geonames_europe(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    load_geonames(ctx, "geonames_cities_europe_pop500.csv").await
}

/// `geonames_cities_nonEurope_pop15000.csv`.
pub async fn load_geonames_world(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    load_geonames(ctx, "geonames_cities_nonEurope_pop15000.csv").await
}

/// A GeoNames place file with its alternate names. A place whose GeoNames id already belongs
/// to a VG5000 municipality is not added again: its names go to that municipality.
async fn load_geonames(ctx: &mut Ctx<'_>, file: &str) -> anyhow::Result<Counts> {
    ctx.step("reading");
    let table = CsvTable::read(&ctx.path(file))?;
    let countries = known_countries(ctx).await?;
    stage_places(ctx).await?;
    stage::create(
        ctx.client,
        "stage_place_names",
        "geonameid bigint, name text",
    )
    .await?;
    let mut places = Copy::start(ctx.client, "stage_places", PLACE_COLUMNS).await?;
    let mut accepted = Vec::new();
    let mut rows = 0u64;
    ctx.step("staging");
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let geonameid = cells
                .int("geonameid")?
                .ok_or_else(|| super::report::RowError::new("geonameid", "required, but empty"))?;
            let country = cells.country("country_code", &countries)?;
            let point = cells.required_point("lat", "lon")?;
            Ok((
                geonameid,
                cells.required("name")?,
                country,
                point,
                cells.int("population")?,
            ))
        })();
        let (geonameid, name, country, point, population) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        rows += 1;
        places
            .row(&[
                Some(row.line.to_string()),
                Some("geonames".to_owned()),
                None,
                None,
                Some(geonameid.to_string()),
                Some(name.to_owned()),
                None,
                Some(country.to_owned()),
                cells.opt("admin1_code").map(str::to_owned),
                None,
                population.map(|p| p.max(0).to_string()),
                Some(point_ewkt(point.0, point.1)),
                None,
            ])
            .await?;
        accepted.push((row, geonameid.to_string(), name));
    }
    places.finish().await?;
    // One COPY at a time per connection: the names go in a second pass.
    let mut names = Copy::start(ctx.client, "stage_place_names", &["geonameid", "name"]).await?;
    for (row, id, name) in accepted {
        let mut seen = HashSet::new();
        for alternate in table.cells(row).get("alt_names").split('|') {
            let alternate = alternate.trim();
            if !alternate.is_empty() && alternate != name && seen.insert(alternate) {
                names.row(&[Some(id.as_str()), Some(alternate)]).await?;
            }
        }
    }
    names.finish().await?;
    ctx.step("writing places");
    ctx.client
        .batch_execute(
            "CREATE INDEX ON stage_places (geonameid);
             CREATE INDEX ON stage_place_names (geonameid, name);
             ANALYZE stage_places; ANALYZE stage_place_names;
             -- German places: state and district from the VG5000 polygons (a correlated
             -- subquery per point, so that the spatial index on regions is used).
             UPDATE stage_places s SET
                 region_code = (SELECT r.code FROM regions r WHERE r.country = 'DE' AND r.level = 'state'
                                AND ST_Intersects(r.geom, ST_GeomFromEWKT(s.geom)) ORDER BY r.code LIMIT 1),
                 district_code = (SELECT r.code FROM regions r WHERE r.country = 'DE' AND r.level = 'district'
                                  AND ST_Intersects(r.geom, ST_GeomFromEWKT(s.geom)) ORDER BY r.code LIMIT 1)
              WHERE s.country = 'DE';",
        )
        .await?;
    let merged = ctx
        .client
        .execute(
            "DELETE FROM stage_places s USING places p WHERE p.geonameid = s.geonameid AND p.source = 'vg5000'",
            &[],
        )
        .await?;
    let mut written = upsert_places(ctx, "(geonameid)").await?;
    ctx.step("writing names");
    written += stage::upsert(
        ctx.client,
        "INSERT INTO place_names AS t (place_id, name)
         SELECT DISTINCT p.id, s.name FROM stage_place_names s JOIN places p ON p.geonameid = s.geonameid
         ON CONFLICT (place_id, name) DO NOTHING",
    )
    .await?;
    let removed = stage::execute(
        ctx.client,
        "DELETE FROM place_names n USING places p
         WHERE n.place_id = p.id AND p.geonameid IN (SELECT geonameid FROM stage_places UNION SELECT geonameid FROM stage_place_names)
           AND NOT EXISTS (SELECT 1 FROM stage_place_names s WHERE s.geonameid = p.geonameid AND s.name = n.name)",
    )
    .await?;
    written.updated += removed;
    let changed_places = written.changed();
    Ok(Counts {
        rows,
        written,
        unchanged: rows
            .saturating_sub(changed_places.min(rows))
            .max(merged.min(rows)),
    })
}

/// `places_added.csv`: places that neither VG5000 nor the GeoNames extracts hold (an island
/// municipality, a London borough, a town below the extract's population threshold), each
/// with the source of its point, so that the directory files can place their cities.
pub async fn load_added_places(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("places_added.csv"))?;
    let countries = known_countries(ctx).await?;
    stage_places(ctx).await?;
    stage::create(
        ctx.client,
        "stage_place_sources",
        "country text, name text, point_source text",
    )
    .await?;
    let mut added = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let country = cells.country("country_code", &countries)?;
            let point = cells.required_point("lat", "lon")?;
            Ok((
                country,
                cells.required("name")?,
                point,
                cells.required("source")?,
            ))
        })();
        match parsed {
            Ok(place) => added.push((row.line, place)),
            Err(error) => ctx.problems.reject_row(row.line, error),
        }
    }
    let mut copy = Copy::start(ctx.client, "stage_places", PLACE_COLUMNS).await?;
    for (line, (country, name, (x, y), _)) in &added {
        copy.row(&[
            Some(line.to_string()),
            Some("haven".to_owned()),
            None,
            None,
            None,
            Some((*name).to_owned()),
            None,
            Some((*country).to_owned()),
            None,
            None,
            None,
            Some(point_ewkt(*x, *y)),
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_place_sources",
        &["country", "name", "point_source"],
    )
    .await?;
    for (_, (country, name, _, source)) in &added {
        copy.row(&[Some(*country), Some(*name), Some(*source)])
            .await?;
    }
    copy.finish().await?;
    let mut written = upsert_places(ctx, "(country, name) WHERE source = 'haven'").await?;
    written.updated += stage::execute(
        ctx.client,
        "UPDATE places p SET point_source = s.point_source FROM stage_place_sources s
         WHERE p.source = 'haven' AND p.country = s.country AND p.name = s.name
           AND p.point_source IS DISTINCT FROM s.point_source",
    )
    .await?;
    Ok(Counts::of(added.len() as u64, written))
}
