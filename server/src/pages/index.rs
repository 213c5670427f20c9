//! `/{lang}/`: every page of Haven in one index (policy areas, networks, cities by country,
//! practices by city).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::{Chrome, PageLang, html};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::site::{self, Entry};
use crate::words::words;

/// The cities of one country.
#[derive(Debug)]
pub struct CountryGroup {
    pub name: String,
    pub cities: Vec<Entry>,
}

/// The index page.
#[derive(Template)]
#[template(path = "pages/index.html")]
pub struct IndexPage {
    pub page: Chrome,
    pub policy_areas: Vec<Entry>,
    pub networks: Vec<Entry>,
    pub countries: Vec<CountryGroup>,
    pub practices: Vec<Entry>,
    pub city_count: usize,
}

/// `GET /{lang}/`.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es")),
    responses(
        (status = 200, description = "The index of every page (HTML)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such page (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
) -> AppResult<Response> {
    let mut conn = state.db_read().await?;
    let site = site::all(&mut conn, lang).await?;
    let w = words(lang);
    let url = super::page_url(&base, lang, "");
    let mut page =
        Chrome::new(lang, &base, "", w.index_title, w.index_intro).with_json_ld(&json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "@id": url,
            "url": url,
            "name": "Haven",
            "description": w.tagline,
            "inLanguage": lang.code(),
            "publisher": { "@type": "Organization", "name": "Haven" },
        }));
    page = page.with_site_feeds();
    let city_count = site.cities.len();
    let mut countries: Vec<CountryGroup> = Vec::new();
    for city in site.cities {
        let name = city.country_name.clone().unwrap_or_default();
        match countries.last_mut() {
            Some(group) if group.name == name => group.cities.push(city),
            _ => countries.push(CountryGroup {
                name,
                cities: vec![city],
            }),
        }
    }
    html(&IndexPage {
        page,
        policy_areas: site.policy_areas,
        networks: site.networks,
        countries,
        practices: site.practices,
        city_count,
    })
}
