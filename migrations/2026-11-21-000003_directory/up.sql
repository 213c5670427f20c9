-- The directory: cities, networks, memberships, Safe Harbour demands, policy areas, practices.

CREATE TABLE policy_areas (
    slug         slug PRIMARY KEY,
    position     smallint NOT NULL UNIQUE CHECK (position > 0),
    -- {"de": ..., "en": ..., "fr": ..., "es": ...}
    labels       jsonb NOT NULL CHECK (labels ?& ARRAY['de', 'en', 'fr', 'es']),
    descriptions jsonb NOT NULL CHECK (descriptions ?& ARRAY['de', 'en', 'fr', 'es']),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cities (
    id           bigserial PRIMARY KEY,
    slug         slug NOT NULL UNIQUE,
    name         text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    official_name text,
    -- Names by language where they differ from `name`.
    names        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(names) = 'object'),
    country      char(2) NOT NULL REFERENCES countries (iso2),
    region_id    bigint REFERENCES regions (id),
    district_id  bigint REFERENCES regions (id),
    place_id     bigint REFERENCES places (id),
    kind         text NOT NULL DEFAULT 'municipality'
                 CHECK (kind IN ('municipality', 'district', 'municipal_association', 'state', 'borough')),
    designation  text,
    -- Official codes: German AGS (8 digits municipality, 5 district, 2 state) or ARS, the
    -- EU's LAU code, GeoNames and Wikidata ids.
    ags          text CHECK (ags ~ '^[0-9]{2}([0-9]{3}([0-9]{3})?)?$'),
    ars          text CHECK (ars ~ '^[0-9]{2,12}$'),
    lau          text,
    geonameid    bigint,
    wikidata     text CHECK (wikidata ~ '^Q[0-9]+$'),
    population   bigint CHECK (population >= 0),
    geom         geometry(Point, 4326) NOT NULL,
    boundary     geometry(MultiPolygon, 4326),
    website      web_url,
    -- Featured profile, by language: {"en": "...", "de": "..."}.
    summary      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(summary) = 'object'),
    takeaways    jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(takeaways) = 'object'),
    published    boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    search       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', haven_unaccent(coalesce(name, '') || ' ' || coalesce(official_name, ''))), 'A')
        || setweight(to_tsvector('simple', haven_unaccent(coalesce(haven_fold_de(name), ''))), 'A')
        || setweight(to_tsvector('german', haven_unaccent(coalesce(summary ->> 'de', ''))), 'C')
        || setweight(to_tsvector('english', haven_unaccent(coalesce(summary ->> 'en', ''))), 'C')
    ) STORED,
    CHECK (ST_IsValid(geom) AND ST_Y(geom) BETWEEN -90 AND 90 AND ST_X(geom) BETWEEN -180 AND 180)
);
-- Official codes are unique per country and kind (a district and a town may share a name,
-- never a code).
CREATE UNIQUE INDEX cities_ags_key ON cities (ags) WHERE ags IS NOT NULL;
CREATE UNIQUE INDEX cities_ars_key ON cities (ars) WHERE ars IS NOT NULL;
CREATE UNIQUE INDEX cities_lau_key ON cities (country, lau) WHERE lau IS NOT NULL;
CREATE UNIQUE INDEX cities_geonameid_key ON cities (geonameid, kind) WHERE geonameid IS NOT NULL;
CREATE UNIQUE INDEX cities_wikidata_key ON cities (wikidata) WHERE wikidata IS NOT NULL;
CREATE INDEX cities_geom_idx ON cities USING gist (geom);
CREATE INDEX cities_boundary_idx ON cities USING gist (boundary);
CREATE INDEX cities_search_idx ON cities USING gin (search);
CREATE INDEX cities_country_idx ON cities (country);
CREATE INDEX cities_region_idx ON cities (region_id);

-- Old slugs keep working: they redirect to the city's current slug.
CREATE TABLE city_slug_redirects (
    slug        slug PRIMARY KEY,
    city_id     bigint NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE networks (
    id               bigserial PRIMARY KEY,
    slug             slug NOT NULL UNIQUE,
    name             text NOT NULL CHECK (name <> ''),
    kind             text NOT NULL CHECK (kind <> ''),
    scope            text,
    founded          partial_date,
    coordinator      text,
    website          web_url,
    reported_members text,
    reported_as_of   text,
    source_url       web_url,
    -- The Seebrücke declaration campaign: a membership of it makes a Safe Harbour.
    is_safe_harbour_campaign boolean NOT NULL DEFAULT false,
    description      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(description) = 'object'),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX networks_one_safe_harbour_campaign ON networks (is_safe_harbour_campaign)
    WHERE is_safe_harbour_campaign;

CREATE TABLE memberships (
    id            bigserial PRIMARY KEY,
    city_id       bigint NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    network_id    bigint NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    status        text NOT NULL CHECK (status IN ('declared', 'member', 'founding_member', 'left')),
    -- The role as the source words it ("joined during founding congress").
    role          text,
    since         partial_date,
    until         partial_date,
    evidence_url  web_url,
    verified_on   partial_date,
    note          text,
    published     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (city_id, network_id),
    CHECK (until IS NULL OR since IS NULL OR until >= since),
    CHECK (status <> 'left' OR until IS NOT NULL OR note IS NOT NULL)
);
CREATE INDEX memberships_network_idx ON memberships (network_id);

-- Seebrücke's eight demands on a Safe Harbour.
CREATE TABLE demands (
    key          text PRIMARY KEY CHECK (key ~ '^[a-z_]+$'),
    position     smallint NOT NULL UNIQUE CHECK (position BETWEEN 1 AND 8),
    labels       jsonb NOT NULL CHECK (labels ?& ARRAY['de', 'en', 'fr', 'es']),
    descriptions jsonb NOT NULL CHECK (descriptions ?& ARRAY['de', 'en', 'fr', 'es']),
    source       text
);

-- Per city and demand: decided / fulfilled as true, false or unknown (NULL).
CREATE TABLE safe_harbour_demands (
    city_id      bigint NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    demand_key   text NOT NULL REFERENCES demands (key),
    decided      boolean,
    fulfilled    boolean,
    as_of        partial_date,
    evidence_url web_url,
    note         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (city_id, demand_key)
);

CREATE TABLE practices (
    id              bigserial PRIMARY KEY,
    slug            slug NOT NULL UNIQUE,
    city_id         bigint NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    -- Its own location when it differs from the city's point.
    geom            geometry(Point, 4326),
    original_lang   lang NOT NULL,
    -- Texts by language: {"en": "...", "de": "...", "pl": "..."}; the original is always there.
    title           jsonb NOT NULL CHECK (jsonb_typeof(title) = 'object' AND title ? original_lang),
    summary         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(summary) = 'object'),
    body            jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(body) = 'object'),
    transferability jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(transferability) = 'object'),
    organisation    text,
    started         smallint CHECK (started BETWEEN 1800 AND 2200),
    ended           smallint CHECK (ended BETWEEN 1800 AND 2200),
    status          text NOT NULL DEFAULT 'unknown' CHECK (status IN ('planned', 'active', 'ended', 'unknown')),
    contact         text,
    confidence      text CHECK (confidence IN ('high', 'medium', 'low')),
    published       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search          tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', haven_unaccent(coalesce(title ->> original_lang, ''))), 'A')
        || setweight(to_tsvector('german', haven_unaccent(coalesce(title ->> 'de', '') || ' ' || coalesce(organisation, ''))), 'A')
        || setweight(to_tsvector('english', haven_unaccent(coalesce(title ->> 'en', ''))), 'A')
        || setweight(to_tsvector('german', haven_unaccent(coalesce(summary ->> 'de', ''))), 'B')
        || setweight(to_tsvector('english', haven_unaccent(coalesce(summary ->> 'en', ''))), 'B')
    ) STORED,
    CHECK (ended IS NULL OR started IS NULL OR ended >= started),
    CHECK (geom IS NULL OR ST_IsValid(geom))
);
CREATE INDEX practices_city_idx ON practices (city_id);
CREATE INDEX practices_geom_idx ON practices USING gist (geom);
CREATE INDEX practices_search_idx ON practices USING gin (search);

CREATE TABLE practice_slug_redirects (
    slug        slug PRIMARY KEY,
    practice_id bigint NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE practice_policy_areas (
    practice_id bigint NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    policy_area slug NOT NULL REFERENCES policy_areas (slug),
    PRIMARY KEY (practice_id, policy_area)
);
CREATE INDEX practice_policy_areas_area_idx ON practice_policy_areas (policy_area);

CREATE TABLE practice_sources (
    id          bigserial PRIMARY KEY,
    practice_id bigint NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position > 0),
    url         web_url NOT NULL,
    title       text,
    accessed_on date,
    UNIQUE (practice_id, position)
);

CREATE TRIGGER policy_areas_updated_at BEFORE UPDATE ON policy_areas
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
-- No WHEN clause: it may not read generated columns. Writers skip unchanged rows instead.
CREATE TRIGGER cities_updated_at BEFORE UPDATE ON cities
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER networks_updated_at BEFORE UPDATE ON networks
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER memberships_updated_at BEFORE UPDATE ON memberships
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER safe_harbour_demands_updated_at BEFORE UPDATE ON safe_harbour_demands
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION set_updated_at();
-- No WHEN clause: it may not read generated columns. Writers skip unchanged rows instead.
CREATE TRIGGER practices_updated_at BEFORE UPDATE ON practices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
