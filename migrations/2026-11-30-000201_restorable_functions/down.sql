CREATE OR REPLACE FUNCTION haven_fold(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(haven_unaccent(input)) $$;

CREATE OR REPLACE FUNCTION haven_fold_de(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(haven_unaccent(
        replace(replace(replace(replace(replace(replace(replace(input,
            'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'))) $$;
