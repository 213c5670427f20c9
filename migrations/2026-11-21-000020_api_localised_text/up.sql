-- The language in which to show a text held by language ({"en": "...", "pl": "..."}): the
-- wanted language, else English, else the original, else any language it has; NULL when the
-- text is empty in every language. The API returns the text with this language beside it.
CREATE FUNCTION haven_pick_lang(texts jsonb, wanted text, original text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE
        WHEN coalesce(texts ->> wanted, '') <> '' THEN wanted
        WHEN coalesce(texts ->> 'en', '') <> '' THEN 'en'
        WHEN coalesce(texts ->> original, '') <> '' THEN original
        ELSE (SELECT min(key) FROM jsonb_each_text(texts) WHERE coalesce(value, '') <> '')
    END $$;
