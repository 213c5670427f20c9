DROP INDEX cities_place_idx;
ALTER TABLE cities DROP COLUMN name_key, DROP COLUMN name_key_de;
