-- A write's upkeep of the derived tables with statements planned once per session.
--
-- The summaries of a write's city (`city_stats_write`) and the Features of its practices
-- (`practice_features_write`) were statements built with EXECUTE, so PostgreSQL planned them
-- anew on every call: 2–3 ms of planning for 1–2 ms of work. A statement written out in
-- PL/pgSQL keeps its plan, but only once PostgreSQL settles on a generic plan; for these
-- views it kept planning a custom plan for each call instead. So the few rows of a write now
-- take a statement written out with `plan_cache_mode = force_generic_plan` (measured in one
-- warm session over 30 cities: 4.2 → 1.2 ms a city's summaries; over 30 practices: 1.0 →
-- 0.4 ms a practice's Features, 2.3 → 0.7 ms its tile point), while many rows (a bulk load's
-- rebuild, a network renamed) keep a plan made for them with EXECUTE.

CREATE OR REPLACE FUNCTION city_stats_write(ids bigint[], every boolean) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF NOT every AND cardinality(ids) <= 100 THEN
        INSERT INTO city_stats AS s SELECT * FROM city_stats_fresh f WHERE f.city_id = ANY(ids)
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
               EXCLUDED.practice_count, EXCLUDED.feature, EXCLUDED.slug, EXCLUDED.country);
        RETURN;
    END IF;
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
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    source text := '(SELECT * FROM practice_features_fresh f WHERE f.practice_id = ANY($1)) f';
BEGIN
    IF NOT every AND cardinality(ids) <= 100 THEN
        INSERT INTO practice_features AS f
        SELECT * FROM practice_features_fresh s WHERE s.practice_id = ANY(ids)
        ON CONFLICT (practice_id) DO UPDATE SET
            head = EXCLUDED.head, texts = EXCLUDED.texts, middle = EXCLUDED.middle,
            confirmed_until = EXCLUDED.confirmed_until, tail = EXCLUDED.tail
        WHERE (f.head, f.texts, f.middle, f.confirmed_until, f.tail)
              IS DISTINCT FROM (EXCLUDED.head, EXCLUDED.texts, EXCLUDED.middle,
                                EXCLUDED.confirmed_until, EXCLUDED.tail);
        RETURN;
    END IF;
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

-- A practice's tile point: its statements are written out already, but were planned anew on
-- each call as well. Bulk loads rebuild the points with statements of their own
-- (`tile_points_rebuild`).
ALTER FUNCTION tile_points_refresh(bigint[]) SET plan_cache_mode = force_generic_plan;
