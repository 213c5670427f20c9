//! Cities and what hangs on them (memberships, Safe Harbour demands, practices): staging
//! tables and set-based writes shared by the bundled loaders and the export loader, and the
//! index that matches a source row to an existing city and gives new cities their slugs.

mod demands;
mod index;
mod memberships;
mod practices;

use std::collections::HashSet;

pub use demands::{stage_city_demands, upsert_city_demands};
pub use index::{CityDraft, CityIndex};
pub use memberships::{MEMBERSHIP_COLUMNS, stage_memberships, upsert_memberships};
pub use practices::{PRACTICE_COLUMNS, stage_practices, upsert_practices};

use super::Ctx;
use super::stage::{self, Copy, Written};

/// Columns of the staged `cities`.
pub const CITY_COLUMNS: &[&str] = &[
    "line",
    "slug",
    "name",
    "official_name",
    "names",
    "country",
    "region_code",
    "district_code",
    "kind",
    "designation",
    "ags",
    "ars",
    "lau",
    "geonameid",
    "wikidata",
    "population",
    "geom",
    "boundary",
    "website",
    "summary",
    "takeaways",
    "published",
    "summary_sources",
];

/// Creates the staging table of `cities`.
///
/// # Errors
/// On a database error.
pub async fn stage_cities(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_cities",
        "line bigint, slug text, name text, official_name text, names text, country text, \
         region_code text, district_code text, kind text, designation text, ags text, ars text, \
         lau text, geonameid bigint, wikidata text, population bigint, geom text, boundary text, \
         website text, summary text, takeaways text, published boolean, summary_sources text",
    )
    .await
}

/// Rejects staged cities whose point lies outside their country (0.1° of tolerance for
/// coastal and border towns) and removes them from the stage.
///
/// # Errors
/// On a database error.
pub async fn check_cities_in_country(ctx: &mut Ctx<'_>, field: &str) -> anyhow::Result<()> {
    let geom = stage::geometry("s.geom");
    let outside = ctx
        .client
        .query(
            &format!(
                "SELECT s.line, s.name, s.country FROM stage_cities s JOIN countries c ON c.iso2 = s.country
                 WHERE s.geom IS NOT NULL AND c.geom IS NOT NULL AND NOT ST_DWithin(c.geom, {geom}, 0.1)"
            ),
            &[],
        )
        .await?;
    for row in &outside {
        let line: i64 = row.get(0);
        let name: String = row.get(1);
        let country: String = row.get(2);
        ctx.problems.reject(
            u64::try_from(line).unwrap_or(0),
            field,
            format!("the point of {name:?} lies outside its country {country}"),
        );
    }
    ctx.client
        .batch_execute(&format!(
            "DELETE FROM stage_cities s USING countries c WHERE c.iso2 = s.country AND s.geom IS NOT NULL
             AND c.geom IS NOT NULL AND NOT ST_DWithin(c.geom, {geom}, 0.1)"
        ))
        .await?;
    Ok(())
}

/// Writes the staged cities, keyed by slug (matching by official codes happened when the
/// slugs were given, see [`CityIndex`]). The gazetteer place is linked by AGS or GeoNames id.
///
/// # Errors
/// On a database error.
pub async fn upsert_cities(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    // A staged city without a featured profile keeps the one it has: the profiles come from
    // their own file (`city_summaries.csv`), not from the files that define cities.
    let summary = "CASE WHEN EXCLUDED.summary = '{}' THEN t.summary ELSE EXCLUDED.summary END";
    let takeaways =
        "CASE WHEN EXCLUDED.takeaways = '{}' THEN t.takeaways ELSE EXCLUDED.takeaways END";
    let summary_sources = "CASE WHEN EXCLUDED.summary = '{}' THEN t.summary_sources \
                           ELSE EXCLUDED.summary_sources END";
    let geom = stage::geometry("s.geom");
    let boundary = stage::multipolygon("s.boundary");
    stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO cities AS t (slug, name, official_name, names, country, region_id, district_id, place_id,
                                      kind, designation, ags, ars, lau, geonameid, wikidata, population, geom,
                                      boundary, website, summary, summary_sources, takeaways, published)
             SELECT s.slug, s.name, s.official_name, coalesce(s.names, '{{}}')::jsonb, s.country, r.id, d.id, p.id,
                    s.kind, s.designation, s.ags, s.ars, s.lau, s.geonameid, s.wikidata, s.population, {geom},
                    {boundary}, s.website, coalesce(s.summary, '{{}}')::jsonb,
                    coalesce(s.summary_sources, '[]')::jsonb, coalesce(s.takeaways, '{{}}')::jsonb,
                    coalesce(s.published, true)
             FROM stage_cities s
             LEFT JOIN regions r ON r.country = s.country AND r.code = s.region_code AND r.level IN ('state', 'admin1')
             LEFT JOIN regions d ON d.country = s.country AND d.level = 'district' AND d.code = s.district_code
             LEFT JOIN LATERAL (
                 SELECT p.id FROM places p
                 WHERE s.kind = 'municipality'
                   AND ((length(s.ags) = 8 AND p.ags = s.ags) OR (s.ags IS NULL AND p.geonameid = s.geonameid))
                 ORDER BY p.id LIMIT 1) p ON true
             ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, official_name = EXCLUDED.official_name,
                 names = EXCLUDED.names, country = EXCLUDED.country, region_id = EXCLUDED.region_id,
                 district_id = EXCLUDED.district_id, place_id = EXCLUDED.place_id, kind = EXCLUDED.kind,
                 designation = EXCLUDED.designation, ags = EXCLUDED.ags, ars = EXCLUDED.ars, lau = EXCLUDED.lau,
                 geonameid = EXCLUDED.geonameid, wikidata = EXCLUDED.wikidata, population = EXCLUDED.population,
                 geom = EXCLUDED.geom, boundary = EXCLUDED.boundary, website = EXCLUDED.website,
                 summary = {summary}, summary_sources = {summary_sources}, takeaways = {takeaways},
                 published = EXCLUDED.published
             WHERE (t.name, t.official_name, t.names, t.country, t.region_id, t.district_id, t.place_id, t.kind,
                    t.designation, t.ags, t.ars, t.lau, t.geonameid, t.wikidata, t.population, t.geom,
                    t.boundary, t.website, t.summary, t.summary_sources, t.takeaways, t.published)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.official_name, EXCLUDED.names, EXCLUDED.country,
                    EXCLUDED.region_id, EXCLUDED.district_id, EXCLUDED.place_id, EXCLUDED.kind,
                    EXCLUDED.designation, EXCLUDED.ags, EXCLUDED.ars, EXCLUDED.lau, EXCLUDED.geonameid,
                    EXCLUDED.wikidata, EXCLUDED.population, EXCLUDED.geom, EXCLUDED.boundary,
                    EXCLUDED.website, {summary}, {summary_sources}, {takeaways}, EXCLUDED.published)"
        ),
    )
    .await
}

/// Stages `drafts` (with their slugs) as cities, fills what the rows leave open from the
/// gazetteer (point, boundary, state and district by AGS/ARS/GeoNames id; a Samtgemeinde's
/// boundary is the union of its member municipalities), rejects points outside the country
/// and skips, with an `unplaced` warning, cities that have no point at all. Returns the
/// slugs that were staged.
///
/// # Errors
/// On a database error.
pub async fn stage_drafts(
    ctx: &mut Ctx<'_>,
    drafts: &[(String, CityDraft)],
) -> anyhow::Result<HashSet<String>> {
    stage_cities(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_cities", CITY_COLUMNS).await?;
    for (slug, draft) in drafts {
        copy.row(&[
            Some(draft.line.to_string()),
            Some(slug.clone()),
            Some(draft.name.clone()),
            draft.official_name.clone(),
            None,
            Some(draft.country.clone()),
            None,
            None,
            Some(draft.kind.to_owned()),
            draft.designation.clone(),
            draft.ags.clone(),
            draft.ars.clone(),
            None,
            draft.geonameid.map(|id| id.to_string()),
            None,
            draft.population.map(|p| p.to_string()),
            draft.point.map(|(x, y)| super::gazetteer::point_ewkt(x, y)),
            None,
            None,
            None,
            None,
            None,
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    ctx.client
        .batch_execute(
            "UPDATE stage_cities s SET geom = coalesce(s.geom, p.geom::text), boundary = p.boundary::text,
                    region_code = r.code, district_code = d.code, population = coalesce(s.population, p.population)
             FROM places p LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN regions d ON d.id = p.district_id
             WHERE s.kind = 'municipality' AND length(s.ags) = 8 AND p.ags = s.ags;
             UPDATE stage_cities s SET geom = coalesce(s.geom, d.label_point::text), boundary = d.geom::text,
                    region_code = left(s.ags, 2), district_code = s.ags
             FROM regions d WHERE s.kind = 'district' AND d.country = 'DE' AND d.level = 'district' AND d.code = s.ags;
             UPDATE stage_cities s SET boundary = u.boundary::text, geom = coalesce(s.geom, ST_PointOnSurface(u.boundary)::text),
                    region_code = left(s.ars, 2), district_code = left(s.ars, 5)
             FROM (SELECT s2.ars, ST_Multi(ST_Union(p.boundary ORDER BY p.ags)) AS boundary
                   FROM stage_cities s2 JOIN places p ON p.ars LIKE s2.ars || '%'
                   WHERE s2.kind = 'municipal_association' GROUP BY s2.ars) u
             WHERE s.kind = 'municipal_association' AND u.ars = s.ars;
             UPDATE stage_cities s SET geom = coalesce(s.geom, r.label_point::text), boundary = r.geom::text,
                    region_code = s.ags
             FROM regions r WHERE s.kind = 'state' AND r.country = 'DE' AND r.level = 'state' AND r.code = s.ags;
             UPDATE stage_cities s SET geom = coalesce(s.geom, p.geom::text), region_code = coalesce(s.region_code, r.code),
                    district_code = coalesce(s.district_code, d.code), population = coalesce(s.population, p.population)
             FROM places p LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN regions d ON d.id = p.district_id
             WHERE s.ags IS NULL AND s.ars IS NULL AND s.geonameid IS NOT NULL AND p.geonameid = s.geonameid;",
        )
        .await?;
    let unplaced = ctx
        .client
        .query(
            "DELETE FROM stage_cities WHERE geom IS NULL RETURNING line, name, country",
            &[],
        )
        .await?;
    for row in &unplaced {
        let line: i64 = row.get(0);
        let name: String = row.get(1);
        let country: String = row.get(2);
        ctx.problems.warn(
            u64::try_from(line).unwrap_or(0),
            "unplaced",
            format!("{name} ({country}) has no coordinates and no match in the gazetteer; skipped"),
        );
    }
    check_cities_in_country(ctx, "lat").await?;
    Ok(ctx
        .client
        .query("SELECT slug FROM stage_cities", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

/// Places a draft that has neither a point nor an official code by name (or alternate
/// name) and country in the gazetteer, taking the most populous match.
///
/// # Errors
/// On a database error.
pub async fn place_by_name(ctx: &Ctx<'_>, draft: &mut CityDraft) -> anyhow::Result<()> {
    if draft.point.is_some()
        || draft.ags.is_some()
        || draft.ars.is_some()
        || draft.geonameid.is_some()
    {
        return Ok(());
    }
    // A GeoNames place first (the most populous of that name), else a place Haven added
    // (`places_added.csv`), which has no GeoNames id: the city takes its point.
    let found = ctx
        .client
        .query_opt(
            "SELECT p.geonameid, ST_X(p.geom), ST_Y(p.geom) FROM places p
             WHERE p.country = $1 AND (p.geonameid IS NOT NULL OR p.source = 'haven')
               AND (p.name_key = haven_fold($2)
                    OR EXISTS (SELECT 1 FROM place_names n WHERE n.place_id = p.id AND n.name_key = haven_fold($2)))
             ORDER BY p.geonameid IS NULL, p.population DESC NULLS LAST, p.id LIMIT 1",
            &[&draft.country, &draft.name],
        )
        .await?;
    if let Some(row) = found {
        draft.geonameid = row.get(0);
        if draft.geonameid.is_none() {
            draft.point = Some((row.get(1), row.get(2)));
        }
    }
    Ok(())
}
