CREATE OR REPLACE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_refresh(ARRAY(SELECT id FROM cities));
    PERFORM tile_points_rebuild();
    PERFORM site_entries_rebuild(1::smallint);
    PERFORM site_entries_rebuild(2::smallint);
    PERFORM site_entries_rebuild(3::smallint);
    PERFORM site_entries_rebuild(4::smallint);
    PERFORM haven_refresh_place_prefix_tops(NULL);
    PERFORM policy_area_stats_refresh(ARRAY(SELECT slug::text FROM policy_areas));
END $$;

CREATE OR REPLACE FUNCTION policy_area_stats_refresh(areas text[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM policy_area_stats s
    WHERE s.policy_area = ANY(areas)
      AND NOT EXISTS (SELECT 1 FROM policy_areas pa WHERE pa.slug = s.policy_area);
    INSERT INTO policy_area_stats AS s
    SELECT * FROM policy_area_stats_fresh f WHERE f.policy_area = ANY(areas)
    ON CONFLICT (policy_area) DO UPDATE SET practice_count = EXCLUDED.practice_count
    WHERE s.practice_count IS DISTINCT FROM EXCLUDED.practice_count;
$$;

DROP FUNCTION policy_area_stats_write(text[], boolean);
DROP VIEW policy_area_stats_all;

CREATE OR REPLACE FUNCTION city_stats_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO city_stats AS s
    SELECT * FROM city_stats_fresh f WHERE f.city_id = ANY(ids)
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
           EXCLUDED.practice_count, EXCLUDED.feature);
$$;

DROP FUNCTION city_stats_write(bigint[], boolean);
DROP VIEW city_stats_all;

CREATE OR REPLACE VIEW city_stats_fresh AS
SELECT s.city_id, s.listed, s.networks, s.safe_harbour, s.safe_harbour_since, s.alliance,
       s.areas, s.practice_count,
       -- The city's GeoJSON Feature as `GET /api/v1/cities` lists it, but for the properties
       -- that depend on the request (`country_name` by language, `distance_km`), which the
       -- query splices in before the closing `}}`.
       json_build_object(
           'type', 'Feature',
           'id', c.slug,
           'geometry', ST_AsGeoJSON(c.geom, 5)::json,
           'properties', json_build_object(
               'slug', c.slug,
               'name', c.name,
               'kind', c.kind,
               'country', c.country,
               'region', r.name,
               'population', c.population,
               'networks', to_json(s.networks),
               'safe_harbour', CASE WHEN s.safe_harbour IS NOT NULL
                   THEN json_build_object('status', s.safe_harbour, 'since', s.safe_harbour_since) END,
               'alliance_member', s.alliance,
               'policy_areas', to_json(s.areas),
               'practice_count', s.practice_count)
       )::text AS feature
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

DROP FUNCTION city_stats_feature(cities, text, text[], text, partial_date, boolean, text[], bigint);
