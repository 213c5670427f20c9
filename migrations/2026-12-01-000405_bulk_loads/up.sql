-- Bulk loads: a transaction that calls haven_begin_bulk_load() first writes its rows without
-- the per-statement upkeep of the derived tables (city_stats, tile_points and tile_cells,
-- site_entries); at its commit a deferred trigger brings the planner's statistics up to date
-- and rebuilds the derived tables once, set-based. The per-statement triggers would
-- otherwise redo the work for every statement of a large load, planned on statistics that
-- do not know the rows just written yet (100,000 practices' policy areas took minutes).
-- Readers are not blocked: nothing is disabled, and the flag is local to the transaction.

CREATE FUNCTION haven_bulk_load() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('haven.bulk_load', true), '') = 'on' $$;

-- Recomputes every derived table from its source tables (only rows that differ are written).
CREATE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_refresh(ARRAY(SELECT id FROM cities));
    PERFORM tile_points_refresh(ARRAY(SELECT id FROM practices UNION SELECT practice_id FROM tile_points));
    PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT id FROM cities UNION SELECT id FROM site_entries WHERE kind = 1));
    PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM practices UNION SELECT id FROM site_entries WHERE kind = 2));
    PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM networks UNION SELECT id FROM site_entries WHERE kind = 3));
    PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM policy_areas UNION SELECT id FROM site_entries WHERE kind = 4));
END $$;

-- One row per transaction that began a bulk load, gone again at its commit.
CREATE TABLE bulk_loads (
    txid bigint PRIMARY KEY DEFAULT txid_current()
);

CREATE FUNCTION haven_begin_bulk_load() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('haven.bulk_load', 'on', true);
    INSERT INTO bulk_loads DEFAULT VALUES ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION bulk_load_finish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM bulk_loads WHERE txid = NEW.txid;
    ANALYZE cities;
    ANALYZE practices;
    ANALYZE practice_policy_areas;
    ANALYZE memberships;
    ANALYZE safe_harbour_demands;
    PERFORM haven_rebuild_derived();
    ANALYZE city_stats;
    ANALYZE tile_points;
    ANALYZE tile_cells;
    ANALYZE site_entries;
    PERFORM set_config('haven.bulk_load', 'off', true);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER bulk_load_finish AFTER INSERT ON bulk_loads
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bulk_load_finish();

-- The upkeep triggers step aside during a bulk load.
CREATE OR REPLACE FUNCTION public.city_stats_on_cities()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE -- UPDATE: what the summary and the rendered feature show.
        PERFORM city_stats_refresh(ARRAY(
            SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
            WHERE o.id IS NULL
               OR (n.published, n.slug, n.name, n.kind, n.country, n.region_id, n.population)
                  IS DISTINCT FROM (o.published, o.slug, o.name, o.kind, o.country, o.region_id, o.population)
               OR NOT ST_Equals(n.geom, o.geom)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_memberships()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM old_rows));
    ELSE
        PERFORM city_stats_refresh(ARRAY(
            SELECT x.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.city_id), (o.city_id)) x (city_id)
            WHERE (n.city_id, n.network_id, n.status, n.since, n.published)
                  IS DISTINCT FROM (o.city_id, o.network_id, o.status, o.since, o.published)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_networks()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- Inserted networks have no members yet; deleted ones take their memberships along,
    -- whose own trigger recomputes. Updates matter through the slug and the campaign flag.
    PERFORM city_stats_refresh(ARRAY(
        SELECT DISTINCT m.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN memberships m ON m.network_id = n.id
        WHERE (n.slug, n.is_safe_harbour_campaign) IS DISTINCT FROM (o.slug, o.is_safe_harbour_campaign)));
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_policy_areas()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- The areas are ordered by position: a reordering reorders every city's list.
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.slug = n.slug
               WHERE n.position IS DISTINCT FROM o.position) THEN
        PERFORM city_stats_refresh(ARRAY(SELECT city_id FROM city_stats WHERE areas <> '{}'));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_practice_policy_areas()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- Practices deleted with their areas are gone here; their own trigger recomputes.
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(
            SELECT DISTINCT p.city_id FROM practices p WHERE p.id IN (SELECT practice_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(
            SELECT DISTINCT p.city_id FROM practices p WHERE p.id IN (SELECT practice_id FROM old_rows)));
    ELSE
        PERFORM city_stats_refresh(ARRAY(
            SELECT DISTINCT p.city_id FROM practices p
            WHERE p.id IN (SELECT practice_id FROM new_rows UNION SELECT practice_id FROM old_rows)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_practices()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM old_rows));
    ELSE -- a practice moved to another city, or was (un)published
        PERFORM city_stats_refresh(ARRAY(
            SELECT x.city_id FROM new_rows n JOIN old_rows o ON o.id = n.id,
                   LATERAL (VALUES (n.city_id), (o.city_id)) x (city_id)
            WHERE (n.city_id, n.published) IS DISTINCT FROM (o.city_id, o.published)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_regions()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- A renamed region shows in its cities' features.
    PERFORM city_stats_refresh(ARRAY(
        SELECT c.id FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN cities c ON c.region_id = n.id
        WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.city_stats_on_safe_harbour_demands()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- Only whether a city has a demand record matters (it lists the city).
    IF TG_OP = 'INSERT' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM city_stats_refresh(ARRAY(SELECT DISTINCT city_id FROM old_rows));
    ELSE
        PERFORM city_stats_refresh(ARRAY(
            SELECT n.city_id FROM new_rows n WHERE n.city_id NOT IN (SELECT city_id FROM old_rows)
            UNION
            SELECT o.city_id FROM old_rows o WHERE o.city_id NOT IN (SELECT city_id FROM new_rows)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.site_entries_on_cities()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
    ids bigint[];
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'DELETE' THEN
        ids := ARRAY(SELECT id FROM old_rows);
    ELSE
        ids := ARRAY(SELECT id FROM new_rows);
    END IF;
    PERFORM site_entries_refresh(1::smallint, ids);
    -- A practice's entry shows its city's name and country, and only a published city's.
    PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT p.id FROM practices p WHERE p.city_id = ANY(ids)));
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.site_entries_on_city_stats()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- Only whether a city is listed matters.
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT city_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT city_id FROM old_rows));
    ELSE
        PERFORM site_entries_refresh(1::smallint, ARRAY(
            SELECT n.city_id FROM new_rows n JOIN old_rows o ON o.city_id = n.city_id
            WHERE n.listed IS DISTINCT FROM o.listed));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.site_entries_on_countries()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- A country's name heads its cities.
    PERFORM site_entries_refresh(1::smallint, ARRAY(
        SELECT c.id FROM new_rows n JOIN old_rows o ON o.iso2 = n.iso2 JOIN cities c ON c.country = n.iso2
        WHERE (n.name, n.names) IS DISTINCT FROM (o.name, o.names)));
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.site_entries_on_networks()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.site_entries_on_policy_areas()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    -- Keyed by position: a moved area leaves its old position and takes the new one.
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM old_rows));
    ELSE
        PERFORM site_entries_refresh(4::smallint, ARRAY(
            SELECT position::bigint FROM new_rows UNION SELECT position::bigint FROM old_rows));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.site_entries_on_practices()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.tile_points_cities_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(
            SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
            WHERE o.id IS NULL
               OR (n.slug, n.country, n.region_id, n.district_id, n.published)
                  IS DISTINCT FROM (o.slug, o.country, o.region_id, o.district_id, o.published)
               OR NOT ST_Equals(n.geom, o.geom)
            UNION SELECT o.id FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id))));
    ELSE
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(SELECT id FROM old_rows)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.tile_points_memberships_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(SELECT DISTINCT city_id FROM new_rows)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(
            SELECT city_id FROM new_rows UNION SELECT city_id FROM old_rows)));
    ELSE
        PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(SELECT DISTINCT city_id FROM old_rows)));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.tile_points_networks_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    PERFORM tile_points_refresh(tile_points_of_cities(ARRAY(
        SELECT DISTINCT m.city_id FROM memberships m
        JOIN new_rows n ON n.id = m.network_id
        LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR o.slug IS DISTINCT FROM n.slug)));
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.tile_points_policy_areas_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows n FULL JOIN old_rows o ON o.slug = n.slug
                       WHERE o.slug IS NULL OR n.slug IS NULL) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM tile_points_refresh(ARRAY(SELECT id FROM practices));
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.tile_points_practice_areas_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT DISTINCT practice_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT practice_id FROM new_rows UNION SELECT practice_id FROM old_rows));
    ELSE
        PERFORM tile_points_refresh(ARRAY(SELECT DISTINCT practice_id FROM old_rows));
    END IF;
    RETURN NULL;
END $function$;

CREATE OR REPLACE FUNCTION public.tile_points_practices_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    IF haven_bulk_load() THEN
        RETURN NULL; -- rebuilt at commit (haven_begin_bulk_load)
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
    ELSE
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $function$;
