-- A policy area's kept count of published practices (in published cities) was counted again
-- from scratch whenever a practice gained or lost the area: with 100,000 practices, 30 ms for
-- one area in the writing transaction, and ten times that with a million. A row added to or
-- removed from practice_policy_areas now moves its area's count by one when its practice is
-- published in a published city. Concurrent writers each move the count under its row lock,
-- so the count stays exact; the rows whose practice is gone (a practice deleted, its areas
-- with it by cascade) cannot tell whether they counted, so their areas are counted again, as
-- is an area without a kept count yet. The other changes (a practice or a city published or
-- unpublished, a practice moved, an area's slug) count again as before.
CREATE OR REPLACE FUNCTION policy_area_stats_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    area_column text;  -- the column naming the area
    areas text[];
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'practice_policy_areas' AND TG_OP = 'INSERT' THEN
        WITH added AS (
            SELECT n.policy_area::text AS area, count(*) AS n
            FROM new_rows n JOIN practices p ON p.id = n.practice_id
            JOIN cities c ON c.id = p.city_id
            WHERE p.published AND c.published
            GROUP BY 1
        ), moved AS (
            UPDATE policy_area_stats s SET practice_count = s.practice_count + a.n
            FROM added a WHERE s.policy_area = a.area
            RETURNING s.policy_area
        )
        SELECT ARRAY(SELECT a.area FROM added a
                     WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.policy_area = a.area))
        INTO areas;
        PERFORM policy_area_stats_refresh(areas);
    ELSIF TG_TABLE_NAME = 'practice_policy_areas' AND TG_OP = 'DELETE' THEN
        WITH removed AS (
            SELECT o.policy_area::text AS area, p.id IS NULL AS gone,
                   coalesce(p.published AND c.published, false) AS counted
            FROM old_rows o LEFT JOIN practices p ON p.id = o.practice_id
            LEFT JOIN cities c ON c.id = p.city_id
        ), recount AS (
            SELECT DISTINCT area FROM removed WHERE gone
        ), taken AS (
            SELECT r.area, count(*) AS n FROM removed r
            WHERE r.counted AND NOT EXISTS (SELECT 1 FROM recount x WHERE x.area = r.area)
            GROUP BY r.area
        ), moved AS (
            UPDATE policy_area_stats s SET practice_count = s.practice_count - t.n
            FROM taken t WHERE s.policy_area = t.area
            RETURNING s.policy_area
        )
        SELECT ARRAY(SELECT area FROM recount
                     UNION
                     SELECT t.area FROM taken t
                     WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.policy_area = t.area))
        INTO areas;
        PERFORM policy_area_stats_refresh(areas);
    ELSIF TG_TABLE_NAME IN ('policy_areas', 'practice_policy_areas') THEN
        area_column := CASE TG_TABLE_NAME WHEN 'policy_areas' THEN 'slug' ELSE 'policy_area' END;
        EXECUTE format('SELECT ARRAY(%s)', concat_ws(' UNION ',
            CASE WHEN TG_OP <> 'DELETE' THEN format('SELECT %I::text FROM new_rows', area_column) END,
            CASE WHEN TG_OP <> 'INSERT' THEN format('SELECT %I::text FROM old_rows', area_column) END))
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
