-- Data depth (the bundled data of 2026-11-30): freshness dates, names in every language,
-- sourced demand statuses, places the gazetteer extracts lack, and one city per place.

-- The date of the newest fact that confirms a practice's status (`status_as_of`).
ALTER TABLE practices ADD COLUMN status_as_of partial_date;

-- Names by language, like `countries.names`: {"de": "Bayern", "en": "Bavaria", ...}.
ALTER TABLE regions ADD COLUMN names jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(names) = 'object');
ALTER TABLE networks ADD COLUMN names jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(names) = 'object');

-- Places that neither the VG5000 table nor the GeoNames extracts hold (an island
-- municipality, a London borough, a town under the extract's population threshold), each
-- with the source of its point (`data/places_added.csv`).
ALTER TABLE places DROP CONSTRAINT places_source_check;
ALTER TABLE places ADD CONSTRAINT places_source_check
    CHECK (source IN ('vg5000', 'geonames', 'haven'));
ALTER TABLE places ADD COLUMN point_source text;

-- What a cited source says about one of Seebrücke's demands for one local authority: one
-- row per (authority, demand, status, source). `safe_harbour_demands` holds the current
-- standing, which the newest evidence decides.
CREATE TABLE demand_evidence (
    id          bigserial PRIMARY KEY,
    city_id     bigint NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    demand_key  text NOT NULL REFERENCES demands (key),
    status      text NOT NULL CHECK (status IN ('decided', 'fulfilled', 'not_decided')),
    as_of       partial_date,
    source_url  web_url NOT NULL,
    note        text CHECK (length(note) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (city_id, demand_key, status, source_url)
);
CREATE INDEX demand_evidence_city_idx ON demand_evidence (city_id, demand_key);

CREATE TRIGGER demand_evidence_version_ins AFTER INSERT ON demand_evidence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER demand_evidence_version_upd AFTER UPDATE ON demand_evidence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER demand_evidence_version_del AFTER DELETE ON demand_evidence
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- Earlier imports inferred "decided" for the solidarity declaration of every declared Safe
-- Harbour and for the alliance demand of every Bündnis member. The sources do not state
-- those values, so they go: a missing value is unknown. Sourced values come back with the
-- next import of `safe_harbour_demand_status.csv`.
DELETE FROM safe_harbour_demands
WHERE decided AND fulfilled IS NULL AND note IS NULL
  AND demand_key IN ('public_solidarity_declaration', 'alliance_safe_harbours');

-- One place, one city: a city-state (Berlin, Hamburg, Bremen) was listed twice, as the
-- municipality and as the Land. The Land's entry goes; its slug redirects to the city.
INSERT INTO city_slug_redirects (slug, city_id)
SELECT s.slug, m.id
FROM cities s JOIN cities m ON m.ags = CASE s.ags WHEN '11' THEN '11000000'
                                                  WHEN '02' THEN '02000000'
                                                  WHEN '04' THEN '04011000' END
WHERE s.kind = 'state' AND s.ags IN ('11', '02', '04')
ON CONFLICT (slug) DO NOTHING;
DELETE FROM cities s
WHERE s.kind = 'state' AND s.ags IN ('11', '02', '04')
  AND EXISTS (SELECT 1 FROM cities m WHERE m.ags = CASE s.ags WHEN '11' THEN '11000000'
                                                            WHEN '02' THEN '02000000'
                                                            WHEN '04' THEN '04011000' END);

-- A place Haven adds is keyed by its country and name.
CREATE UNIQUE INDEX places_added_key ON places (country, name) WHERE source = 'haven';

-- The sources a featured city profile (`cities.summary`) was written from.
ALTER TABLE cities ADD COLUMN summary_sources jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(summary_sources) = 'array');

-- Whether a fact dated `d` (a partial date: its whole year or month counts) needs checking:
-- no date, or the newest source is older than two years.
CREATE FUNCTION haven_needs_checking(d text) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT d IS NULL OR (CASE length(d)
        WHEN 4 THEN make_date(d::int, 12, 31)
        WHEN 7 THEN (to_date(d, 'YYYY-MM') + interval '1 month - 1 day')::date
        ELSE d::date END) < current_date - interval '2 years' $$;
