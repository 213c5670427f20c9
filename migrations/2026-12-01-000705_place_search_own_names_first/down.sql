-- Back to ranking a short prefix's places by population alone.
DROP INDEX place_prefix_tops_rank_idx;
ALTER TABLE place_prefix_tops DROP COLUMN own_name;
CREATE INDEX place_prefix_tops_rank_idx
    ON place_prefix_tops (prefix, population DESC NULLS LAST, name, place_id);

CREATE OR REPLACE FUNCTION haven_refresh_place_prefix_tops(wanted text[]) RETURNS void
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

SELECT haven_refresh_place_prefix_tops(NULL);
