-- The per-city summary the listings read: whether a city is listed, its networks, Safe
-- Harbour status, alliance membership, the policy areas of its practices and their count.
-- Computing these per request took correlated subqueries for every city (p99 in the hundreds
-- of milliseconds for the whole list); here they are kept exact by statement-level triggers
-- that recompute only the cities a statement touched, inside the writing transaction, so a
-- reader never sees a summary older than the data (and the data version bumped with it).

-- The summary computed from scratch: the one definition of every column. The triggers
-- refresh `city_stats` from it, and tests compare the two.
CREATE VIEW city_stats_fresh AS
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

CREATE TABLE city_stats (
    city_id            bigint PRIMARY KEY REFERENCES cities (id) ON DELETE CASCADE,
    -- Published, with a published membership, a demand record or a published practice.
    listed             boolean NOT NULL,
    -- Slugs of the networks of its current published memberships, by slug.
    networks           text[] NOT NULL,
    -- Status and date of its Seebrücke campaign membership, if any.
    safe_harbour       text,
    safe_harbour_since partial_date,
    alliance           boolean NOT NULL,
    -- Policy areas of its published practices, by the areas' position.
    areas              text[] NOT NULL,
    practice_count     bigint NOT NULL,
    -- Its Feature as listed, without `country_name` and `distance_km` (see the view).
    feature            text NOT NULL CHECK (right(feature, 2) = '}}')
);
CREATE INDEX city_stats_listed_idx ON city_stats (city_id) WHERE listed;
CREATE INDEX city_stats_networks_idx ON city_stats USING gin (networks);
CREATE INDEX city_stats_areas_idx ON city_stats USING gin (areas);

-- Recomputes the summary of the given cities (ids of deleted cities are skipped: their row
-- went with them). Rows that come out the same are left alone.
CREATE FUNCTION city_stats_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
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

-- One function per source table: which cities a statement touched. Transition tables are
-- `new_rows` / `old_rows` as for the data version triggers.

CREATE FUNCTION city_stats_on_cities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE -- UPDATE: what the summary and the rendered feature show.
        PERFORM city_stats_refresh(ARRAY(
            SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
            WHERE o.id IS NULL
               OR (n.published, n.slug, n.name, n.kind, n.country, n.region_id, n.population)
                  IS DISTINCT FROM (o.published, o.slug, o.name, o.kind, o.country, o.region_id, o.population)
               OR NOT ST_Equals(n.geom, o.geom)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM old_rows));
    ELSE
        PERFORM city_stats_refresh(ARRAY(
            SELECT x.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.city_id), (o.city_id)) x (city_id)
            WHERE (n.city_id, n.network_id, n.status, n.since, n.published)
                  IS DISTINCT FROM (o.city_id, o.network_id, o.status, o.since, o.published)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_networks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Inserted networks have no members yet; deleted ones take their memberships along,
    -- whose own trigger recomputes. Updates matter through the slug and the campaign flag.
    PERFORM city_stats_refresh(ARRAY(
        SELECT DISTINCT m.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN memberships m ON m.network_id = n.id
        WHERE (n.slug, n.is_safe_harbour_campaign) IS DISTINCT FROM (o.slug, o.is_safe_harbour_campaign)));
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_practices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM old_rows));
    ELSE -- a practice moved to another city, or was (un)published
        PERFORM city_stats_refresh(ARRAY(
            SELECT x.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.city_id), (o.city_id)) x (city_id)
            WHERE (n.city_id, n.published) IS DISTINCT FROM (o.city_id, o.published)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_practice_policy_areas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Practices deleted with their areas are gone here; their own trigger recomputes.
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(
            SELECT DISTINCT p.city_id FROM practices p WHERE p.id IN (SELECT practice_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(
            SELECT DISTINCT p.city_id FROM practices p WHERE p.id IN (SELECT practice_id FROM old_rows)));
    ELSE
        PERFORM city_stats_refresh(ARRAY(
            SELECT DISTINCT p.city_id FROM practices p
            WHERE p.id IN (SELECT practice_id FROM new_rows UNION SELECT practice_id FROM old_rows)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_safe_harbour_demands() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only whether a city has a demand record matters (it lists the city).
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM old_rows));
    ELSE
        PERFORM city_stats_refresh(ARRAY(
            SELECT n.city_id FROM new_rows n WHERE n.city_id NOT IN (SELECT city_id FROM old_rows)
            UNION
            SELECT o.city_id FROM old_rows o WHERE o.city_id NOT IN (SELECT city_id FROM new_rows)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_policy_areas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The areas are ordered by position: a reordering reorders every city's list.
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.slug = n.slug
               WHERE n.position IS DISTINCT FROM o.position) THEN
        PERFORM city_stats_refresh(ARRAY(SELECT city_id FROM city_stats WHERE areas <> '{}'));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION city_stats_on_regions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A renamed region shows in its cities' features.
    PERFORM city_stats_refresh(ARRAY(
        SELECT c.id FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN cities c ON c.region_id = n.id
        WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END $$;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per event.
CREATE TRIGGER city_stats_ins AFTER INSERT ON cities REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION city_stats_on_cities();
CREATE TRIGGER city_stats_upd AFTER UPDATE ON cities REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION city_stats_on_cities();

CREATE TRIGGER city_stats_upd AFTER UPDATE ON networks REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION city_stats_on_networks();

CREATE TRIGGER city_stats_upd AFTER UPDATE ON regions REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION city_stats_on_regions();

CREATE TRIGGER city_stats_upd AFTER UPDATE ON policy_areas REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION city_stats_on_policy_areas();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['memberships', 'practices', 'practice_policy_areas', 'safe_harbour_demands']
    LOOP
        EXECUTE format('CREATE TRIGGER city_stats_ins AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, 'city_stats_on_' || t);
        EXECUTE format('CREATE TRIGGER city_stats_upd AFTER UPDATE ON %I
                        REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, 'city_stats_on_' || t);
        EXECUTE format('CREATE TRIGGER city_stats_del AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, 'city_stats_on_' || t);
    END LOOP;
END $$;

-- Backfill.
INSERT INTO city_stats SELECT * FROM city_stats_fresh;
ANALYZE city_stats;
