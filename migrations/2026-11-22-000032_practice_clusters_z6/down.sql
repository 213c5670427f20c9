-- Back to 000031: clusters below zoom 6 from zoom-5 cells, computed per tile.
CREATE OR REPLACE FUNCTION tile_cell_x(geom geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT least(1023, greatest(0, floor((ST_X(geom) + 20037508.342789244) / (40075016.685578488 / 1024.0))))::integer $$;
CREATE OR REPLACE FUNCTION tile_cell_y(geom geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT least(1023, greatest(0, floor((20037508.342789244 - ST_Y(geom)) / (40075016.685578488 / 1024.0))))::integer $$;

TRUNCATE tile_cells;
ALTER TABLE tile_cells DROP COLUMN feature_id, DROP COLUMN geom, DROP COLUMN props;
ALTER TABLE tile_cells DROP CONSTRAINT tile_cells_z_check;
ALTER TABLE tile_cells ADD CONSTRAINT tile_cells_z_check CHECK (z BETWEEN 0 AND 5);

CREATE OR REPLACE FUNCTION tile_cells_refresh(cells integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    level integer;
BEGIN
    IF cells IS NULL OR cardinality(cells) = 0 THEN
        RETURN;
    END IF;
    cells := ARRAY(SELECT DISTINCT c FROM unnest(cells) AS c);
    DELETE FROM tile_cells t USING unnest(cells) AS c
    WHERE t.z = 5 AND t.gx = c / 1024 AND t.gy = c % 1024;
    INSERT INTO tile_cells (z, gx, gy, n, first_id, sum_x, sum_y, area_counts)
    SELECT 5, p.gx, p.gy, count(*), min(p.practice_id), sum(ST_X(p.geom)), sum(ST_Y(p.geom)),
           coalesce((SELECT jsonb_object_agg('area_' || replace(s.area, '-', '_'), s.n)
                     FROM (SELECT area, count(*) AS n FROM tile_points q, unnest(q.areas) AS area
                           WHERE q.gx = p.gx AND q.gy = p.gy GROUP BY area) s), '{}')
    FROM unnest(cells) AS c JOIN tile_points p ON p.gx = c / 1024 AND p.gy = c % 1024
    GROUP BY p.gx, p.gy;
    FOR level IN REVERSE 4..0 LOOP
        cells := ARRAY(SELECT DISTINCT (c / 1024 >> 1) * 1024 + (c % 1024 >> 1) FROM unnest(cells) AS c);
        DELETE FROM tile_cells t USING unnest(cells) AS c
        WHERE t.z = level AND t.gx = c / 1024 AND t.gy = c % 1024;
        INSERT INTO tile_cells (z, gx, gy, n, first_id, sum_x, sum_y, area_counts)
        SELECT level, k.gx, k.gy, sum(ch.n), min(ch.first_id), sum(ch.sum_x), sum(ch.sum_y),
               coalesce((SELECT jsonb_object_agg(s.key, s.n)
                         FROM (SELECT e.key, sum(e.value::bigint) AS n
                               FROM tile_cells q, jsonb_each_text(q.area_counts) AS e
                               WHERE q.z = level + 1 AND q.gx BETWEEN k.gx * 2 AND k.gx * 2 + 1
                                 AND q.gy BETWEEN k.gy * 2 AND k.gy * 2 + 1
                               GROUP BY e.key) s), '{}')
        FROM (SELECT c / 1024 AS gx, c % 1024 AS gy FROM unnest(cells) AS c) k
        JOIN tile_cells ch ON ch.z = level + 1 AND ch.gx BETWEEN k.gx * 2 AND k.gx * 2 + 1
                          AND ch.gy BETWEEN k.gy * 2 AND k.gy * 2 + 1
        GROUP BY k.gx, k.gy;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION tile_points_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    changed integer[];
    removed integer[];
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    WITH wanted AS (
        SELECT s.* FROM tile_points_source s WHERE s.practice_id IN (SELECT unnest(ids))
    ),
    before AS (
        SELECT t.practice_id, t.gx * 1024 + t.gy AS cell
        FROM tile_points t WHERE t.practice_id IN (SELECT unnest(ids))
    ),
    upserted AS (
        INSERT INTO tile_points AS t SELECT * FROM wanted
        ON CONFLICT (practice_id) DO UPDATE SET
            city_id = excluded.city_id, geom = excluded.geom, gx = excluded.gx, gy = excluded.gy,
            areas = excluded.areas, country = excluded.country, region_id = excluded.region_id,
            district_id = excluded.district_id, networks = excluded.networks, props = excluded.props
        WHERE (t.city_id, t.geom, t.gx, t.gy, t.areas, t.country, t.region_id, t.district_id, t.networks, t.props)
              IS DISTINCT FROM (excluded.city_id, excluded.geom, excluded.gx, excluded.gy, excluded.areas,
                                excluded.country, excluded.region_id, excluded.district_id,
                                excluded.networks, excluded.props)
        RETURNING t.practice_id, t.gx * 1024 + t.gy AS cell
    )
    SELECT array_agg(cell) INTO changed FROM (
        SELECT cell FROM upserted
        UNION
        SELECT b.cell FROM before b JOIN upserted u USING (practice_id)
    ) c;
    WITH gone AS (
        DELETE FROM tile_points t
        WHERE t.practice_id IN (SELECT unnest(ids))
          AND NOT EXISTS (SELECT 1 FROM tile_points_source s WHERE s.practice_id = t.practice_id)
        RETURNING t.gx * 1024 + t.gy AS cell
    )
    SELECT array_agg(DISTINCT cell) INTO removed FROM gone;
    PERFORM tile_cells_refresh(coalesce(changed, '{}') || coalesce(removed, '{}'));
END $$;

DROP FUNCTION tile_cell_feature(integer, integer, integer, bigint, bigint, double precision, double precision, jsonb);
DROP FUNCTION tile_cluster_props(bigint, jsonb);

UPDATE tile_points SET gx = tile_cell_x(geom), gy = tile_cell_y(geom);
SELECT tile_cells_refresh(ARRAY(SELECT DISTINCT gx * 1024 + gy FROM tile_points));
