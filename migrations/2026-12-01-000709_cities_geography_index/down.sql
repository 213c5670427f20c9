DROP INDEX cities_geog_idx;
