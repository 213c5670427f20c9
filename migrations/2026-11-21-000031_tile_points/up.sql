-- Tile points: the practices tile layer, precomputed. One row per published practice of a
-- published city, with everything its tile feature and the tile filters need (Web Mercator
-- point, cluster cell, policy areas, the city's country, region, district and networks, the
-- ready-made feature properties), so a tile at z >= 6 is one GiST index scan with no joins.
-- `tile_cells` holds the unfiltered clusters of z0-z5 per cluster cell, so a low-zoom tile
-- reads at most 32 x 32 rows. Statement-level triggers on every source table keep both exact
-- inside the writing transaction; `tile_points_source` is the from-scratch definition.

-- The cluster cell of a Web Mercator point at zoom 5 (a 1024 x 1024 grid, 32 x 32 cells per
-- tile); the cell at zoom z < 5 is this one shifted right by 5 - z (cells nest).
CREATE FUNCTION tile_cell_x(geom geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT least(1023, greatest(0, floor((ST_X(geom) + 20037508.342789244) / (40075016.685578488 / 1024.0))))::integer $$;
CREATE FUNCTION tile_cell_y(geom geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT least(1023, greatest(0, floor((20037508.342789244 - ST_Y(geom)) / (40075016.685578488 / 1024.0))))::integer $$;

CREATE TABLE tile_points (
    practice_id bigint PRIMARY KEY,
    city_id     bigint NOT NULL,
    geom        geometry(Point, 3857) NOT NULL,
    gx          integer NOT NULL,
    gy          integer NOT NULL,
    areas       text[] NOT NULL,
    country     text NOT NULL,
    region_id   bigint,
    district_id bigint,
    networks    text[] NOT NULL,
    props       jsonb NOT NULL
);
CREATE INDEX tile_points_geom_idx ON tile_points USING gist (geom);
CREATE INDEX tile_points_city_idx ON tile_points (city_id);
CREATE INDEX tile_points_cell_idx ON tile_points (gx, gy);

-- Per zoom 0-5 and cluster cell: the count, the lowest practice id (the point itself when the
-- cell holds one), the coordinate sums (the centroid) and the count per policy area.
CREATE TABLE tile_cells (
    z           smallint NOT NULL CHECK (z BETWEEN 0 AND 5),
    gx          integer NOT NULL,
    gy          integer NOT NULL,
    n           bigint NOT NULL CHECK (n > 0),
    first_id    bigint NOT NULL,
    sum_x       double precision NOT NULL,
    sum_y       double precision NOT NULL,
    area_counts jsonb NOT NULL,
    PRIMARY KEY (z, gx, gy)
);

-- What tile_points must hold, computed from the source tables. Points beyond Web Mercator's
-- latitudes lie in no tile.
CREATE VIEW tile_points_source AS
SELECT p.id AS practice_id, p.city_id, pt.geom,
       tile_cell_x(pt.geom) AS gx, tile_cell_y(pt.geom) AS gy,
       coalesce(a.slugs, '{}') AS areas,
       c.country::text AS country, c.region_id, c.district_id,
       coalesce(n.slugs, '{}') AS networks,
       jsonb_build_object('slug', p.slug, 'title', coalesce(p.title ->> 'en', p.title ->> p.original_lang),
                          'city_slug', c.slug, 'cluster', false)
       || (SELECT coalesce(jsonb_object_agg('area_' || replace(pa.slug, '-', '_'),
                                            pa.slug = ANY (coalesce(a.slugs, '{}'))), '{}')
           FROM policy_areas pa) AS props
FROM practices p
JOIN cities c ON c.id = p.city_id
CROSS JOIN LATERAL (SELECT ST_Transform(coalesce(p.geom, c.geom), 3857) AS geom) pt
LEFT JOIN LATERAL (
    SELECT array_agg(ppa.policy_area::text ORDER BY ppa.policy_area) AS slugs
    FROM practice_policy_areas ppa WHERE ppa.practice_id = p.id
) a ON true
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT nw.slug::text) AS slugs
    FROM memberships m JOIN networks nw ON nw.id = m.network_id
    WHERE m.city_id = c.id AND m.published AND m.status <> 'left'
) n ON true
WHERE p.published AND c.published
  AND ST_Y(coalesce(p.geom, c.geom)) BETWEEN -85.0511287798066 AND 85.0511287798066;

-- Recomputes the zoom-5 cluster cells `cells` (each as gx * 1024 + gy) from tile_points, then
-- their parents at zoom 4 to 0 from their four children.
CREATE FUNCTION tile_cells_refresh(cells integer[]) RETURNS void LANGUAGE plpgsql AS $$
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

-- Brings the tile points of the practices `ids` up to date (inserting, changing or removing
-- them), touching only rows that really change, then their cluster cells.
CREATE FUNCTION tile_points_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
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

-- The practices whose tile points a change of cities, memberships or networks may move.
CREATE FUNCTION tile_points_of_cities(city_ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(id), '{}') FROM (
        SELECT p.id FROM practices p WHERE p.city_id IN (SELECT unnest(city_ids))
        UNION
        SELECT t.practice_id FROM tile_points t WHERE t.city_id IN (SELECT unnest(city_ids))
    ) s
$$;

CREATE FUNCTION tile_points_practices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
    ELSE
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION tile_points_practice_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT DISTINCT practice_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT practice_id FROM new_rows UNION SELECT practice_id FROM old_rows));
    ELSE
        PERFORM tile_points_refresh(ARRAY(SELECT DISTINCT practice_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

-- Only the columns a tile point copies matter; other edits of a city leave its points alone.
CREATE FUNCTION tile_points_cities_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(
            SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
            WHERE o.id IS NULL
               OR (n.slug, n.country, n.region_id, n.district_id, n.published)
                  IS DISTINCT FROM (o.slug, o.country, o.region_id, o.district_id, o.published)
               OR NOT ST_Equals(n.geom, o.geom)
            UNION SELECT o.id FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id))));
    ELSE
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(SELECT id FROM old_rows)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION tile_points_memberships_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(SELECT DISTINCT city_id FROM new_rows)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(
            SELECT city_id FROM new_rows UNION SELECT city_id FROM old_rows)));
    ELSE
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(SELECT DISTINCT city_id FROM old_rows)));
    END IF;
    RETURN NULL;
END $$;

-- A network's slug names the filter; deleting a network deletes its memberships (whose
-- trigger follows).
CREATE FUNCTION tile_points_networks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(
        SELECT DISTINCT m.city_id FROM memberships m
        JOIN new_rows n ON n.id = m.network_id
        LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR o.slug IS DISTINCT FROM n.slug)));
    RETURN NULL;
END $$;

-- Every point carries one flag per policy area: a new, removed or renamed area touches all.
CREATE FUNCTION tile_points_policy_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows n FULL JOIN old_rows o ON o.slug = n.slug
                       WHERE o.slug IS NULL OR n.slug IS NULL) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM tile_points_refresh(ARRAY(SELECT id FROM practices));
    RETURN NULL;
END $$;

CREATE TRIGGER practices_tile_points_ins AFTER INSERT ON practices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_practices_changed();
CREATE TRIGGER practices_tile_points_upd AFTER UPDATE ON practices REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_practices_changed();
CREATE TRIGGER practices_tile_points_del AFTER DELETE ON practices REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_practices_changed();
CREATE TRIGGER practice_policy_areas_tile_points_ins AFTER INSERT ON practice_policy_areas REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_practice_areas_changed();
CREATE TRIGGER practice_policy_areas_tile_points_upd AFTER UPDATE ON practice_policy_areas REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_practice_areas_changed();
CREATE TRIGGER practice_policy_areas_tile_points_del AFTER DELETE ON practice_policy_areas REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_practice_areas_changed();
CREATE TRIGGER cities_tile_points_upd AFTER UPDATE ON cities REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_cities_changed();
CREATE TRIGGER cities_tile_points_del AFTER DELETE ON cities REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_cities_changed();
CREATE TRIGGER memberships_tile_points_ins AFTER INSERT ON memberships REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_memberships_changed();
CREATE TRIGGER memberships_tile_points_upd AFTER UPDATE ON memberships REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_memberships_changed();
CREATE TRIGGER memberships_tile_points_del AFTER DELETE ON memberships REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_memberships_changed();
CREATE TRIGGER networks_tile_points_upd AFTER UPDATE ON networks REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_networks_changed();
CREATE TRIGGER policy_areas_tile_points_ins AFTER INSERT ON policy_areas REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_policy_areas_changed();
CREATE TRIGGER policy_areas_tile_points_upd AFTER UPDATE ON policy_areas REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_policy_areas_changed();
CREATE TRIGGER policy_areas_tile_points_del AFTER DELETE ON policy_areas REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tile_points_policy_areas_changed();

SELECT tile_points_refresh(ARRAY(SELECT id FROM practices));
