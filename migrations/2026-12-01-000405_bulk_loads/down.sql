DROP TRIGGER bulk_load_finish ON bulk_loads;
DROP FUNCTION bulk_load_finish();
DROP FUNCTION haven_begin_bulk_load();
DROP TABLE bulk_loads;
DROP FUNCTION haven_rebuild_derived();

CREATE OR REPLACE FUNCTION public.city_stats_on_cities()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
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
    IF TG_OP = 'INSERT' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
    ELSE
        PERFORM tile_points_refresh(ARRAY(SELECT id FROM old_rows));
    END IF;
    RETURN NULL;
END $function$;

DROP FUNCTION haven_bulk_load();
