//! Regions: German states and districts (VG5000), first-level divisions elsewhere (GeoNames).

use super::{known_countries, point_ewkt, shapes_by};
use crate::import::names;
use crate::import::report::RowError;
use crate::import::source::{CsvTable, read_features};
use crate::import::stage::{self, Copy, Written};
use crate::import::{Counts, Ctx};

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
    let translated = names::read(ctx, "region_names.csv", |cells| {
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
        let names = names::with_own(translated.get(&code), Some(("de", &name)));
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
                return Err(RowError::new(
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
