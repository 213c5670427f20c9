DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['countries', 'regions', 'places', 'policy_areas', 'cities',
                             'networks', 'memberships', 'demands', 'safe_harbour_demands',
                             'practices', 'practice_policy_areas', 'practice_sources']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_ins', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_upd', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_del', t);
    END LOOP;
END $$;
DROP FUNCTION IF EXISTS bump_data_version();
DROP TABLE IF EXISTS data_version;
