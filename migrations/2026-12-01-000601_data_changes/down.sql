CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
    new_version bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT EXISTS (SELECT 1 FROM old_rows) INTO changed;
    ELSE
        SELECT EXISTS (SELECT 1 FROM new_rows) INTO changed;
    END IF;
    IF changed THEN
        UPDATE data_version SET version = version + 1, changed_at = now()
            RETURNING version INTO new_version;
        PERFORM pg_notify('haven_data_version', new_version::text);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['countries', 'regions', 'places', 'policy_areas', 'cities',
                             'networks', 'memberships', 'demands', 'safe_harbour_demands',
                             'demand_evidence', 'practices', 'practice_policy_areas',
                             'practice_sources', 'take_action_guides', 'search_synonyms']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_ins', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_upd', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_del', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_version_ins', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_version_upd', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_version_del', t);
    END LOOP;
END $$;

DROP FUNCTION record_data_change();
DROP FUNCTION data_change_max_boxes();
DROP TABLE data_changes;
