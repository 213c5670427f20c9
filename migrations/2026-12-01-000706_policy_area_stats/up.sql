-- How many published practices (of published cities) each policy area has, kept by triggers
-- like city_stats. `GET /api/v1/policy-areas` counted them on every request with one
-- subquery per area over every practice (0.5 s with 100,000 practices), and every write of a
-- practice makes that answer anew.
CREATE TABLE policy_area_stats (
    policy_area    text PRIMARY KEY,
    practice_count bigint NOT NULL
);

-- The counts computed from scratch.
CREATE VIEW policy_area_stats_fresh AS
SELECT pa.slug::text AS policy_area,
       (SELECT count(*) FROM practice_policy_areas ppa
          JOIN practices p ON p.id = ppa.practice_id
          JOIN cities c ON c.id = p.city_id
         WHERE ppa.policy_area = pa.slug AND p.published AND c.published) AS practice_count
FROM policy_areas pa;

-- Counts the given areas anew (rows that come out the same are left alone; areas that no
-- longer exist are removed).
CREATE FUNCTION policy_area_stats_refresh(areas text[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM policy_area_stats s
    WHERE s.policy_area = ANY(areas)
      AND NOT EXISTS (SELECT 1 FROM policy_areas pa WHERE pa.slug = s.policy_area);
    INSERT INTO policy_area_stats AS s
    SELECT * FROM policy_area_stats_fresh f WHERE f.policy_area = ANY(areas)
    ON CONFLICT (policy_area) DO UPDATE SET practice_count = EXCLUDED.practice_count
    WHERE s.practice_count IS DISTINCT FROM EXCLUDED.practice_count;
$$;

-- Which areas a statement touched, per source table (transition tables `new_rows` and
-- `old_rows`); nothing during a bulk load, whose commit rebuilds every area.
CREATE FUNCTION policy_area_stats_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    area text;     -- the column naming the area
    areas text[];
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME IN ('policy_areas', 'practice_policy_areas') THEN
        area := CASE TG_TABLE_NAME WHEN 'policy_areas' THEN 'slug' ELSE 'policy_area' END;
        EXECUTE format('SELECT ARRAY(%s)', concat_ws(' UNION ',
            CASE WHEN TG_OP <> 'DELETE' THEN format('SELECT %I::text FROM new_rows', area) END,
            CASE WHEN TG_OP <> 'INSERT' THEN format('SELECT %I::text FROM old_rows', area) END))
        INTO areas;
        PERFORM policy_area_stats_refresh(areas);
    ELSIF TG_TABLE_NAME = 'practices' THEN
        PERFORM policy_area_stats_refresh(ARRAY(
            SELECT DISTINCT ppa.policy_area::text
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN practice_policy_areas ppa ON ppa.practice_id = n.id
            WHERE (n.published, n.city_id) IS DISTINCT FROM (o.published, o.city_id)));
    ELSIF TG_TABLE_NAME = 'cities' THEN
        PERFORM policy_area_stats_refresh(ARRAY(
            SELECT DISTINCT ppa.policy_area::text
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN practices p ON p.city_id = n.id
            JOIN practice_policy_areas ppa ON ppa.practice_id = p.id
            WHERE n.published IS DISTINCT FROM o.published));
    END IF;
    RETURN NULL;
END $$;

-- Inserting or deleting a practice or a city changes no count by itself: its areas come and
-- go through practice_policy_areas (deleted with it by cascade).
CREATE TRIGGER policy_area_stats_ins AFTER INSERT ON policy_areas
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_upd AFTER UPDATE ON policy_areas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_del AFTER DELETE ON policy_areas
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_ins AFTER INSERT ON practice_policy_areas
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_upd AFTER UPDATE ON practice_policy_areas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_del AFTER DELETE ON practice_policy_areas
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_upd AFTER UPDATE ON practices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();
CREATE TRIGGER policy_area_stats_upd AFTER UPDATE ON cities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION policy_area_stats_on_change();

CREATE OR REPLACE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_refresh(ARRAY(SELECT id FROM cities));
    PERFORM tile_points_refresh(ARRAY(SELECT id FROM practices UNION SELECT practice_id FROM tile_points));
    PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT id FROM cities UNION SELECT id FROM site_entries WHERE kind = 1));
    PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM practices UNION SELECT id FROM site_entries WHERE kind = 2));
    PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM networks UNION SELECT id FROM site_entries WHERE kind = 3));
    PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM policy_areas UNION SELECT id FROM site_entries WHERE kind = 4));
    PERFORM haven_refresh_place_prefix_tops(NULL);
    PERFORM policy_area_stats_refresh(ARRAY(SELECT slug::text FROM policy_areas));
END $$;

SELECT policy_area_stats_refresh(ARRAY(SELECT slug::text FROM policy_areas));
