//! Cities and what hangs on them (memberships, Safe Harbour demands, practices): staging
//! tables and set-based writes shared by the bundled loaders and the export loader, and the
//! index that matches a source row to an existing city and gives new cities their slugs.

use std::collections::{HashMap, HashSet};

use super::Ctx;
use super::stage::{self, Copy, Written};
use crate::domain::slug::slugify;

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

/// Columns of the staged `memberships`.
pub const MEMBERSHIP_COLUMNS: &[&str] = &[
    "line",
    "city",
    "network",
    "status",
    "role",
    "since",
    "until",
    "evidence_url",
    "verified_on",
    "note",
    "published",
];

/// Creates the staging table of `memberships` (cities and networks by slug).
///
/// # Errors
/// On a database error.
pub async fn stage_memberships(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_memberships",
        "line bigint, city text, network text, status text, role text, since text, until text, \
         evidence_url text, verified_on text, note text, published boolean",
    )
    .await
}

/// Writes the staged memberships (a row whose city is not in the database is skipped).
///
/// # Errors
/// On a database error.
pub async fn upsert_memberships(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    stage::upsert(
        ctx.client,
        "INSERT INTO memberships AS t (city_id, network_id, status, role, since, until, evidence_url,
                                       verified_on, note, published)
         SELECT c.id, n.id, s.status, s.role, s.since, s.until, s.evidence_url, s.verified_on, s.note,
                coalesce(s.published, true)
         FROM stage_memberships s JOIN cities c ON c.slug = s.city JOIN networks n ON n.slug = s.network
         ON CONFLICT (city_id, network_id) DO UPDATE SET status = EXCLUDED.status, role = EXCLUDED.role,
             since = EXCLUDED.since, until = EXCLUDED.until, evidence_url = EXCLUDED.evidence_url,
             verified_on = EXCLUDED.verified_on, note = EXCLUDED.note, published = EXCLUDED.published
         WHERE (t.status, t.role, t.since, t.until, t.evidence_url, t.verified_on, t.note, t.published)
             IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.role, EXCLUDED.since, EXCLUDED.until,
                EXCLUDED.evidence_url, EXCLUDED.verified_on, EXCLUDED.note, EXCLUDED.published)",
    )
    .await
}

/// Creates the staging table of `safe_harbour_demands` (cities by slug).
///
/// # Errors
/// On a database error.
pub async fn stage_city_demands(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_city_demands",
        "line bigint, city text, demand text, decided boolean, fulfilled boolean, as_of text, \
         evidence_url text, note text",
    )
    .await
}

/// Writes the staged per-city demand values.
///
/// # Errors
/// On a database error.
pub async fn upsert_city_demands(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    stage::upsert(
        ctx.client,
        "INSERT INTO safe_harbour_demands AS t (city_id, demand_key, decided, fulfilled, as_of, evidence_url, note)
         SELECT c.id, s.demand, s.decided, s.fulfilled, s.as_of, s.evidence_url, s.note
         FROM stage_city_demands s JOIN cities c ON c.slug = s.city JOIN demands d ON d.key = s.demand
         ON CONFLICT (city_id, demand_key) DO UPDATE SET decided = EXCLUDED.decided,
             fulfilled = EXCLUDED.fulfilled, as_of = EXCLUDED.as_of, evidence_url = EXCLUDED.evidence_url,
             note = EXCLUDED.note
         WHERE (t.decided, t.fulfilled, t.as_of, t.evidence_url, t.note)
             IS DISTINCT FROM (EXCLUDED.decided, EXCLUDED.fulfilled, EXCLUDED.as_of, EXCLUDED.evidence_url, EXCLUDED.note)",
    )
    .await
}

/// Columns of the staged `practices`.
pub const PRACTICE_COLUMNS: &[&str] = &[
    "line",
    "slug",
    "city",
    "original_lang",
    "title",
    "summary",
    "body",
    "transferability",
    "organisation",
    "started",
    "ended",
    "status",
    "contact",
    "confidence",
    "published",
    "geom",
    "status_as_of",
];

/// Creates the staging tables of practices, their policy areas and their sources.
///
/// # Errors
/// On a database error.
pub async fn stage_practices(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_practices",
        "line bigint, slug text, city text, original_lang text, title text, summary text, body text, \
         transferability text, organisation text, started smallint, ended smallint, status text, \
         contact text, confidence text, published boolean, geom text, status_as_of text",
    )
    .await?;
    stage::create(
        ctx.client,
        "stage_practice_areas",
        "practice text, policy_area text",
    )
    .await?;
    stage::create(
        ctx.client,
        "stage_practice_sources",
        "practice text, position smallint, url text, title text, accessed_on date",
    )
    .await
}

/// Writes the staged practices, then makes their policy areas and sources exactly the staged
/// ones (links and sources no longer listed are removed). Returns what was written to
/// `practices` and to the two link tables.
///
/// # Errors
/// On a database error.
pub async fn upsert_practices(ctx: &Ctx<'_>) -> anyhow::Result<(Written, Written)> {
    let geom = stage::geometry("s.geom");
    let main = stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO practices AS t (slug, city_id, geom, original_lang, title, summary, body, transferability,
                                         organisation, started, ended, status, status_as_of, contact, confidence,
                                         published)
             SELECT s.slug, c.id, {geom}, s.original_lang, s.title::jsonb, coalesce(s.summary, '{{}}')::jsonb,
                    coalesce(s.body, '{{}}')::jsonb, coalesce(s.transferability, '{{}}')::jsonb, s.organisation,
                    s.started, s.ended, coalesce(s.status, 'unknown'), s.status_as_of, s.contact, s.confidence,
                    coalesce(s.published, true)
             FROM stage_practices s JOIN cities c ON c.slug = s.city
             ON CONFLICT (slug) DO UPDATE SET city_id = EXCLUDED.city_id, geom = EXCLUDED.geom,
                 original_lang = EXCLUDED.original_lang, title = EXCLUDED.title, summary = EXCLUDED.summary,
                 body = EXCLUDED.body, transferability = EXCLUDED.transferability,
                 organisation = EXCLUDED.organisation, started = EXCLUDED.started, ended = EXCLUDED.ended,
                 status = EXCLUDED.status, status_as_of = EXCLUDED.status_as_of, contact = EXCLUDED.contact,
                 confidence = EXCLUDED.confidence, published = EXCLUDED.published
             WHERE (t.city_id, t.geom, t.original_lang, t.title, t.summary, t.body, t.transferability,
                    t.organisation, t.started, t.ended, t.status, t.status_as_of, t.contact, t.confidence,
                    t.published)
                 IS DISTINCT FROM (EXCLUDED.city_id, EXCLUDED.geom, EXCLUDED.original_lang, EXCLUDED.title,
                    EXCLUDED.summary, EXCLUDED.body, EXCLUDED.transferability, EXCLUDED.organisation,
                    EXCLUDED.started, EXCLUDED.ended, EXCLUDED.status, EXCLUDED.status_as_of, EXCLUDED.contact,
                    EXCLUDED.confidence, EXCLUDED.published)"
        ),
    )
    .await?;
    let mut written = stage::upsert(
        ctx.client,
        "INSERT INTO practice_policy_areas AS t (practice_id, policy_area)
         SELECT DISTINCT p.id, s.policy_area FROM stage_practice_areas s JOIN practices p ON p.slug = s.practice
         JOIN policy_areas a ON a.slug = s.policy_area
         ON CONFLICT (practice_id, policy_area) DO NOTHING",
    )
    .await?;
    written.updated += stage::execute(
        ctx.client,
        "DELETE FROM practice_policy_areas t USING practices p
         WHERE t.practice_id = p.id AND p.slug IN (SELECT slug FROM stage_practices)
           AND NOT EXISTS (SELECT 1 FROM stage_practice_areas s WHERE s.practice = p.slug AND s.policy_area = t.policy_area)",
    )
    .await?;
    written += stage::upsert(
        ctx.client,
        "INSERT INTO practice_sources AS t (practice_id, position, url, title, accessed_on)
         SELECT p.id, s.position, s.url, s.title, s.accessed_on
         FROM stage_practice_sources s JOIN practices p ON p.slug = s.practice
         ON CONFLICT (practice_id, position) DO UPDATE SET url = EXCLUDED.url, title = EXCLUDED.title,
             accessed_on = EXCLUDED.accessed_on
         WHERE (t.url, t.title, t.accessed_on) IS DISTINCT FROM (EXCLUDED.url, EXCLUDED.title, EXCLUDED.accessed_on)",
    )
    .await?;
    written.updated += stage::execute(
        ctx.client,
        "DELETE FROM practice_sources t USING practices p
         WHERE t.practice_id = p.id AND p.slug IN (SELECT slug FROM stage_practices)
           AND NOT EXISTS (SELECT 1 FROM stage_practice_sources s WHERE s.practice = p.slug AND s.position = t.position)",
    )
    .await?;
    Ok((main, written))
}

/// What a source row says about a city, before it is matched or created.
#[derive(Debug, Clone, Default)]
pub struct CityDraft {
    pub line: u64,
    pub name: String,
    pub official_name: Option<String>,
    /// `municipality`, `district`, `municipal_association`, `state` or `borough`.
    pub kind: &'static str,
    pub designation: Option<String>,
    pub country: String,
    pub ags: Option<String>,
    pub ars: Option<String>,
    pub geonameid: Option<i64>,
    /// (lon, lat) from the row.
    pub point: Option<(f64, f64)>,
    pub population: Option<i64>,
}

/// The cities in the database (and those added during this import), by their official
/// codes and names, with every slug in use.
#[derive(Debug, Default)]
pub struct CityIndex {
    by_ags: HashMap<String, String>,
    by_ars: HashMap<String, String>,
    by_geonameid: HashMap<(i64, String), String>,
    by_name: HashMap<(String, String), String>,
    slugs: HashSet<String>,
    district_names: HashMap<String, String>,
}

impl CityIndex {
    /// Reads the cities and the German district names from the database.
    ///
    /// # Errors
    /// On a database error.
    pub async fn load(ctx: &Ctx<'_>) -> anyhow::Result<Self> {
        let mut index = Self::default();
        for row in ctx
            .client
            .query(
                "SELECT slug::text, name, official_name, country::text, kind, ags, ars, geonameid FROM cities
                 UNION ALL SELECT r.slug::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM city_slug_redirects r",
                &[],
            )
            .await?
        {
            let slug: String = row.get(0);
            index.slugs.insert(slug.clone());
            let Some(country) = row.get::<_, Option<String>>(3) else { continue };
            let kind: String = row.get(4);
            if let Some(ags) = row.get::<_, Option<String>>(5) {
                index.by_ags.insert(ags, slug.clone());
            }
            if let Some(ars) = row.get::<_, Option<String>>(6) {
                index.by_ars.insert(ars, slug.clone());
            }
            if let Some(id) = row.get::<_, Option<i64>>(7) {
                index.by_geonameid.insert((id, kind), slug.clone());
            }
            for name in [row.get::<_, Option<String>>(1), row.get::<_, Option<String>>(2)].into_iter().flatten() {
                index.by_name.entry((country.clone(), slugify(&name))).or_insert_with(|| slug.clone());
            }
        }
        for row in ctx
            .client
            .query(
                "SELECT code, name FROM regions WHERE country = 'DE' AND level = 'district'",
                &[],
            )
            .await?
        {
            index.district_names.insert(row.get(0), row.get(1));
        }
        Ok(index)
    }

    /// The slug of the existing city `draft` describes: by AGS, ARS, GeoNames id (same kind),
    /// then name (or official name) within the country.
    #[must_use]
    pub fn find(&self, draft: &CityDraft) -> Option<String> {
        if let Some(ags) = &draft.ags {
            return self.by_ags.get(ags).cloned();
        }
        if let Some(ars) = &draft.ars {
            return self.by_ars.get(ars).cloned();
        }
        if let Some(id) = draft.geonameid
            && let Some(slug) = self.by_geonameid.get(&(id, draft.kind.to_owned()))
        {
            return Some(slug.clone());
        }
        [Some(&draft.name), draft.official_name.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|name| {
                self.by_name
                    .get(&(draft.country.clone(), slugify(name)))
                    .cloned()
            })
    }

    /// The slug for a new city: its name's slug, suffixed with the district, then the
    /// country, then a number when the name is taken. Registers the city's codes and names.
    pub fn claim(&mut self, draft: &CityDraft) -> String {
        let base = slugify(&draft.name);
        let base = if base.is_empty() {
            "city".to_owned()
        } else {
            base
        };
        let mut candidates = vec![base.clone()];
        if let Some(code) = draft
            .ags
            .as_ref()
            .or(draft.ars.as_ref())
            .filter(|code| code.len() >= 5)
            && let Some(district) = self.district_names.get(&code[..5])
        {
            let district = slugify(district);
            if !district.is_empty() && district != base {
                candidates.push(format!("{base}-{district}"));
            }
        }
        candidates.push(format!("{base}-{}", draft.country.to_lowercase()));
        let slug = candidates
            .into_iter()
            .find(|candidate| !self.slugs.contains(candidate))
            .unwrap_or_else(|| {
                (2..)
                    .map(|n| format!("{base}-{n}"))
                    .find(|candidate| !self.slugs.contains(candidate))
                    .unwrap_or(base)
            });
        self.register(draft, &slug);
        slug
    }

    /// Records that `draft` is the city `slug`.
    pub fn register(&mut self, draft: &CityDraft, slug: &str) {
        self.slugs.insert(slug.to_owned());
        if let Some(ags) = &draft.ags {
            self.by_ags.insert(ags.clone(), slug.to_owned());
        }
        if let Some(ars) = &draft.ars {
            self.by_ars.insert(ars.clone(), slug.to_owned());
        }
        if let Some(id) = draft.geonameid {
            self.by_geonameid
                .insert((id, draft.kind.to_owned()), slug.to_owned());
        }
        for name in [Some(&draft.name), draft.official_name.as_ref()]
            .into_iter()
            .flatten()
        {
            self.by_name
                .entry((draft.country.clone(), slugify(name)))
                .or_insert_with(|| slug.to_owned());
        }
    }
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
