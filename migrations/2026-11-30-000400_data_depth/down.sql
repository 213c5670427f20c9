-- The removed inferred demand values and Land entries are not restored: a re-import with
-- the earlier code would write them again.
DROP FUNCTION haven_needs_checking(text);
DROP TABLE demand_evidence;
ALTER TABLE cities DROP COLUMN summary_sources;
DROP INDEX places_added_key;
ALTER TABLE places DROP COLUMN point_source;
DELETE FROM places WHERE source = 'haven';
ALTER TABLE places DROP CONSTRAINT places_source_check;
ALTER TABLE places ADD CONSTRAINT places_source_check CHECK (source IN ('vg5000', 'geonames'));
ALTER TABLE networks DROP COLUMN names;
ALTER TABLE regions DROP COLUMN names;
ALTER TABLE practices DROP COLUMN status_as_of;
