CREATE OR REPLACE FUNCTION practice_features_write(ids bigint[], every boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO practice_features AS f SELECT * FROM %s
         ON CONFLICT (practice_id) DO UPDATE SET
             head = EXCLUDED.head, texts = EXCLUDED.texts, middle = EXCLUDED.middle,
             confirmed_until = EXCLUDED.confirmed_until, tail = EXCLUDED.tail
         WHERE (f.head, f.texts, f.middle, f.confirmed_until, f.tail)
               IS DISTINCT FROM (EXCLUDED.head, EXCLUDED.texts, EXCLUDED.middle,
                                 EXCLUDED.confirmed_until, EXCLUDED.tail)',
        CASE WHEN every THEN 'practice_features_all'
             ELSE '(SELECT * FROM practice_features_fresh f WHERE f.practice_id = ANY($1)) f' END)
    USING ids;
END $$;
