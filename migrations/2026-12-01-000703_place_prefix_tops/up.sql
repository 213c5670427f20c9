-- The most populous places per one- and two-character name prefix, for the place search: a
-- prefix that short matches thousands of names (`ko`: ~5,500 keys of ~2,000 places), and
-- ranking all of them by population on every keystroke took 50–300 ms. A place is under a
-- prefix when its name, its German transliteration or one of its alternate names starts with
-- it (folded as the search folds: `haven_fold`, `haven_fold_de`); each prefix keeps the 50 it
-- ranks first (most populous, then name, then id), as many as one search may ask for. The
-- triggers below keep it up to date with `places` and `place_names`.
CREATE TABLE place_prefix_tops (
    prefix      text NOT NULL,
    place_id    bigint NOT NULL,
    population  bigint,
    name        text NOT NULL,
    PRIMARY KEY (prefix, place_id)
);
CREATE INDEX place_prefix_tops_rank_idx
    ON place_prefix_tops (prefix, population DESC NULLS LAST, name, place_id);

-- The one- and two-character prefixes of `keys`.
CREATE FUNCTION haven_short_prefixes(keys text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT coalesce(array_agg(DISTINCT left(k, n)), '{}')
    FROM unnest(keys) AS k, generate_series(1, 2) AS n
    WHERE length(k) >= n
    $$;

-- Computes the entries of the prefixes `wanted` anew (of every prefix when NULL).
CREATE FUNCTION haven_refresh_place_prefix_tops(wanted text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF wanted IS NULL THEN
        DELETE FROM public.place_prefix_tops;
        INSERT INTO public.place_prefix_tops (prefix, place_id, population, name)
        SELECT prefix, id, population, name FROM (
            SELECT k.prefix, p.id, p.population, p.name,
                   row_number() OVER (PARTITION BY k.prefix
                                      ORDER BY p.population DESC NULLS LAST, p.name, p.id) AS rank
            FROM (
                SELECT DISTINCT left(keys.key, n) AS prefix, keys.place_id
                FROM (SELECT id AS place_id, name_key AS key FROM public.places
                      UNION ALL SELECT id, name_key_de FROM public.places
                      UNION ALL SELECT place_id, name_key FROM public.place_names) keys,
                     generate_series(1, 2) AS n
                WHERE length(keys.key) >= n
            ) k
            JOIN public.places p ON p.id = k.place_id
        ) ranked
        WHERE rank <= 50;
        RETURN;
    END IF;
    DELETE FROM public.place_prefix_tops WHERE prefix = ANY(wanted);
    INSERT INTO public.place_prefix_tops (prefix, place_id, population, name)
    SELECT w.prefix, top.id, top.population, top.name
    FROM unnest(wanted) AS w (prefix)
    CROSS JOIN LATERAL (
        SELECT p.id, p.population, p.name FROM public.places p
        WHERE p.id IN (
            SELECT id FROM public.places
            WHERE name_key ~>=~ w.prefix AND name_key ~<~ (w.prefix || chr(1114111))
              AND starts_with(name_key, w.prefix)
            UNION
            SELECT id FROM public.places
            WHERE name_key_de ~>=~ w.prefix AND name_key_de ~<~ (w.prefix || chr(1114111))
              AND starts_with(name_key_de, w.prefix)
            UNION
            SELECT place_id FROM public.place_names
            WHERE name_key ~>=~ w.prefix AND name_key ~<~ (w.prefix || chr(1114111))
              AND starts_with(name_key, w.prefix))
        ORDER BY p.population DESC NULLS LAST, p.name, p.id
        LIMIT 50
    ) top;
END $$;

-- After a write to `places` or `place_names`: the prefixes of the keys the statement wrote or
-- removed, and for a place whose name or population changed those of its alternate names
-- too (its rank changes under them); every prefix after a large import, in one pass.
CREATE FUNCTION haven_place_keys_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    keys text[];
BEGIN
    IF TG_TABLE_NAME = 'places' AND TG_OP = 'INSERT' THEN
        SELECT array_agg(k) INTO keys
        FROM new_rows n, unnest(ARRAY[n.name_key, n.name_key_de]) AS k;
    ELSIF TG_TABLE_NAME = 'places' AND TG_OP = 'DELETE' THEN
        SELECT array_agg(k) INTO keys
        FROM old_rows o, unnest(ARRAY[o.name_key, o.name_key_de]) AS k;
    ELSIF TG_TABLE_NAME = 'places' THEN
        WITH changed AS (
            SELECT o.id, o.name_key AS old_key, o.name_key_de AS old_key_de,
                   n.name_key AS new_key, n.name_key_de AS new_key_de
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.name IS DISTINCT FROM o.name OR n.population IS DISTINCT FROM o.population
        )
        SELECT array_agg(k) INTO keys FROM (
            SELECT unnest(ARRAY[old_key, old_key_de, new_key, new_key_de]) AS k FROM changed
            UNION ALL
            SELECT pn.name_key FROM public.place_names pn JOIN changed ON changed.id = pn.place_id
        ) changed_keys;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.name_key) INTO keys FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.name_key) INTO keys FROM old_rows o;
    ELSE
        SELECT array_agg(k) INTO keys FROM (
            SELECT o.name_key AS k FROM old_rows o
            UNION ALL
            SELECT n.name_key FROM new_rows n
        ) changed_keys;
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(keys) > 2000 THEN
        PERFORM public.haven_refresh_place_prefix_tops(NULL);
    ELSE
        PERFORM public.haven_refresh_place_prefix_tops(public.haven_short_prefixes(keys));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER places_prefix_tops_ins AFTER INSERT ON places
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION haven_place_keys_changed();
CREATE TRIGGER places_prefix_tops_upd AFTER UPDATE ON places
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION haven_place_keys_changed();
CREATE TRIGGER places_prefix_tops_del AFTER DELETE ON places
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION haven_place_keys_changed();
CREATE TRIGGER place_names_prefix_tops_ins AFTER INSERT ON place_names
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION haven_place_keys_changed();
CREATE TRIGGER place_names_prefix_tops_upd AFTER UPDATE ON place_names
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION haven_place_keys_changed();
CREATE TRIGGER place_names_prefix_tops_del AFTER DELETE ON place_names
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION haven_place_keys_changed();

-- Alternate names change what the place search and the cities' full text answer: a change to
-- them is a change of the data (the cached answers are keyed by the data version), as for the
-- places themselves.
CREATE TRIGGER place_names_version_ins AFTER INSERT ON place_names REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER place_names_version_upd AFTER UPDATE ON place_names REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER place_names_version_del AFTER DELETE ON place_names REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

SELECT haven_refresh_place_prefix_tops(NULL);
