-- A bulk load's commit computed every city's summary and every policy area's count with the
-- views that the per-statement upkeep uses for a few rows: one set of subqueries per city
-- (with 1,000,000 practices, 15 s for 20,000 cities) and one count per area over every link
-- (10 s). The rebuild now computes them set-based (`city_stats_all`, `policy_area_stats_all`:
-- one pass over the memberships, practices and links), and writes them with the same upsert
-- as the refresh of a few rows. The city's Feature text is written once
-- (`city_stats_feature`) for both.

-- The city's GeoJSON Feature as `GET /api/v1/cities` lists it, but for the properties that
-- depend on the request (`country_name` by language, `distance_km`), which the query splices
-- in before the closing `}}`.
CREATE FUNCTION city_stats_feature(c cities, region text, networks text[], safe_harbour text,
                                   safe_harbour_since partial_date, alliance boolean,
                                   areas text[], practice_count bigint)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT json_build_object(
        'type', 'Feature',
        'id', c.slug,
        'geometry', ST_AsGeoJSON(c.geom, 5)::json,
        'properties', json_build_object(
            'slug', c.slug,
            'name', c.name,
            'kind', c.kind,
            'country', c.country,
            'region', region,
            'population', c.population,
            'networks', to_json(networks),
            'safe_harbour', CASE WHEN safe_harbour IS NOT NULL
                THEN json_build_object('status', safe_harbour, 'since', safe_harbour_since) END,
            'alliance_member', alliance,
            'policy_areas', to_json(areas),
            'practice_count', practice_count)
    )::text
$$;

CREATE OR REPLACE VIEW city_stats_fresh AS
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

-- Every city's summary at once, the same rows as `city_stats_fresh`: each source table read
-- once and grouped by city.
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

-- Writes the summaries of the cities `ids` (from `city_stats_fresh`), or of every city
-- (`every`, from `city_stats_all`); rows that come out the same are left alone. One
-- statement text, planned for the source it reads.
CREATE FUNCTION city_stats_write(ids bigint[], every boolean) RETURNS void LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION city_stats_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    SELECT city_stats_write(ids, false);
$$;

-- Every policy area's count at once, the same rows as `policy_area_stats_fresh`.
CREATE VIEW policy_area_stats_all AS
SELECT pa.slug::text AS policy_area, coalesce(n.practice_count, 0) AS practice_count
FROM policy_areas pa
LEFT JOIN (
    SELECT ppa.policy_area, count(*) AS practice_count
    FROM practice_policy_areas ppa
    JOIN practices p ON p.id = ppa.practice_id
    JOIN cities c ON c.id = p.city_id
    WHERE p.published AND c.published
    GROUP BY ppa.policy_area
) n ON n.policy_area = pa.slug;

-- Counts the areas `areas` anew (from `policy_area_stats_fresh`), or every area (`every`,
-- from `policy_area_stats_all`); rows that come out the same are left alone, and areas that
-- no longer exist are removed.
CREATE FUNCTION policy_area_stats_write(areas text[], every boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM policy_area_stats s
    WHERE (every OR s.policy_area = ANY(areas))
      AND NOT EXISTS (SELECT 1 FROM policy_areas pa WHERE pa.slug = s.policy_area);
    EXECUTE format(
        'INSERT INTO policy_area_stats AS s SELECT * FROM %s
         ON CONFLICT (policy_area) DO UPDATE SET practice_count = EXCLUDED.practice_count
         WHERE s.practice_count IS DISTINCT FROM EXCLUDED.practice_count',
        CASE WHEN every THEN 'policy_area_stats_all'
             ELSE '(SELECT * FROM policy_area_stats_fresh f WHERE f.policy_area = ANY($1)) f' END)
    USING areas;
END $$;

CREATE OR REPLACE FUNCTION policy_area_stats_refresh(areas text[]) RETURNS void LANGUAGE sql AS $$
    SELECT policy_area_stats_write(areas, false);
$$;

CREATE OR REPLACE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_write(NULL, true);
    PERFORM tile_points_rebuild();
    PERFORM site_entries_rebuild(1::smallint);
    PERFORM site_entries_rebuild(2::smallint);
    PERFORM site_entries_rebuild(3::smallint);
    PERFORM site_entries_rebuild(4::smallint);
    PERFORM haven_refresh_place_prefix_tops(NULL);
    PERFORM policy_area_stats_write(NULL, true);
END $$;
