CREATE OR REPLACE FUNCTION haven_pick_lang(texts jsonb, wanted text, original text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE
        WHEN coalesce(texts ->> wanted, '') <> '' THEN wanted
        WHEN coalesce(texts ->> 'en', '') <> '' THEN 'en'
        WHEN coalesce(texts ->> original, '') <> '' THEN original
        ELSE (SELECT min(key) FROM jsonb_each_text(texts) WHERE coalesce(value, '') <> '')
    END $$;
