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

DROP FUNCTION site_entries_rebuild(smallint);
DROP FUNCTION tile_points_rebuild();
