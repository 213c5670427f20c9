-- Back to the cells of every zoom from 0 to 6, each with its ready-made feature (000032).
ALTER TABLE tile_cells DROP CONSTRAINT tile_cells_pkey;
ALTER TABLE tile_cells
    ADD COLUMN z smallint NOT NULL DEFAULT 6,
    ADD COLUMN feature_id bigint,
    ADD COLUMN geom geometry(Point, 3857),
    ADD COLUMN props jsonb;
ALTER TABLE tile_cells ALTER COLUMN z DROP DEFAULT;
ALTER TABLE tile_cells ADD CONSTRAINT tile_cells_z_check CHECK (z BETWEEN 0 AND 6);
ALTER TABLE tile_cells ADD PRIMARY KEY (z, gx, gy);
TRUNCATE tile_cells;
ALTER TABLE tile_cells
    ALTER COLUMN feature_id SET NOT NULL, ALTER COLUMN geom SET NOT NULL, ALTER COLUMN props SET NOT NULL;

-- The properties of a cluster of `n` practices with `area_counts` ({"area_<slug>": count}):
-- every policy area present, 0 where none of its practices has it.
CREATE FUNCTION tile_cluster_props(n bigint, area_counts jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('cluster', true, 'count', n)
        || (SELECT coalesce(jsonb_object_agg('area_' || replace(slug, '-', '_'), 0), '{}') FROM policy_areas)
        || area_counts
$$;

-- The tile feature of a cell of zoom `z`: the practice itself when the cell holds one (its
-- id, point and properties), else the cluster (an id above every row id, the centroid, the
-- cluster properties).
CREATE FUNCTION tile_cell_feature(z integer, gx integer, gy integer, n bigint, first_id bigint,
                                  sum_x double precision, sum_y double precision, area_counts jsonb)
RETURNS TABLE (feature_id bigint, geom geometry(Point, 3857), props jsonb) LANGUAGE sql STABLE AS $$
    SELECT p.practice_id, p.geom, p.props FROM tile_points p WHERE n = 1 AND p.practice_id = first_id
    UNION ALL
    SELECT 1125899906842624 + gy::bigint * 32 * (2 ^ z)::bigint + gx,
           ST_SetSRID(ST_MakePoint(sum_x / n, sum_y / n), 3857),
           tile_cluster_props(n, area_counts)
    WHERE n > 1
$$;

-- Recomputes the zoom-6 cluster cells `cells` (each as gx * 2048 + gy) from tile_points, then
-- their parents at zoom 5 to 0 from their four children.
CREATE OR REPLACE FUNCTION tile_cells_refresh(cells integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    level integer;
BEGIN
    IF cells IS NULL OR cardinality(cells) = 0 THEN
        RETURN;
    END IF;
    cells := ARRAY(SELECT DISTINCT c FROM unnest(cells) AS c);
    DELETE FROM tile_cells t USING unnest(cells) AS c
    WHERE t.z = 6 AND t.gx = c / 2048 AND t.gy = c % 2048;
    INSERT INTO tile_cells (z, gx, gy, n, first_id, sum_x, sum_y, area_counts, feature_id, geom, props)
    SELECT a.*, f.* FROM (
        SELECT 6 AS z, p.gx, p.gy, count(*) AS n, min(p.practice_id) AS first_id,
               sum(ST_X(p.geom)) AS sum_x, sum(ST_Y(p.geom)) AS sum_y,
               coalesce((SELECT jsonb_object_agg('area_' || replace(s.area, '-', '_'), s.n)
                         FROM (SELECT area, count(*) AS n FROM tile_points q, unnest(q.areas) AS area
                               WHERE q.gx = p.gx AND q.gy = p.gy GROUP BY area) s), '{}') AS area_counts
        FROM unnest(cells) AS c JOIN tile_points p ON p.gx = c / 2048 AND p.gy = c % 2048
        GROUP BY p.gx, p.gy
    ) a, tile_cell_feature(a.z, a.gx, a.gy, a.n, a.first_id, a.sum_x, a.sum_y, a.area_counts) f;
    FOR level IN REVERSE 5..0 LOOP
        cells := ARRAY(SELECT DISTINCT (c / 2048 >> 1) * 2048 + (c % 2048 >> 1) FROM unnest(cells) AS c);
        DELETE FROM tile_cells t USING unnest(cells) AS c
        WHERE t.z = level AND t.gx = c / 2048 AND t.gy = c % 2048;
        INSERT INTO tile_cells (z, gx, gy, n, first_id, sum_x, sum_y, area_counts, feature_id, geom, props)
        SELECT a.*, f.* FROM (
            SELECT level AS z, k.gx, k.gy, sum(ch.n)::bigint AS n, min(ch.first_id) AS first_id,
                   sum(ch.sum_x) AS sum_x, sum(ch.sum_y) AS sum_y,
                   coalesce((SELECT jsonb_object_agg(s.key, s.n)
                             FROM (SELECT e.key, sum(e.value::bigint) AS n
                                   FROM tile_cells q, jsonb_each_text(q.area_counts) AS e
                                   WHERE q.z = level + 1 AND q.gx BETWEEN k.gx * 2 AND k.gx * 2 + 1
                                     AND q.gy BETWEEN k.gy * 2 AND k.gy * 2 + 1
                                   GROUP BY e.key) s), '{}') AS area_counts
            FROM (SELECT c / 2048 AS gx, c % 2048 AS gy FROM unnest(cells) AS c) k
            JOIN tile_cells ch ON ch.z = level + 1 AND ch.gx BETWEEN k.gx * 2 AND k.gx * 2 + 1
                              AND ch.gy BETWEEN k.gy * 2 AND k.gy * 2 + 1
            GROUP BY k.gx, k.gy
        ) a, tile_cell_feature(a.z, a.gx, a.gy, a.n, a.first_id, a.sum_x, a.sum_y, a.area_counts) f;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION tile_points_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE tile_points_new ON COMMIT DROP AS SELECT * FROM tile_points_source;
    ANALYZE pg_temp.tile_points_new;
    DELETE FROM tile_points t
    WHERE NOT EXISTS (SELECT 1 FROM pg_temp.tile_points_new f WHERE f.practice_id = t.practice_id);
    INSERT INTO tile_points AS t SELECT * FROM pg_temp.tile_points_new
    ON CONFLICT (practice_id) DO UPDATE SET
        city_id = excluded.city_id, geom = excluded.geom, gx = excluded.gx, gy = excluded.gy,
        areas = excluded.areas, country = excluded.country, region_id = excluded.region_id,
        district_id = excluded.district_id, networks = excluded.networks, props = excluded.props
    WHERE (t.city_id, t.geom, t.gx, t.gy, t.areas, t.country, t.region_id, t.district_id, t.networks, t.props)
          IS DISTINCT FROM (excluded.city_id, excluded.geom, excluded.gx, excluded.gy, excluded.areas,
                            excluded.country, excluded.region_id, excluded.district_id,
                            excluded.networks, excluded.props);
    DROP TABLE pg_temp.tile_points_new;
    PERFORM tile_cells_refresh(ARRAY(SELECT gx * 2048 + gy FROM tile_points
                                     UNION SELECT gx * 2048 + gy FROM tile_cells WHERE z = 6));
END $$;

SELECT tile_cells_refresh(ARRAY(SELECT DISTINCT gx * 2048 + gy FROM tile_points));
