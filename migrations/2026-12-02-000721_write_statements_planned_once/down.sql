-- Back to the statements built with EXECUTE (000711, 000717) and planned per call.
ALTER FUNCTION tile_points_refresh(bigint[]) RESET plan_cache_mode;
CREATE OR REPLACE FUNCTION city_stats_write(ids bigint[], every boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO city_stats AS s SELECT * FROM %s
         ON CONFLICT (city_id) DO UPDATE SET
            listed = EXCLUDED.listed, networks = EXCLUDED.networks,
            safe_harbour = EXCLUDED.safe_harbour, safe_harbour_since = EXCLUDED.safe_harbour_since,
            alliance = EXCLUDED.alliance, areas = EXCLUDED.areas,
            practice_count = EXCLUDED.practice_count, feature = EXCLUDED.feature,
            slug = EXCLUDED.slug, country = EXCLUDED.country
         WHERE (s.listed, s.networks, s.safe_harbour, s.safe_harbour_since, s.alliance, s.areas,
                s.practice_count, s.feature, s.slug, s.country)
               IS DISTINCT FROM
               (EXCLUDED.listed, EXCLUDED.networks, EXCLUDED.safe_harbour,
                EXCLUDED.safe_harbour_since, EXCLUDED.alliance, EXCLUDED.areas,
                EXCLUDED.practice_count, EXCLUDED.feature, EXCLUDED.slug, EXCLUDED.country)',
        CASE WHEN every THEN 'city_stats_all'
             ELSE '(SELECT * FROM city_stats_fresh f WHERE f.city_id = ANY($1)) f' END)
    USING ids;
END $$;
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
