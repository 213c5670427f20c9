//! Places: every German municipality (VG5000), GeoNames places elsewhere with their
//! alternate names, and the places Haven adds.

use std::collections::{HashMap, HashSet};

use super::{known_countries, point_ewkt, shapes_by};
use crate::import::report::RowError;
use crate::import::source::CsvTable;
use crate::import::stage::{self, Copy, Written};
use crate::import::{Counts, Ctx};

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
                return Err(RowError::new("ags", format!("not an 8-digit AGS: {ags:?}")));
            }
            let ars = cells.opt("ars");
            if let Some(ars) = ars
                && (ars.len() != 12 || !ars.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(RowError::new("ars", format!("not a 12-digit ARS: {ars:?}")));
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
                .ok_or_else(|| RowError::new("geonameid", "required, but empty"))?;
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
