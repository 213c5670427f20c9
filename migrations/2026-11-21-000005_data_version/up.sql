-- The data version: one counter that every change of published data bumps and announces
-- with NOTIFY, so that every instance invalidates its tile and response caches at once.

CREATE TABLE data_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version DEFAULT VALUES;

-- Bumps once per statement that really changed rows (transition tables tell), so an
-- idempotent re-import that changes nothing leaves the version alone.
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
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
                             'practices', 'practice_policy_areas', 'practice_sources']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_version_ins', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_version_upd', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_version_del', t);
    END LOOP;
END $$;
