-- The practices' cluster cells kept at zoom 6 alone, without a ready-made feature.
--
-- Every write of a practice rebuilt its cell at each zoom from 6 to 0, each from the four
-- below it, and the feature of each: 7.6–10.4 ms of PostgreSQL per write, the largest part of
-- a write of a practice's policy areas. Since the instances draw the practices' tiles from
-- their snapshot of the points, the cells serve only the instance whose snapshot is not yet
-- read (the seconds after a start) and the occupancy of the tiles, which reads zoom 6. The
-- unfiltered cluster statement now groups the zoom-6 cells of its tile by the cell of its
-- zoom (at most 32 << (6 - z) per side), as the filtered one groups the points.
DELETE FROM tile_cells WHERE z < 6;
ALTER TABLE tile_cells DROP CONSTRAINT tile_cells_pkey;
ALTER TABLE tile_cells DROP COLUMN z, DROP COLUMN feature_id, DROP COLUMN geom, DROP COLUMN props;
ALTER TABLE tile_cells ADD PRIMARY KEY (gx, gy);
DROP FUNCTION tile_cell_feature(integer, integer, integer, bigint, bigint, double precision, double precision, jsonb);
DROP FUNCTION tile_cluster_props(bigint, jsonb);

-- Recomputes the zoom-6 cluster cells `cells` (each as gx * 2048 + gy) from tile_points.
CREATE OR REPLACE FUNCTION tile_cells_refresh(cells integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cells IS NULL OR cardinality(cells) = 0 THEN
        RETURN;
    END IF;
    cells := ARRAY(SELECT DISTINCT c FROM unnest(cells) AS c);
    DELETE FROM tile_cells t USING unnest(cells) AS c
    WHERE t.gx = c / 2048 AND t.gy = c % 2048;
    INSERT INTO tile_cells (gx, gy, n, first_id, sum_x, sum_y, area_counts)
    SELECT p.gx, p.gy, count(*), min(p.practice_id), sum(ST_X(p.geom)), sum(ST_Y(p.geom)),
           coalesce((SELECT jsonb_object_agg('area_' || replace(s.area, '-', '_'), s.n)
                     FROM (SELECT area, count(*) AS n FROM tile_points q, unnest(q.areas) AS area
                           WHERE q.gx = p.gx AND q.gy = p.gy GROUP BY area) s), '{}')
    FROM unnest(cells) AS c JOIN tile_points p ON p.gx = c / 2048 AND p.gy = c % 2048
    GROUP BY p.gx, p.gy;
END $$;

-- As in 000707, with the cells of one zoom.
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
                                     UNION SELECT gx * 2048 + gy FROM tile_cells));
END $$;
