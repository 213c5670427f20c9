//! `haven import` / `haven export`: idempotent re-import, per-file transactions with
//! line-and-field rejections, slug and coordinate validation, the export round trip, and the
//! real bundled dataset.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use haven::export::{self, Format};
use haven::import::{self, Options, Report};
use tokio_postgres::Client;

use crate::support::{fresh_database, target_dir};

static DIRS: AtomicUsize = AtomicUsize::new(0);

pub fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/import/small")
}

/// A scratch directory of its own under `target/`.
fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("import-tests").join(format!(
        "{}-{}-{name}",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the small fixture in which `file` has `from` replaced by `to`.
pub fn fixture_with(file: &str, from: &str, to: &str) -> PathBuf {
    let dir = scratch("fixture");
    for entry in std::fs::read_dir(fixture()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

async fn client() -> Client {
    import::connect(&fresh_database().await).await.unwrap()
}

async fn load(client: &Client, dir: &Path) -> Report {
    import::run(client, dir, &Options::default()).await.unwrap()
}

async fn count(client: &Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn a_second_import_changes_nothing() {
    let client = client().await;
    let first = load(&client, &fixture()).await;
    assert_eq!(first.rejected(), 0, "{:?}", first.rejections);
    assert!(first.inserted() > 0);
    assert!(first.version_after > first.version_before);
    assert_eq!(count(&client, "SELECT count(*) FROM memberships").await, 5);
    assert_eq!(count(&client, "SELECT count(*) FROM practices").await, 2);
    // Tilos has no coordinates and no gazetteer match: skipped with a warning, not rejected.
    assert_eq!(first.warnings.len(), 1, "{:?}", first.warnings);
    assert_eq!(first.warnings[0].category, "unplaced");
    assert!(first.warnings[0].message.contains("Tilos"));
    // Slugs per Haven's slug rule: German letters transliterated, other accents dropped.
    let slugs: Vec<String> = client
        .query("SELECT slug::text FROM cities ORDER BY slug", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(slugs, ["gdansk", "giessen", "koeln", "potsdam"]);

    let second = load(&client, &fixture()).await;
    assert_eq!(
        (second.inserted(), second.updated(), second.rejected()),
        (0, 0, 0),
        "{:?}",
        second.files
    );
    assert_eq!(second.version_after, second.version_before);
    assert_eq!(second.file("network_memberships.csv").unwrap().unchanged, 5);
}

#[tokio::test]
async fn a_file_with_one_bad_row_writes_nothing() {
    let dir = fixture_with("network_memberships.csv", "2019-06-14", "2019-14-06");
    let client = client().await;
    let report = load(&client, &dir).await;
    assert_eq!(report.rejections.len(), 1, "{:?}", report.rejections);
    let rejection = &report.rejections[0];
    assert_eq!(rejection.file, "network_memberships.csv");
    assert_eq!(rejection.line, 5);
    assert_eq!(rejection.field, "date");
    let file = report.file("network_memberships.csv").unwrap();
    assert!(!file.committed);
    assert_eq!((file.inserted, file.rejected), (0, 1));
    assert_eq!(count(&client, "SELECT count(*) FROM memberships").await, 0);
    // Other files are in.
    assert_eq!(count(&client, "SELECT count(*) FROM networks").await, 3);

    // With --allow-rejects the good rows are written.
    let report = import::run(
        &client,
        &dir,
        &Options {
            allow_rejects: true,
            ..Options::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(report.rejected(), 1);
    assert_eq!(count(&client, "SELECT count(*) FROM memberships").await, 4);
}

#[tokio::test]
async fn unknown_network_and_policy_area_slugs_are_rejected() {
    let dir = fixture_with(
        "network_memberships.csv",
        "iash,Gdańsk",
        "no-such-network,Gdańsk",
    );
    let text = std::fs::read_to_string(dir.join("practices.csv")).unwrap();
    std::fs::write(
        dir.join("practices.csv"),
        text.replacen("political-participation", "politics", 1),
    )
    .unwrap();
    let client = client().await;
    let report = load(&client, &dir).await;
    let found = |file: &str, field: &str, needle: &str| {
        report
            .rejections
            .iter()
            .any(|r| r.file == file && r.field == field && r.reason.contains(needle))
    };
    assert!(
        found("network_memberships.csv", "network_id", "no-such-network"),
        "{:?}",
        report.rejections
    );
    assert!(
        found("practices.csv", "policy_areas", "politics"),
        "{:?}",
        report.rejections
    );
    assert_eq!(count(&client, "SELECT count(*) FROM practices").await, 0);
}

#[tokio::test]
async fn a_point_outside_its_country_is_rejected() {
    // Potsdam placed in the Atlantic.
    let dir = fixture_with("network_memberships.csv", "52.4,13.06", "45.0,-30.0");
    let client = client().await;
    let report = load(&client, &dir).await;
    assert!(
        report
            .rejections
            .iter()
            .any(|r| r.file == "network_memberships.csv"
                && r.line == 5
                && r.reason.contains("outside")),
        "{:?}",
        report.rejections
    );
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM cities WHERE slug = 'potsdam'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let client = client().await;
    let report = import::run(
        &client,
        &fixture(),
        &Options {
            dry_run: true,
            ..Options::default()
        },
    )
    .await
    .unwrap();
    assert!(report.inserted() > 0);
    assert_eq!(report.version_after, report.version_before);
    assert_eq!(count(&client, "SELECT count(*) FROM cities").await, 0);
    assert_eq!(count(&client, "SELECT count(*) FROM networks").await, 0);
}

async fn round_trip(format: Format) {
    let client = client().await;
    assert_eq!(load(&client, &fixture()).await.rejected(), 0);
    let first = scratch("export-1");
    export::export(&client, &first, format).await.unwrap();

    let other = self::client().await;
    let report = load(&other, &first).await;
    assert_eq!(report.rejected(), 0, "{:?}", report.rejections);
    let second = scratch("export-2");
    let files = export::export(&other, &second, format).await.unwrap();
    assert!(files.len() >= 10);
    for name in files.iter().map(String::as_str).chain([import::MANIFEST]) {
        let a = std::fs::read(first.join(name)).unwrap();
        let b = std::fs::read(second.join(name)).unwrap();
        assert!(a == b, "{name} differs after the round trip");
    }
    // And importing the export again changes nothing.
    let again = load(&other, &first).await;
    assert_eq!(
        (again.inserted(), again.updated()),
        (0, 0),
        "{:?}",
        again.files
    );
}

#[tokio::test]
async fn csv_export_round_trips_byte_for_byte() {
    round_trip(Format::Csv).await;
}

#[tokio::test]
async fn geojson_export_round_trips_byte_for_byte() {
    round_trip(Format::Geojson).await;
}

#[tokio::test]
async fn the_bundled_dataset_imports_completely() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data");
    let url = fresh_database().await;
    let client = import::connect(&url).await.unwrap();
    let report = load(&client, &data).await;
    // The real coastlines and borders render into every basemap tile of the first zooms
    // (invalid clipped polygons once made GEOS fail on them).
    let app = crate::support::TestApp::over(url, haven::config::Config::default()).await;
    for z in 0..=3u32 {
        for x in 0..(1u32 << z) {
            for y in 0..(1u32 << z) {
                let status = app
                    .get(&format!("/tiles/basemap/{z}/{x}/{y}.mvt"))
                    .await
                    .status;
                assert!(
                    status == 200 || status == 204,
                    "basemap {z}/{x}/{y}: {status}"
                );
            }
        }
    }
    assert_eq!(report.rejected(), 0, "{:?}", report.rejections);
    // Land is land: no country's part sweeps around the world (Natural Earth's rings that
    // touch the antimeridian once drew the North Atlantic as Russia), so the basemap tile of
    // the North Atlantic is mostly sea.
    let wide: Vec<String> = client
        .query(
            "SELECT c.iso2::text FROM countries c, ST_Dump(c.geom) part
             WHERE ST_XMax(part.geom) - ST_XMin(part.geom) > 180 AND ST_YMin(part.geom) > -89",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(wide.is_empty(), "parts around the world: {wide:?}");
    let atlantic_land: f64 = client
        .query_one(
            "SELECT ST_Area(ST_Union(ST_Intersection(geom, ST_MakeEnvelope(-45, 41, 0, 66.5, 4326))))
                    / ST_Area(ST_MakeEnvelope(-45, 41, 0, 66.5, 4326))
             FROM countries WHERE geom && ST_MakeEnvelope(-45, 41, 0, 66.5, 4326)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(atlantic_land < 0.3, "{atlantic_land}");
    // The per-city summary kept by triggers through the bulk import equals a full recompute.
    crate::api_city_stats::assert_stats_exact(&app.database_url).await;
    // So are the precomputed tile points and cluster cells.
    let tile_points = count(&client, "SELECT count(*) FROM tile_points").await;
    assert!(
        tile_points > 50,
        "the bundled practices are tile points ({tile_points})"
    );
    crate::tiles::assert_precomputed_exact(&app.database_url).await;
    // Every membership row that can be placed is: the skipped ones are exactly the rows
    // with no coordinates, no code and no gazetteer match (data/README.md lists them).
    let unplaced: Vec<&str> = report
        .warnings
        .iter()
        .filter(|w| w.category == "unplaced")
        .map(|w| w.message.as_str())
        .collect();
    let memberships_csv = std::fs::read_to_string(data.join("network_memberships.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(memberships_csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (lat, ags, geonameid, city) = (
        column("lat"),
        column("ags"),
        column("geonameid"),
        column("city"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 843);
    for message in &unplaced {
        assert!(
            rows.iter()
                .any(|row| message.starts_with(&format!("{} (", &row[city]))
                    && row[lat].is_empty()
                    && row[ags].is_empty()
                    && row[geonameid].is_empty()),
            "placeable but skipped: {message}"
        );
    }
    assert_eq!(unplaced.len(), 46, "{unplaced:?}");
    let members = |network: &'static str| {
        let client = &client;
        async move {
            count(
                client,
                &format!(
                    "SELECT count(*) FROM memberships m JOIN networks n ON n.id = m.network_id WHERE n.slug = '{network}'"
                ),
            )
            .await
        }
    };
    // The placed rows, plus the declarations of Thüringen (as a Land) and Bern, which come
    // from their own files.
    assert_eq!(
        count(&client, "SELECT count(*) FROM memberships").await,
        843 - 46 + 2
    );
    // 202 German municipalities, districts and Samtgemeinden, Bern, and Thüringen as a
    // Land (Berlin, Hamburg and Bremen are one city with their municipality).
    assert_eq!(members("seebruecke-safe-harbour").await, 204);
    assert_eq!(
        count(&client, "SELECT count(*) FROM memberships m JOIN networks n ON n.id = m.network_id JOIN cities c ON c.id = m.city_id WHERE n.slug = 'seebruecke-safe-harbour' AND c.kind <> 'state'").await,
        202 + 1
    );
    assert_eq!(
        count(&client, "SELECT count(*) FROM memberships m JOIN networks n ON n.id = m.network_id JOIN cities c ON c.id = m.city_id WHERE n.slug = 'seebruecke-safe-harbour' AND c.country = 'CH'").await,
        1
    );
    assert_eq!(members("buendnis-staedte-sicherer-haefen").await, 57);
    assert_eq!(members("iash").await, 36);
    assert_eq!(members("eurocities").await, 148 - 7);
    assert_eq!(members("intercultural-cities").await, 134);
    // The 54 sourced demand statuses, and one standing per (city, demand): Herzogenrath's
    // alliance demand has two (decided in 2021, fulfilled by 2024), and the newest wins.
    assert_eq!(
        count(&client, "SELECT count(*) FROM demand_evidence").await,
        54
    );
    assert_eq!(
        count(&client, "SELECT count(*) FROM safe_harbour_demands").await,
        53
    );
    assert_eq!(
        count(&client, "SELECT count(*) FROM safe_harbour_demands d JOIN cities c ON c.id = d.city_id WHERE c.slug = 'herzogenrath' AND d.demand_key = 'alliance_safe_harbours' AND d.decided AND d.fulfilled AND d.as_of = '2024-02'").await,
        1
    );
    assert!(count(&client, "SELECT count(*) FROM city_stats WHERE listed").await >= 600);
    // One place, one city.
    for code in ["ags", "geonameid"] {
        assert_eq!(
            count(
                &client,
                &format!(
                    "SELECT count(*) FROM (SELECT c.{code} FROM cities c JOIN city_stats s ON s.city_id = c.id
                     WHERE s.listed AND c.{code} IS NOT NULL GROUP BY c.{code} HAVING count(*) > 1) d"
                )
            )
            .await,
            0,
            "two listed cities share a {code}"
        );
    }
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM cities WHERE kind = 'state' AND ags IN ('11', '02', '04')"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM networks WHERE is_safe_harbour_campaign"
        )
        .await,
        1
    );
    // Every practice: imported, sourced, summarised in English and German, and within 30 km
    // of its city's point in the gazetteer (VG5000, GeoNames, a district's label point, or
    // a place data/places_added.csv names).
    assert_eq!(count(&client, "SELECT count(*) FROM practices").await, 204);
    assert_eq!(
        count(&client, "SELECT count(*) FROM practices p WHERE NOT EXISTS (SELECT 1 FROM practice_sources s WHERE s.practice_id = p.id)").await,
        0
    );
    assert_eq!(
        count(&client, "SELECT count(*) FROM practices WHERE coalesce(summary ->> 'en', '') = '' OR coalesce(summary ->> 'de', '') = ''").await,
        0
    );
    let misplaced: Vec<String> = client
        .query(
            "SELECT p.slug::text FROM practices p JOIN cities c ON c.id = p.city_id
             WHERE NOT coalesce(ST_DWithin(coalesce(p.geom, c.geom)::geography, coalesce(
                 (SELECT pl.geom FROM places pl WHERE pl.ags = c.ags),
                 (SELECT pl.geom FROM places pl WHERE pl.geonameid = c.geonameid),
                 (SELECT r.label_point FROM regions r WHERE r.country = 'DE' AND r.level = 'district' AND r.code = c.ags),
                 (SELECT pl.geom FROM places pl WHERE pl.source = 'haven' AND pl.country = c.country AND pl.name = c.name)
             )::geography, 30000), false)",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert!(misplaced.is_empty(), "{misplaced:?}");
    assert_eq!(
        count(&client, "SELECT count(*) FROM cities WHERE jsonb_typeof(summary -> 'en') = 'string' AND jsonb_typeof(summary -> 'de') = 'string' AND jsonb_array_length(summary_sources) > 0").await,
        31
    );
    // Names in the reader's language: countries, German states and networks.
    let koeln = app.get("/api/v1/cities/koeln?lang=de").await.json();
    assert_eq!(koeln["properties"]["country_name"], "Deutschland");
    assert_eq!(
        app.get("/api/v1/cities/koeln?lang=fr").await.json()["properties"]["country_name"],
        "Allemagne"
    );
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM places WHERE source = 'vg5000' AND boundary IS NOT NULL"
        )
        .await,
        10_997
    );
    assert_eq!(
        count(
            &client,
            "SELECT count(*) FROM regions WHERE country = 'DE' AND level = 'district'"
        )
        .await,
        401
    );
    // Samtgemeinden have the union of their members as boundary.
    assert_eq!(
        count(&client, "SELECT count(*) FROM cities WHERE kind = 'municipal_association' AND boundary IS NOT NULL AND length(ars) = 9").await,
        4
    );
    // No German GeoNames place duplicates a VG5000 municipality.
    assert_eq!(
        count(&client, "SELECT count(*) FROM places g JOIN places v ON v.geonameid = g.geonameid AND v.id <> g.id").await,
        0
    );
    for slug in ["koeln", "duesseldorf", "landkreis-goettingen", "goettingen"] {
        assert_eq!(
            count(
                &client,
                &format!("SELECT count(*) FROM cities WHERE slug = '{slug}'")
            )
            .await,
            1,
            "{slug}"
        );
    }
    // Importing the same data again changes nothing.
    let again = load(&client, &data).await;
    assert_eq!(
        (again.inserted(), again.updated(), again.rejected()),
        (0, 0, 0),
        "{:?}",
        again.files
    );
    assert_eq!(again.version_after, again.version_before);
    // A network renamed moves the tile points' network filter with it.
    client
        .batch_execute("UPDATE networks SET slug = 'iash-renamed' WHERE slug = 'iash'")
        .await
        .unwrap();
    crate::tiles::assert_precomputed_exact(&app.database_url).await;
}
