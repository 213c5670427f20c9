-- What changed, not only that something changed: every statement that changes published rows
-- still bumps `data_version` and notifies `haven_data_version`, and now also says which kind
-- of data changed and where (the lon/lat boxes of the changed features, before and after the
-- change), so that instances drop only the tiles and answers the change touches.
--
-- The notification carries the change itself: "<version> <kind> <west> <south> <east>
-- <north> ...", a box per changed feature, or "<version> <kind> *" when it is not confined to
-- boxes (as in a bulk load). `data_changes` keeps the recent changes by version, for the
-- instance that wrote them (it reads its own write at once) and for anyone who wants to know
-- what a version changed.

CREATE TABLE data_changes (
    version    bigint PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('cities', 'practices', 'memberships', 'networks',
                                             'demands', 'places', 'policy_areas', 'guides',
                                             'search', 'all')),
    -- The boxes of the changed features in WGS 84, four numbers each (west, south, east,
    -- north); NULL: anywhere.
    boxes      double precision[] CHECK (cardinality(boxes) > 0 AND cardinality(boxes) % 4 = 0),
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Most boxes one change lists (a notification stays far below its 8000 bytes); a change of
-- more features lists the one box around them all.
CREATE FUNCTION data_change_max_boxes() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 64';

-- The boxes of the rows a statement changed (`changed`: the transition tables, old and new
-- rows together), one per distinct geometry, by how the table's rows lie on the map
-- (`TG_ARGV[1]`):
--   geom       the columns named in TG_ARGV[2] (comma-separated) hold the geometry
--   city       rows of a city (`city_id`): the city's point and its practices' own points
--   city_row   a city itself: its old and new point and its practices' own points
--   practice   a practice itself: its old and new point and its city's point
--   practice_child  rows of a practice (`practice_id`): the practice's point and its city's
--   anywhere   no box (names, labels, lists that every feature carries)
CREATE FUNCTION record_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- The tables of published data: their kind and where their rows lie.
CREATE TABLE data_change_sources (
    tbl  text PRIMARY KEY,
    kind text NOT NULL,
    mode text NOT NULL,
    cols text
);
INSERT INTO data_change_sources VALUES
    ('countries', 'places', 'geom', 'geom'),
    ('regions', 'places', 'geom', 'geom,label_point'),
    ('places', 'places', 'geom', 'geom,boundary'),
    ('policy_areas', 'policy_areas', 'anywhere', NULL),
    ('cities', 'cities', 'city_row', NULL),
    ('networks', 'networks', 'anywhere', NULL),
    ('memberships', 'memberships', 'city', NULL),
    ('demands', 'demands', 'anywhere', NULL),
    ('safe_harbour_demands', 'demands', 'city', NULL),
    ('demand_evidence', 'demands', 'city', NULL),
    ('practices', 'practices', 'practice', NULL),
    ('practice_policy_areas', 'practices', 'practice_child', NULL),
    ('practice_sources', 'practices', 'practice_child', NULL),
    ('take_action_guides', 'guides', 'anywhere', NULL),
    ('search_synonyms', 'search', 'anywhere', NULL);

DO $$
DECLARE
    s record;
    args text;
BEGIN
    FOR s IN SELECT * FROM data_change_sources LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', s.tbl || '_version_ins', s.tbl);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', s.tbl || '_version_upd', s.tbl);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', s.tbl || '_version_del', s.tbl);
        args := format('%L, %L, %L', s.kind, s.mode, coalesce(s.cols, ''));
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

DROP TABLE data_change_sources;

-- Tables whose triggers call bump_data_version() (any added later) record their changes too,
-- not confined to boxes: the gazetteer's names as places, any other table as a change of
-- everything.
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
    new_version bigint;
    kind text := CASE WHEN TG_TABLE_NAME IN ('place_names') THEN 'places' ELSE 'all' END;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT EXISTS (SELECT 1 FROM old_rows) INTO changed;
    ELSE
        SELECT EXISTS (SELECT 1 FROM new_rows) INTO changed;
    END IF;
    IF changed THEN
        UPDATE data_version SET version = version + 1, changed_at = now()
            RETURNING version INTO new_version;
        INSERT INTO data_changes (version, kind) VALUES (new_version, kind);
        PERFORM pg_notify('haven_data_version', new_version::text || ' ' || kind || ' *');
    END IF;
    RETURN NULL;
END $$;
