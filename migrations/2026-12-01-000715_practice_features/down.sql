CREATE OR REPLACE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_write(NULL, true);
    PERFORM tile_points_rebuild();
    PERFORM site_entries_rebuild(1::smallint);
    PERFORM site_entries_rebuild(2::smallint);
    PERFORM site_entries_rebuild(3::smallint);
    PERFORM site_entries_rebuild(4::smallint);
    PERFORM haven_refresh_place_prefix_tops(NULL);
    PERFORM policy_area_stats_write(NULL, true);
END $$;

DROP TRIGGER practice_features_ins ON practices;
DROP TRIGGER practice_features_upd ON practices;
DROP TRIGGER practice_features_ins ON practice_policy_areas;
DROP TRIGGER practice_features_upd ON practice_policy_areas;
DROP TRIGGER practice_features_del ON practice_policy_areas;
DROP TRIGGER practice_features_ins ON practice_sources;
DROP TRIGGER practice_features_upd ON practice_sources;
DROP TRIGGER practice_features_del ON practice_sources;
DROP TRIGGER practice_features_upd ON cities;
DROP TRIGGER practice_features_upd ON policy_areas;
DROP FUNCTION practice_features_on_practices();
DROP FUNCTION practice_features_on_practice_children();
DROP FUNCTION practice_features_on_cities();
DROP FUNCTION practice_features_on_policy_areas();
DROP FUNCTION practice_features_write(bigint[], boolean);
DROP VIEW practice_features_all;
DROP VIEW practice_features_fresh;
DROP FUNCTION practice_feature_parts(practices, cities, json, bigint);
DROP FUNCTION practice_feature_texts(jsonb, jsonb, text);
DROP FUNCTION haven_json_members(json);
DROP TABLE practice_features;
