-- Back to 000601: every change of a city row, membership or demand lists the city's practices.

-- The boxes of the rows a statement changed (`changed`: the transition tables, old and new
-- rows together), one per distinct geometry, by how the table's rows lie on the map
-- (`TG_ARGV[1]`):
--   geom       the columns named in TG_ARGV[2] (comma-separated) hold the geometry
--   city       rows of a city (`city_id`): the city's point and its practices' own points
--   city_row   a city itself: its old and new point and its practices' own points
--   practice   a practice itself: its old and new point and its city's point
--   practice_child  rows of a practice (`practice_id`): the practice's point and its city's
--   anywhere   no box (names, labels, lists that every feature carries)
CREATE OR REPLACE FUNCTION record_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind text := TG_ARGV[0];
    mode text := TG_ARGV[1];
    changed text;
    geometry_sql text;
    changed_any boolean;
    boxes double precision[];
    new_version bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := 'SELECT * FROM old_rows';
    ELSIF TG_OP = 'INSERT' THEN
        changed := 'SELECT * FROM new_rows';
    ELSE
        changed := 'SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows';
    END IF;
    EXECUTE format('SELECT EXISTS (%s)', changed) INTO changed_any;
    IF NOT changed_any THEN
        RETURN NULL;
    END IF;
    geometry_sql := CASE mode
        WHEN 'geom' THEN (
            SELECT string_agg(format('SELECT %I AS g FROM changed', trim(col)), ' UNION ALL ')
            FROM unnest(string_to_array(TG_ARGV[2], ',')) AS col)
        WHEN 'city' THEN
            'SELECT c.geom AS g FROM cities c WHERE c.id IN (SELECT city_id FROM changed)
             UNION ALL SELECT p.geom FROM practices p
                       WHERE p.city_id IN (SELECT city_id FROM changed) AND p.geom IS NOT NULL'
        WHEN 'city_row' THEN
            'SELECT geom AS g FROM changed
             UNION ALL SELECT p.geom FROM practices p
                       WHERE p.city_id IN (SELECT id FROM changed) AND p.geom IS NOT NULL'
        WHEN 'practice' THEN
            'SELECT geom AS g FROM changed WHERE geom IS NOT NULL
             UNION ALL SELECT c.geom FROM cities c WHERE c.id IN (SELECT city_id FROM changed)'
        WHEN 'practice_child' THEN
            'SELECT p.geom AS g FROM practices p
                    WHERE p.id IN (SELECT practice_id FROM changed) AND p.geom IS NOT NULL
             UNION ALL SELECT c.geom FROM practices p JOIN cities c ON c.id = p.city_id
                       WHERE p.id IN (SELECT practice_id FROM changed)'
        ELSE NULL
    END;
    -- A bulk load (haven_begin_bulk_load) says "anywhere": its statements are large, and
    -- their boxes would cover most of the map anyway.
    IF geometry_sql IS NOT NULL AND NOT haven_bulk_load() THEN
        EXECUTE format(
            'WITH changed AS (%s),
                  part AS (SELECT DISTINCT ST_XMin(g) AS w, ST_YMin(g) AS s, ST_XMax(g) AS e, ST_YMax(g) AS n
                           FROM (%s) geometries WHERE g IS NOT NULL)
             SELECT CASE WHEN count(*) = 0 THEN NULL
                         WHEN count(*) <= data_change_max_boxes()
                              THEN ARRAY(SELECT unnest(array_agg(ARRAY[w, s, e, n] ORDER BY w, s, e, n)))
                         ELSE ARRAY[min(w), min(s), max(e), max(n)] END
             FROM part', changed, geometry_sql)
            INTO boxes;
    END IF;
    UPDATE data_version SET version = version + 1, changed_at = now()
        RETURNING version INTO new_version;
    INSERT INTO data_changes (version, kind, boxes) VALUES (new_version, kind, boxes);
    -- Keep the last 10,000 changes (a reader further behind treats the gap as "everything").
    IF new_version % 1000 = 0 THEN
        DELETE FROM data_changes WHERE version <= new_version - 10000;
    END IF;
    PERFORM pg_notify('haven_data_version', new_version::text || ' ' || kind || ' ' ||
        coalesce(array_to_string(boxes, ' '), '*'));
    RETURN NULL;
END $$;

DO $$
DECLARE
    s record;
    args text;
BEGIN
    FOR s IN SELECT * FROM (VALUES
        ('memberships', 'memberships', 'city'),
        ('safe_harbour_demands', 'demands', 'city'),
        ('demand_evidence', 'demands', 'city')
) AS v(tbl, kind, mode) LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', s.tbl || '_version_ins', s.tbl);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', s.tbl || '_version_upd', s.tbl);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', s.tbl || '_version_del', s.tbl);
        args := format('%L, %L, %L', s.kind, s.mode, '');
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)',
                       s.tbl || '_version_ins', s.tbl, args);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I
                        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)',
                       s.tbl || '_version_upd', s.tbl, args);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)',
                       s.tbl || '_version_del', s.tbl, args);
    END LOOP;
END $$;
