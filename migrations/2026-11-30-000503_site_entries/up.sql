-- Every subject that has a page (listed cities, published practices, networks, policy areas),
-- named and ordered in each language: what the index of every page (`/{lang}/`) and the
-- sitemap list. Computed per request, the list joined cities, their summary and countries,
-- chose each practice's title language and sorted some 900 rows: 3-5 ms of PostgreSQL per
-- page, most of the page's cost. Kept here by statement-level triggers (as `city_stats`)
-- that recompute only the subjects a statement touched, inside the writing transaction; the
-- page reads its rows in order from one index.

-- The entries computed from scratch: the one definition of every column. The triggers
-- refresh `site_entries` from it, and tests compare the two.
CREATE VIEW site_entries_fresh AS
-- kind: 1 city, 2 practice, 3 network, 4 policy area (the order of the index page).
-- id: the subject's id (a policy area's position). Order within a kind: position, sort_a,
-- sort_b, slug.
SELECT l.lang, 1::smallint AS kind, c.id, 0::smallint AS position,
       coalesce(co.names ->> l.lang, co.name) AS sort_a, c.name AS sort_b,
       c.slug::text AS slug, c.name, NULL::text AS name_lang, c.country::text AS country,
       coalesce(co.names ->> l.lang, co.name) AS country_name, NULL::text AS city,
       (c.updated_at AT TIME ZONE 'UTC')::date AS updated
FROM cities c
JOIN city_stats cs ON cs.city_id = c.id
JOIN countries co ON co.iso2 = c.country
CROSS JOIN (VALUES ('de'), ('en'), ('fr'), ('es')) l (lang)
WHERE c.published AND cs.listed
UNION ALL
SELECT l.lang, 2::smallint, p.id, 0::smallint, c.name, p.slug::text,
       p.slug::text, coalesce(p.title ->> t.lang, p.slug::text), t.lang, c.country::text,
       NULL::text, c.name, (p.updated_at AT TIME ZONE 'UTC')::date
FROM practices p
JOIN cities c ON c.id = p.city_id
CROSS JOIN (VALUES ('de'), ('en'), ('fr'), ('es')) l (lang)
CROSS JOIN LATERAL (SELECT haven_pick_lang(p.title, l.lang, p.original_lang) AS lang) t
WHERE p.published AND c.published
UNION ALL
SELECT l.lang, 3::smallint, n.id, 0::smallint, coalesce(n.names ->> l.lang, n.name), n.slug::text,
       n.slug::text, coalesce(n.names ->> l.lang, n.name), NULL::text, NULL::text,
       NULL::text, NULL::text, (n.updated_at AT TIME ZONE 'UTC')::date
FROM networks n
CROSS JOIN (VALUES ('de'), ('en'), ('fr'), ('es')) l (lang)
UNION ALL
SELECT l.lang, 4::smallint, pa.position::bigint, pa.position, '', '',
       pa.slug::text, pa.labels ->> l.lang, NULL::text, NULL::text,
       NULL::text, NULL::text, (pa.updated_at AT TIME ZONE 'UTC')::date
FROM policy_areas pa
CROSS JOIN (VALUES ('de'), ('en'), ('fr'), ('es')) l (lang);

CREATE TABLE site_entries (
    lang         text NOT NULL,
    kind         smallint NOT NULL,
    id           bigint NOT NULL,
    position     smallint NOT NULL,
    sort_a       text NOT NULL,
    sort_b       text NOT NULL,
    slug         text NOT NULL,
    -- The name in `lang` (a practice's title in `name_lang`, the language chosen for it).
    name         text,
    name_lang    text,
    -- Cities and practices: the country's code; cities: its name in `lang`.
    country      text,
    country_name text,
    -- Practices: the city's name.
    city         text,
    -- The UTC date of the subject's last change.
    updated      date NOT NULL,
    PRIMARY KEY (kind, id, lang)
);
-- The index page's order, with every column it reads: one index-only scan per language and
-- no sort (sorting the 900 entries by their names costs more than all the rest).
CREATE INDEX site_entries_order_idx ON site_entries (lang, kind, position, sort_a, sort_b, slug)
    INCLUDE (name, name_lang, country, country_name, city, updated);

-- Recomputes the entries of the subjects `ids` of `refresh_kind` in every language: entries
-- whose subject no longer has a page go, the others are written when they changed. PL/pgSQL
-- with generic plans: it keeps one plan per statement for the session. Planning the view for
-- the given kind and ids (which an SQL function does on every call, and PL/pgSQL too while
-- such a plan looks cheaper than the generic one) costs ten times more than the refresh.
CREATE FUNCTION site_entries_refresh(refresh_kind smallint, ids bigint[]) RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    DELETE FROM site_entries s
    WHERE s.kind = refresh_kind AND s.id = ANY(ids)
      AND NOT EXISTS (SELECT 1 FROM site_entries_fresh f
                      WHERE f.kind = refresh_kind AND f.id = ANY(ids)
                        AND f.id = s.id AND f.lang = s.lang);
    INSERT INTO site_entries AS s
    SELECT * FROM site_entries_fresh f WHERE f.kind = refresh_kind AND f.id = ANY(ids)
    ON CONFLICT (kind, id, lang) DO UPDATE SET
        position = EXCLUDED.position, sort_a = EXCLUDED.sort_a, sort_b = EXCLUDED.sort_b,
        slug = EXCLUDED.slug, name = EXCLUDED.name, name_lang = EXCLUDED.name_lang,
        country = EXCLUDED.country, country_name = EXCLUDED.country_name, city = EXCLUDED.city,
        updated = EXCLUDED.updated
    WHERE (s.position, s.sort_a, s.sort_b, s.slug, s.name, s.name_lang, s.country,
           s.country_name, s.city, s.updated)
          IS DISTINCT FROM
          (EXCLUDED.position, EXCLUDED.sort_a, EXCLUDED.sort_b, EXCLUDED.slug, EXCLUDED.name,
           EXCLUDED.name_lang, EXCLUDED.country, EXCLUDED.country_name, EXCLUDED.city,
           EXCLUDED.updated);
END $$;

-- One function per source table: which subjects a statement touched. Transition tables are
-- `new_rows` / `old_rows` (an INSERT has only the first, a DELETE only the second).

CREATE FUNCTION site_entries_on_cities() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT id FROM old_rows);
    ELSE
        ids := ARRAY(SELECT id FROM new_rows);
    END IF;
    PERFORM site_entries_refresh(1::smallint, ids);
    -- A practice's entry shows its city's name and country, and only a published city's.
    PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT p.id FROM practices p WHERE p.city_id = ANY(ids)));
    RETURN NULL;
END $$;

CREATE FUNCTION site_entries_on_city_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only whether a city is listed matters.
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT city_id FROM old_rows));
    ELSE
        PERFORM site_entries_refresh(1::smallint, ARRAY(
            SELECT n.city_id FROM new_rows n JOIN old_rows o ON o.city_id = n.city_id
            WHERE n.listed IS DISTINCT FROM o.listed));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION site_entries_on_countries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A country's name heads its cities.
    PERFORM site_entries_refresh(1::smallint, ARRAY(
        SELECT c.id FROM new_rows n JOIN old_rows o ON o.iso2 = n.iso2 JOIN cities c ON c.country = n.iso2
        WHERE (n.name, n.names) IS DISTINCT FROM (o.name, o.names)));
    RETURN NULL;
END $$;

CREATE FUNCTION site_entries_on_practices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION site_entries_on_networks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION site_entries_on_policy_areas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Keyed by position: a moved area leaves its old position and takes the new one.
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM old_rows));
    ELSE
        PERFORM site_entries_refresh(4::smallint, ARRAY(
            SELECT position::bigint FROM new_rows UNION SELECT position::bigint FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per event.
-- An update keeps the ids of cities, practices and networks (they are never changed), so the
-- old rows name the same subjects as the new ones.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cities', 'city_stats', 'practices', 'networks', 'policy_areas']
    LOOP
        EXECUTE format('CREATE TRIGGER site_entries_ins AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, 'site_entries_on_' || t);
        EXECUTE format('CREATE TRIGGER site_entries_upd AFTER UPDATE ON %I
                        REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, 'site_entries_on_' || t);
        EXECUTE format('CREATE TRIGGER site_entries_del AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()', t, 'site_entries_on_' || t);
    END LOOP;
END $$;
CREATE TRIGGER site_entries_upd AFTER UPDATE ON countries REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION site_entries_on_countries();

-- Backfill, in the order of the pages.
INSERT INTO site_entries SELECT * FROM site_entries_fresh f
ORDER BY f.lang, f.kind, f.position, f.sort_a, f.sort_b, f.slug;
ANALYZE site_entries;
