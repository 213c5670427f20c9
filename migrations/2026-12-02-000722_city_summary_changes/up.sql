-- A practice's policy areas were a change of the kind `practices`, like a practice that comes,
-- goes or moves: each such write dropped every answer about cities (the whole city list, its
-- filtered pages, its full texts, the OGC items) and the city snapshots, though a city shows
-- its practices' areas only through its summary (`city_stats.areas`), which a new area of a
-- practice changes only when no other practice of the city had it.
--
-- Now a practice's policy areas are a kind of their own, `practice_areas`, and a city's
-- summary that really changed (a row of `city_stats` inserted, updated to other values or
-- deleted; `city_stats_write` leaves equal rows as they are) is a change of the kind
-- `city_summaries`, at the city's point. Its Feature alone does not count: what else it
-- shows (the city's name, population, region) is a change of the city or the places already,
-- and a city's new population would otherwise drop the city tiles around it.
--
-- The answers showing a practice's areas depend on `practice_areas`; the city collections,
-- the city tiles and the city list's snapshot, which read the areas from the summaries, depend
-- on `city_summaries` instead.

ALTER TABLE data_changes DROP CONSTRAINT data_changes_kind_check;
ALTER TABLE data_changes ADD CONSTRAINT data_changes_kind_check
    CHECK (kind IN ('cities', 'city_profiles', 'city_summaries', 'practices',
                    'practice_details', 'practice_areas', 'memberships', 'membership_checks',
                    'networks', 'demands', 'places', 'policy_areas', 'guides', 'search', 'all'));

-- A statement's changes of `city_stats`, recorded as one change of `city_summaries` at the
-- changed cities' points (as record_data_change records the other kinds).
CREATE FUNCTION record_city_summary_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    boxes double precision[];
    new_version bigint;
BEGIN
    -- Dynamic SQL: a trigger sees only its own transition tables.
    IF TG_OP = 'INSERT' THEN
        EXECUTE 'SELECT array_agg(city_id) FROM new_rows' INTO ids;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE 'SELECT array_agg(city_id) FROM old_rows' INTO ids;
    ELSIF haven_bulk_load() THEN
        EXECUTE 'SELECT array_agg(city_id) FROM new_rows' INTO ids;
    ELSE
        EXECUTE 'SELECT array_agg(n.city_id) FROM new_rows n JOIN old_rows o ON o.city_id = n.city_id
                 WHERE to_jsonb(n) - ''feature'' IS DISTINCT FROM to_jsonb(o) - ''feature'''
            INTO ids;
    END IF;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    -- A bulk load says "anywhere", as record_data_change does; so does a city deleted with
    -- its summary, whose point is gone.
    IF NOT haven_bulk_load() THEN
        WITH points AS (SELECT c.geom FROM unnest(ids) i(id) LEFT JOIN cities c ON c.id = i.id),
             part AS (SELECT DISTINCT ST_X(geom) AS x, ST_Y(geom) AS y
                      FROM points WHERE geom IS NOT NULL)
        SELECT CASE WHEN count(*) = 0 OR EXISTS (SELECT 1 FROM points WHERE geom IS NULL)
                         THEN NULL
                    WHEN count(*) <= data_change_max_boxes()
                         THEN ARRAY(SELECT unnest(array_agg(ARRAY[x, y, x, y] ORDER BY x, y)))
                    ELSE ARRAY[min(x), min(y), max(x), max(y)] END
        INTO boxes
        FROM part;
    END IF;
    UPDATE data_version SET version = version + 1, changed_at = now()
        RETURNING version INTO new_version;
    INSERT INTO data_changes (version, kind, boxes) VALUES (new_version, 'city_summaries', boxes);
    IF new_version % 1000 = 0 THEN
        DELETE FROM data_changes WHERE version <= new_version - 10000;
    END IF;
    PERFORM pg_notify('haven_data_version', new_version::text || ' city_summaries ' ||
        coalesce(array_to_string(boxes, ' '), '*'));
    RETURN NULL;
END $$;

CREATE TRIGGER city_stats_version_ins AFTER INSERT ON city_stats REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_city_summary_change();
CREATE TRIGGER city_stats_version_upd AFTER UPDATE ON city_stats
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_city_summary_change();
CREATE TRIGGER city_stats_version_del AFTER DELETE ON city_stats REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_city_summary_change();

-- A practice's policy areas: a kind of their own.
DO $$
DECLARE
    args text := format('%L, %L, %L', 'practice_areas', 'practice_child', '');
BEGIN
    DROP TRIGGER practice_policy_areas_version_ins ON practice_policy_areas;
    DROP TRIGGER practice_policy_areas_version_upd ON practice_policy_areas;
    DROP TRIGGER practice_policy_areas_version_del ON practice_policy_areas;
    EXECUTE format('CREATE TRIGGER practice_policy_areas_version_ins AFTER INSERT ON practice_policy_areas
                    REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)', args);
    EXECUTE format('CREATE TRIGGER practice_policy_areas_version_upd AFTER UPDATE ON practice_policy_areas
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)', args);
    EXECUTE format('CREATE TRIGGER practice_policy_areas_version_del AFTER DELETE ON practice_policy_areas
                    REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)', args);
END $$;
