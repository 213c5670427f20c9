-- The views lose their last columns: dropped and made again as migration 000710 left them
-- (the functions that read them are resolved at call time).
DROP VIEW city_stats_all;
DROP VIEW city_stats_fresh;
CREATE VIEW city_stats_fresh AS
SELECT s.city_id, s.listed, s.networks, s.safe_harbour, s.safe_harbour_since, s.alliance,
       s.areas, s.practice_count,
       city_stats_feature(c, r.name, s.networks, s.safe_harbour, s.safe_harbour_since,
                          s.alliance, s.areas, s.practice_count) AS feature
FROM (
    SELECT c.id AS city_id,
           c.published AND (
               EXISTS (SELECT 1 FROM memberships m WHERE m.city_id = c.id AND m.published)
               OR EXISTS (SELECT 1 FROM safe_harbour_demands d WHERE d.city_id = c.id)
               OR EXISTS (SELECT 1 FROM practices p WHERE p.city_id = c.id AND p.published)
           ) AS listed,
           ARRAY(SELECT n.slug::text FROM memberships m JOIN networks n ON n.id = m.network_id
                 WHERE m.city_id = c.id AND m.published AND m.status <> 'left'
                 ORDER BY n.slug) AS networks,
           sh.status AS safe_harbour,
           sh.since AS safe_harbour_since,
           EXISTS (SELECT 1 FROM memberships m JOIN networks n ON n.id = m.network_id
                   WHERE m.city_id = c.id AND m.published AND m.status <> 'left'
                     AND n.slug = 'buendnis-staedte-sicherer-haefen') AS alliance,
           ARRAY(SELECT pa.slug::text FROM policy_areas pa
                 WHERE EXISTS (SELECT 1 FROM practices p
                               JOIN practice_policy_areas ppa ON ppa.practice_id = p.id
                               WHERE p.city_id = c.id AND p.published AND ppa.policy_area = pa.slug)
                 ORDER BY pa.position) AS areas,
           (SELECT count(*) FROM practices p WHERE p.city_id = c.id AND p.published) AS practice_count
    FROM cities c
    LEFT JOIN LATERAL (
        -- At most one: one campaign network, one membership per city and network.
        SELECT m.status, m.since FROM memberships m JOIN networks n ON n.id = m.network_id
        WHERE m.city_id = c.id AND m.published AND m.status <> 'left' AND n.is_safe_harbour_campaign
        LIMIT 1
    ) sh ON true
) s
JOIN cities c ON c.id = s.city_id
LEFT JOIN regions r ON r.id = c.region_id;

CREATE VIEW city_stats_all AS
WITH live AS (
    -- Current published memberships.
    SELECT m.city_id, n.slug::text AS slug, n.is_safe_harbour_campaign AS campaign,
           m.status, m.since
    FROM memberships m JOIN networks n ON n.id = m.network_id
    WHERE m.published AND m.status <> 'left'
),
nets AS (
    SELECT city_id, array_agg(slug ORDER BY slug) AS networks,
           bool_or(slug = 'buendnis-staedte-sicherer-haefen') AS alliance
    FROM live GROUP BY city_id
),
sh AS (
    -- At most one per city: one campaign network, one membership per city and network.
    SELECT DISTINCT ON (city_id) city_id, status, since FROM live WHERE campaign
),
counts AS (
    SELECT city_id, count(*) AS practice_count FROM practices WHERE published GROUP BY city_id
),
areas AS (
    SELECT city_id, array_agg(slug ORDER BY position) AS areas
    FROM (SELECT DISTINCT p.city_id, pa.slug::text AS slug, pa.position
          FROM practices p
          JOIN practice_policy_areas ppa ON ppa.practice_id = p.id
          JOIN policy_areas pa ON pa.slug = ppa.policy_area
          WHERE p.published) x
    GROUP BY city_id
),
s AS (
    SELECT c.id AS city_id,
           c.published AND (
               c.id IN (SELECT city_id FROM memberships WHERE published)
               OR c.id IN (SELECT city_id FROM safe_harbour_demands)
               OR k.city_id IS NOT NULL
           ) AS listed,
           coalesce(nets.networks, '{}') AS networks,
           sh.status AS safe_harbour,
           sh.since AS safe_harbour_since,
           coalesce(nets.alliance, false) AS alliance,
           coalesce(a.areas, '{}') AS areas,
           coalesce(k.practice_count, 0) AS practice_count
    FROM cities c
    LEFT JOIN nets ON nets.city_id = c.id
    LEFT JOIN sh ON sh.city_id = c.id
    LEFT JOIN counts k ON k.city_id = c.id
    LEFT JOIN areas a ON a.city_id = c.id
)
SELECT s.city_id, s.listed, s.networks, s.safe_harbour, s.safe_harbour_since, s.alliance,
       s.areas, s.practice_count,
       city_stats_feature(c, r.name, s.networks, s.safe_harbour, s.safe_harbour_since,
                          s.alliance, s.areas, s.practice_count) AS feature
FROM s
JOIN cities c ON c.id = s.city_id
LEFT JOIN regions r ON r.id = c.region_id;

CREATE OR REPLACE FUNCTION city_stats_write(ids bigint[], every boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO city_stats AS s SELECT * FROM %s
         ON CONFLICT (city_id) DO UPDATE SET
            listed = EXCLUDED.listed, networks = EXCLUDED.networks,
            safe_harbour = EXCLUDED.safe_harbour, safe_harbour_since = EXCLUDED.safe_harbour_since,
            alliance = EXCLUDED.alliance, areas = EXCLUDED.areas,
            practice_count = EXCLUDED.practice_count, feature = EXCLUDED.feature
         WHERE (s.listed, s.networks, s.safe_harbour, s.safe_harbour_since, s.alliance, s.areas,
                s.practice_count, s.feature)
               IS DISTINCT FROM
               (EXCLUDED.listed, EXCLUDED.networks, EXCLUDED.safe_harbour,
                EXCLUDED.safe_harbour_since, EXCLUDED.alliance, EXCLUDED.areas,
                EXCLUDED.practice_count, EXCLUDED.feature)',
        CASE WHEN every THEN 'city_stats_all'
             ELSE '(SELECT * FROM city_stats_fresh f WHERE f.city_id = ANY($1)) f' END)
    USING ids;
END $$;

DROP INDEX city_stats_listed_country_idx;
DROP INDEX city_stats_listed_slug_idx;
ALTER TABLE city_stats DROP COLUMN slug, DROP COLUMN country;
