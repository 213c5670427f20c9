-- A bulk load's rebuild of every practice's kept parts, computed by parallel workers: an
-- INSERT never runs its query in parallel, so the million practices' parts of ten times the
-- data were computed on one core (72.6 s of a 316 s load, on a machine with two). Created as a
-- temporary table first (a query PostgreSQL runs in parallel: 29 s instead of 49 s for the
-- parts alone), then written as before. A write's few practices take the same path as before.
CREATE OR REPLACE FUNCTION practice_features_write(ids bigint[], every boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    source text := '(SELECT * FROM practice_features_fresh f WHERE f.practice_id = ANY($1)) f';
BEGIN
    IF every THEN
        CREATE TEMP TABLE practice_features_new ON COMMIT DROP AS
            SELECT * FROM practice_features_all;
        source := 'pg_temp.practice_features_new';
    END IF;
    EXECUTE format(
        'INSERT INTO practice_features AS f SELECT * FROM %s
         ON CONFLICT (practice_id) DO UPDATE SET
             head = EXCLUDED.head, texts = EXCLUDED.texts, middle = EXCLUDED.middle,
             confirmed_until = EXCLUDED.confirmed_until, tail = EXCLUDED.tail
         WHERE (f.head, f.texts, f.middle, f.confirmed_until, f.tail)
               IS DISTINCT FROM (EXCLUDED.head, EXCLUDED.texts, EXCLUDED.middle,
                                 EXCLUDED.confirmed_until, EXCLUDED.tail)',
        source)
    USING ids;
    IF every THEN
        DROP TABLE pg_temp.practice_features_new;
    END IF;
END $$;
