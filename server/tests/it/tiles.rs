//! Vector tiles, TileJSON, style and glyphs: tiles are decoded and their features,
//! properties, ids and filter effects checked; the aggregation bound is checked on a
//! generated 100,000-practice data set; invalidation is checked across two instances.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use haven::config::Config;
use mvt_reader::Reader;
use mvt_reader::feature::Value;

use crate::support::{TestApp, TestResponse};

/// A decoded feature: its id and properties.
#[derive(Debug, Clone)]
pub struct Feature {
    id: Option<u64>,
    props: HashMap<String, Value>,
}

impl Feature {
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.props.get(key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.props.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn number(&self, key: &str) -> Option<i64> {
        match self.props.get(key) {
            Some(Value::Int(n) | Value::SInt(n)) => Some(*n),
            Some(Value::UInt(n)) => i64::try_from(*n).ok(),
            Some(Value::Double(n)) => Some(*n as i64),
            Some(Value::Float(n)) => Some(*n as i64),
            _ => None,
        }
    }
}

/// Every layer of a tile with its features.
pub fn decode(bytes: &[u8]) -> HashMap<String, Vec<Feature>> {
    let reader = Reader::new(bytes.to_vec()).expect("a valid MVT");
    let names = reader.get_layer_names().unwrap();
    names
        .into_iter()
        .enumerate()
        .map(|(index, name)| {
            let features = reader
                .get_features(index)
                .unwrap()
                .into_iter()
                .map(|f| Feature {
                    id: f.id,
                    props: f.properties.unwrap_or_default(),
                })
                .collect();
            (name, features)
        })
        .collect()
}

/// The tile of zoom `z` holding the point (lon, lat).
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u8, u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor()
        as u32;
    (z, x, y)
}

async fn tile(app: &TestApp, layer: &str, (z, x, y): (u8, u32, u32), query: &str) -> TestResponse {
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    app.get(&format!("/tiles/{layer}/{z}/{x}/{y}.mvt{query}"))
        .await
}

/// The bytes of a tile (none for a 204).
async fn tile_bytes(app: &TestApp, layer: &str, (z, x, y): (u8, u32, u32), query: &str) -> Vec<u8> {
    let response = tile(app, layer, (z, x, y), query).await;
    match response.status {
        StatusCode::OK => response.body.to_vec(),
        StatusCode::NO_CONTENT => Vec::new(),
        other => panic!("{layer} {z}/{x}/{y}?{query}: {other}"),
    }
}

/// The features of `layer` in a tile (none for a 204).
async fn features(app: &TestApp, layer: &str, at: (u8, u32, u32), query: &str) -> Vec<Feature> {
    let response = tile(app, layer, at, query).await;
    match response.status {
        StatusCode::NO_CONTENT => Vec::new(),
        StatusCode::OK => {
            assert_eq!(
                response.content_type(),
                "application/vnd.mapbox-vector-tile"
            );
            decode(&response.body).remove(layer).unwrap_or_default()
        }
        other => panic!("unexpected status {other}: {}", response.text()),
    }
}

async fn sql(app: &TestApp, statements: &str) {
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client.batch_execute(statements).await.unwrap();
}

async fn city_id(app: &TestApp, slug: &str) -> u64 {
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one("SELECT id FROM cities WHERE slug = $1", &[&slug])
        .await
        .unwrap();
    u64::try_from(row.get::<_, i64>(0)).unwrap()
}

const KOELN: (f64, f64) = (6.95, 50.94);
const POTSDAM: (f64, f64) = (13.06, 52.40);
const GDANSK: (f64, f64) = (18.65, 54.35);

#[tokio::test]
async fn a_city_tile_carries_the_contract_properties_and_the_city_id() {
    let app = TestApp::with_sample().await;
    let found = features(&app, "cities", tile_of(KOELN.0, KOELN.1, 8), "").await;
    let koeln = found
        .iter()
        .find(|f| f.str("slug") == Some("koeln"))
        .expect("Köln in its tile");
    assert_eq!(koeln.id, Some(city_id(&app, "koeln").await));
    assert_eq!(koeln.str("name"), Some("Köln"));
    assert_eq!(koeln.str("kind"), Some("municipality"));
    assert_eq!(koeln.str("country"), Some("DE"));
    assert_eq!(koeln.bool("safe_harbour"), Some(true));
    assert_eq!(koeln.bool("alliance"), Some(true));
    assert_eq!(koeln.str("category"), Some("safe_harbour_alliance"));
    assert_eq!(koeln.bool("cluster"), Some(false));
    assert_eq!(koeln.number("practice_count"), Some(1));
    assert_eq!(koeln.bool("area_housing"), Some(true));
    assert_eq!(koeln.bool("area_reception"), Some(true));
    assert_eq!(koeln.bool("area_sea_rescue_safe_passage"), Some(false));
    assert_eq!(
        koeln.bool("net_buendnis_staedte_sicherer_haefen"),
        Some(true)
    );
    assert_eq!(koeln.bool("net_seebruecke_safe_harbour"), Some(true));
    assert_eq!(koeln.bool("net_iash"), Some(false));

    let gdansk = features(&app, "cities", tile_of(GDANSK.0, GDANSK.1, 8), "").await;
    let gdansk = gdansk
        .iter()
        .find(|f| f.str("slug") == Some("gdansk"))
        .unwrap();
    assert_eq!(gdansk.str("category"), Some("network_member"));
    assert_eq!(gdansk.bool("safe_harbour"), Some(false));
    assert_eq!(gdansk.bool("net_intercultural_cities"), Some(true));

    // Listed for its practice alone: no network, and not drawn as a network member.
    app.execute(
        "DELETE FROM memberships WHERE city_id = (SELECT id FROM cities WHERE slug = 'gdansk')",
    )
    .await;
    let gdansk = features(&app, "cities", tile_of(GDANSK.0, GDANSK.1, 8), "").await;
    let gdansk = gdansk
        .iter()
        .find(|f| f.str("slug") == Some("gdansk"))
        .unwrap();
    assert_eq!(gdansk.str("category"), Some("no_network"));
}

#[tokio::test]
async fn practices_carry_their_slug_and_area_flags_and_nothing_the_map_does_not_use() {
    let app = TestApp::with_sample().await;
    let found = features(&app, "practices", tile_of(GDANSK.0, GDANSK.1, 10), "").await;
    assert_eq!(found.len(), 1);
    let practice = &found[0];
    assert_eq!(practice.str("slug"), Some("gdansk-immigrants-council"));
    assert_eq!(practice.bool("cluster"), Some(false));
    // The title and the city are the detail API's, in the reader's language.
    assert!(!practice.props.contains_key("title"));
    assert!(!practice.props.contains_key("city_slug"));
    assert_eq!(practice.bool("area_political_participation"), Some(true));
    assert_eq!(practice.bool("area_housing"), Some(false));
    assert!(practice.id.is_some());
}

/// A tile filter as its query string and as the binds of the point statements: (query, policy
/// areas, all of them, networks, countries).
type Filter<'a> = (
    &'a str,
    Option<Vec<&'a str>>,
    bool,
    Option<Vec<&'a str>>,
    Option<Vec<&'a str>>,
);

/// A feature as (id, point, properties sorted by key), everything as text but the id.
type PointFeature = (Option<u64>, String, Vec<(String, String)>);

/// A tile's features, sorted by id, for comparing two encodings.
fn points_of(bytes: &[u8]) -> Vec<PointFeature> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let reader = Reader::new(bytes.to_vec()).expect("a valid MVT");
    let mut points: Vec<_> = reader
        .get_features(0)
        .unwrap()
        .into_iter()
        .map(|f| {
            let mut props: Vec<_> = f
                .properties
                .clone()
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| (key, format!("{value:?}")))
                .collect();
            props.sort();
            (f.id, format!("{:?}", f.get_geometry()), props)
        })
        .collect();
    points.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    points
}

/// The tiles at `zooms` holding the positions (lon, lat) that `positions` selects, each once.
async fn tiles_around(
    client: &tokio_postgres::Client,
    positions: &str,
    zooms: std::ops::RangeInclusive<u8>,
) -> Vec<(u8, u32, u32)> {
    let mut tiles: Vec<(u8, u32, u32)> = Vec::new();
    for row in client.query(positions, &[]).await.unwrap() {
        for z in zooms.clone() {
            tiles.push(tile_of(row.get(0), row.get(1), z));
        }
    }
    tiles.sort_unstable();
    tiles.dedup();
    tiles
}

/// The filters a layer's snapshot is compared with its statement by: none, one area, all of
/// two areas, any of two, a network, a network with countries, an area with countries.
fn compared_filters() -> [Filter<'static>; 7] {
    [
        ("", None, false, None, None),
        (
            "policy_area=housing",
            Some(vec!["housing"]),
            false,
            None,
            None,
        ),
        (
            "policy_area=housing,work&policy_area_match=all",
            Some(vec!["housing", "work"]),
            true,
            None,
            None,
        ),
        (
            "policy_area=health,work",
            Some(vec!["health", "work"]),
            false,
            None,
            None,
        ),
        ("network=iash", None, false, Some(vec!["iash"]), None),
        (
            "network=intercultural-cities&country=DE,PL",
            None,
            false,
            Some(vec!["intercultural-cities"]),
            Some(vec!["DE", "PL"]),
        ),
        (
            "policy_area=health&country=DE,PL",
            Some(vec!["health"]),
            false,
            None,
            Some(vec!["DE", "PL"]),
        ),
    ]
}

/// Haven writes the practices' point tiles (from zoom 7 on) itself: every tile holds the same
/// features, at the same grid positions, with the same properties as `ST_AsMVT` and
/// `ST_AsMVTGeom` make of the same rows: at several zooms, with and without a filter, and for
/// points on and around the edges of a tile and its buffer.
#[tokio::test]
async fn practice_point_tiles_are_what_postgis_makes_of_the_same_rows() {
    let app = TestApp::with_sample().await;
    // Points around the north-west corner of tile 10/530/343 (near Köln), at whole and half
    // grid units from it: inside, on the edge, in the 64-unit buffer, just beyond it.
    app.execute(
        "WITH corner AS (SELECT ST_XMin(e) AS x, ST_YMax(e) AS y,
                                (ST_XMax(e) - ST_XMin(e)) / 4096 AS unit
                         FROM ST_TileEnvelope(10, 530, 343) e)
         INSERT INTO practices (slug, city_id, geom, original_lang, title)
         SELECT 'edge-' || row_number() OVER (), c.id,
                ST_Transform(ST_SetSRID(ST_MakePoint(corner.x + dx * corner.unit,
                                                     corner.y + dy * corner.unit), 3857), 4326),
                'de', jsonb_build_object('de', 'Am Rand')
         FROM corner, cities c,
              unnest(ARRAY[-65, -64.5, -64, -63.5, -1, -0.5, 0, 0.5, 1, 63.5, 64, 64.5, 65]) dx,
              unnest(ARRAY[-65, -64, -0.5, 0, 0.5, 64, 65]) dy
         WHERE c.slug = 'koeln';
         -- At zoom 17, a few centimetres beyond the buffer: less than single precision
         -- resolves there, so `&&` (boxes rounded outward) takes some of them.
         WITH corner AS (SELECT ST_XMin(e) AS x, ST_YMax(e) AS y,
                                (ST_XMax(e) - ST_XMin(e)) / 4096 AS unit
                         FROM ST_TileEnvelope(17, 530 << 7, 343 << 7) e)
         INSERT INTO practices (slug, city_id, geom, original_lang, title)
         SELECT 'edge-17-' || row_number() OVER (), c.id,
                ST_Transform(ST_SetSRID(ST_MakePoint(corner.x + dx * corner.unit,
                                                     corner.y + dy * corner.unit), 3857), 4326),
                'de', jsonb_build_object('de', 'Am Rand')
         FROM corner, cities c,
              unnest(ARRAY[-64.45, -64.3, -64.1, 2, 4159.9, 4160.2, 4160.4]) dx,
              unnest(ARRAY[-64.45, -64.3, -64.1, 2, 4159.9, 4160.2, 4160.4]) dy
         WHERE c.slug = 'koeln';
         INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT id, CASE WHEN id % 2 = 0 THEN 'housing' ELSE 'health' END
         FROM practices WHERE slug LIKE 'edge-%';",
    )
    .await;
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut tiles: Vec<(u8, u32, u32)> = vec![
        (10, 530, 343),
        (10, 529, 343),
        (10, 530, 342),
        (10, 529, 342),
        // The same corner at zoom 17, where the buffer (64 units of 7.5 cm) ends about where
        // the points half a zoom-10 unit away lie, and single precision (the boxes of `&&`)
        // resolves only half a metre.
        (17, 530 << 7, 343 << 7),
        (17, (530 << 7) - 1, 343 << 7),
        (17, 530 << 7, (343 << 7) - 1),
        (17, (530 << 7) - 1, (343 << 7) - 1),
    ];
    for row in client
        .query(
            "SELECT DISTINCT ST_X(g.point), ST_Y(g.point) FROM practices p JOIN cities c ON c.id = p.city_id
             CROSS JOIN LATERAL (SELECT coalesce(p.geom, c.geom) AS point) g",
            &[],
        )
        .await
        .unwrap()
    {
        for z in [7, 10, 14] {
            tiles.push(tile_of(row.get(0), row.get(1), z));
        }
    }
    tiles.sort_unstable();
    tiles.dedup();
    // Each filter the instance's snapshot of the points draws.
    let filters: [Filter; 5] = [
        ("", None, false, None, None),
        (
            "policy_area=housing",
            Some(vec!["housing"]),
            false,
            None,
            None,
        ),
        (
            "policy_area=housing,health&policy_area_match=all",
            Some(vec!["housing", "health"]),
            true,
            None,
            None,
        ),
        ("network=iash", None, false, Some(vec!["iash"]), None),
        (
            "policy_area=health,work&country=DE,PL",
            Some(vec!["health", "work"]),
            false,
            None,
            Some(vec!["DE", "PL"]),
        ),
    ];
    let mut compared = 0;
    for (z, x, y) in tiles {
        for (query, areas, all, networks, countries) in &filters {
            let reference: Vec<u8> = client
                .query_one(
                    "SELECT coalesce(ST_AsMVT(t, 'practices', 4096, 'geom', 'id'), ''::bytea) FROM (
                         SELECT tp.practice_id AS id,
                                ST_AsMVTGeom(tp.geom, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
                                tp.props
                         FROM tile_points tp
                         WHERE tp.geom && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
                           AND ($4::text[] IS NULL OR (NOT $7 AND tp.areas && $4::text[])
                                OR ($7 AND tp.areas @> $4::text[]))
                           AND ($5::text[] IS NULL OR tp.networks && $5::text[])
                           AND ($6::text[] IS NULL OR tp.country = ANY ($6::text[]))) t",
                    &[
                        &i32::from(z),
                        &i32::try_from(x).unwrap(),
                        &i32::try_from(y).unwrap(),
                        areas,
                        networks,
                        countries,
                        all,
                    ],
                )
                .await
                .unwrap()
                .get(0);
            let served = tile_bytes(&app, "practices", (z, x, y), query).await;
            let expected = points_of(&reference);
            assert_eq!(points_of(&served), expected, "tile {z}/{x}/{y}?{query}");
            compared += expected.len();
        }
    }
    // The corner's points: 13 × 7 around it, each in up to four tiles, some beyond every buffer.
    assert!(compared > 150, "only {compared} features compared");
}

/// An instance keeps its snapshot of the practices' points current by reading again only the
/// buckets the changes' boxes touch: after each kind of write (a practice added, moved across
/// the map, given other areas, unpublished; its city moved, its city joining a network), its
/// tiles are byte for byte those of a new instance that reads every point, at zooms 3 and 6
/// (clusters) and 7, 10 and 14 (points), unfiltered and filtered, around every old and new
/// position.
#[tokio::test]
async fn the_practice_snapshot_updated_by_boxes_draws_what_a_whole_load_draws() {
    let writes = [
        "INSERT INTO practices (slug, city_id, geom, original_lang, title)
           VALUES ('kept-new', (SELECT id FROM cities WHERE slug = 'koeln'),
                   ST_SetSRID(ST_MakePoint(7.5, 51.5), 4326), 'en', '{\"en\": \"New\"}');
         INSERT INTO practice_policy_areas VALUES ((SELECT id FROM practices WHERE slug = 'kept-new'), 'work');",
        "UPDATE practices SET geom = ST_SetSRID(ST_MakePoint(-3.7, 40.4), 4326) WHERE slug = 'kept-new'",
        "INSERT INTO practice_policy_areas VALUES ((SELECT id FROM practices WHERE slug = 'kept-new'), 'housing')",
        "UPDATE cities SET geom = ST_SetSRID(ST_MakePoint(8.5, 49.5), 4326) WHERE slug = 'koeln'",
        "INSERT INTO memberships (city_id, network_id, status)
           SELECT c.id, n.id, 'member' FROM cities c, networks n
           WHERE c.slug = 'koeln' AND n.slug = 'iash'
           ON CONFLICT DO NOTHING",
        "UPDATE practices SET status = 'ended' WHERE slug = 'kept-new'",
        "DELETE FROM practice_policy_areas WHERE practice_id = (SELECT id FROM practices WHERE slug = 'kept-new');
         DELETE FROM practices WHERE slug = 'kept-new'",
    ];
    assert_snapshot_updates_draw_what_a_whole_load_draws(
        "practices",
        "SELECT DISTINCT ST_X(g), ST_Y(g) FROM tile_points tp, LATERAL ST_Transform(tp.geom, 4326) g",
        &writes,
        &[3, 6, 7, 10, 14],
        &["", "policy_area=housing,work", "network=iash", "country=DE"],
    )
    .await;
}

/// Below zoom 7 an instance groups the practices of its snapshot into clusters itself: every
/// cluster tile holds the same features (a practice alone in its cell as its point; a cluster
/// with its cell's id, its count and per policy area how many of its practices have it), at
/// the same grid positions, as the cluster statements make in PostGIS: for 600 more practices
/// across Europe, at every zoom from 0 to 6, unfiltered and with each kind of filter. The
/// precomputed rows the statements read are then emptied behind the instance's back (no change
/// it learns of): it still draws every tile, so they come from its snapshot.
#[tokio::test]
async fn practice_cluster_tiles_are_what_the_cluster_statements_make_in_postgis() {
    let sample = TestApp::with_sample().await;
    sample
        .execute(
            "SELECT setseed(0.29);
             INSERT INTO practices (slug, city_id, geom, original_lang, title)
             SELECT 'cluster-' || i, c.id,
                    CASE WHEN i % 4 = 0 THEN NULL
                         ELSE ST_SetSRID(ST_MakePoint(-9 + random() * 33, 36 + random() * 22), 4326) END,
                    'en', jsonb_build_object('en', 'Cluster ' || i)
             FROM generate_series(1, 600) i
             JOIN LATERAL (SELECT id FROM cities ORDER BY id OFFSET i % (SELECT count(*) FROM cities) LIMIT 1) c ON true;
             INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT p.id, a.slug FROM practices p
             JOIN LATERAL (SELECT slug FROM policy_areas ORDER BY position OFFSET (p.id % 5) LIMIT 1 + (p.id % 3)) a ON true
             WHERE p.slug LIKE 'cluster-%';",
        )
        .await;
    let app = TestApp::over(
        sample.database_url.clone(),
        Config {
            tile_cache_bytes: 0,
            ..Config::default()
        },
    )
    .await;
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let tiles = tiles_around(
        &client,
        "SELECT DISTINCT ST_X(g), ST_Y(g) FROM tile_points tp, LATERAL ST_Transform(tp.geom, 4326) g",
        0..=6,
    )
    .await;
    let filters = compared_filters();
    let mut references = Vec::new();
    for &(z, x, y) in &tiles {
        let (z32, x32, y32) = (
            i32::from(z),
            i32::try_from(x).unwrap(),
            i32::try_from(y).unwrap(),
        );
        for (query, areas, all, networks, countries) in &filters {
            let reference: Vec<u8> = if query.is_empty() {
                client
                    .query_one(
                        haven::tiles::sql::PRACTICE_CLUSTERS.as_str(),
                        &[&z32, &x32, &y32],
                    )
                    .await
            } else {
                client
                    .query_one(
                        haven::tiles::sql::PRACTICE_CLUSTERS_FILTERED.as_str(),
                        &[
                            &z32,
                            &x32,
                            &y32,
                            areas,
                            networks,
                            countries,
                            &None::<&str>,
                            all,
                        ],
                    )
                    .await
            }
            .unwrap()
            .get(0);
            references.push(((z, x, y), *query, points_of(&reference)));
        }
    }
    // The instance reads its snapshot; then what the statements read is gone, and the
    // snapshot of the same data version is what draws the tiles.
    assert!(
        !tile_bytes(&app, "practices", (0, 0, 0), "")
            .await
            .is_empty()
    );
    app.execute("TRUNCATE tile_cells; DELETE FROM tile_points")
        .await;
    let mut compared = 0;
    let mut clusters = 0;
    let mut zooms = [0; 7];
    for (at, query, expected) in references {
        let served = tile_bytes(&app, "practices", at, query).await;
        assert_eq!(points_of(&served), expected, "tile {at:?}?{query}");
        compared += expected.len();
        for (_, _, props) in &expected {
            if props.contains(&("cluster".to_owned(), "Bool(true)".to_owned())) {
                clusters += 1;
                zooms[usize::from(at.0)] += 1;
            }
        }
    }
    assert!(compared > 3000, "only {compared} features compared");
    assert!(clusters > 500, "only {clusters} clusters compared");
    assert!(zooms.iter().all(|&n| n > 0), "clusters per zoom: {zooms:?}");
}

/// After a write, the requests for practice tiles that come while the instance updates its
/// snapshot of the points wait for that update (milliseconds) instead of each taking the
/// statement (and the database's time, after every write). The cells the cluster statement
/// reads are given a false count behind the instance's back; 35 requests of the tiles around
/// Köln (each holding a cluster there) made at once after a write elsewhere show none of it.
#[tokio::test]
async fn tiles_requested_while_the_snapshot_updates_wait_for_it() {
    let sample = TestApp::with_sample().await;
    // Practices of their own in and around Köln: a cluster at every zoom to 6.
    sample
        .execute(
            "INSERT INTO practices (slug, city_id, geom, original_lang, title)
             SELECT 'around-koeln-' || i, c.id,
                    ST_SetSRID(ST_MakePoint(6.95 + i * 0.001, 50.94 + i * 0.001), 4326),
                    'de', jsonb_build_object('de', 'Nahe Köln ' || i)
             FROM cities c, generate_series(1, 5) i WHERE c.slug = 'koeln'",
        )
        .await;
    let app = TestApp::over(
        sample.database_url.clone(),
        Config {
            tile_cache_bytes: 0,
            ..Config::default()
        },
    )
    .await;
    let around: Vec<(u8, u32, u32)> = (0..=6).map(|z| tile_of(KOELN.0, KOELN.1, z)).collect();
    let counts = |bytes: &[u8]| -> Vec<i64> {
        decode(bytes)
            .remove("practices")
            .unwrap_or_default()
            .iter()
            .filter(|f| f.bool("cluster") == Some(true))
            .filter_map(|f| f.number("count"))
            .collect()
    };
    // The snapshot is read whole before.
    for &at in &around {
        assert!(!tile_bytes(&app, "practices", at, "").await.is_empty());
    }
    app.execute("UPDATE tile_cells SET n = 999 WHERE n > 1")
        .await;
    // A practice far from Köln (its cells are counted again, Köln's are not).
    app.execute(
        "INSERT INTO practices (slug, city_id, geom, original_lang, title)
         SELECT 'in-madrid', c.id, ST_SetSRID(ST_MakePoint(-3.7, 40.4), 4326), 'es',
                '{\"es\": \"En Madrid\"}'
         FROM cities c WHERE c.slug = 'koeln'",
    )
    .await;
    let requests = around
        .iter()
        .cycle()
        .take(5 * around.len())
        .map(|&at| tile_bytes(&app, "practices", at, ""));
    let mut clusters = 0;
    for bytes in futures_util::future::join_all(requests).await {
        let counts = counts(&bytes);
        assert!(
            counts.iter().all(|&n| n < 999),
            "a tile took the statement: {counts:?}"
        );
        clusters += counts.len();
    }
    assert!(clusters >= 35, "only {clusters} clusters");
}

/// An instance keeps its snapshot of the listed cities current by reading again only the
/// cities in the changes' boxes: after each kind of write (a city listed, moved across the
/// map, listed and no longer listed, renamed, joining a network, declaring a demand, given a
/// practice, moved again, deleted), its city tiles are byte for byte those of a new instance that reads every city,
/// at zooms 2 and 5 (clusters) and 8, unfiltered and filtered, around every old and new
/// position.
#[tokio::test]
async fn the_city_snapshot_updated_by_boxes_draws_what_a_whole_load_draws() {
    let writes = [
        "INSERT INTO cities (slug, name, country, geom)
           VALUES ('kept-city', 'Kept', 'DE', ST_SetSRID(ST_MakePoint(7.5, 51.5), 4326));
         INSERT INTO memberships (city_id, network_id, status)
           SELECT c.id, n.id, 'member' FROM cities c, networks n
           WHERE c.slug = 'kept-city' AND n.slug = 'intercultural-cities'",
        "UPDATE cities SET geom = ST_SetSRID(ST_MakePoint(-3.7, 40.4), 4326) WHERE slug = 'kept-city'",
        "INSERT INTO cities (slug, name, country, geom)
           VALUES ('brief-city', 'Brief', 'DE', ST_SetSRID(ST_MakePoint(10.0, 53.5), 4326));
         INSERT INTO memberships (city_id, network_id, status)
           SELECT c.id, n.id, 'member' FROM cities c, networks n
           WHERE c.slug = 'brief-city' AND n.slug = 'iash'",
        // No longer listed: only the snapshot's own position of it tells it to go.
        "DELETE FROM memberships WHERE city_id = (SELECT id FROM cities WHERE slug = 'brief-city')",
        "UPDATE cities SET name = 'Köln am Rhein' WHERE slug = 'koeln'",
        "INSERT INTO memberships (city_id, network_id, status)
           SELECT c.id, n.id, 'member' FROM cities c, networks n
           WHERE c.slug = 'koeln' AND n.slug = 'iash'
           ON CONFLICT DO NOTHING",
        "INSERT INTO safe_harbour_demands (city_id, demand_key, decided)
           SELECT id, 'transparency', true FROM cities WHERE slug = 'kept-city'",
        "INSERT INTO practices (slug, city_id, original_lang, title)
           VALUES ('kept-practice', (SELECT id FROM cities WHERE slug = 'kept-city'), 'es',
                   '{\"es\": \"Nueva\"}');
         INSERT INTO practice_policy_areas
           VALUES ((SELECT id FROM practices WHERE slug = 'kept-practice'), 'housing')",
        "UPDATE cities SET geom = ST_SetSRID(ST_MakePoint(8.5, 49.5), 4326) WHERE slug = 'koeln'",
        "DELETE FROM practices WHERE slug = 'kept-practice';
         DELETE FROM cities WHERE slug = 'kept-city'",
    ];
    assert_snapshot_updates_draw_what_a_whole_load_draws(
        "cities",
        "SELECT DISTINCT ST_X(geom), ST_Y(geom) FROM cities",
        &writes,
        &[2, 5, 8],
        &["", "policy_area=housing", "network=iash", "country=DE"],
    )
    .await;
}

/// Over the sample data, one instance keeps its snapshot of `layer` through `writes`; after
/// each, its tiles at `zooms` around every position `positions` (a statement of lon, lat)
/// gives before and after, with each of `queries`, are byte for byte those of a new instance
/// that reads the snapshot whole. Both have no tile cache.
async fn assert_snapshot_updates_draw_what_a_whole_load_draws(
    layer: &str,
    positions: &str,
    writes: &[&str],
    zooms: &[u8],
    queries: &[&str],
) {
    let uncached = || Config {
        tile_cache_bytes: 0,
        ..Config::default()
    };
    let sample = TestApp::with_sample().await;
    let kept = TestApp::over(sample.database_url.clone(), uncached()).await;
    let (client, connection) = tokio_postgres::connect(&kept.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut seen: Vec<(f64, f64)> = Vec::new();
    let see = async |seen: &mut Vec<(f64, f64)>| {
        for row in client.query(positions, &[]).await.unwrap() {
            seen.push((row.get(0), row.get(1)));
        }
    };
    see(&mut seen).await;
    // The snapshot is read whole once, before the writes.
    assert!(
        !tile_bytes(&kept, layer, tile_of(KOELN.0, KOELN.1, 8), "")
            .await
            .is_empty()
    );
    let mut compared = 0;
    for statements in writes {
        let whole = TestApp::over(kept.database_url.clone(), uncached()).await;
        write(&[&whole, &kept], statements).await;
        see(&mut seen).await;
        let mut tiles: Vec<(u8, u32, u32)> = seen
            .iter()
            .flat_map(|&(lon, lat)| zooms.iter().map(move |&z| tile_of(lon, lat, z)))
            .collect();
        tiles.sort_unstable();
        tiles.dedup();
        for at in tiles {
            for query in queries {
                let expected = tile_bytes(&whole, layer, at, query).await;
                assert_eq!(
                    tile_bytes(&kept, layer, at, query).await,
                    expected,
                    "{layer} {at:?}?{query} after {statements}"
                );
                compared += points_of(&expected).len();
            }
        }
    }
    assert!(compared > 150, "only {compared} features compared");
}

/// Haven writes the cities' tiles from its snapshot of the listed cities: every tile holds the
/// same features (clusters with their cell ids and counts below zoom 6, cities with their
/// properties from zoom 6 on), at the same grid positions, as the cities statement makes in
/// PostGIS: for 300 more cities in clusters across Europe, at every zoom to 9, with each
/// kind of filter; and a change shows in the next tile.
#[tokio::test]
async fn city_tiles_are_what_the_cities_statement_makes_in_postgis() {
    let app = TestApp::with_sample().await;
    app.execute(
        "SELECT setseed(0.17);
         INSERT INTO cities (slug, name, country, kind, geom)
         SELECT 'ref-' || i, 'Ref ' || i, (ARRAY['DE', 'PL', 'IT'])[1 + i % 3],
                CASE WHEN i % 5 = 0 THEN 'district' ELSE 'municipality' END,
                ST_SetSRID(ST_MakePoint(-5 + random() * 30 + (i % 4) * 0.01,
                                        38 + random() * 18), 4326)
         FROM generate_series(1, 300) i;
         INSERT INTO memberships (city_id, network_id, status)
         SELECT c.id, n.id, 'member' FROM cities c
         JOIN LATERAL (SELECT id FROM networks ORDER BY id OFFSET (c.id % 4) LIMIT 1 + (c.id % 2)) n ON true
         WHERE c.slug LIKE 'ref-%' AND c.id % 7 <> 0;
         INSERT INTO practices (slug, city_id, original_lang, title, status)
         SELECT 'ref-practice-' || c.id, c.id, 'en', jsonb_build_object('en', 'Ref'), 'active'
         FROM cities c WHERE c.slug LIKE 'ref-%' AND c.id % 3 = 0;
         INSERT INTO practice_policy_areas (practice_id, policy_area)
         SELECT p.id, a.slug FROM practices p
         JOIN LATERAL (SELECT slug FROM policy_areas ORDER BY position OFFSET (p.id % 5) LIMIT 1 + (p.id % 3)) a ON true
         WHERE p.slug LIKE 'ref-practice-%';",
    )
    .await;
    let (client, connection) = tokio_postgres::connect(&app.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let tiles = tiles_around(
        &client,
        "SELECT ST_X(c.geom), ST_Y(c.geom) FROM cities c
         JOIN city_stats cs ON cs.city_id = c.id AND cs.listed",
        0..=9,
    )
    .await;
    let filters = compared_filters();
    let mut compared = 0;
    let mut clusters = 0;
    for &(z, x, y) in &tiles {
        for (query, areas, all, networks, countries) in &filters {
            let reference: Vec<u8> = client
                .query_one(
                    haven::tiles::sql::CITIES.as_str(),
                    &[
                        &i32::from(z),
                        &i32::try_from(x).unwrap(),
                        &i32::try_from(y).unwrap(),
                        areas,
                        networks,
                        countries,
                        &None::<&str>,
                        all,
                    ],
                )
                .await
                .unwrap()
                .get(0);
            let served = tile_bytes(&app, "cities", (z, x, y), query).await;
            let expected = points_of(&reference);
            assert_eq!(points_of(&served), expected, "tile {z}/{x}/{y}?{query}");
            compared += expected.len();
            clusters += expected
                .iter()
                .filter(|(_, _, props)| {
                    props.contains(&("cluster".to_owned(), "Bool(true)".to_owned()))
                })
                .count();
        }
    }
    assert!(compared > 4000, "only {compared} features compared");
    assert!(clusters > 300, "only {clusters} clusters compared");

    // A change of a city shows in its next tile: the snapshot of the new version is loaded.
    let at = tile_of(KOELN.0, KOELN.1, 8);
    let before = features(&app, "cities", at, "").await;
    assert!(before.iter().any(|f| f.str("slug") == Some("koeln")));
    app.execute("UPDATE cities SET name = 'Köln am Rhein' WHERE slug = 'koeln'")
        .await;
    let after = features(&app, "cities", at, "").await;
    let koeln = after
        .iter()
        .find(|f| f.str("slug") == Some("koeln"))
        .unwrap();
    assert_eq!(koeln.str("name"), Some("Köln am Rhein"));
}

#[tokio::test]
async fn cities_the_api_does_not_list_are_not_drawn() {
    let app = TestApp::with_sample().await;
    // A published city with no membership, demand or practice: reachable by its permalink,
    // but neither in `GET /api/v1/cities` nor on the map.
    app.execute(
        "INSERT INTO cities (slug, name, country, kind, geom)
         VALUES ('bare-town', 'Bare Town', 'DE', 'municipality',
                 ST_SetSRID(ST_MakePoint(6.97, 50.93), 4326))",
    )
    .await;
    let listed = app
        .get("/api/v1/cities?bbox=6.9,50.9,7.0,51.0")
        .await
        .json();
    let listed: Vec<&str> = listed["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["slug"].as_str())
        .collect();
    assert_eq!(listed, ["koeln"]);
    for z in [4, 8, 12] {
        let drawn = features(&app, "cities", tile_of(6.97, 50.93, z), "").await;
        let slugs: Vec<&str> = drawn.iter().filter_map(|f| f.str("slug")).collect();
        assert!(!slugs.contains(&"bare-town"), "z{z}: {slugs:?}");
    }
}

#[tokio::test]
async fn filters_select_features_in_sql() {
    let app = TestApp::with_sample().await;
    let at = |(lon, lat): (f64, f64)| tile_of(lon, lat, 7);
    let slugs = |found: Vec<Feature>| -> Vec<String> {
        found
            .iter()
            .filter_map(|f| f.str("slug").map(str::to_owned))
            .collect()
    };
    // policy_area: Köln's practice is about housing, Potsdam has none.
    assert_eq!(
        slugs(features(&app, "cities", at(KOELN), "policy_area=housing").await),
        ["koeln"]
    );
    assert!(
        features(&app, "cities", at(POTSDAM), "policy_area=housing")
            .await
            .is_empty()
    );
    assert_eq!(
        slugs(features(&app, "cities", at(POTSDAM), "").await),
        ["potsdam"],
        "without a filter Potsdam is there"
    );
    // network: Potsdam is in IASH, Köln is not.
    assert_eq!(
        slugs(features(&app, "cities", at(POTSDAM), "network=iash").await),
        ["potsdam"]
    );
    assert!(
        features(&app, "cities", at(KOELN), "network=iash")
            .await
            .is_empty()
    );
    // country and region.
    assert!(
        features(&app, "cities", at(KOELN), "country=PL")
            .await
            .is_empty()
    );
    assert_eq!(
        slugs(features(&app, "cities", at(KOELN), "country=de,pl").await),
        ["koeln"]
    );
    assert_eq!(
        slugs(features(&app, "cities", at(KOELN), "region=05").await),
        ["koeln"]
    );
    assert!(
        features(&app, "cities", at(KOELN), "region=12")
            .await
            .is_empty()
    );
    // The practices layer takes the same filters.
    assert_eq!(
        slugs(features(&app, "practices", at(KOELN), "policy_area=reception,work").await),
        ["koeln-welcome-housing"]
    );
    assert!(
        features(&app, "practices", at(KOELN), "policy_area=work")
            .await
            .is_empty()
    );
    // All of several areas, as the collections take it.
    assert_eq!(
        slugs(
            features(
                &app,
                "practices",
                at(KOELN),
                "policy_area=reception,housing&policy_area_match=all"
            )
            .await
        ),
        ["koeln-welcome-housing"]
    );
    assert!(
        features(
            &app,
            "practices",
            at(KOELN),
            "policy_area=reception,work&policy_area_match=all"
        )
        .await
        .is_empty()
    );
    assert!(
        features(
            &app,
            "cities",
            at(KOELN),
            "policy_area=reception,work&policy_area_match=all"
        )
        .await
        .is_empty()
    );
    assert!(
        features(&app, "practices", at(KOELN), "network=iash")
            .await
            .is_empty()
    );
    // A malformed filter is a 400 naming it.
    let problem = tile(&app, "cities", at(KOELN), "policy_area=Not%20A%20Slug")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "policy_area");
}

#[tokio::test]
async fn unknown_filter_values_are_400_naming_the_filter() {
    let app = TestApp::with_sample().await;
    let problem = tile(
        &app,
        "cities",
        (0, 0, 0),
        "policy_area=housing,no-such-area",
    )
    .await
    .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "policy_area");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("no-such-area"), "{detail}");
    assert!(
        detail.contains("housing"),
        "lists the valid slugs: {detail}"
    );
    // The same on the TileJSON document, and for the other filters.
    let problem = app
        .get("/tiles/practices.json?policy_area=no-such-area")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "policy_area");
    let problem = tile(&app, "practices", (0, 0, 0), "network=no-such-network")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "network");
    // The cities layer checks them against its snapshot: the same answers.
    for (query, field) in [
        ("network=no-such-network", "network"),
        ("country=XX", "country"),
        ("policy_area=housing&network=iash&country=DE,XX", "country"),
    ] {
        let problem = tile(&app, "cities", (0, 0, 0), query)
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert_eq!(problem["field"], field, "{query}");
    }
    // Known values still answer, and the basemap ignores the filters.
    assert_eq!(
        tile(&app, "cities", (0, 0, 0), "policy_area=housing")
            .await
            .status,
        StatusCode::OK
    );
    assert_ne!(
        tile(&app, "basemap", (0, 0, 0), "policy_area=no-such-area")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn low_zoom_tiles_cluster_nearby_points_with_counts() {
    let app = TestApp::with_sample().await;
    // Three more listed cities next to Köln: at zoom 3 they share Köln's cell.
    sql(
        &app,
        "INSERT INTO cities (slug, name, country, geom) VALUES
           ('k1', 'K1', 'DE', ST_SetSRID(ST_MakePoint(6.96, 50.95), 4326)),
           ('k2', 'K2', 'DE', ST_SetSRID(ST_MakePoint(6.97, 50.93), 4326)),
           ('k3', 'K3', 'DE', ST_SetSRID(ST_MakePoint(6.94, 50.96), 4326));
         INSERT INTO memberships (city_id, network_id, status)
           SELECT c.id, n.id, 'member' FROM cities c, networks n
           WHERE c.slug IN ('k1', 'k2', 'k3') AND n.slug = 'intercultural-cities';",
    )
    .await;
    let found = features(&app, "cities", tile_of(KOELN.0, KOELN.1, 3), "").await;
    let cluster = found
        .iter()
        .find(|f| f.bool("cluster") == Some(true))
        .expect("a cluster around Köln");
    assert_eq!(cluster.number("count"), Some(4));
    assert_eq!(cluster.number("area_housing"), Some(1));
    assert_eq!(cluster.number("area_work"), Some(0));
    assert_eq!(cluster.number("safe_harbour_count"), Some(1));
    assert!(
        cluster.id.unwrap() >= 1 << 50,
        "cluster ids never clash with city ids"
    );
    // A city alone in its cell stays a plain city.
    let potsdam = found
        .iter()
        .find(|f| f.str("slug") == Some("potsdam"))
        .unwrap();
    assert_eq!(potsdam.bool("cluster"), Some(false));
    // From zoom 6 on there are no clusters.
    let found = features(&app, "cities", tile_of(KOELN.0, KOELN.1, 6), "").await;
    assert_eq!(found.len(), 4);
    assert!(found.iter().all(|f| f.bool("cluster") == Some(false)));
}

#[tokio::test]
async fn bad_addresses_are_400_and_empty_tiles_204() {
    let app = TestApp::with_sample().await;
    let problem = app
        .get("/tiles/cities/23/0/0.mvt")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "z");
    let problem = app
        .get("/tiles/cities/2/4/0.mvt")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "x");
    let problem = app
        .get("/tiles/cities/2/0/-1.mvt")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "y");
    app.get("/tiles/nope/0/0/0.mvt")
        .await
        .problem(StatusCode::NOT_FOUND);
    // The middle of the Pacific has no city.
    let empty = tile(&app, "cities", tile_of(-150.0, 0.0, 10), "").await;
    assert_eq!(empty.status, StatusCode::NO_CONTENT);
    assert!(empty.body.is_empty());
}

#[tokio::test]
async fn tiles_are_gzipped_on_request_with_strong_etags_and_304() {
    let app = TestApp::with_sample().await;
    let path = {
        let (z, x, y) = tile_of(KOELN.0, KOELN.1, 8);
        format!("/tiles/cities/{z}/{x}/{y}.mvt")
    };
    let plain = app.get(&path).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get("content-encoding").is_none());
    let gzipped = app
        .request(
            Request::get(&path)
                .header("accept-encoding", "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(gzipped.status, StatusCode::OK);
    assert_eq!(gzipped.headers["content-encoding"], "gzip");
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&gzipped.body[..]),
        &mut inflated,
    )
    .unwrap();
    assert_eq!(inflated, plain.body.to_vec());

    let etag = gzipped.headers["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "strong: {etag}"
    );
    assert_ne!(
        etag,
        plain.headers["etag"].to_str().unwrap(),
        "one tag per representation"
    );
    assert!(
        plain.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-cache")
    );
    assert_eq!(plain.headers["vary"], "accept-encoding");

    let revalidated = app
        .request(
            Request::get(&path)
                .header("accept-encoding", "gzip")
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
}

#[tokio::test]
async fn tilejson_describes_layers_and_keeps_filters() {
    let app = TestApp::with_sample().await;
    let doc = app
        .request(
            Request::get("/tiles/cities.json?country=pl,de&policy_area=housing")
                .header("host", "maps.example.org")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(
        doc["tiles"][0],
        "http://maps.example.org/tiles/cities/{z}/{x}/{y}.mvt?policy_area=housing&country=DE,PL"
    );
    assert_eq!(doc["minzoom"], 0);
    assert_eq!(doc["maxzoom"], 22);
    assert_eq!(doc["bounds"].as_array().unwrap().len(), 4);
    let layer = &doc["vector_layers"][0];
    assert_eq!(layer["id"], "cities");
    assert_eq!(layer["fields"]["slug"], "String");
    assert_eq!(layer["fields"]["safe_harbour"], "Boolean");
    assert!(layer["fields"]["area_sea_rescue_safe_passage"].is_string());
    assert_eq!(layer["fields"]["net_iash"], "Boolean");

    let basemap = app.get("/tiles/basemap.json").await.json();
    let ids: Vec<&str> = basemap["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "land",
            "countries",
            "country_borders",
            "states",
            "districts",
            "municipalities",
            "place_labels"
        ]
    );
    app.get("/tiles/nope.json")
        .await
        .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_basemap_has_land_borders_boundaries_and_labels() {
    let app = TestApp::with_sample().await;
    sql(
        &app,
        "UPDATE regions SET geom = ST_Multi(ST_MakeEnvelope(5.9, 50.3, 9.5, 52.5, 4326)) WHERE code = '05';
         UPDATE regions SET geom = ST_Multi(ST_MakeEnvelope(6.7, 50.8, 7.2, 51.1, 4326)) WHERE code = '05315';
         UPDATE places SET boundary = ST_Multi(ST_MakeEnvelope(6.77, 50.83, 7.16, 51.08, 4326)) WHERE ags = '05315000';",
    )
    .await;
    let response = tile(&app, "basemap", (0, 0, 0), "").await;
    assert_eq!(response.status, StatusCode::OK);
    let layers = decode(&response.body);
    assert_eq!(layers["land"].len(), 1);
    assert_eq!(layers["countries"].len(), 3);
    assert!(
        layers["country_borders"]
            .iter()
            .any(|f| f.str("iso2") == Some("DE"))
    );
    assert!(!layers.contains_key("districts"), "no districts at zoom 0");

    let layers = decode(
        &tile(&app, "basemap", tile_of(KOELN.0, KOELN.1, 9), "")
            .await
            .body,
    );
    assert!(
        layers["states"]
            .iter()
            .any(|f| f.str("name") == Some("Nordrhein-Westfalen"))
    );
    assert!(
        layers["districts"]
            .iter()
            .any(|f| f.str("code") == Some("05315"))
    );
    assert!(
        layers["municipalities"]
            .iter()
            .any(|f| f.str("ags") == Some("05315000"))
    );
    let labels = &layers["place_labels"];
    let koeln = labels
        .iter()
        .find(|f| f.str("name") == Some("Köln"))
        .unwrap();
    assert_eq!(koeln.number("rank"), Some(1));
    // Small places are left out at low zoom.
    let layers = decode(
        &tile(&app, "basemap", tile_of(KOELN.0, KOELN.1, 4), "")
            .await
            .body,
    );
    let names: Vec<_> = layers["place_labels"]
        .iter()
        .filter_map(|f| f.str("name"))
        .collect();
    assert!(names.contains(&"Köln"));
    assert!(!names.contains(&"Dinslaken"));
}

#[tokio::test]
async fn style_and_glyphs_are_served_by_haven() {
    let app = TestApp::with_sample().await;
    let style = app
        .request(
            Request::get("/style.json")
                .header("host", "localhost:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert_eq!(style["version"], 8);
    assert_eq!(
        style["glyphs"],
        "http://localhost:8080/fonts/{fontstack}/{range}.pbf"
    );
    for source in ["cities", "practices"] {
        assert_eq!(
            style["sources"][source]["url"],
            format!("http://localhost:8080/tiles/{source}.json")
        );
    }
    // The basemap's tiles are inline (no TileJSON round trip before the first tile), with the
    // same attribution as its TileJSON.
    let basemap = &style["sources"]["basemap"];
    assert_eq!(
        basemap["tiles"][0],
        "http://localhost:8080/tiles/basemap/{z}/{x}/{y}.mvt"
    );
    let tilejson = app.get("/tiles/basemap.json").await.json();
    assert_eq!(basemap["attribution"], tilejson["attribution"]);
    assert_eq!(basemap["maxzoom"], tilejson["maxzoom"]);
    // Nothing the map loads comes from elsewhere (attribution links are only links).
    let mut loaded = style.clone();
    loaded["sources"]["basemap"]["attribution"] = serde_json::Value::Null;
    assert!(
        !loaded.to_string().contains("https://"),
        "no external URL in the offline style"
    );

    let glyphs = app.get("/fonts/Noto%20Sans%20Regular/0-255.pbf").await;
    assert_eq!(glyphs.status, StatusCode::OK, "{}", glyphs.text());
    assert_eq!(glyphs.content_type(), "application/x-protobuf");
    assert!(glyphs.body.len() > 10_000, "a range of 24 px glyphs");
    // The stack's name and the range are in the message.
    let body = &glyphs.body[..];
    assert!(body.windows(17).any(|w| w == b"Noto Sans Regular"));
    assert!(body.windows(5).any(|w| w == b"0-255"));
    let problem = app
        .get("/fonts/Noto%20Sans%20Regular/1-300.pbf")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(problem["field"], "range");
}

#[tokio::test]
async fn a_change_shows_on_every_instance_at_once() {
    let first = TestApp::with_sample().await;
    let second = TestApp::over(first.database_url.clone(), Config::default()).await;
    let at = tile_of(POTSDAM.0, POTSDAM.1, 9);
    for app in [&first, &second] {
        let found = features(app, "cities", at, "").await;
        assert_eq!(found[0].str("name"), Some("Potsdam"));
        // Cached now: a second request is served from memory.
        assert_eq!(
            features(app, "cities", at, "").await[0].str("name"),
            Some("Potsdam")
        );
    }
    sql(
        &first,
        "UPDATE cities SET name = 'Potsdam (Havel)' WHERE slug = 'potsdam'",
    )
    .await;
    // A new practice of Potsdam: the city's flags change too.
    sql(
        &first,
        "INSERT INTO practices (slug, city_id, original_lang, title)
           VALUES ('potsdam-new', (SELECT id FROM cities WHERE slug = 'potsdam'), 'en', '{\"en\": \"New\"}');
         INSERT INTO practice_policy_areas VALUES ((SELECT id FROM practices WHERE slug = 'potsdam-new'), 'work');",
    )
    .await;
    for app in [&first, &second] {
        let mut seen = None;
        for _ in 0..100 {
            let found = features(app, "cities", at, "").await;
            if found[0].bool("area_work") == Some(true) {
                seen = Some(found[0].clone());
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let potsdam = seen.expect("the change reaches every instance");
        assert_eq!(potsdam.str("name"), Some("Potsdam (Havel)"));
        assert_eq!(potsdam.number("practice_count"), Some(1));
    }
}

#[tokio::test]
async fn no_tile_exceeds_500_kb_at_the_cluster_zooms_with_100000_practices() {
    let app = TestApp::with_sample().await;
    sql(&app, include_str!("../../../bench/tiles/generate.sql")).await;
    // Every zoom that clusters: practices to zoom 6, cities to zoom 5.
    for (layer, max_zoom) in [("practices", 6u8), ("cities", 5)] {
        let mut total_at_z0 = 0;
        for z in 0..=max_zoom {
            let mut largest = 0;
            let mut counted = 0;
            for x in 0..(1u32 << z) {
                for y in 0..(1u32 << z) {
                    let response = tile(&app, layer, (z, x, y), "").await;
                    if response.status == StatusCode::NO_CONTENT {
                        continue;
                    }
                    assert_eq!(response.status, StatusCode::OK);
                    largest = largest.max(response.body.len());
                    let found = decode(&response.body).remove(layer).unwrap();
                    assert!(found.len() <= 32 * 32, "at most one feature per grid cell");
                    for feature in &found {
                        assert!(feature.id.is_some());
                        counted += if feature.bool("cluster") == Some(true) {
                            feature.number("count").unwrap()
                        } else {
                            1
                        };
                    }
                }
            }
            assert!(
                largest < 500 * 1024,
                "{layer} z{z}: largest tile {largest} bytes"
            );
            if z == 0 {
                total_at_z0 = counted;
            }
            assert_eq!(
                counted, total_at_z0,
                "{layer} z{z}: every point counted once"
            );
        }
        let expected = if layer == "practices" { 100_003 } else { 2_004 };
        assert_eq!(total_at_z0, expected, "{layer}");
    }
    // Filters apply to clusters too: per-area counts match the filtered totals.
    let all = decode(&tile(&app, "practices", (0, 0, 0), "").await.body)
        .remove("practices")
        .unwrap();
    let filtered = decode(
        &tile(&app, "practices", (0, 0, 0), "policy_area=work")
            .await
            .body,
    )
    .remove("practices")
    .unwrap();
    let sum = |features: &[Feature], key: &str| -> i64 {
        features
            .iter()
            .map(|f| match f.props.get(key) {
                Some(Value::Bool(b)) => i64::from(*b),
                _ => f.number(key).unwrap_or(0),
            })
            .sum()
    };
    let count = |features: &[Feature]| -> i64 {
        features
            .iter()
            .map(|f| {
                if f.bool("cluster") == Some(true) {
                    f.number("count").unwrap()
                } else {
                    1
                }
            })
            .sum()
    };
    assert_eq!(count(&filtered), sum(&all, "area_work"));
    assert!(count(&filtered) < count(&all));
    // The bulk inserts kept the precomputed points and cells exact.
    assert_precomputed_exact(&app.database_url).await;
}

/// Runs `statements` through `apps[0]`, then waits until every other instance has seen the
/// new data version too.
async fn write(apps: &[&TestApp], statements: &str) {
    apps[0].execute(statements).await;
    let version = apps[0].data_version.get();
    for app in &apps[1..] {
        for _ in 0..2000 {
            if app.data_version.get() >= version {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            app.data_version.get() >= version,
            "the version reaches every instance"
        );
    }
}

/// The slugs of the practices in a tile.
async fn practice_slugs(app: &TestApp, at: (u8, u32, u32), query: &str) -> Vec<String> {
    features(app, "practices", at, query)
        .await
        .iter()
        .filter_map(|f| f.str("slug").map(str::to_owned))
        .collect()
}

/// The practice `slug` in its tile of zoom 9 at (lon, lat).
async fn practice_at(app: &TestApp, (lon, lat): (f64, f64), slug: &str) -> Option<Feature> {
    features(app, "practices", tile_of(lon, lat, 9), "")
        .await
        .into_iter()
        .find(|f| f.str("slug") == Some(slug))
}

/// Practices counted in the world tile (clusters by their count), and `area`'s count.
async fn world_counts(app: &TestApp, area: &str) -> (i64, i64) {
    let found = features(app, "practices", (0, 0, 0), "").await;
    let mut total = 0;
    let mut in_area = 0;
    for f in &found {
        if f.bool("cluster") == Some(true) {
            total += f.number("count").unwrap();
            in_area += f.number(area).unwrap();
        } else {
            total += 1;
            in_area += i64::from(f.bool(area).unwrap());
        }
    }
    (total, in_area)
}

/// Asserts that `tile_points` and `tile_cells` equal what the source tables give from
/// scratch (coordinate sums within rounding).
pub async fn assert_precomputed_exact(database_url: &str) {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let differing: i64 = client
        .query_one(
            "SELECT count(*) FROM (
               (SELECT * FROM tile_points EXCEPT SELECT * FROM tile_points_source)
               UNION ALL
               (SELECT * FROM tile_points_source EXCEPT SELECT * FROM tile_points)) d",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(differing, 0, "tile_points differ from tile_points_source");
    // The zoom-6 cells from scratch.
    let bad_cells: i64 = client
        .query_one(
            "WITH scratch AS (
               SELECT s.gx, s.gy, count(*) AS n, min(s.practice_id) AS first_id,
                      sum(ST_X(s.geom)) AS sum_x, sum(ST_Y(s.geom)) AS sum_y
               FROM tile_points_source s GROUP BY 1, 2
             ),
             scratch_areas AS (
               SELECT gx, gy, jsonb_object_agg('area_' || replace(area, '-', '_'), n) AS counts
               FROM (SELECT s.gx, s.gy, area, count(*) AS n
                     FROM tile_points_source s, unnest(s.areas) AS area GROUP BY 1, 2, 3) a
               GROUP BY 1, 2
             )
             SELECT count(*) FROM scratch s
             LEFT JOIN scratch_areas a USING (gx, gy)
             FULL JOIN tile_cells t ON t.gx = s.gx AND t.gy = s.gy
             WHERE t.gx IS NULL OR s.gx IS NULL OR t.n <> s.n OR t.first_id <> s.first_id
                OR abs(t.sum_x - s.sum_x) > 1e-3 OR abs(t.sum_y - s.sum_y) > 1e-3
                OR t.area_counts <> coalesce(a.counts, '{}')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        bad_cells, 0,
        "tile_cells differ from a computation from scratch"
    );
}

#[tokio::test]
async fn every_kind_of_write_shows_in_the_next_tile_with_and_without_cache() {
    let warm = TestApp::with_sample().await;
    let cold = TestApp::over(
        warm.database_url.clone(),
        Config {
            tile_cache_bytes: 0,
            ..Config::default()
        },
    )
    .await;
    let apps = [&warm, &cold];
    const OWN: (f64, f64) = (7.5, 51.5);
    const MOVED: (f64, f64) = (-20.0, 30.0);
    const KOELN_MOVED: (f64, f64) = (8.5, 49.5);
    for app in apps {
        // Everything read once, so the warm instance holds it in its cache.
        assert!(practice_at(app, OWN, "koeln-new").await.is_none());
        assert!(practice_at(app, MOVED, "koeln-new").await.is_none());
        assert!(
            tile(app, "practices", tile_of(MOVED.0, MOVED.1, 4), "")
                .await
                .status
                == 204
        );
        assert!(
            practice_slugs(app, tile_of(KOELN.0, KOELN.1, 8), "network=iash")
                .await
                .is_empty()
        );
        assert_eq!(world_counts(app, "area_work").await, (3, 0));
    }

    // A practice added, at its own point.
    write(
        &apps,
        "INSERT INTO practices (slug, city_id, geom, original_lang, title)
           VALUES ('koeln-new', (SELECT id FROM cities WHERE slug = 'koeln'),
                   ST_SetSRID(ST_MakePoint(7.5, 51.5), 4326), 'en', '{\"en\": \"New\"}');
         INSERT INTO practice_policy_areas VALUES ((SELECT id FROM practices WHERE slug = 'koeln-new'), 'work');",
    )
    .await;
    for app in apps {
        let new = practice_at(app, OWN, "koeln-new").await.expect("added");
        assert_eq!(new.bool("area_work"), Some(true));
        assert_eq!(world_counts(app, "area_work").await, (4, 1));
    }

    // Moved into a tile that was empty.
    write(
        &apps,
        "UPDATE practices SET geom = ST_SetSRID(ST_MakePoint(-20.0, 30.0), 4326) WHERE slug = 'koeln-new'",
    )
    .await;
    for app in apps {
        assert!(practice_at(app, OWN, "koeln-new").await.is_none());
        assert!(practice_at(app, MOVED, "koeln-new").await.is_some());
        let low = features(app, "practices", tile_of(MOVED.0, MOVED.1, 4), "").await;
        assert_eq!(low.len(), 1, "the low-zoom tile holds it now");
    }

    // Its policy area changed: flags, filters and cluster counts follow.
    write(
        &apps,
        "UPDATE practice_policy_areas SET policy_area = 'housing'
           WHERE practice_id = (SELECT id FROM practices WHERE slug = 'koeln-new')",
    )
    .await;
    for app in apps {
        let moved = practice_at(app, MOVED, "koeln-new").await.unwrap();
        assert_eq!(moved.bool("area_work"), Some(false));
        assert_eq!(moved.bool("area_housing"), Some(true));
        let at = tile_of(MOVED.0, MOVED.1, 9);
        assert!(practice_slugs(app, at, "policy_area=work").await.is_empty());
        assert_eq!(
            practice_slugs(app, at, "policy_area=housing").await,
            ["koeln-new"]
        );
        assert_eq!(world_counts(app, "area_work").await, (4, 0));
        assert_eq!(world_counts(app, "area_housing").await, (4, 2));
    }

    // Its city joins a network: the network filter finds the city's practices.
    write(
        &apps,
        "INSERT INTO memberships (city_id, network_id, status)
           SELECT c.id, n.id, 'member' FROM cities c, networks n
           WHERE c.slug = 'koeln' AND n.slug = 'iash'",
    )
    .await;
    for app in apps {
        assert_eq!(
            practice_slugs(app, tile_of(KOELN.0, KOELN.1, 8), "network=iash").await,
            ["koeln-welcome-housing"]
        );
        assert_eq!(
            practice_slugs(app, tile_of(MOVED.0, MOVED.1, 9), "network=iash").await,
            ["koeln-new"]
        );
    }

    // The city moves: its practices without a point of their own move with it.
    write(
        &apps,
        "UPDATE cities SET geom = ST_SetSRID(ST_MakePoint(8.5, 49.5), 4326) WHERE slug = 'koeln'",
    )
    .await;
    for app in apps {
        assert!(
            practice_at(app, KOELN, "koeln-welcome-housing")
                .await
                .is_none()
        );
        assert!(
            practice_at(app, KOELN_MOVED, "koeln-welcome-housing")
                .await
                .is_some()
        );
        assert!(
            practice_at(app, MOVED, "koeln-new").await.is_some(),
            "its own point stays"
        );
    }

    // Unpublished: gone from points and clusters.
    write(
        &apps,
        "UPDATE practices SET published = false WHERE slug = 'koeln-new'",
    )
    .await;
    for app in apps {
        assert!(practice_at(app, MOVED, "koeln-new").await.is_none());
        assert_eq!(
            tile(app, "practices", tile_of(MOVED.0, MOVED.1, 4), "")
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(world_counts(app, "area_housing").await, (3, 1));
    }
    assert_precomputed_exact(&warm.database_url).await;
}
