-- The index of every page keeps each practice once, not once per language.
-- A practice's entry differed between the four languages only in the title shown (and its
-- language); its order (city, then slug) is the same in all four. Kept per language, a load of
-- a million practices wrote four million entries into the page's wide ordered index: 87 s of a
-- five-minute load. Now `site_practices` holds one row per practice with every title, and the
-- page picks the title of its language when it reads them (`model::site`).

-- The practices' entries computed from scratch: the one definition of every column. The
-- triggers refresh `site_practices` from it, and tests compare the two.
CREATE VIEW site_practices_fresh AS
SELECT p.id, c.name AS city, p.slug::text AS slug, c.country::text AS country,
       (p.updated_at AT TIME ZONE 'UTC')::date AS updated, p.title, p.original_lang::text AS original_lang
FROM practices p
JOIN cities c ON c.id = p.city_id
WHERE p.published AND c.published;

CREATE TABLE site_practices (
    id            bigint PRIMARY KEY,
    -- The city's name: the first key of the page's order.
    city          text NOT NULL,
    slug          text NOT NULL,
    country       text NOT NULL,
    -- The UTC date of the practice's last change.
    updated       date NOT NULL,
    -- Every title ({lang: text}) and the language the practice was written in, to pick from.
    title         jsonb NOT NULL,
    original_lang text NOT NULL
);
-- The page's order of the practices: by city, then slug.
CREATE INDEX site_practices_order_idx ON site_practices (city, slug);

-- The entries of the other subjects, per language, as before.
CREATE OR REPLACE VIEW site_entries_fresh AS
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

-- Recomputes the entries of the subjects `ids` of `refresh_kind`: the practices' (kind 2) in
-- `site_practices`, the others' in `site_entries` in every language. Entries whose subject no
-- longer has a page go, the others are written when they changed. The callers (the triggers)
-- stay as they were.
CREATE OR REPLACE FUNCTION site_entries_refresh(refresh_kind smallint, ids bigint[]) RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF refresh_kind = 2 THEN
        DELETE FROM site_practices s
        WHERE s.id = ANY(ids)
          AND NOT EXISTS (SELECT 1 FROM site_practices_fresh f WHERE f.id = ANY(ids) AND f.id = s.id);
        INSERT INTO site_practices AS s
        SELECT * FROM site_practices_fresh f WHERE f.id = ANY(ids)
        ON CONFLICT (id) DO UPDATE SET
            city = EXCLUDED.city, slug = EXCLUDED.slug, country = EXCLUDED.country,
            updated = EXCLUDED.updated, title = EXCLUDED.title, original_lang = EXCLUDED.original_lang
        WHERE (s.city, s.slug, s.country, s.updated, s.title, s.original_lang)
              IS DISTINCT FROM
              (EXCLUDED.city, EXCLUDED.slug, EXCLUDED.country, EXCLUDED.updated, EXCLUDED.title,
               EXCLUDED.original_lang);
        RETURN;
    END IF;
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

-- Every entry of `rebuild_kind` anew from its view (the practices' in `site_practices`).
CREATE OR REPLACE FUNCTION site_entries_rebuild(rebuild_kind smallint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF rebuild_kind = 2 THEN
        CREATE TEMP TABLE site_practices_new ON COMMIT DROP AS SELECT * FROM site_practices_fresh;
        ANALYZE pg_temp.site_practices_new;
        DELETE FROM site_practices s
        WHERE NOT EXISTS (SELECT 1 FROM pg_temp.site_practices_new f WHERE f.id = s.id);
        INSERT INTO site_practices AS s SELECT * FROM pg_temp.site_practices_new
        ON CONFLICT (id) DO UPDATE SET
            city = EXCLUDED.city, slug = EXCLUDED.slug, country = EXCLUDED.country,
            updated = EXCLUDED.updated, title = EXCLUDED.title, original_lang = EXCLUDED.original_lang
        WHERE (s.city, s.slug, s.country, s.updated, s.title, s.original_lang)
              IS DISTINCT FROM
              (EXCLUDED.city, EXCLUDED.slug, EXCLUDED.country, EXCLUDED.updated, EXCLUDED.title,
               EXCLUDED.original_lang);
        DROP TABLE pg_temp.site_practices_new;
        RETURN;
    END IF;
    CREATE TEMP TABLE site_entries_new ON COMMIT DROP AS
        SELECT * FROM site_entries_fresh f WHERE f.kind = rebuild_kind;
    ANALYZE pg_temp.site_entries_new;
    DELETE FROM site_entries s
    WHERE s.kind = rebuild_kind
      AND NOT EXISTS (SELECT 1 FROM pg_temp.site_entries_new f WHERE f.id = s.id AND f.lang = s.lang);
    INSERT INTO site_entries AS s SELECT * FROM pg_temp.site_entries_new
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
    DROP TABLE pg_temp.site_entries_new;
END $$;

CREATE OR REPLACE FUNCTION bulk_load_finish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM bulk_loads WHERE txid = NEW.txid;
    ANALYZE cities;
    ANALYZE practices;
    ANALYZE practice_policy_areas;
    ANALYZE memberships;
    ANALYZE safe_harbour_demands;
    PERFORM haven_rebuild_derived();
    ANALYZE city_stats;
    ANALYZE tile_points;
    ANALYZE tile_cells;
    ANALYZE site_entries;
    ANALYZE site_practices;
    PERFORM set_config('haven.bulk_load', 'off', true);
    RETURN NULL;
END $$;

DELETE FROM site_entries WHERE kind = 2;
INSERT INTO site_practices SELECT * FROM site_practices_fresh;
