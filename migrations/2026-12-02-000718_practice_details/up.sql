-- A practice's title, summary, texts, dates, status or contact changed the kind `practices`,
-- as if it had moved, been (un)published or changed its policy areas: each such edit dropped
-- the tiles around it, read the point and city snapshots, the occupancy, the city list and the
-- practices' list again, and every answer about cities, places and policy areas, though none
-- of them shows those texts. Such an edit is now a change of its own kind, `practice_details`
-- (as 000714 made `city_profiles` and `membership_checks`), which only the answers showing a
-- practice's texts depend on: the practices, a city with its practices, OGC, feeds, pages,
-- search and what a full text finds.
--
-- The same edit also paid, in its triggers, for work that had nothing to do: the city and
-- policy area statistics planned their refresh for no row (3-5 ms each time, the refresh's
-- statement is built and planned on every call), and the tile points were rebuilt for a
-- practice whose point, slug, city and publication stayed as they were.

-- The columns of a row of `tbl` that only the answers about the row itself show (with the
-- columns that follow them: `search`, `updated_at`), or NULL for a table without such details.
CREATE OR REPLACE FUNCTION detail_columns(tbl text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE tbl
        WHEN 'cities' THEN ARRAY['population', 'website', 'summary', 'takeaways',
                                 'summary_sources', 'official_name', 'wikidata', 'search',
                                 'updated_at']
        WHEN 'practices' THEN ARRAY['title', 'summary', 'body', 'transferability',
                                    'organisation', 'started', 'ended', 'status', 'status_as_of',
                                    'contact', 'confidence', 'original_lang', 'search',
                                    'updated_at']
        WHEN 'memberships' THEN ARRAY['verified_on', 'evidence_url', 'role', 'note', 'updated_at']
    END
$$;

ALTER TABLE data_changes DROP CONSTRAINT data_changes_kind_check;
ALTER TABLE data_changes ADD CONSTRAINT data_changes_kind_check
    CHECK (kind IN ('cities', 'city_profiles', 'practices', 'practice_details', 'memberships',
                    'membership_checks', 'networks', 'demands', 'places', 'policy_areas',
                    'guides', 'search', 'all'));

CREATE OR REPLACE FUNCTION record_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind text := TG_ARGV[0];
    mode text := TG_ARGV[1];
    changed text;
    geometry_sql text;
    changed_any boolean;
    details_only boolean;
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
    -- A city whose profile alone changed, a practice whose texts alone changed or a membership
    -- whose check alone changed (the columns of detail_columns) is a change of `city_profiles`,
    -- `practice_details` or `membership_checks`: the tiles and the places show none of it. Any other column, or a row that
    -- comes or goes, keeps the table's kind. (Dynamic SQL: the transition tables exist only
    -- in an UPDATE's trigger.)
    IF TG_OP = 'UPDATE' AND kind = TG_TABLE_NAME AND detail_columns(TG_TABLE_NAME) IS NOT NULL THEN
        EXECUTE format('SELECT NOT EXISTS (
                            SELECT 1 FROM new_rows n FULL JOIN old_rows o ON o.id = n.id
                            WHERE n.id IS NULL OR o.id IS NULL
                               OR (to_jsonb(n) - detail_columns(%L))
                                  IS DISTINCT FROM (to_jsonb(o) - detail_columns(%L)))',
                       TG_TABLE_NAME, TG_TABLE_NAME)
            INTO details_only;
        IF details_only THEN
            kind := CASE TG_TABLE_NAME WHEN 'cities' THEN 'city_profiles'
                                       WHEN 'practices' THEN 'practice_details'
                                       ELSE 'membership_checks' END;
        END IF;
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


-- A refresh for no row does nothing, without building and planning its statement.
CREATE OR REPLACE FUNCTION city_stats_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    SELECT city_stats_write(ids, false) WHERE cardinality(ids) > 0;
$$;

CREATE OR REPLACE FUNCTION policy_area_stats_refresh(areas text[]) RETURNS void LANGUAGE sql AS $$
    SELECT policy_area_stats_write(areas, false) WHERE cardinality(areas) > 0;
$$;

-- A practice's tile point shows its place, slug, city and publication (the rest comes from
-- its city and its policy areas, whose own triggers refresh it): an update of other columns
-- leaves it as it is.
CREATE OR REPLACE FUNCTION tile_points_practices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(ARRAY(
            SELECT x.id FROM new_rows n FULL JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.id), (o.id)) x (id)
            WHERE x.id IS NOT NULL
              AND (n.id IS NULL OR o.id IS NULL
                   OR (n.slug, n.city_id, n.geom, n.published)
                      IS DISTINCT FROM (o.slug, o.city_id, o.geom, o.published))));
    ELSE
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;
