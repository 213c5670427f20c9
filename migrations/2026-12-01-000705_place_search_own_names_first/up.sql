-- The place search ranks places whose own name (or its German transliteration) starts with
-- the text before places found by an alternate name only: `ko` found Guangzhou, Istanbul
-- ("Konstantinopel") and New York before Köln and Koblenz, as their alternate names count as
-- much as a name. The kept best places of a short prefix follow the same order, so they hold
-- the places of their own name first.
ALTER TABLE place_prefix_tops ADD COLUMN own_name boolean NOT NULL DEFAULT false;
DROP INDEX place_prefix_tops_rank_idx;
CREATE INDEX place_prefix_tops_rank_idx
    ON place_prefix_tops (prefix, own_name DESC, population DESC NULLS LAST, name, place_id);

CREATE OR REPLACE FUNCTION haven_refresh_place_prefix_tops(wanted text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF wanted IS NULL THEN
        DELETE FROM public.place_prefix_tops;
        INSERT INTO public.place_prefix_tops (prefix, place_id, population, name, own_name)
        SELECT prefix, id, population, name, own_name FROM (
            SELECT k.prefix, p.id, p.population, p.name, k.own_name,
                   row_number() OVER (PARTITION BY k.prefix
                                      ORDER BY k.own_name DESC, p.population DESC NULLS LAST,
                                               p.name, p.id) AS rank
            FROM (
                SELECT left(keys.key, n) AS prefix, keys.place_id, bool_or(keys.own) AS own_name
                FROM (SELECT id AS place_id, name_key AS key, true AS own FROM public.places
                      UNION ALL SELECT id, name_key_de, true FROM public.places
                      UNION ALL SELECT place_id, name_key, false FROM public.place_names) keys,
                     generate_series(1, 2) AS n
                WHERE length(keys.key) >= n
                GROUP BY 1, 2
            ) k
            JOIN public.places p ON p.id = k.place_id
        ) ranked
        WHERE rank <= 50;
        RETURN;
    END IF;
    DELETE FROM public.place_prefix_tops WHERE prefix = ANY(wanted);
    INSERT INTO public.place_prefix_tops (prefix, place_id, population, name, own_name)
    SELECT w.prefix, top.id, top.population, top.name, top.own_name
    FROM unnest(wanted) AS w (prefix)
    CROSS JOIN LATERAL (
        SELECT p.id, p.population, p.name,
               coalesce(starts_with(p.name_key, w.prefix) OR starts_with(p.name_key_de, w.prefix),
                        false) AS own_name
        FROM public.places p
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
        ORDER BY 4 DESC, p.population DESC NULLS LAST, p.name, p.id
        LIMIT 50
    ) top;
END $$;

SELECT haven_refresh_place_prefix_tops(NULL);
