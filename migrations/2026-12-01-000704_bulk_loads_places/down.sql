CREATE OR REPLACE FUNCTION haven_place_keys_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    keys text[];
BEGIN
    IF TG_TABLE_NAME = 'places' AND TG_OP = 'INSERT' THEN
        SELECT array_agg(k) INTO keys
        FROM new_rows n, unnest(ARRAY[n.name_key, n.name_key_de]) AS k;
    ELSIF TG_TABLE_NAME = 'places' AND TG_OP = 'DELETE' THEN
        SELECT array_agg(k) INTO keys
        FROM old_rows o, unnest(ARRAY[o.name_key, o.name_key_de]) AS k;
    ELSIF TG_TABLE_NAME = 'places' THEN
        WITH changed AS (
            SELECT o.id, o.name_key AS old_key, o.name_key_de AS old_key_de,
                   n.name_key AS new_key, n.name_key_de AS new_key_de
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.name IS DISTINCT FROM o.name OR n.population IS DISTINCT FROM o.population
        )
        SELECT array_agg(k) INTO keys FROM (
            SELECT unnest(ARRAY[old_key, old_key_de, new_key, new_key_de]) AS k FROM changed
            UNION ALL
            SELECT pn.name_key FROM public.place_names pn JOIN changed ON changed.id = pn.place_id
        ) changed_keys;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(n.name_key) INTO keys FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(o.name_key) INTO keys FROM old_rows o;
    ELSE
        SELECT array_agg(k) INTO keys FROM (
            SELECT o.name_key AS k FROM old_rows o
            UNION ALL
            SELECT n.name_key FROM new_rows n
        ) changed_keys;
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(keys) > 2000 THEN
        PERFORM public.haven_refresh_place_prefix_tops(NULL);
    ELSE
        PERFORM public.haven_refresh_place_prefix_tops(public.haven_short_prefixes(keys));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_refresh(ARRAY(SELECT id FROM cities));
    PERFORM tile_points_refresh(ARRAY(SELECT id FROM practices UNION SELECT practice_id FROM tile_points));
    PERFORM site_entries_refresh(1::smallint, ARRAY(SELECT id FROM cities UNION SELECT id FROM site_entries WHERE kind = 1));
    PERFORM site_entries_refresh(2::smallint, ARRAY(SELECT id FROM practices UNION SELECT id FROM site_entries WHERE kind = 2));
    PERFORM site_entries_refresh(3::smallint, ARRAY(SELECT id FROM networks UNION SELECT id FROM site_entries WHERE kind = 3));
    PERFORM site_entries_refresh(4::smallint, ARRAY(SELECT position::bigint FROM policy_areas UNION SELECT id FROM site_entries WHERE kind = 4));
END $$;

CREATE OR REPLACE VIEW tile_points_source AS
 SELECT p.id AS practice_id,
    p.city_id,
    pt.geom,
    tile_cell_x(pt.geom) AS gx,
    tile_cell_y(pt.geom) AS gy,
    COALESCE(a.slugs, '{}'::text[]) AS areas,
    c.country::text AS country,
    c.region_id,
    c.district_id,
    COALESCE(n.slugs, '{}'::text[]) AS networks,
    jsonb_build_object('slug', p.slug, 'cluster', false) || (( SELECT COALESCE(jsonb_object_agg('area_'::text || replace(pa.slug::text, '-'::text, '_'::text), pa.slug::text = ANY (COALESCE(a.slugs, '{}'::text[]))), '{}'::jsonb) AS "coalesce"
           FROM policy_areas pa)) AS props
   FROM practices p
     JOIN cities c ON c.id = p.city_id
     CROSS JOIN LATERAL ( SELECT st_transform(COALESCE(p.geom, c.geom), 3857) AS geom) pt
     LEFT JOIN LATERAL ( SELECT array_agg(ppa.policy_area::text ORDER BY ppa.policy_area) AS slugs
           FROM practice_policy_areas ppa
          WHERE ppa.practice_id = p.id) a ON true
     LEFT JOIN LATERAL ( SELECT array_agg(DISTINCT nw.slug::text) AS slugs
           FROM memberships m
             JOIN networks nw ON nw.id = m.network_id
          WHERE m.city_id = c.id AND m.published AND m.status <> 'left'::text) n ON true
  WHERE p.published AND c.published AND st_y(COALESCE(p.geom, c.geom)) >= '-85.0511287798066'::numeric::double precision AND st_y(COALESCE(p.geom, c.geom)) <= 85.0511287798066::double precision;
