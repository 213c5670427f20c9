//! `haven export`: every published table to a directory, in a form `haven import` reads
//! back (the manifest `haven-export.json` tells it apart from the bundled dataset).
//!
//! The files are produced by PostgreSQL itself (`COPY ... TO STDOUT (FORMAT csv)` and
//! `ST_AsGeoJSON`) in a fixed row order with geometries rounded to 7 decimals (about 1 cm),
//! so exporting, importing into an empty database and exporting again gives the same bytes.
//! Gazetteer places (140,000 rows) are not exported: they are reference data that comes
//! with the bundle; countries and regions are, as cities refer to them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use futures_util::TryStreamExt;
use tokio::io::AsyncWriteExt;
use tokio_postgres::Client;

use crate::config::DatabaseArgs;
use crate::db::{self, Database};
use crate::import::{MANIFEST, connect};

/// Arguments of `haven export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// `csv` (every table as CSV, geometries as WKT) or `geojson` (tables with geometry as
    /// GeoJSON FeatureCollections, the others as CSV).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// The directory to write (created if missing; existing export files are replaced).
    pub dir: PathBuf,
}

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Geojson,
}

/// Decimal digits kept in exported coordinates.
const DIGITS: u8 = 7;

/// One exported table: its file name (without extension), its query (with `{geom}` where
/// the geometry columns' conversion goes) and whether it has geometry.
struct Table {
    name: &'static str,
    /// SELECT list and FROM clause; geometries are named `geom`, `boundary`, `label_point`
    /// and written through `{g:column}` placeholders.
    sql: &'static str,
    spatial: bool,
}

const TABLES: &[Table] = &[
    Table {
        name: "countries",
        sql: "SELECT iso2, iso3, iso_n3, geonameid, name, names, continent, population, {g:geom}
              FROM countries ORDER BY iso2",
        spatial: true,
    },
    Table {
        name: "regions",
        sql: "SELECT r.country, r.level, r.code, r.name, r.designation, p.level AS parent_level,
                     p.code AS parent_code, r.nuts, r.names, {g:r.label_point AS label_point}, {g:r.geom}
              FROM regions r LEFT JOIN regions p ON p.id = r.parent_id
              ORDER BY r.country, r.level, r.code",
        spatial: true,
    },
    Table {
        name: "policy_areas",
        sql: "SELECT slug, position, labels->>'de' AS label_de, labels->>'en' AS label_en,
                     labels->>'fr' AS label_fr, labels->>'es' AS label_es,
                     descriptions->>'de' AS description_de, descriptions->>'en' AS description_en,
                     descriptions->>'fr' AS description_fr, descriptions->>'es' AS description_es
              FROM policy_areas ORDER BY position",
        spatial: false,
    },
    Table {
        name: "demands",
        sql: "SELECT key, position, labels->>'de' AS label_de, labels->>'en' AS label_en,
                     labels->>'fr' AS label_fr, labels->>'es' AS label_es,
                     descriptions->>'de' AS description_de, descriptions->>'en' AS description_en,
                     descriptions->>'fr' AS description_fr, descriptions->>'es' AS description_es, source
              FROM demands ORDER BY position",
        spatial: false,
    },
    Table {
        name: "networks",
        sql: "SELECT slug AS network_id, name, kind AS type, scope, founded, coordinator, website,
                     reported_members, reported_as_of, source_url,
                     CASE WHEN is_safe_harbour_campaign THEN 'true' ELSE 'false' END AS is_safe_harbour_campaign,
                     description, names
              FROM networks ORDER BY slug",
        spatial: false,
    },
    Table {
        name: "cities",
        sql: "SELECT c.slug, c.name, c.official_name, c.names, c.country, r.code AS region_code,
                     d.code AS district_code, c.kind, c.designation, c.ags, c.ars, c.lau, c.geonameid,
                     c.wikidata, c.population, c.website, c.summary, c.summary_sources, c.takeaways,
                     CASE WHEN c.published THEN 'true' ELSE 'false' END AS published,
                     {g:c.boundary AS boundary}, {g:c.geom}
              FROM cities c LEFT JOIN regions r ON r.id = c.region_id LEFT JOIN regions d ON d.id = c.district_id
              WHERE c.published ORDER BY c.slug",
        spatial: true,
    },
    Table {
        name: "memberships",
        sql: "SELECT c.slug AS city, n.slug AS network, m.status, m.role, m.since, m.until, m.evidence_url,
                     m.verified_on, m.note, CASE WHEN m.published THEN 'true' ELSE 'false' END AS published
              FROM memberships m JOIN cities c ON c.id = m.city_id JOIN networks n ON n.id = m.network_id
              WHERE m.published AND c.published ORDER BY n.slug, c.slug",
        spatial: false,
    },
    Table {
        name: "city_demands",
        sql: "SELECT c.slug AS city, s.demand_key AS demand,
                     CASE s.decided WHEN true THEN 'true' WHEN false THEN 'false' END AS decided,
                     CASE s.fulfilled WHEN true THEN 'true' WHEN false THEN 'false' END AS fulfilled,
                     s.as_of, s.evidence_url, s.note
              FROM safe_harbour_demands s JOIN cities c ON c.id = s.city_id
              WHERE c.published ORDER BY c.slug, s.demand_key",
        spatial: false,
    },
    Table {
        name: "demand_evidence",
        sql: "SELECT c.slug AS city, e.demand_key AS demand, e.status, e.as_of, e.source_url, e.note
              FROM demand_evidence e JOIN cities c ON c.id = e.city_id
              WHERE c.published ORDER BY c.slug, e.demand_key, e.status, e.source_url",
        spatial: false,
    },
    Table {
        name: "practices",
        sql: "SELECT p.slug, c.slug AS city, p.original_lang, p.title, p.summary, p.body, p.transferability,
                     p.organisation, p.started, p.ended, p.status, p.status_as_of, p.contact, p.confidence,
                     CASE WHEN p.published THEN 'true' ELSE 'false' END AS published, {g:p.geom}
              FROM practices p JOIN cities c ON c.id = p.city_id
              WHERE p.published AND c.published ORDER BY p.slug",
        spatial: true,
    },
    Table {
        name: "practice_policy_areas",
        sql: "SELECT p.slug AS practice, a.policy_area
              FROM practice_policy_areas a JOIN practices p ON p.id = a.practice_id JOIN cities c ON c.id = p.city_id
              WHERE p.published AND c.published ORDER BY p.slug, a.policy_area",
        spatial: false,
    },
    Table {
        name: "practice_sources",
        sql: "SELECT p.slug AS practice, s.position, s.url, s.title, s.accessed_on
              FROM practice_sources s JOIN practices p ON p.id = s.practice_id JOIN cities c ON c.id = p.city_id
              WHERE p.published AND c.published ORDER BY p.slug, s.position",
        spatial: false,
    },
];

/// Replaces each `{g:EXPR [AS name]}` with the geometry written as WKT (CSV) or GeoJSON.
fn with_geometries(sql: &str, geojson_properties: bool) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(start) = rest.find("{g:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after.find('}').unwrap_or(after.len());
        let inner = &after[..end];
        let (expr, name) = match inner.split_once(" AS ") {
            Some((expr, name)) => (expr.trim(), name.trim()),
            None => (
                inner.trim(),
                inner.rsplit('.').next().unwrap_or(inner).trim(),
            ),
        };
        if geojson_properties {
            out.push_str(&format!("ST_AsGeoJSON({expr}, {DIGITS})::json AS {name}"));
        } else {
            out.push_str(&format!("ST_AsText({expr}, {DIGITS}) AS {name}"));
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Writes every published table to `dir` in `format`; returns the files written.
///
/// # Errors
/// On a database or file-system error.
pub async fn export(client: &Client, dir: &Path, format: Format) -> anyhow::Result<Vec<String>> {
    tokio::fs::create_dir_all(dir)
        .await
        .with_context(|| format!("creating {}", dir.display()))?;
    let transaction_started = client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await;
    transaction_started?;
    let mut files = Vec::new();
    for table in TABLES {
        let file = if format == Format::Geojson && table.spatial {
            let name = format!("{}.geojson", table.name);
            // The feature geometry is `geom`; other geometries are GeoJSON properties.
            let sql = with_geometries(table.sql, true).replacen(
                &format!(
                    "ST_AsGeoJSON({}, {DIGITS})::json AS geom",
                    geom_expr(table.sql)
                ),
                &format!("{} AS geom", geom_expr(table.sql)),
                1,
            );
            let rows = client
                .query(
                    &format!("SELECT ST_AsGeoJSON(t.*, 'geom', {DIGITS})::text FROM ({sql}) t"),
                    &[],
                )
                .await
                .with_context(|| format!("exporting {}", table.name))?;
            let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
            for (index, row) in rows.iter().enumerate() {
                if index > 0 {
                    text.push_str(",\n");
                }
                text.push_str(row.get::<_, &str>(0));
            }
            text.push_str("\n]}\n");
            tokio::fs::write(dir.join(&name), text).await?;
            name
        } else {
            let name = format!("{}.csv", table.name);
            let sql = with_geometries(table.sql, false);
            let stream = client
                .copy_out(&format!("COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"))
                .await
                .with_context(|| format!("exporting {}", table.name))?;
            let mut stream = std::pin::pin!(stream);
            let mut out = tokio::fs::File::create(dir.join(&name)).await?;
            while let Some(chunk) = stream.try_next().await? {
                out.write_all(&chunk).await?;
            }
            out.flush().await?;
            name
        };
        files.push(file);
    }
    client.batch_execute("COMMIT").await?;
    let manifest = serde_json::json!({
        "generator": "haven",
        "version": 1,
        "format": match format { Format::Csv => "csv", Format::Geojson => "geojson" },
        "files": files,
        "attribution": [
            "© GeoBasis-DE / BKG (2021), Daten verändert (dl-de/by-2-0): German states, districts, municipalities",
            "GeoNames (https://www.geonames.org), CC BY 4.0: codes and places",
            "Made with Natural Earth: country shapes",
            "Haven contributors, CC BY 4.0: policy areas, demand descriptions, practice summaries",
            "Facts: cite each row's source URL"
        ],
    });
    tokio::fs::write(
        dir.join(MANIFEST),
        format!("{}\n", serde_json::to_string_pretty(&manifest)?),
    )
    .await?;
    Ok(files)
}

/// The expression of the `{g:...}` placeholder that yields `geom`.
fn geom_expr(sql: &str) -> String {
    let mut rest = sql;
    while let Some(start) = rest.find("{g:") {
        let after = &rest[start + 3..];
        let end = after.find('}').unwrap_or(after.len());
        let inner = after[..end].trim();
        match inner.split_once(" AS ") {
            Some((expr, "geom")) => return expr.trim().to_owned(),
            None if inner.rsplit('.').next() == Some("geom") => return inner.to_owned(),
            _ => {}
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    String::new()
}

/// Runs `haven export`.
///
/// # Errors
/// When the database cannot be opened or the directory written.
pub async fn export_command(
    args: &ExportArgs,
    database: &DatabaseArgs,
) -> anyhow::Result<ExitCode> {
    let db = Database::open(database).await?;
    let result = async {
        db::migrate::run_pending(&db.url).await?;
        let client = connect(&db.url).await?;
        let files = export(&client, &args.dir, args.format).await?;
        println!("exported {} files to {}", files.len(), args.dir.display());
        Ok(ExitCode::SUCCESS)
    }
    .await;
    db.close();
    result
}
