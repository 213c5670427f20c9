-- `near` on the cities (`ST_DWithin(c.geom::geography, here, r)`) computed the geodesic
-- distance test for every listed city; with this index it tests only the cities inside the
-- circle's bounding box.
CREATE INDEX cities_geog_idx ON cities USING gist ((geom::geography));
