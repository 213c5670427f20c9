//! `/{lang}/cities/{slug}`: a city with its declaration, memberships, Seebrücke's demands,
//! practices and profile, every fact with its source and date (`?rev=N`: as published in
//! revision N).

mod view;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::{Chrome, Content, FeedLink, PageSlug, Provenance, html, map_href};
use crate::app::AppState;
use crate::cite::Citation;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::city::CityDetailProperties;
use crate::model::detail;
use crate::query::{Lang, QueryParams};

/// A membership as the page shows it.
#[derive(Debug)]
pub struct MembershipView {
    pub network: String,
    pub network_name: String,
    pub status: String,
    pub role: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub as_of: Option<String>,
    pub evidence_url: Option<String>,
    pub needs_checking: bool,
}

/// One source on a demand.
#[derive(Debug)]
pub struct EvidenceView {
    pub status: String,
    pub as_of: Option<String>,
    pub url: String,
}

/// A demand as the page shows it.
#[derive(Debug)]
pub struct DemandView {
    pub label: String,
    pub decided: (&'static str, &'static str),
    pub fulfilled: (&'static str, &'static str),
    pub as_of: Option<String>,
    pub evidence: Vec<EvidenceView>,
    pub needs_checking: bool,
    /// The take-action guide on the demand, when there is one.
    pub guide_href: Option<String>,
}

/// A link to a practice.
#[derive(Debug)]
pub struct PracticeLink {
    pub href: String,
    pub title: String,
    pub title_lang: String,
    pub areas: String,
}

/// A link with a label.
#[derive(Debug)]
pub struct LabelledLink {
    pub href: String,
    pub label: String,
}

/// The city page.
#[derive(Template)]
#[template(path = "pages/city.html")]
pub struct CityPage {
    pub page: Chrome,
    pub name: String,
    pub kind: String,
    pub facts: Vec<(&'static str, String)>,
    pub website: Option<String>,
    pub identifiers: Vec<LabelledLink>,
    pub status_line: Vec<String>,
    pub profile: String,
    pub featured: Option<Content>,
    pub featured_sources: Vec<String>,
    pub memberships: Vec<MembershipView>,
    pub memberships_to_check: bool,
    pub demands: Vec<DemandView>,
    pub demands_to_check: bool,
    pub has_demands: bool,
    /// "How to ask your council for this", the text of each demand's guide link.
    pub guide_link: &'static str,
    /// "What could {name} do?": the place's gap sheet.
    pub gaps: Option<LabelledLink>,
    pub follow: LabelledLink,
    pub practices: Vec<PracticeLink>,
    pub areas: Vec<LabelledLink>,
    pub foot: Provenance,
}

/// `GET /{lang}/cities/{slug}`.
///
/// # Errors
/// 400 for a bad `rev`; 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/cities/{slug}", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("slug" = String, Path, description = "The city's slug"), ("rev" = Option<i64>, Query, description = "A past revision")),
    responses(
        (status = 200, description = "A city's page: declaration, memberships, demands, practices and profile, each fact with its source and date; `?rev=N` shows revision N (HTML)", content_type = "text/html"),
        (status = 301, description = "An old slug: `Location` has the current page"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad `rev`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such page (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageSlug { lang, slug }: PageSlug,
    params: QueryParams,
) -> AppResult<Response> {
    let rev = super::rev_param(&params)?;
    let found = state.city_found(&slug, lang, &[]).await?;
    let mut conn = state.db_read().await?;
    let loaded = detail::city(&mut conn, found, lang, rev).await?;
    let (doc, revisions) = match super::found(loaded, lang, &base, "cities", rev) {
        Ok(found) => found,
        Err(answer) => return Ok(*answer),
    };
    let area_labels = area_labels(&mut conn, lang).await?;
    let guides = crate::model::take_action::keys(&mut conn).await?;
    let rest = format!("cities/{slug}");
    let page_url = super::page_url(&base, lang, &rest);
    let citation = Citation::of_city(&doc.properties, &revisions, &page_url, lang);
    let foot = Provenance::new(
        lang,
        &rest,
        &format!("/api/v1/cities/{slug}"),
        &doc.properties.updated_at,
        &revisions,
        &citation,
    );
    let city = &doc.properties;
    let [lon, lat] = doc.geometry.coordinates;
    let mut page = Chrome::new(lang, &base, &rest, city.name.clone(), city.profile.clone())
        .with_json_ld(&json_ld(city, &page_url, lon, lat));
    page.og_type = "place";
    page.noindex = revisions.shown.is_some();
    page.map_href = map_href(lang, Some(("city", &slug)));
    page.feeds = vec![
        super::follow::follow_feed(lang, &crate::follow::Target::City(slug.clone())),
        FeedLink {
            title: page.w.feed_practices,
            href: format!(
                "/feeds/practices.atom?country={}&lang={}",
                city.country,
                lang.code()
            ),
        },
        FeedLink {
            title: page.w.feed_harbours,
            href: format!(
                "/feeds/safe-harbours.atom?country={}&lang={}",
                city.country,
                lang.code()
            ),
        },
    ];
    html(&view::view(page, city, &area_labels, &guides, foot, lang))
}

/// Labels of every policy area in `lang`, by slug.
pub(crate) async fn area_labels(
    conn: &mut diesel_async::AsyncPgConnection,
    lang: Lang,
) -> AppResult<Vec<(String, String)>> {
    let areas = crate::model::policy_area::labels(conn, lang).await?;
    Ok(areas.into_iter().map(|a| (a.slug, a.label)).collect())
}

/// The label of policy area `slug`.
pub(crate) fn area_label(labels: &[(String, String)], slug: &str) -> String {
    labels
        .iter()
        .find(|(s, _)| s == slug)
        .map_or_else(|| slug.to_owned(), |(_, label)| label.clone())
}

/// schema.org `City` (or `AdministrativeArea` for districts and states) with its
/// identifiers as `sameAs`.
fn json_ld(city: &CityDetailProperties, url: &str, lon: f64, lat: f64) -> serde_json::Value {
    let kind = if city.kind == "municipality" || city.kind == "borough" {
        "City"
    } else {
        "AdministrativeArea"
    };
    let mut same_as = Vec::new();
    if let Some(id) = &city.wikidata {
        same_as.push(format!("https://www.wikidata.org/wiki/{id}"));
    }
    if let Some(id) = city.geonameid {
        same_as.push(format!("https://sws.geonames.org/{id}/"));
    }
    if let Some(website) = &city.website {
        same_as.push(website.clone());
    }
    json!({
        "@context": "https://schema.org",
        "@type": kind,
        "@id": url,
        "name": city.name,
        "url": url,
        "description": city.profile,
        "sameAs": same_as,
        "geo": { "@type": "GeoCoordinates", "latitude": lat, "longitude": lon },
        "containedInPlace": { "@type": "Country", "name": city.country_name, "identifier": city.country },
        "dateModified": city.updated_at,
    })
}
