//! `/downloads/haven.zip`: the published data in one archive, rebuilt once per data version
//! (the first request after a change builds it; concurrent requests wait for that build).
//!
//! It holds cities and practices as GeoJSON and CSV (the API's collections, every row, in
//! English), memberships, demand statuses with their evidence, practice sources, networks and
//! policy areas as CSV, the dataset's description with its licences and attributions
//! (`data/README.md`), and a short licence note.

use std::io::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use tokio::sync::Mutex;

use super::table::{CITY_COLUMNS, CsvBuffer, PRACTICE_COLUMNS, collection_csv};
use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::model::JsonText;
use crate::model::collection::{Link, PageLinks};
use crate::query::{CollectionQuery, Filters, Lang, Page, Search};

/// The dataset's description, licences and attributions.
const DATA_README: &str = include_str!("../../../data/README.md");

/// The licence note at the top of the archive.
const LICENCE: &str = "Haven: welcoming cities, city networks and local practices.

Attribution (show these with any map or copy of this data):
- © GeoBasis-DE / BKG (2021), Daten verändert (dl-de/by-2-0, https://www.govdata.de/dl-de/by-2-0):
  German states, districts and municipalities, their codes and points
- GeoNames (https://www.geonames.org), CC BY 4.0: places, GeoNames ids and points
- Made with Natural Earth: country shapes (public domain)
- Haven contributors, CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): practice
  summaries and translated titles, city profiles, policy areas, demand descriptions, translated names
- Unicode CLDR (Unicode License v3): country names in four languages
- Facts (names, dates, memberships, demand statuses, practices) are not copyrighted; cite each
  row's source URL where you show it.

Demand statuses were read by Haven from council decisions and membership reports; they are not
taken from Seebrücke's own database.

SOURCES.md describes every source, its licence and the known gaps.
";

/// Tables of the archive besides the collections: file name, columns and the statement
/// (each row one JSON array of the columns' values, in order).
const TABLES: &[(&str, &[&str], &str)] = &[
    (
        "memberships.csv",
        &["city", "network", "status", "role", "since", "until", "verified_on", "evidence_url"],
        "SELECT json_build_array(c.slug, n.slug, m.status, m.role, m.since, m.until, m.verified_on, m.evidence_url)::text AS json
         FROM memberships m JOIN cities c ON c.id = m.city_id JOIN networks n ON n.id = m.network_id
         WHERE m.published AND c.published ORDER BY c.slug, n.slug",
    ),
    (
        "demand_statuses.csv",
        &["city", "demand", "decided", "fulfilled", "as_of", "evidence_url"],
        "SELECT json_build_array(c.slug, s.demand_key, s.decided, s.fulfilled, s.as_of, s.evidence_url)::text AS json
         FROM safe_harbour_demands s JOIN cities c ON c.id = s.city_id
         WHERE c.published ORDER BY c.slug, s.demand_key",
    ),
    (
        "demand_evidence.csv",
        &["city", "demand", "status", "as_of", "source_url"],
        "SELECT json_build_array(c.slug, e.demand_key, e.status, e.as_of, e.source_url)::text AS json
         FROM demand_evidence e JOIN cities c ON c.id = e.city_id
         WHERE c.published ORDER BY c.slug, e.demand_key, e.as_of DESC NULLS LAST, e.source_url",
    ),
    (
        "practice_sources.csv",
        &["practice", "position", "url", "title", "accessed_on"],
        "SELECT json_build_array(p.slug, s.position, s.url, s.title, s.accessed_on)::text AS json
         FROM practice_sources s JOIN practices p ON p.id = s.practice_id JOIN cities c ON c.id = p.city_id
         WHERE p.published AND c.published ORDER BY p.slug, s.position",
    ),
    (
        "networks.csv",
        &["slug", "name", "kind", "scope", "founded", "website", "is_safe_harbour_campaign"],
        "SELECT json_build_array(slug, name, kind, scope, founded, website, is_safe_harbour_campaign)::text AS json
         FROM networks ORDER BY slug",
    ),
    (
        "policy_areas.csv",
        &["slug", "label_de", "label_en", "label_fr", "label_es", "description_en"],
        "SELECT json_build_array(slug, labels ->> 'de', labels ->> 'en', labels ->> 'fr', labels ->> 'es',
                                 descriptions ->> 'en')::text AS json
         FROM policy_areas ORDER BY position",
    ),
];

/// One built archive.
#[derive(Debug)]
pub struct Archive {
    /// The data version it was built from.
    pub version: i64,
    /// `YYYY-MM-DD` (UTC) of the build.
    pub built_on: String,
    pub bytes: Bytes,
}

/// The archive of the current data version, built on demand.
#[derive(Debug, Default)]
pub struct Downloads {
    current: Mutex<Option<Arc<Archive>>>,
}

impl Downloads {
    /// The archive of the current data version (building it when the data changed).
    ///
    /// # Errors
    /// When the database fails or the archive cannot be written.
    pub async fn current(&self, app: &App) -> AppResult<Arc<Archive>> {
        let version = app.data_version.get();
        let mut current = self.current.lock().await;
        if let Some(archive) = current.as_ref()
            && archive.version == version
        {
            return Ok(Arc::clone(archive));
        }
        let mut conn = app.db_read().await?;
        let files = files(&mut conn).await?;
        let bytes = tokio::task::spawn_blocking(move || zip(&files))
            .await
            .map_err(|error| AppError::Internal(error.into()))?
            .map_err(AppError::Internal)?;
        let archive = Arc::new(Archive {
            version,
            built_on: crate::domain::date::today(),
            bytes: Bytes::from(bytes),
        });
        *current = Some(Arc::clone(&archive));
        Ok(archive)
    }
}

/// Every listed city or published practice, as the collection answers them.
async fn collection(conn: &mut AsyncPgConnection, cities: bool) -> AppResult<Value> {
    let query = CollectionQuery {
        filters: Filters::default(),
        search: Search::default(),
        lang: Lang::En,
        page: Page {
            limit: i64::from(i32::MAX),
            offset: 0,
        },
    };
    let links = PageLinks {
        always: Vec::new(),
        next: Link::new("next", "application/geo+json", String::new()),
    };
    let json = if cities {
        crate::model::city::list(conn, &query, &links).await?
    } else {
        crate::model::practice::list(conn, &query, &links).await?
    };
    let mut value: Value =
        serde_json::from_str(&json).map_err(|error| AppError::Internal(error.into()))?;
    if let Value::Object(map) = &mut value {
        map.remove("links");
    }
    Ok(value)
}

/// The files of the archive, by name.
async fn files(conn: &mut AsyncPgConnection) -> AppResult<Vec<(String, Vec<u8>)>> {
    let internal = |error: anyhow::Error| AppError::Internal(error);
    let mut files = vec![
        ("LICENCE.txt".to_owned(), LICENCE.as_bytes().to_vec()),
        ("SOURCES.md".to_owned(), DATA_README.as_bytes().to_vec()),
    ];
    for (name, cities, columns) in [
        ("cities", true, CITY_COLUMNS),
        ("practices", false, PRACTICE_COLUMNS),
    ] {
        let collection = collection(conn, cities).await?;
        files.push((
            format!("{name}.csv"),
            collection_csv(columns, &collection).map_err(internal)?,
        ));
        files.push((
            format!("{name}.geojson"),
            collection.to_string().into_bytes(),
        ));
    }
    for (name, columns, sql) in TABLES {
        let rows: Vec<JsonText> = diesel::sql_query(*sql).load(conn).await?;
        let mut csv = CsvBuffer::new(columns.iter().copied()).map_err(internal)?;
        for row in rows {
            let values: Vec<Value> = serde_json::from_str(&row.json)
                .map_err(|error| AppError::Internal(error.into()))?;
            csv.values(&values).map_err(internal)?;
        }
        files.push(((*name).to_owned(), csv.take().map_err(internal)?));
    }
    Ok(files)
}

/// The files as a zip archive (deflated).
fn zip(files: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, bytes) in files {
        writer.start_file(format!("haven/{name}"), options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}
