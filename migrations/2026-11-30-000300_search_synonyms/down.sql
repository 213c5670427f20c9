DROP FUNCTION haven_search_query(text);
DROP FUNCTION haven_with_synonyms(tsquery, regconfig);
DROP VIEW search_synonym_rules;
DROP AGGREGATE haven_tsquery_or(tsquery);
DROP TABLE search_synonyms;
