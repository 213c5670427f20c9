-- A city's name folded as the search compares it (as `places.name_key`/`name_key_de`), kept
-- beside the name: a full-text request compared every listed city's name folded anew (two
-- unaccent calls per city and request).
ALTER TABLE cities
    ADD COLUMN name_key text GENERATED ALWAYS AS (haven_fold(name)) STORED,
    ADD COLUMN name_key_de text GENERATED ALWAYS AS (haven_fold_de(name)) STORED;

-- The listed city at a place (the place search names it for each place it finds).
CREATE INDEX cities_place_idx ON cities (place_id);
