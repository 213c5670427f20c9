-- Each practice's GeoJSON Feature as `GET /api/v1/practices` lists it, written when the
-- practice, its city, policy areas or sources change, as `city_stats` keeps each city's. A
-- page of practices built every Feature per request (`json_build_object` with two subqueries
-- and four language choices per practice): three quarters of PostgreSQL's time for a page
-- of thirty practices, and the practices' answers are the slowest to make again after a
-- write. The parts that depend on the request are spliced in when a page is written: the
-- texts in the language asked for (kept where they differ from English's), whether the
-- status needs checking (it depends on today's date) and the distance from `near`.
CREATE TABLE practice_features (
    practice_id bigint PRIMARY KEY REFERENCES practices(id) ON DELETE CASCADE,
    -- `{"type" : "Feature", "id" : …, "geometry" : …, "properties" : {"slug" : …`
    head text NOT NULL,
    -- Per language code: `"title" : …, "title_lang" : …, "summary" : …, "summary_lang" : …`,
    -- English always, another language only where its texts differ from English's.
    texts jsonb NOT NULL,
    -- `"city" : …, "country" : …, "policy_areas" : …, "status" : …, "status_as_of" : …`
    middle text NOT NULL,
    -- The last day the status is confirmed for (its date's whole year or month); NULL when
    -- the status is unknown or undated: `needs_checking` is this older than two years.
    confirmed_until date,
    -- `"single_source" : …, "started" : …, "ended" : …, "organisation" : …`
    tail text NOT NULL
) WITH (toast_tuple_target = 8160);
-- Kept inline and uncompressed (a row of long summaries in four languages is some 4 KB):
-- compressed, reading a page's texts cost more than writing it.
ALTER TABLE practice_features ALTER COLUMN texts SET STORAGE MAIN;

-- A JSON object's text without its braces: its members, to splice into another object.
CREATE FUNCTION haven_json_members(object json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT substr(object::text, 2, length(object::text) - 2) $$;

-- The texts of a practice in each language, as the list shows them (`title`, `summary` and
-- their languages: the one asked for, else English, else the original, `haven_pick_lang`):
-- English's always, another language's only where they differ from English's (a page reads
-- `texts ->> lang`, else `texts ->> 'en'`). Most practices are written in one or two
-- languages: a bulk load of a million wrote four copies of their texts, a minute of its five.
CREATE FUNCTION practice_feature_texts(title jsonb, summary jsonb, original text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    texts jsonb;
    lang text;
    title_lang text;
    summary_lang text;
    english_title text;
    english_summary text;
BEGIN
    FOREACH lang IN ARRAY ARRAY['en', 'de', 'fr', 'es'] LOOP
        title_lang := haven_pick_lang(title, lang, original);
        summary_lang := haven_pick_lang(summary, lang, original);
        IF lang = 'en' THEN
            english_title := title_lang;
            english_summary := summary_lang;
        ELSIF title_lang IS NOT DISTINCT FROM english_title
              AND summary_lang IS NOT DISTINCT FROM english_summary THEN
            CONTINUE;
        END IF;
        texts := coalesce(texts, '{}'::jsonb) || jsonb_build_object(lang, haven_json_members(json_build_object(
            'title', title ->> title_lang,
            'title_lang', title_lang,
            'summary', summary ->> summary_lang,
            'summary_lang', summary_lang)));
    END LOOP;
    RETURN texts;
END $$;

-- A practice's parts as `practice_features` keeps them, from the practice `p`, its city `c`,
-- its policy areas' slugs in their order (`areas`) and how many sources it has.
CREATE FUNCTION practice_feature_parts(p practices, c cities, areas json, sources bigint)
RETURNS TABLE (head text, texts jsonb, middle text, confirmed_until date, tail text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT left(json_build_object(
               'type', 'Feature',
               'id', p.slug,
               'geometry', ST_AsGeoJSON(coalesce(p.geom, c.geom), 5)::json,
               'properties', json_build_object('slug', p.slug))::text, -2),
           practice_feature_texts(p.title, p.summary, p.original_lang),
           haven_json_members(json_build_object(
               'city', json_build_object('slug', c.slug, 'name', c.name),
               'country', c.country,
               'policy_areas', coalesce(areas, '[]'::json),
               'status', p.status,
               'status_as_of', p.status_as_of)),
           CASE WHEN p.status <> 'unknown' AND p.status_as_of IS NOT NULL THEN
               CASE length(p.status_as_of)
                   WHEN 4 THEN make_date(p.status_as_of::int, 12, 31)
                   WHEN 7 THEN (to_date(p.status_as_of, 'YYYY-MM') + interval '1 month - 1 day')::date
                   ELSE p.status_as_of::date END
           END,
           haven_json_members(json_build_object(
               'single_source', sources = 1,
               'started', p.started,
               'ended', p.ended,
               'organisation', p.organisation))
$$;

-- The parts of a few practices (the upkeep filters it by `practice_id`).
CREATE VIEW practice_features_fresh AS
SELECT p.id AS practice_id, f.*
FROM practices p JOIN cities c ON c.id = p.city_id
CROSS JOIN LATERAL practice_feature_parts(p, c,
    (SELECT json_agg(pa.slug ORDER BY pa.position)
     FROM practice_policy_areas ppa JOIN policy_areas pa ON pa.slug = ppa.policy_area
     WHERE ppa.practice_id = p.id),
    (SELECT count(*) FROM practice_sources s WHERE s.practice_id = p.id)) f;

-- Every practice's parts at once: the areas and sources read in one pass each.
CREATE VIEW practice_features_all AS
SELECT p.id AS practice_id, f.*
FROM practices p JOIN cities c ON c.id = p.city_id
LEFT JOIN (SELECT ppa.practice_id, json_agg(pa.slug ORDER BY pa.position) AS areas
           FROM practice_policy_areas ppa JOIN policy_areas pa ON pa.slug = ppa.policy_area
           GROUP BY ppa.practice_id) a ON a.practice_id = p.id
LEFT JOIN (SELECT practice_id, count(*) AS sources FROM practice_sources GROUP BY practice_id) s
    ON s.practice_id = p.id
CROSS JOIN LATERAL practice_feature_parts(p, c, a.areas, coalesce(s.sources, 0)) f;

-- Writes the parts of the practices `ids` (from `practice_features_fresh`), or of every
-- practice (`every`, from `practice_features_all`); rows that come out the same are left
-- alone. One statement text, planned for the source it reads.
CREATE FUNCTION practice_features_write(ids bigint[], every boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO practice_features AS f SELECT * FROM %s
         ON CONFLICT (practice_id) DO UPDATE SET
             head = EXCLUDED.head, texts = EXCLUDED.texts, middle = EXCLUDED.middle,
             confirmed_until = EXCLUDED.confirmed_until, tail = EXCLUDED.tail
         WHERE (f.head, f.texts, f.middle, f.confirmed_until, f.tail)
               IS DISTINCT FROM (EXCLUDED.head, EXCLUDED.texts, EXCLUDED.middle,
                                 EXCLUDED.confirmed_until, EXCLUDED.tail)',
        CASE WHEN every THEN 'practice_features_all'
             ELSE '(SELECT * FROM practice_features_fresh f WHERE f.practice_id = ANY($1)) f' END)
    USING ids;
END $$;

-- The upkeep: after each statement that changes what a practice's Feature shows (a removed
-- practice's row goes with it). Bulk loads write them all at their commit.
CREATE FUNCTION practice_features_on_practices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    PERFORM practice_features_write(ARRAY(SELECT id FROM new_rows), false);
    RETURN NULL;
END $$;

CREATE FUNCTION practice_features_on_practice_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM practice_features_write(ARRAY(SELECT DISTINCT practice_id FROM new_rows), false);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM practice_features_write(ARRAY(
            SELECT practice_id FROM new_rows UNION SELECT practice_id FROM old_rows), false);
    ELSE
        PERFORM practice_features_write(ARRAY(SELECT DISTINCT practice_id FROM old_rows), false);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION practice_features_on_cities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    PERFORM practice_features_write(ARRAY(
        SELECT p.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN practices p ON p.city_id = n.id
        WHERE (n.slug, n.name, n.country) IS DISTINCT FROM (o.slug, o.name, o.country)
           OR (p.geom IS NULL AND NOT ST_Equals(n.geom, o.geom))), false);
    RETURN NULL;
END $$;

CREATE FUNCTION practice_features_on_policy_areas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    PERFORM practice_features_write(ARRAY(
        SELECT DISTINCT ppa.practice_id FROM practice_policy_areas ppa
        JOIN new_rows n ON n.slug = ppa.policy_area JOIN old_rows o ON o.slug = n.slug
        WHERE n.position IS DISTINCT FROM o.position), false);
    RETURN NULL;
END $$;

CREATE TRIGGER practice_features_ins AFTER INSERT ON practices
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practices();
CREATE TRIGGER practice_features_upd AFTER UPDATE ON practices
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practices();
CREATE TRIGGER practice_features_ins AFTER INSERT ON practice_policy_areas
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practice_children();
CREATE TRIGGER practice_features_upd AFTER UPDATE ON practice_policy_areas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practice_children();
CREATE TRIGGER practice_features_del AFTER DELETE ON practice_policy_areas
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practice_children();
CREATE TRIGGER practice_features_ins AFTER INSERT ON practice_sources
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practice_children();
CREATE TRIGGER practice_features_upd AFTER UPDATE ON practice_sources
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practice_children();
CREATE TRIGGER practice_features_del AFTER DELETE ON practice_sources
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_practice_children();
CREATE TRIGGER practice_features_upd AFTER UPDATE ON cities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_cities();
CREATE TRIGGER practice_features_upd AFTER UPDATE ON policy_areas
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION practice_features_on_policy_areas();

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
    PERFORM practice_features_write(NULL, true);
END $$;

SELECT practice_features_write(NULL, true);
