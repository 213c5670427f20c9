DROP TRIGGER search_synonyms_rules_ins ON search_synonyms;
DROP TRIGGER search_synonyms_rules_upd ON search_synonyms;
DROP TRIGGER search_synonyms_rules_del ON search_synonyms;
DROP TRIGGER search_synonyms_rules_trunc ON search_synonyms;
DROP FUNCTION haven_search_synonyms_changed();
DROP FUNCTION haven_refresh_search_synonym_rules();
DROP TABLE search_synonym_rules;

CREATE VIEW search_synonym_rules AS
SELECT cfg, target, target || haven_tsquery_or(substitute) AS substitute
FROM (
    SELECT c.cfg,
           phraseto_tsquery(c.cfg, haven_unaccent(s.term)) AS target,
           phraseto_tsquery(c.cfg, haven_unaccent(s.synonym)) AS substitute
    FROM search_synonyms s
    CROSS JOIN (VALUES ('german'::regconfig), ('english'::regconfig), ('simple'::regconfig)) AS c (cfg)
) rules
WHERE numnode(target) > 0 AND numnode(substitute) > 0
GROUP BY cfg, target;
