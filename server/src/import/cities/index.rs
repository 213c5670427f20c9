//! Matching a source row to an existing city, and slugs for new ones.

use std::collections::{HashMap, HashSet};

use crate::domain::slug::slugify;
use crate::import::Ctx;

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
