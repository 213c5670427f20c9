-- A generated data set for the tile tests and benchmark: 2,000 cities and 100,000 practices
-- (times the setting haven.bench_scale when given, e.g. PGOPTIONS='-c haven.bench_scale=10')
-- spread over Europe (half at their own point, half at their city's), each practice in one to
-- three policy areas, each city in one or two networks. Needs the policy areas, networks and
-- countries of the sample fixture (or of the bundled data). Deterministic (setseed). One bulk
-- load: the derived tables (city summaries, tile points, page index) are rebuilt once at commit.
BEGIN;
SELECT haven_begin_bulk_load();
SELECT setseed(0.42);
SELECT set_config('haven.bench_scale', coalesce(nullif(current_setting('haven.bench_scale', true), ''), '1'), true);

INSERT INTO cities (slug, name, country, kind, population, geom)
SELECT 'gen-city-' || i, 'Generated City ' || i,
       (ARRAY['DE', 'PL', 'IT'])[1 + i % 3], 'municipality', (random() * 1000000)::bigint,
       ST_SetSRID(ST_MakePoint(-10 + random() * 40, 36 + random() * 24), 4326)
FROM generate_series(1, 2000 * current_setting('haven.bench_scale')::int) AS i;

INSERT INTO memberships (city_id, network_id, status)
SELECT c.id, n.id, 'member'
FROM cities c
JOIN LATERAL (SELECT id FROM networks ORDER BY id OFFSET (c.id % 4) LIMIT 1 + (c.id % 2)) n ON true
WHERE c.slug LIKE 'gen-city-%';

INSERT INTO practices (slug, city_id, geom, original_lang, title, status)
SELECT 'gen-practice-' || i,
       (SELECT id FROM cities WHERE slug = 'gen-city-' || (1 + i % (2000 * current_setting('haven.bench_scale')::int))),
       CASE WHEN i % 2 = 0 THEN ST_SetSRID(ST_MakePoint(-10 + random() * 40, 36 + random() * 24), 4326) END,
       'en', jsonb_build_object('en', 'Generated practice ' || i), 'active'
FROM generate_series(1, 100000 * current_setting('haven.bench_scale')::int) AS i;

INSERT INTO practice_policy_areas (practice_id, policy_area)
SELECT DISTINCT p.id, pa.slug
FROM practices p
CROSS JOIN LATERAL generate_series(0, p.id % 3) AS k
JOIN policy_areas pa ON pa.position = 1 + (p.id * 7 + k * 5) % 12
WHERE p.slug LIKE 'gen-practice-%';

COMMIT;
