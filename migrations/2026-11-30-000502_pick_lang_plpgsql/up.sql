-- The same choice of language as before (the wanted language, else English, else the
-- original, else the first language with a text; NULL when every text is empty), in PL/pgSQL.
-- As an SQL function it was never inlined (its fallback is a subquery), and each call of an
-- SQL function that is not inlined costs about 10 µs: the index of every page calls it twice
-- per practice. A PL/pgSQL call costs under 1 µs.
CREATE OR REPLACE FUNCTION haven_pick_lang(texts jsonb, wanted text, original text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    IF coalesce(texts ->> wanted, '') <> '' THEN
        RETURN wanted;
    END IF;
    IF coalesce(texts ->> 'en', '') <> '' THEN
        RETURN 'en';
    END IF;
    IF coalesce(texts ->> original, '') <> '' THEN
        RETURN original;
    END IF;
    RETURN (SELECT min(key) FROM jsonb_each_text(texts) WHERE coalesce(value, '') <> '');
END
$$;
