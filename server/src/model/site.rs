//! Every subject that has a page (listed cities, published practices, networks, policy
//! areas) with its name in one language: the index page and the sitemap.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{Date, Jsonb, Nullable, SmallInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use serde_json::Value;

use crate::error::AppResult;
use crate::model::pick_lang;
use crate::query::Lang;

/// One subject with a page.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub slug: String,
    pub name: String,
    /// The language of `name` where it is a text (practice titles).
    pub name_lang: Option<String>,
    /// Country (cities, practices) as a code, and its name in the language.
    pub country: Option<String>,
    pub country_name: Option<String>,
    /// The practice's city.
    pub city: Option<String>,
    /// `YYYY-MM-DD` of the last change.
    pub updated: String,
}

/// Everything that has a page.
#[derive(Debug, Deserialize)]
pub struct Site {
    /// By country name, then name.
    pub cities: Vec<Entry>,
    /// By city, then slug.
    pub practices: Vec<Entry>,
    /// By name.
    pub networks: Vec<Entry>,
    /// In their order.
    pub policy_areas: Vec<Entry>,
}

/// One row of [`SITE`].
#[derive(Debug, QueryableByName)]
struct SiteRow {
    #[diesel(sql_type = SmallInt)]
    kind: i16,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    name_lang: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    country: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    country_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    city: Option<String>,
    #[diesel(sql_type = Date)]
    updated: NaiveDate,
}

/// One row of [`PRACTICES`].
#[derive(Debug, QueryableByName)]
struct PracticeRow {
    #[diesel(sql_type = Text)]
    slug: String,
    /// Every title, `{lang: text}`.
    #[diesel(sql_type = Jsonb)]
    title: Value,
    #[diesel(sql_type = Text)]
    original_lang: String,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Text)]
    city: String,
    #[diesel(sql_type = Date)]
    updated: NaiveDate,
}

/// Every subject with a page but the practices, one row each, named in `$1` (lang): cities
/// (kind 1) by country name and name, networks (3) by name, policy areas (4) in their order.
///
/// The rows are kept, named and ordered, in `site_entries` by triggers; the statement reads
/// them in the order of the index `site_entries_order_idx` (no join, no sort).
const SITE: &str = "SELECT kind, slug, name, name_lang, country, country_name, city, updated
    FROM site_entries WHERE lang = $1::text
    ORDER BY lang, kind, position, sort_a, sort_b, slug";

/// Every published practice of a published city, by city and slug, with every title: their
/// order is the same in every language, so `site_practices` keeps each once (by triggers) and
/// the title of the page's language is picked here.
const PRACTICES: &str = "SELECT slug, title, original_lang, country, city, updated
    FROM site_practices ORDER BY city, slug";

/// Every page subject, named in `lang`.
///
/// # Errors
/// When the query fails.
pub async fn all(conn: &mut AsyncPgConnection, lang: Lang) -> AppResult<Site> {
    let rows: Vec<SiteRow> =
        crate::db::Prepared::fixed(diesel::sql_query(SITE).bind::<Text, _>(lang.code()))
            .load(conn)
            .await?;
    let mut site = Site {
        cities: Vec::new(),
        practices: Vec::new(),
        networks: Vec::new(),
        policy_areas: Vec::new(),
    };
    for row in rows {
        let list = match row.kind {
            1 => &mut site.cities,
            3 => &mut site.networks,
            // Practices are in `site_practices`; an entry of theirs here would be a stale one.
            2 => continue,
            _ => &mut site.policy_areas,
        };
        list.push(Entry {
            name: row.name.unwrap_or_else(|| row.slug.clone()),
            slug: row.slug,
            name_lang: row.name_lang,
            country: row.country,
            country_name: row.country_name,
            city: row.city,
            updated: row.updated.to_string(),
        });
    }
    let practices: Vec<PracticeRow> = crate::db::Prepared::fixed(diesel::sql_query(PRACTICES))
        .load(conn)
        .await?;
    site.practices = practices
        .into_iter()
        .map(|row| {
            let picked = pick_lang(&row.title, lang, Some(&row.original_lang));
            let (name, name_lang) = match picked {
                Some((text, code)) => (text, Some(code)),
                None => (row.slug.clone(), None),
            };
            Entry {
                slug: row.slug,
                name,
                name_lang,
                country: Some(row.country),
                country_name: None,
                city: Some(row.city),
                updated: row.updated.to_string(),
            }
        })
        .collect();
    Ok(site)
}
