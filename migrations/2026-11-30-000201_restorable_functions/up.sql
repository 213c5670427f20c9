-- The search keys call haven_unaccent by its schema: pg_restore runs with an empty
-- search_path and recomputes generated columns (places.name_key, cities.search, …), so an
-- unqualified call made every dump of Haven fail to restore.
CREATE OR REPLACE FUNCTION haven_fold(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.haven_unaccent(input)) $$;

CREATE OR REPLACE FUNCTION haven_fold_de(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.haven_unaccent(
        replace(replace(replace(replace(replace(replace(replace(input,
            'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'))) $$;
