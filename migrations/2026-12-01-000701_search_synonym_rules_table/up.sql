-- The synonym rules as a table kept up to date by the synonym list's own triggers, instead of
-- a view: every full-text query reads the rules (haven_with_synonyms, three times per `q`),
-- and the view computed every rule's tsqueries anew each time (about 1,200 phraseto_tsquery
-- calls, 5–10 ms per query, most of a full-text request's time).
DROP VIEW search_synonym_rules;

CREATE TABLE search_synonym_rules (
    cfg         regconfig NOT NULL,
    target      tsquery NOT NULL,
    substitute  tsquery NOT NULL
);

-- The rules per text search configuration: a term's query (as the search vectors are built:
-- accents dropped, the configuration's stemming) and what it becomes, the term or any of its
-- synonyms. Terms that are only stop words in a configuration are left out.
CREATE FUNCTION haven_refresh_search_synonym_rules() RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM public.search_synonym_rules;
    INSERT INTO public.search_synonym_rules (cfg, target, substitute)
    SELECT cfg, target, target || public.haven_tsquery_or(substitute)
    FROM (
        SELECT c.cfg,
               phraseto_tsquery(c.cfg, public.haven_unaccent(s.term)) AS target,
               phraseto_tsquery(c.cfg, public.haven_unaccent(s.synonym)) AS substitute
        FROM public.search_synonyms s
        CROSS JOIN (VALUES ('pg_catalog.german'::regconfig), ('pg_catalog.english'::regconfig),
                           ('pg_catalog.simple'::regconfig)) AS c (cfg)
    ) rules
    WHERE numnode(target) > 0 AND numnode(substitute) > 0
    GROUP BY cfg, target;
END $$;

CREATE FUNCTION haven_search_synonyms_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM public.haven_refresh_search_synonym_rules();
    RETURN NULL;
END $$;

CREATE TRIGGER search_synonyms_rules_ins AFTER INSERT ON search_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION haven_search_synonyms_changed();
CREATE TRIGGER search_synonyms_rules_upd AFTER UPDATE ON search_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION haven_search_synonyms_changed();
CREATE TRIGGER search_synonyms_rules_del AFTER DELETE ON search_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION haven_search_synonyms_changed();
CREATE TRIGGER search_synonyms_rules_trunc AFTER TRUNCATE ON search_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION haven_search_synonyms_changed();

SELECT haven_refresh_search_synonym_rules();
