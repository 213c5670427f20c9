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
    jsonb_build_object('slug', p.slug, 'title', COALESCE(p.title ->> 'en'::text, p.title ->> p.original_lang::text), 'city_slug', c.slug, 'cluster', false) || (( SELECT COALESCE(jsonb_object_agg('area_'::text || replace(pa.slug::text, '-'::text, '_'::text), pa.slug::text = ANY (COALESCE(a.slugs, '{}'::text[]))), '{}'::jsonb) AS "coalesce"
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

UPDATE tile_points t SET props = s.props FROM tile_points_source s WHERE s.practice_id = t.practice_id;
UPDATE tile_cells c SET props = t.props FROM tile_points t WHERE c.n = 1 AND t.practice_id = c.first_id;
