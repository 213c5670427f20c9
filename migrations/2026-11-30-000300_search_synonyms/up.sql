-- Synonyms and German compounds for the full-text search: people type "Krankenschein" where a
-- practice says "anonymer Behandlungsschein", "Bürgerasyl" where the texts speak of
-- sanctuary, "housing" where they say "Wohnen" or "accommodation". The list is a table, and
-- queries are rewritten with ts_rewrite from it, so it works on the private cluster and on any
-- PostgreSQL given by DATABASE_URL (a thesaurus file in the server's tsearch_data directory
-- would need access to that server's file system).

CREATE TABLE search_synonyms (
    -- What people type (a word or a phrase), in any language.
    term     text NOT NULL CHECK (term <> '' AND length(term) <= 100),
    -- What the texts may say instead.
    synonym  text NOT NULL CHECK (synonym <> '' AND length(synonym) <= 100 AND synonym <> term),
    PRIMARY KEY (term, synonym)
);

-- OR of many tsqueries.
CREATE AGGREGATE haven_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

-- The rewrite rules per text search configuration: a term's query (as the search vectors are
-- built: accents dropped, the configuration's stemming) and what it becomes, the term or any
-- of its synonyms. Terms that are only stop words in a configuration are left out.
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

-- `original` (a query of configuration `config`) with each term of the synonym list replaced by the
-- term or any of its synonyms. In two passes, through placeholder lexemes: ts_rewrite with a
-- whole rule set would rewrite the synonyms it has just put in again (every word of a group
-- finds the others), and the query would grow without bound.
CREATE FUNCTION haven_with_synonyms(original tsquery, config regconfig) RETURNS tsquery
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

-- The full-text query of `q`: German, English and simple configurations (accents dropped),
-- each with the synonyms put in, and a one-word query also as a prefix (people type as the
-- results come: "Kranken" finds "Krankenversicherung"). NULL for a NULL `q`.
CREATE FUNCTION haven_search_query(q text) RETURNS tsquery
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    AS $$
    SELECT haven_tsquery_or(part) FROM (VALUES
        (haven_with_synonyms(websearch_to_tsquery('german', haven_unaccent(q)), 'german')),
        (haven_with_synonyms(websearch_to_tsquery('english', haven_unaccent(q)), 'english')),
        (haven_with_synonyms(websearch_to_tsquery('simple', haven_unaccent(q)), 'simple')),
        (CASE WHEN haven_fold(btrim(q)) ~ '^[a-z0-9]{3,}$' THEN to_tsquery('simple', haven_fold(btrim(q)) || ':*') END)
    ) AS parts (part)
    $$;

-- Groups of words that mean the same for a search; every word of a group finds the others.
INSERT INTO search_synonyms (term, synonym)
SELECT a.word, b.word
FROM (VALUES
    -- Health care without papers or insurance.
    (1, 'Krankenschein'), (1, 'anonymer Krankenschein'), (1, 'Behandlungsschein'),
    (1, 'anonymer Behandlungsschein'), (1, 'health voucher'), (1, 'treatment voucher'),
    (1, 'anonymous treatment'), (1, 'Clearingstelle'),
    (2, 'Krankenversicherung'), (2, 'krankenversichert'), (2, 'health insurance'),
    (2, 'Gesundheitsversorgung'), (2, 'health care'),
    -- Sanctuary: citizens', churches' and cities' protection from deportation.
    (3, 'Bürgerasyl'), (3, 'Bürger*innenasyl'), (3, 'Bürgerinnenasyl'), (3, 'Kirchenasyl'),
    (3, 'sanctuary'), (3, 'Zuflucht'), (3, 'Zufluchtsstadt'), (3, 'sanctuary city'),
    (3, 'refuge city'), (3, 'ciudad refugio'), (3, 'ville sanctuaire'), (3, 'city of sanctuary'),
    -- Housing.
    (4, 'housing'), (4, 'Wohnen'), (4, 'Wohnung'), (4, 'Wohnraum'), (4, 'accommodation'),
    (4, 'Unterbringung'), (4, 'Unterkunft'), (4, 'logement'), (4, 'vivienda'), (4, 'shelter'),
    -- Municipal identity cards.
    (5, 'Stadtausweis'), (5, 'city card'), (5, 'City ID'), (5, 'municipal ID'),
    (5, 'municipal identification'), (5, 'resident card'),
    -- Sea rescue.
    (6, 'Seenotrettung'), (6, 'sea rescue'), (6, 'salvamento marítimo'), (6, 'sauvetage en mer'),
    -- Councils of foreign residents.
    (7, 'Ausländerbeirat'), (7, 'Integrationsrat'), (7, 'Migrationsbeirat'),
    (7, 'Ausländervertretung'), (7, 'foreigners'' council'), (7, 'immigrants'' council'),
    (7, 'migrant council'),
    -- Voting rights.
    (8, 'Wahlrecht'), (8, 'voting rights'), (8, 'right to vote'), (8, 'non-citizen voting'),
    -- Work.
    (9, 'Arbeit'), (9, 'Arbeitsmarkt'), (9, 'Beschäftigung'), (9, 'employment'), (9, 'jobs'),
    (9, 'labour market'), (9, 'empleo'), (9, 'emploi'),
    -- School and education.
    (10, 'Schule'), (10, 'Bildung'), (10, 'school'), (10, 'education'), (10, 'éducation'),
    (10, 'educación'),
    -- Refugees.
    (11, 'Geflüchtete'), (11, 'Flüchtlinge'), (11, 'Flüchtling'), (11, 'refugees'),
    (11, 'réfugiés'), (11, 'refugiados'), (11, 'Asylsuchende'), (11, 'asylum seekers'),
    -- People without papers.
    (12, 'Papierlose'), (12, 'ohne Papiere'), (12, 'Illegalisierte'), (12, 'undocumented'),
    (12, 'sans-papiers'), (12, 'without residence status'), (12, 'ohne Aufenthaltsstatus'),
    -- Reception.
    (13, 'Aufnahme'), (13, 'Erstaufnahme'), (13, 'reception'), (13, 'accueil'), (13, 'acogida')
) AS a (grp, word)
JOIN (VALUES
    (1, 'Krankenschein'), (1, 'anonymer Krankenschein'), (1, 'Behandlungsschein'),
    (1, 'anonymer Behandlungsschein'), (1, 'health voucher'), (1, 'treatment voucher'),
    (1, 'anonymous treatment'), (1, 'Clearingstelle'),
    (2, 'Krankenversicherung'), (2, 'krankenversichert'), (2, 'health insurance'),
    (2, 'Gesundheitsversorgung'), (2, 'health care'),
    (3, 'Bürgerasyl'), (3, 'Bürger*innenasyl'), (3, 'Bürgerinnenasyl'), (3, 'Kirchenasyl'),
    (3, 'sanctuary'), (3, 'Zuflucht'), (3, 'Zufluchtsstadt'), (3, 'sanctuary city'),
    (3, 'refuge city'), (3, 'ciudad refugio'), (3, 'ville sanctuaire'), (3, 'city of sanctuary'),
    (4, 'housing'), (4, 'Wohnen'), (4, 'Wohnung'), (4, 'Wohnraum'), (4, 'accommodation'),
    (4, 'Unterbringung'), (4, 'Unterkunft'), (4, 'logement'), (4, 'vivienda'), (4, 'shelter'),
    (5, 'Stadtausweis'), (5, 'city card'), (5, 'City ID'), (5, 'municipal ID'),
    (5, 'municipal identification'), (5, 'resident card'),
    (6, 'Seenotrettung'), (6, 'sea rescue'), (6, 'salvamento marítimo'), (6, 'sauvetage en mer'),
    (7, 'Ausländerbeirat'), (7, 'Integrationsrat'), (7, 'Migrationsbeirat'),
    (7, 'Ausländervertretung'), (7, 'foreigners'' council'), (7, 'immigrants'' council'),
    (7, 'migrant council'),
    (8, 'Wahlrecht'), (8, 'voting rights'), (8, 'right to vote'), (8, 'non-citizen voting'),
    (9, 'Arbeit'), (9, 'Arbeitsmarkt'), (9, 'Beschäftigung'), (9, 'employment'), (9, 'jobs'),
    (9, 'labour market'), (9, 'empleo'), (9, 'emploi'),
    (10, 'Schule'), (10, 'Bildung'), (10, 'school'), (10, 'education'), (10, 'éducation'),
    (10, 'educación'),
    (11, 'Geflüchtete'), (11, 'Flüchtlinge'), (11, 'Flüchtling'), (11, 'refugees'),
    (11, 'réfugiés'), (11, 'refugiados'), (11, 'Asylsuchende'), (11, 'asylum seekers'),
    (12, 'Papierlose'), (12, 'ohne Papiere'), (12, 'Illegalisierte'), (12, 'undocumented'),
    (12, 'sans-papiers'), (12, 'without residence status'), (12, 'ohne Aufenthaltsstatus'),
    (13, 'Aufnahme'), (13, 'Erstaufnahme'), (13, 'reception'), (13, 'accueil'), (13, 'acogida')
) AS b (grp, word) ON a.grp = b.grp AND a.word <> b.word;
