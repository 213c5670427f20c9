-- Back to 000718's kinds: a practice's policy areas are a change of `practices`, and the
-- cities' summaries record no change of their own.
DROP TRIGGER IF EXISTS city_stats_version_ins ON city_stats;
DROP TRIGGER IF EXISTS city_stats_version_upd ON city_stats;
DROP TRIGGER IF EXISTS city_stats_version_del ON city_stats;
DROP FUNCTION record_city_summary_change();

DELETE FROM data_changes WHERE kind = 'city_summaries';
UPDATE data_changes SET kind = 'practices' WHERE kind = 'practice_areas';

ALTER TABLE data_changes DROP CONSTRAINT data_changes_kind_check;
ALTER TABLE data_changes ADD CONSTRAINT data_changes_kind_check
    CHECK (kind IN ('cities', 'city_profiles', 'practices', 'practice_details', 'memberships',
                    'membership_checks', 'networks', 'demands', 'places', 'policy_areas',
                    'guides', 'search', 'all'));

DO $$
DECLARE
    args text := format('%L, %L, %L', 'practices', 'practice_child', '');
BEGIN
    DROP TRIGGER IF EXISTS practice_policy_areas_version_ins ON practice_policy_areas;
    DROP TRIGGER IF EXISTS practice_policy_areas_version_upd ON practice_policy_areas;
    DROP TRIGGER IF EXISTS practice_policy_areas_version_del ON practice_policy_areas;
    EXECUTE format('CREATE TRIGGER practice_policy_areas_version_ins AFTER INSERT ON practice_policy_areas
                    REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)', args);
    EXECUTE format('CREATE TRIGGER practice_policy_areas_version_upd AFTER UPDATE ON practice_policy_areas
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)', args);
    EXECUTE format('CREATE TRIGGER practice_policy_areas_version_del AFTER DELETE ON practice_policy_areas
                    REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION record_data_change(%s)', args);
END $$;
