-- Extensions and helper functions every later migration relies on.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes it
-- safe to use in generated columns and indexes.
CREATE FUNCTION haven_unaccent(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, input) $$;

-- Search key of a name: lower case, accents dropped ("Köln" -> "koln").
CREATE FUNCTION haven_fold(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(haven_unaccent(input)) $$;

-- Search key with German letters transliterated ("Köln" -> "koeln", "Gießen" -> "giessen"),
-- so that people who type "Koeln" find Köln too.
CREATE FUNCTION haven_fold_de(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(haven_unaccent(
        replace(replace(replace(replace(replace(replace(replace(input,
            'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'))) $$;

-- A partial ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD, as the sources state them.
CREATE DOMAIN partial_date AS text
    CHECK (VALUE ~ '^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$');

-- An http(s) URL.
CREATE DOMAIN web_url AS text
    CHECK (VALUE ~* '^https?://[^[:space:]]+$' AND length(VALUE) <= 2048);

-- A URL-safe identifier: lowercase ASCII letters, digits and single hyphens.
CREATE DOMAIN slug AS text
    CHECK (VALUE ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(VALUE) <= 120);

-- An interface or content language.
CREATE DOMAIN lang AS text CHECK (VALUE ~ '^[a-z]{2}$');

-- Keeps updated_at current on every real change of a row.
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
