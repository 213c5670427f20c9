CREATE OR REPLACE FUNCTION haven_search_query(q text) RETURNS tsquery
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    AS $$
    SELECT haven_tsquery_or(part) FROM (VALUES
        (haven_with_synonyms(websearch_to_tsquery('german', haven_unaccent(q)), 'german')),
        (haven_with_synonyms(websearch_to_tsquery('english', haven_unaccent(q)), 'english')),
        (haven_with_synonyms(websearch_to_tsquery('simple', haven_unaccent(q)), 'simple')),
        (CASE WHEN haven_fold(btrim(q)) ~ '^[a-z0-9]{3,}$' THEN to_tsquery('simple', haven_fold(btrim(q)) || ':*') END)
    ) AS parts (part)
    $$;

CREATE OR REPLACE FUNCTION haven_with_synonyms(original tsquery, config regconfig) RETURNS tsquery
    LANGUAGE plpgsql STABLE PARALLEL SAFE STRICT
    AS $$
DECLARE
    targets tsquery[];
    substitutes tsquery[];
    result tsquery := original;
BEGIN
    SELECT array_agg(r.target), array_agg(r.substitute) INTO targets, substitutes
    FROM search_synonym_rules r
    WHERE r.cfg = config AND original @> r.target;
    IF targets IS NULL THEN
        RETURN original;
    END IF;
    FOR i IN 1 .. cardinality(targets) LOOP
        result := ts_rewrite(result, targets[i], format('havensynonym%sx', i)::tsquery);
    END LOOP;
    FOR i IN 1 .. cardinality(targets) LOOP
        result := ts_rewrite(result, format('havensynonym%sx', i)::tsquery, substitutes[i]);
    END LOOP;
    RETURN result;
END $$;

DROP FUNCTION haven_rewrite_synonyms(tsquery, tsquery[], tsquery[]);
