-- Large polygons go out of line first, so that the small columns read on every request stay
-- in the row.
--
-- PostGIS stores geometry as MAIN: when a row is too large for a page, PostgreSQL first moves
-- the row's other large-enough columns (a country's `names`, a region's `names`) into the TOAST
-- table and keeps the polygon inline as long as it can. Every `co.names ->> lang` then fetched
-- the names from TOAST again, three buffer reads per city in a list: the index of every page
-- read 4,000 buffers for 629 cities. As EXTENDED, the polygon (compressed) moves out first.
ALTER TABLE countries ALTER COLUMN geom SET STORAGE EXTENDED;
ALTER TABLE regions ALTER COLUMN geom SET STORAGE EXTENDED;
ALTER TABLE cities ALTER COLUMN boundary SET STORAGE EXTENDED;

-- The storage of a column applies to rows written from now on: rewrite the three tables so the
-- rows already there are stored the same way. An ALTER COLUMN ... TYPE with a USING
-- expression rewrites the table (same type, same values; no row trigger fires).
ALTER TABLE countries ALTER COLUMN created_at TYPE timestamptz USING created_at + interval '0';
ALTER TABLE regions ALTER COLUMN created_at TYPE timestamptz USING created_at + interval '0';
ALTER TABLE cities ALTER COLUMN created_at TYPE timestamptz USING created_at + interval '0';
