-- Restores the view of migration 000711.
CREATE OR REPLACE VIEW city_stats_fresh AS
SELECT s.city_id, s.listed, s.networks, s.safe_harbour, s.safe_harbour_since, s.alliance,
       s.areas, s.practice_count,
       city_stats_feature(c, r.name, s.networks, s.safe_harbour, s.safe_harbour_since,
                          s.alliance, s.areas, s.practice_count) AS feature,
       c.slug::text AS slug, c.country::text AS country
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
