//! The SQL of every tile layer, kept in one place.
//!
//! Each layer is one statement, prepared once per connection and reused: PostGIS builds the
//! whole tile (`ST_AsMVT`), so the server only moves bytes; except the practices' points from
//! zoom 7 on, whose rows Haven writes as the tile itself ([`points`](super::points)). Each
//! instance draws the practices' tiles, points and clusters, from its snapshot of the points
//! ([`practices`](super::practices)) when it has one of the data version and the filter names
//! no region: their statements draw the others, and are what the snapshot's tiles are tested
//! against. The
//! point layers share their parameters: `$1` z, `$2` x, `$3` y, then the filters `$4` policy
//! areas (`text[]`, any-of unless `$8`), `$5` networks (`text[]`), `$6` countries (`text[]`),
//! `$7` region (code or id), `$8` whether all policy areas must match; a NULL filter is no
//! filter. The basemap takes only `$1`..`$3`. The network, country and region predicates are the collections' own ([`collection::CITY_FILTERS`]), so a tile shows exactly
//! what `GET /api/v1/cities` lists for the same filters, and only the cities it lists at all
//! (`city_stats.listed`, the same flag [`collection::CITY_LISTED`] reads).
//!
//! At low zoom the point layers aggregate in SQL (cities below [`CITY_CLUSTER_BELOW_ZOOM`],
//! practices below [`PRACTICE_CLUSTER_BELOW_ZOOM`]): points are grouped by a grid of
//! [`CLUSTER_CELLS`]² cells per tile, so a tile holds at most that many features however
//! large the data set. A cell holding one point yields the point itself. Practices cluster one
//! zoom further than cities: several practices often share their city's point, and a zoom-6
//! tile of a dense region would otherwise carry thousands of them. Properties travel as one
//! `jsonb` column whose keys `ST_AsMVT` expands into attributes, which lets the per-area and
//! per-network flags follow the `policy_areas` and `networks` tables without changing the
//! statement.
//!
//! The practices layer reads tables that triggers keep exact inside every writing
//! transaction (migrations `000031_tile_points` and `000032_practice_clusters_z6`):
//! `tile_points` (one row per drawn practice with its Web Mercator point, zoom-6 cluster cell,
//! filter columns and ready-made properties) and `tile_cells` (per zoom-6 cell: count, first
//! id, coordinate sums and per-area counts; migration `000720_tile_cells_zoom_6_only`). A tile
//! from zoom 7 on is one GiST index scan; an unfiltered cluster tile groups the zoom-6 cells of
//! its extent, a filtered one its points by their stored cell (cells nest: the cell at zoom z is
//! the zoom-6 cell shifted right by 6 − z). The cities layer is
//! drawn from each instance's snapshot of the listed cities ([`cities`](super::cities)),
//! grouped as [`CITIES`] groups them; the statement draws the tiles with a region filter, and
//! is what the snapshot's tiles are tested against.
//!
//! Every tile selects rows by its envelope widened by the buffer (64 of 4096 units) and
//! clipped to the world, in WGS 84, so that the GiST indexes on the 4326 geometries apply (a
//! widened envelope that is not clipped would wrap around the antimeridian). Tiles have an
//! extent of 4096 and a buffer of 64. Rows whose geometry falls outside the buffered tile
//! (`ST_AsMVTGeom` gives NULL) are left out by `ST_AsMVT` itself, so the statements do not
//! filter on it, which would compute every tile geometry twice.

use std::sync::LazyLock;

use crate::model::collection;

/// [`collection::CITY_FILTERS`] (binds `$2` networks, `$3` countries, `$4` region) renumbered
/// to the tile layout (`$5`, `$6`, `$7`); highest first, so no number is replaced twice.
fn city_filters() -> String {
    collection::CITY_FILTERS
        .replace("$4", "$7")
        .replace("$3", "$6")
        .replace("$2", "$5")
}

/// [`collection::CITY_AREAS`] on `areas` (binds `$1` policy areas, `$18` all of them)
/// renumbered to the tile layout (`$4`, `$8`).
fn area_filter(areas: &str) -> String {
    collection::CITY_AREAS
        .replace("$18", "$8")
        .replace("$1", "$4")
        .replace("{areas}", areas)
}

/// The cities statement with the shared filters in place.
pub static CITIES: LazyLock<String> = LazyLock::new(|| {
    with_cluster_ids(
        &CITIES_TEMPLATE
            .replace("/*CITY_FILTERS*/", &city_filters())
            .replace("/*CITY_AREAS*/", &area_filter("cs.areas")),
    )
});

/// Zoom levels below this one carry city clusters instead of single cities (the `6` of
/// [`CITIES`]).
pub const CITY_CLUSTER_BELOW_ZOOM: u8 = 6;
/// Zoom levels below this one carry practice clusters, 0 to 6 (the cells of `tile_cells` are
/// those of zoom 6).
pub const PRACTICE_CLUSTER_BELOW_ZOOM: u8 = 7;
/// Grid cells per tile side used for clustering (16 px cells on a 512 px tile).
pub const CLUSTER_CELLS: u32 = 32;
/// Feature ids of clusters start here, above any row id, so that they never clash (written
/// where the SQL says `/*CLUSTER_ID_BASE*/`; migration 000032's `tile_cell_feature` has the
/// same number).
pub const CLUSTER_ID_BASE: i64 = 1 << 50;

/// `sql` with [`CLUSTER_ID_BASE`] in place of `/*CLUSTER_ID_BASE*/`.
fn with_cluster_ids(sql: &str) -> String {
    sql.replace("/*CLUSTER_ID_BASE*/", &CLUSTER_ID_BASE.to_string())
}

/// Cities (`cities` source layer): one point per listed city with its Safe Harbour status,
/// networks and the policy areas its practices cover, all read from the per-city summary
/// `city_stats` (kept exact by triggers, migration 000021), so no per-city subqueries run.
const CITIES_TEMPLATE: &str = r"
WITH bounds AS (
    SELECT ST_TileEnvelope($1, $2, $3) AS env,
           ST_Transform(ST_ClipByBox2D(ST_TileEnvelope($1, $2, $3, margin => 0.015625), ST_TileEnvelope(0, 0, 0)), 4326) AS query_env,
           40075016.685578488 / (32.0 * 2.0 ^ $1) AS cell
),
area_keys AS (
    SELECT coalesce(jsonb_object_agg('area_' || replace(slug, '-', '_'), 0), '{}') AS zeros
    FROM policy_areas
),
city AS (
    SELECT c.id, c.slug, c.name, c.kind, c.country,
           ST_Transform(c.geom, 3857) AS geom,
           cs.networks,
           cs.safe_harbour IS NOT NULL AS safe_harbour,
           cs.alliance,
           cs.areas,
           cs.practice_count
    FROM bounds, cities c
    JOIN city_stats cs ON cs.city_id = c.id AND cs.listed
    WHERE c.geom && bounds.query_env
      AND /*CITY_AREAS*/
      AND /*CITY_FILTERS*/
),
cell AS (
    SELECT city.*,
           floor((ST_X(geom) + 20037508.342789244) / bounds.cell)::bigint AS gx,
           floor((20037508.342789244 - ST_Y(geom)) / bounds.cell)::bigint AS gy
    FROM city, bounds
    WHERE $1 < 6 AND city.geom && bounds.env
),
grouped AS (
    SELECT gx, gy, count(*) AS n, min(id) AS first_id,
           count(*) FILTER (WHERE safe_harbour) AS safe_harbours,
           sum(practice_count) AS practices,
           ST_Centroid(ST_Collect(geom)) AS geom
    FROM cell GROUP BY gx, gy
),
cell_areas AS (
    SELECT gx, gy, jsonb_object_agg('area_' || replace(area, '-', '_'), n) AS counts
    FROM (SELECT gx, gy, area, count(*) AS n FROM cell, unnest(areas) AS area GROUP BY 1, 2, 3) s
    GROUP BY gx, gy
),
single AS (
    SELECT city.* FROM city WHERE $1 >= 6
    UNION ALL
    SELECT city.* FROM grouped JOIN city ON city.id = grouped.first_id WHERE grouped.n = 1
),
features AS (
    SELECT s.id, s.geom,
           jsonb_build_object(
               'slug', s.slug, 'name', s.name, 'kind', s.kind, 'country', s.country,
               'safe_harbour', s.safe_harbour, 'alliance', s.alliance,
               'practice_count', s.practice_count, 'cluster', false,
               'category', CASE WHEN s.safe_harbour AND s.alliance THEN 'safe_harbour_alliance'
                                WHEN s.safe_harbour THEN 'safe_harbour'
                                WHEN cardinality(s.networks) > 0 THEN 'network_member'
                                ELSE 'no_network' END)
           || (SELECT coalesce(jsonb_object_agg('area_' || replace(pa.slug, '-', '_'), pa.slug = ANY (s.areas)), '{}')
               FROM policy_areas pa)
           || (SELECT coalesce(jsonb_object_agg('net_' || replace(nw.slug, '-', '_'), nw.slug = ANY (s.networks)), '{}')
               FROM networks nw) AS props
    FROM single s
    UNION ALL
    SELECT /*CLUSTER_ID_BASE*/ + g.gy * 32 * (2 ^ $1)::bigint + g.gx, g.geom,
           jsonb_build_object('cluster', true, 'count', g.n, 'safe_harbour_count', g.safe_harbours,
                              'practice_count', g.practices)
           || area_keys.zeros || coalesce(ca.counts, '{}')
    FROM area_keys, grouped g LEFT JOIN cell_areas ca USING (gx, gy)
    WHERE g.n > 1
)
SELECT coalesce(ST_AsMVT(t, 'cities', 4096, 'geom', 'id'), ''::bytea) AS mvt
FROM (
    SELECT f.id, ST_AsMVTGeom(f.geom, bounds.env, 4096, 64, true) AS geom, f.props
    FROM features f, bounds
) t
";

/// The filters of the practices statements on a `tile_points` row `tp`: the same predicates
/// as [`collection::CITY_FILTERS`], on the city's country, region, district and networks that
/// the row carries (`region` is the CTE [`REGION`]).
const POINT_FILTERS: &str = "($4::text[] IS NULL
          OR (NOT $8::bool AND tp.areas && $4::text[]) OR ($8::bool AND tp.areas @> $4::text[]))
      AND ($5::text[] IS NULL OR tp.networks && $5::text[])
      AND ($6::text[] IS NULL OR tp.country = ANY ($6::text[]))
      AND ($7::text IS NULL OR tp.region_id = ANY (region.ids) OR tp.district_id = ANY (region.ids))";

/// The regions matching the `region` filter `$7`, resolved once per tile.
const REGION: &str = "region AS (
    SELECT array_agg(r.id) AS ids FROM regions r
    WHERE $7::text IS NOT NULL AND (r.code = $7::text OR r.country || '-' || r.code = $7::text OR r.id::text = $7::text)
)";

/// Practices at z >= [`PRACTICE_CLUSTER_BELOW_ZOOM`] (`practices` source layer): one point per
/// published practice, at its own location or else its city's, read from the precomputed
/// `tile_points` (migration `000031_tile_points`) with one GiST index scan. The statement
/// returns the points (Web Mercator x and y, slug, policy areas) and Haven writes the tile
/// ([`points`](super::points)): expanding each row's `jsonb` properties was most of what
/// `ST_AsMVT` cost here.
pub static PRACTICE_POINTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"
WITH {REGION}
SELECT tp.practice_id AS id, ST_X(tp.geom) AS x, ST_Y(tp.geom) AS y, tp.props ->> 'slug' AS slug,
       tp.areas
FROM region, tile_points tp
WHERE tp.geom && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
  AND {POINT_FILTERS}
"
    )
});

/// [`PRACTICE_POINTS`] without filters: binds only `$1`..`$3`, so after its first executions
/// PostgreSQL keeps one generic plan for it instead of planning every tile anew (the filters'
/// `$n IS NULL OR ...` clauses made a custom plan look cheaper, and planning cost more than
/// the index scan itself).
pub const PRACTICE_POINTS_UNFILTERED: &str = r"
SELECT tp.practice_id AS id, ST_X(tp.geom) AS x, ST_Y(tp.geom) AS y, tp.props ->> 'slug' AS slug,
       tp.areas
FROM tile_points tp
WHERE tp.geom && ST_TileEnvelope($1, $2, $3, margin => 0.015625)
";

/// The features of a clustered tile from its `cell` rows (`gx`, `gy` at the tile's zoom, `n`,
/// `first_id`, `x`, `y` the centroid, `area_counts`): a cell of one point is that point.
const CLUSTER_FEATURES: &str = r"
area_keys AS (
    SELECT coalesce(jsonb_object_agg('area_' || replace(slug, '-', '_'), 0), '{}') AS zeros
    FROM policy_areas
),
features AS (
    SELECT tp.practice_id AS id, tp.geom, tp.props
    FROM cell JOIN tile_points tp ON tp.practice_id = cell.first_id
    WHERE cell.n = 1
    UNION ALL
    SELECT /*CLUSTER_ID_BASE*/ + cell.gy::bigint * 32 * (2 ^ $1)::bigint + cell.gx,
           ST_SetSRID(ST_MakePoint(cell.x, cell.y), 3857),
           jsonb_build_object('cluster', true, 'count', cell.n) || area_keys.zeros || cell.area_counts
    FROM area_keys, cell
    WHERE cell.n > 1
)
SELECT coalesce(ST_AsMVT(t, 'practices', 4096, 'geom', 'id'), ''::bytea) AS mvt
FROM (
    SELECT f.id, ST_AsMVTGeom(f.geom, bounds.env, 4096, 64, true) AS geom, f.props
    FROM features f, bounds
) t
";

/// Practices below [`PRACTICE_CLUSTER_BELOW_ZOOM`] without filters: the tile's precomputed
/// zoom-6 cells of `tile_cells` (count, first id, coordinate sums and per-area counts of their
/// points) grouped by the cell of the tile's zoom, as the filtered statement groups the points.
pub static PRACTICE_CLUSTERS: LazyLock<String> = LazyLock::new(|| {
    let sql = format!(
        r"
WITH bounds AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
part AS (
    SELECT gx >> (6 - $1) AS gx, gy >> (6 - $1) AS gy, n, first_id, sum_x, sum_y, area_counts
    FROM tile_cells
    WHERE gx BETWEEN ($2 * 32) << (6 - $1) AND ((($2 + 1) * 32) << (6 - $1)) - 1
      AND gy BETWEEN ($3 * 32) << (6 - $1) AND ((($3 + 1) * 32) << (6 - $1)) - 1
),
counts AS (
    SELECT gx, gy, jsonb_object_agg(key, n) AS area_counts
    FROM (SELECT gx, gy, e.key, sum(e.value::bigint) AS n
          FROM part, jsonb_each_text(part.area_counts) AS e GROUP BY 1, 2, 3) s
    GROUP BY gx, gy
),
cell AS (
    SELECT g.*, coalesce(counts.area_counts, '{{}}') AS area_counts
    FROM (
        SELECT gx, gy, sum(n)::bigint AS n, min(first_id) AS first_id,
               sum(sum_x) / sum(n)::double precision AS x, sum(sum_y) / sum(n)::double precision AS y
        FROM part GROUP BY gx, gy
    ) g LEFT JOIN counts USING (gx, gy)
),
{CLUSTER_FEATURES}"
    );
    with_cluster_ids(&sql)
});

/// Practices below [`PRACTICE_CLUSTER_BELOW_ZOOM`] with filters: the tile's points (by their
/// stored zoom-6 cell, which nests in the cell of every lower zoom) that pass the filters, grouped
/// by cell.
pub static PRACTICE_CLUSTERS_FILTERED: LazyLock<String> = LazyLock::new(|| {
    let sql = format!(
        r"
WITH bounds AS (SELECT ST_TileEnvelope($1, $2, $3) AS env),
{REGION},
point AS (
    SELECT tp.practice_id, tp.geom, tp.areas, tp.gx >> (6 - $1) AS gx, tp.gy >> (6 - $1) AS gy
    FROM region, tile_points tp
    WHERE tp.gx BETWEEN ($2 * 32) << (6 - $1) AND ((($2 + 1) * 32) << (6 - $1)) - 1
      AND tp.gy BETWEEN ($3 * 32) << (6 - $1) AND ((($3 + 1) * 32) << (6 - $1)) - 1
      AND {POINT_FILTERS}
),
counts AS (
    SELECT gx, gy, jsonb_object_agg('area_' || replace(area, '-', '_'), n) AS area_counts
    FROM (SELECT gx, gy, area, count(*) AS n FROM point, unnest(areas) AS area GROUP BY 1, 2, 3) s
    GROUP BY gx, gy
),
cell AS (
    SELECT g.*, coalesce(counts.area_counts, '{{}}') AS area_counts
    FROM (
        SELECT gx, gy, count(*) AS n, min(practice_id) AS first_id,
               avg(ST_X(geom)) AS x, avg(ST_Y(geom)) AS y
        FROM point GROUP BY gx, gy
    ) g LEFT JOIN counts USING (gx, gy)
),
{CLUSTER_FEATURES}"
    );
    with_cluster_ids(&sql)
});

/// The basemap: land, countries and their borders, German states, districts and
/// municipalities, and place labels, each from its zoom on. Polygons are clipped to the tile
/// (plus buffer) before they are simplified to half a pixel, so a tile costs what it shows,
/// not what its countries weigh. The source layers are concatenated (an MVT tile is a
/// sequence of layers).
pub const BASEMAP: &str = r"
WITH bounds AS (
    SELECT ST_TileEnvelope($1, $2, $3) AS env,
           ST_Transform(ST_ClipByBox2D(ST_TileEnvelope($1, $2, $3, margin => 0.015625), ST_TileEnvelope(0, 0, 0)), 4326) AS query_env,
           ST_Expand(ST_TileEnvelope($1, $2, $3), 40075016.685578488 / (2.0 ^ $1) * 0.015625) AS clip_env,
           40075016.685578488 / (512.0 * 2.0 ^ $1) AS px
),
country AS (
    SELECT co.iso2::text AS iso2, co.name,
           ST_SimplifyPreserveTopology(
               ST_ClipByBox2D(ST_Transform(ST_ClipByBox2D(co.geom, bounds.query_env), 3857), bounds.clip_env),
               bounds.px) AS geom
    FROM countries co, bounds
    WHERE co.geom && bounds.query_env
),
land AS (
    SELECT ST_AsMVT(t, 'land', 4096, 'geom') AS mvt FROM (
        SELECT ST_AsMVTGeom(ST_Union(ST_MakeValid(country.geom), bounds.px / 8), bounds.env, 4096, 64, true) AS geom
        FROM country, bounds GROUP BY bounds.env
    ) t
),
countries AS (
    SELECT ST_AsMVT(t, 'countries', 4096, 'geom') AS mvt FROM (
        SELECT iso2, name, ST_AsMVTGeom(country.geom, bounds.env, 4096, 64, true) AS geom
        FROM country, bounds
    ) t
),
country_borders AS (
    SELECT ST_AsMVT(t, 'country_borders', 4096, 'geom') AS mvt FROM (
        SELECT iso2, ST_AsMVTGeom(ST_Boundary(country.geom), bounds.env, 4096, 64, true) AS geom
        FROM country, bounds
    ) t
),
states AS (
    SELECT ST_AsMVT(t, 'states', 4096, 'geom') AS mvt FROM (
        SELECT r.code, r.name, r.country::text AS country,
               ST_AsMVTGeom(ST_SimplifyPreserveTopology(
                   ST_ClipByBox2D(ST_Transform(ST_ClipByBox2D(r.geom, bounds.query_env), 3857), bounds.clip_env),
                   bounds.px), bounds.env, 4096, 64, true) AS geom
        FROM regions r, bounds
        WHERE $1 >= 3 AND r.level IN ('state', 'admin1') AND r.geom && bounds.query_env
    ) t
),
districts AS (
    SELECT ST_AsMVT(t, 'districts', 4096, 'geom') AS mvt FROM (
        SELECT r.code, r.name, r.designation,
               ST_AsMVTGeom(ST_SimplifyPreserveTopology(
                   ST_ClipByBox2D(ST_Transform(ST_ClipByBox2D(r.geom, bounds.query_env), 3857), bounds.clip_env),
                   bounds.px), bounds.env, 4096, 64, true) AS geom
        FROM regions r, bounds
        WHERE $1 >= 6 AND r.level = 'district' AND r.geom && bounds.query_env
    ) t
),
municipalities AS (
    SELECT ST_AsMVT(t, 'municipalities', 4096, 'geom', 'id') AS mvt FROM (
        SELECT pl.id, pl.name, pl.ags,
               ST_AsMVTGeom(ST_SimplifyPreserveTopology(
                   ST_ClipByBox2D(ST_Transform(ST_ClipByBox2D(pl.boundary, bounds.query_env), 3857), bounds.clip_env),
                   bounds.px), bounds.env, 4096, 64, true) AS geom
        FROM places pl, bounds
        WHERE $1 >= 8 AND pl.boundary && bounds.query_env
    ) t
),
place_labels AS (
    SELECT ST_AsMVT(t, 'place_labels', 4096, 'geom', 'id') AS mvt FROM (
        SELECT pl.id, pl.name, pl.country::text AS country, pl.population,
               CASE WHEN pl.population >= 1000000 THEN 1 WHEN pl.population >= 300000 THEN 2
                    WHEN pl.population >= 100000 THEN 3 WHEN pl.population >= 20000 THEN 4
                    ELSE 5 END AS rank,
               ST_AsMVTGeom(ST_Transform(pl.geom, 3857), bounds.env, 4096, 64, true) AS geom
        FROM places pl, bounds
        WHERE $1 >= 2 AND pl.geom && bounds.query_env
          AND coalesce(pl.population, 0) >= CASE
              WHEN $1 <= 3 THEN 2000000 WHEN $1 = 4 THEN 700000 WHEN $1 = 5 THEN 250000
              WHEN $1 = 6 THEN 100000 WHEN $1 = 7 THEN 40000 WHEN $1 = 8 THEN 15000
              WHEN $1 = 9 THEN 5000 WHEN $1 = 10 THEN 2000 ELSE 0 END
        ORDER BY pl.population DESC NULLS LAST
        LIMIT 300
    ) t
)
SELECT coalesce((SELECT mvt FROM land), '') || coalesce((SELECT mvt FROM countries), '')
    || coalesce((SELECT mvt FROM country_borders), '') || coalesce((SELECT mvt FROM states), '')
    || coalesce((SELECT mvt FROM districts), '') || coalesce((SELECT mvt FROM municipalities), '')
    || coalesce((SELECT mvt FROM place_labels), '') AS mvt
";
