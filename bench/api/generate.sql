-- A generated data set for the API benchmark, loaded after the test fixture
-- (server/tests/it/fixtures/sample.sql): 2,000 more listed cities spread over Germany, Poland
-- and Italy with memberships and demand records, and 1,000 practices with policy areas. It is
-- about twice the size of the bundled directory (a few hundred Safe Harbours and network
-- members), so the numbers are an upper bound for it.
INSERT INTO cities (slug, name, country, region_id, kind, population, geom)
SELECT 'bench-city-' || n, 'Benchstadt ' || n,
       (ARRAY['DE', 'PL', 'IT'])[1 + n % 3],
       (SELECT id FROM regions WHERE code = (ARRAY['05', '82', '15'])[1 + n % 3] AND level <> 'district'),
       'municipality', 1000 + n * 37,
       ST_SetSRID(ST_MakePoint(6 + (n % 97) * 0.12, 38 + (n % 89) * 0.18), 4326)
FROM generate_series(1, 2000) n;

INSERT INTO memberships (city_id, network_id, status, since, evidence_url)
SELECT c.id, n.id, 'member', '2020', 'https://example.org/' || c.slug
FROM cities c JOIN networks n ON (c.id + n.id) % 3 = 0
WHERE c.slug LIKE 'bench-city-%';

INSERT INTO safe_harbour_demands (city_id, demand_key, decided, fulfilled, as_of)
SELECT c.id, d.key, c.id % 2 = 0, NULL, '2021'
FROM cities c CROSS JOIN demands d
WHERE c.slug LIKE 'bench-city-%' AND c.id % 5 = 0;

INSERT INTO practices (slug, city_id, original_lang, title, summary, organisation, started, status)
SELECT 'bench-practice-' || n, (SELECT id FROM cities WHERE slug = 'bench-city-' || (1 + n % 2000)), 'de',
       jsonb_build_object('de', 'Praxis ' || n || ' Wohnen und Arbeit', 'en', 'Practice ' || n || ' housing and work'),
       jsonb_build_object('en', 'A generated practice about housing, work and welcoming newcomers.'),
       'Stadt ' || n, 2010 + n % 15, 'active'
FROM generate_series(1, 1000) n;

INSERT INTO practice_policy_areas (practice_id, policy_area)
SELECT p.id, a.slug
FROM practices p JOIN policy_areas a ON (p.id + a.position) % 4 = 0
WHERE p.slug LIKE 'bench-practice-%';

ANALYZE;
