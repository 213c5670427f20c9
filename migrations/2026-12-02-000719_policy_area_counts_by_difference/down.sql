-- Back to 000706's counting: every change of an area's practices counts it again.
CREATE OR REPLACE FUNCTION policy_area_stats_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
