-- The practices' entries back in `site_entries`, once per language.

CREATE OR REPLACE VIEW site_entries_fresh AS
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

CREATE OR REPLACE FUNCTION site_entries_refresh(refresh_kind smallint, ids bigint[]) RETURNS void LANGUAGE plpgsql
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

CREATE OR REPLACE FUNCTION site_entries_rebuild(rebuild_kind smallint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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
    PERFORM set_config('haven.bulk_load', 'off', true);
    RETURN NULL;
END $$;

DROP TABLE site_practices;
DROP VIEW site_practices_fresh;
SELECT site_entries_refresh(2::smallint, ARRAY(SELECT id FROM practices));
