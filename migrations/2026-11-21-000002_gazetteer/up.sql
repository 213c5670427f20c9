-- The gazetteer: countries, regions and every place a person may search for or register.

CREATE TABLE countries (
    iso2        char(2) PRIMARY KEY CHECK (iso2 ~ '^[A-Z]{2}$'),
    iso3        char(3) UNIQUE CHECK (iso3 ~ '^[A-Z]{3}$'),
    iso_n3      char(3),
    geonameid   bigint UNIQUE,
    name        text NOT NULL CHECK (name <> ''),
    -- Names by language, e.g. {"de": "Deutschland", "en": "Germany"}.
    names       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(names) = 'object'),
    continent   char(2) CHECK (continent IN ('EU', 'AS', 'AF', 'NA', 'SA', 'OC', 'AN')),
    population  bigint CHECK (population >= 0),
    geom        geometry(MultiPolygon, 4326),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX countries_geom_idx ON countries USING gist (geom);

-- First-level and second-level regions: German states (Länder) and districts (Kreise) by
-- AGS, other countries' first-level divisions by GeoNames admin1 code.
CREATE TABLE regions (
    id          bigserial PRIMARY KEY,
    country     char(2) NOT NULL REFERENCES countries (iso2),
    level       text NOT NULL CHECK (level IN ('state', 'district', 'admin1')),
    code        text NOT NULL CHECK (code <> ''),
    name        text NOT NULL CHECK (name <> ''),
    designation text,
    parent_id   bigint REFERENCES regions (id),
    nuts        text,
    label_point geometry(Point, 4326),
    geom        geometry(MultiPolygon, 4326),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (country, level, code)
);
CREATE INDEX regions_geom_idx ON regions USING gist (geom);
CREATE INDEX regions_parent_idx ON regions (parent_id);

-- Places a person can find and register: every German municipality (BKG VG5000, with AGS
-- and boundary) and European places of 500+ inhabitants (GeoNames).
CREATE TABLE places (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL CHECK (source IN ('vg5000', 'geonames')),
    ags         text UNIQUE CHECK (ags ~ '^[0-9]{8}$'),
    ars         text UNIQUE CHECK (ars ~ '^[0-9]{12}$'),
    geonameid   bigint UNIQUE,
    name        text NOT NULL CHECK (name <> ''),
    designation text,
    country     char(2) NOT NULL REFERENCES countries (iso2),
    region_id   bigint REFERENCES regions (id),
    district_id bigint REFERENCES regions (id),
    population  bigint CHECK (population >= 0),
    geom        geometry(Point, 4326) NOT NULL,
    boundary    geometry(MultiPolygon, 4326),
    name_key    text GENERATED ALWAYS AS (haven_fold(name)) STORED,
    name_key_de text GENERATED ALWAYS AS (haven_fold_de(name)) STORED,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (source <> 'vg5000' OR ags IS NOT NULL),
    CHECK (source <> 'geonames' OR geonameid IS NOT NULL)
);
CREATE INDEX places_geom_idx ON places USING gist (geom);
CREATE INDEX places_boundary_idx ON places USING gist (boundary);
CREATE INDEX places_name_key_idx ON places (name_key text_pattern_ops);
CREATE INDEX places_name_key_de_idx ON places (name_key_de text_pattern_ops);
CREATE INDEX places_name_trgm_idx ON places USING gin (name_key gin_trgm_ops);
CREATE INDEX places_country_idx ON places (country);

-- Alternate names (other languages and spellings, e.g. "Danzig" for Gdańsk) as search keys.
CREATE TABLE place_names (
    place_id    bigint NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    name        text NOT NULL,
    name_key    text GENERATED ALWAYS AS (haven_fold(name)) STORED,
    PRIMARY KEY (place_id, name)
);
CREATE INDEX place_names_key_idx ON place_names (name_key text_pattern_ops);

CREATE TRIGGER countries_updated_at BEFORE UPDATE ON countries
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER regions_updated_at BEFORE UPDATE ON regions
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
-- No WHEN clause: it may not read generated columns. Writers skip unchanged rows instead.
CREATE TRIGGER places_updated_at BEFORE UPDATE ON places
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
