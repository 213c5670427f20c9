-- A bulk load's commit rebuilds the tile points and the page index from their views once.
-- The rebuild passed every id to the functions that refresh some rows (`= ANY(ids)` over a
-- million ids), and each computed its view twice: for the rows to write, and again for the
-- rows to remove. With 1,000,000 practices the tile points alone took 75 s with nothing to
-- change. Now the view's rows are computed once into a temporary table, and the rows to
-- write and to remove are read from it.

-- Every tile point and cell anew from `tile_points_source` (rows that come out the same are
-- left alone).
CREATE FUNCTION tile_points_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE tile_points_new ON COMMIT DROP AS SELECT * FROM tile_points_source;
    ANALYZE pg_temp.tile_points_new;
    DELETE FROM tile_points t
    WHERE NOT EXISTS (SELECT 1 FROM pg_temp.tile_points_new f WHERE f.practice_id = t.practice_id);
    INSERT INTO tile_points AS t SELECT * FROM pg_temp.tile_points_new
    ON CONFLICT (practice_id) DO UPDATE SET
        city_id = excluded.city_id, geom = excluded.geom, gx = excluded.gx, gy = excluded.gy,
        areas = excluded.areas, country = excluded.country, region_id = excluded.region_id,
        district_id = excluded.district_id, networks = excluded.networks, props = excluded.props
    WHERE (t.city_id, t.geom, t.gx, t.gy, t.areas, t.country, t.region_id, t.district_id, t.networks, t.props)
          IS DISTINCT FROM (excluded.city_id, excluded.geom, excluded.gx, excluded.gy, excluded.areas,
                            excluded.country, excluded.region_id, excluded.district_id,
                            excluded.networks, excluded.props);
    DROP TABLE pg_temp.tile_points_new;
    PERFORM tile_cells_refresh(ARRAY(SELECT gx * 2048 + gy FROM tile_points
                                     UNION SELECT gx * 2048 + gy FROM tile_cells WHERE z = 6));
END $$;

-- Every page index entry of `rebuild_kind` anew from `site_entries_fresh`.
CREATE FUNCTION site_entries_rebuild(rebuild_kind smallint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE site_entries_new ON COMMIT DROP AS
        SELECT * FROM site_entries_fresh f WHERE f.kind = rebuild_kind;
    ANALYZE pg_temp.site_entries_new;
    DELETE FROM site_entries s
    WHERE s.kind = rebuild_kind
      AND NOT EXISTS (SELECT 1 FROM pg_temp.site_entries_new f WHERE f.id = s.id AND f.lang = s.lang);
    INSERT INTO site_entries AS s SELECT * FROM pg_temp.site_entries_new
    ON CONFLICT (kind, id, lang) DO UPDATE SET
        position = EXCLUDED.position, sort_a = EXCLUDED.sort_a, sort_b = EXCLUDED.sort_b,
        slug = EXCLUDED.slug, name = EXCLUDED.name, name_lang = EXCLUDED.name_lang,
        country = EXCLUDED.country, country_name = EXCLUDED.country_name, city = EXCLUDED.city,
        updated = EXCLUDED.updated
    WHERE (s.position, s.sort_a, s.sort_b, s.slug, s.name, s.name_lang, s.country,
           s.country_name, s.city, s.updated)
          IS DISTINCT FROM
          (EXCLUDED.position, EXCLUDED.sort_a, EXCLUDED.sort_b, EXCLUDED.slug, EXCLUDED.name,
           EXCLUDED.name_lang, EXCLUDED.country, EXCLUDED.country_name, EXCLUDED.city,
           EXCLUDED.updated);
    DROP TABLE pg_temp.site_entries_new;
END $$;

CREATE OR REPLACE FUNCTION haven_rebuild_derived() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM city_stats_refresh(ARRAY(SELECT id FROM cities));
    PERFORM tile_points_rebuild();
    PERFORM site_entries_rebuild(1::smallint);
    PERFORM site_entries_rebuild(2::smallint);
    PERFORM site_entries_rebuild(3::smallint);
    PERFORM site_entries_rebuild(4::smallint);
    PERFORM haven_refresh_place_prefix_tops(NULL);
    PERFORM policy_area_stats_refresh(ARRAY(SELECT slug::text FROM policy_areas));
END $$;
