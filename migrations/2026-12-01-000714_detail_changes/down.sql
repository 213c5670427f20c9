-- Back to 000713's record_data_change (every change of a city row is `cities`).
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
        WHEN 'city_point' THEN
            'SELECT c.geom AS g FROM cities c WHERE c.id IN (SELECT city_id FROM changed)'
        WHEN 'membership' THEN
            'SELECT c.geom AS g FROM cities c WHERE c.id IN (SELECT city_id FROM changed)
             UNION ALL SELECT p.geom FROM practices p
                       WHERE p.city_id IN (' || CASE WHEN TG_OP = 'UPDATE' THEN
                'SELECT x.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                        LATERAL (VALUES (n.city_id), (o.city_id)) x(city_id)
                 WHERE (n.city_id, n.network_id, n.status, n.published)
                       IS DISTINCT FROM (o.city_id, o.network_id, o.status, o.published)'
                ELSE 'SELECT city_id FROM changed' END || ') AND p.geom IS NOT NULL'
        WHEN 'city_row' THEN
            'SELECT geom AS g FROM changed
             UNION ALL SELECT p.geom FROM practices p
                       WHERE p.city_id IN (' || CASE WHEN TG_OP = 'UPDATE' THEN
                'SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE (n.country, n.region_id, n.district_id, n.published)
                       IS DISTINCT FROM (o.country, o.region_id, o.district_id, o.published)'
                ELSE 'SELECT id FROM changed' END || ') AND p.geom IS NOT NULL'
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

DELETE FROM data_changes WHERE kind IN ('city_profiles', 'membership_checks');
ALTER TABLE data_changes DROP CONSTRAINT data_changes_kind_check;
ALTER TABLE data_changes ADD CONSTRAINT data_changes_kind_check
    CHECK (kind IN ('cities', 'practices', 'memberships', 'networks',
                    'demands', 'places', 'policy_areas', 'guides', 'search', 'all'));
DROP FUNCTION detail_columns(text);
