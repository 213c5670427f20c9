DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cities', 'city_stats', 'practices', 'networks', 'policy_areas']
    LOOP
        EXECUTE format('DROP TRIGGER site_entries_ins ON %I', t);
        EXECUTE format('DROP TRIGGER site_entries_upd ON %I', t);
        EXECUTE format('DROP TRIGGER site_entries_del ON %I', t);
    END LOOP;
END $$;
DROP TRIGGER site_entries_upd ON countries;
DROP FUNCTION site_entries_on_policy_areas();
DROP FUNCTION site_entries_on_networks();
DROP FUNCTION site_entries_on_practices();
DROP FUNCTION site_entries_on_countries();
DROP FUNCTION site_entries_on_city_stats();
DROP FUNCTION site_entries_on_cities();
DROP FUNCTION site_entries_refresh(smallint, bigint[]);
DROP TABLE site_entries;
DROP VIEW site_entries_fresh;
