-- Search answers depend on the synonym list: a change to it is a change of the data, so the
-- cached answers (keyed by the data version) are not served for the old list.
CREATE TRIGGER search_synonyms_version_ins AFTER INSERT ON search_synonyms
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER search_synonyms_version_upd AFTER UPDATE ON search_synonyms
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER search_synonyms_version_del AFTER DELETE ON search_synonyms
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
