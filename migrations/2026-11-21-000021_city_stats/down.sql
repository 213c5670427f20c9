DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['memberships', 'practices', 'practice_policy_areas', 'safe_harbour_demands']
    LOOP
        EXECUTE format('DROP TRIGGER city_stats_ins ON %I', t);
        EXECUTE format('DROP TRIGGER city_stats_upd ON %I', t);
        EXECUTE format('DROP TRIGGER city_stats_del ON %I', t);
    END LOOP;
END $$;
DROP TRIGGER city_stats_upd ON policy_areas;
DROP TRIGGER city_stats_upd ON regions;
DROP TRIGGER city_stats_upd ON networks;
DROP TRIGGER city_stats_upd ON cities;
DROP TRIGGER city_stats_ins ON cities;
DROP FUNCTION city_stats_on_policy_areas();
DROP FUNCTION city_stats_on_regions();
DROP FUNCTION city_stats_on_safe_harbour_demands();
DROP FUNCTION city_stats_on_practice_policy_areas();
DROP FUNCTION city_stats_on_practices();
DROP FUNCTION city_stats_on_networks();
DROP FUNCTION city_stats_on_memberships();
DROP FUNCTION city_stats_on_cities();
DROP FUNCTION city_stats_refresh(bigint[]);
DROP TABLE city_stats;
DROP VIEW city_stats_fresh;
