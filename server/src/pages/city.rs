//! `/{lang}/cities/{slug}`: a city with its declaration, memberships, Seebrücke's demands,
//! practices and profile, every fact with its source and date (`?rev=N`: as published in
//! revision N).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::words::{Words, words};
use super::{Chrome, Content, FeedLink, PageSlug, Provenance, html, map_href, not_found, number};
use crate::app::AppState;
use crate::cite::Citation;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::city::CityDetailProperties;
use crate::model::detail::{self, Loaded};
use crate::model::profile::partial_date;
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
    let mut conn = state.db_read().await?;
    let (doc, revisions) = match detail::city(&mut conn, &slug, lang, rev).await? {
        Loaded::Found(doc, revisions) => (doc, revisions),
        Loaded::Moved(to) => {
            return Ok(super::moved(
                &base,
                &super::page_path(lang, &format!("cities/{to}")),
                rev,
            ));
        }
        Loaded::Missing | Loaded::NoSuchRevision => return Ok(not_found(lang, &base)),
    };
    let area_labels = area_labels(&mut conn, lang).await?;
    let guides = crate::model::take_action::keys(&mut conn).await?;
    let rest = format!("cities/{slug}");
    let page_url = format!("{}{}", base.0, super::page_path(lang, &rest));
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
    html(&view(page, city, &area_labels, &guides, foot, lang))
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

fn answer(w: &'static Words, value: Option<bool>) -> (&'static str, &'static str) {
    match value {
        Some(true) => (w.yes, "yes"),
        Some(false) => (w.no, "no"),
        None => (w.unknown, "unknown"),
    }
}

fn view(
    page: Chrome,
    city: &CityDetailProperties,
    area_labels: &[(String, String)],
    guides: &std::collections::HashSet<String>,
    foot: Provenance,
    lang: Lang,
) -> CityPage {
    let w = words(lang);
    let date = |d: &Option<String>| d.as_deref().map(|d| partial_date(d, lang));
    let mut facts = vec![(w.country, city.country_name.clone())];
    if let Some(region) = &city.region {
        facts.push((w.region, region.name.clone()));
    }
    if let Some(district) = &city.district {
        facts.push((w.district, district.name.clone()));
    }
    if let Some(official) = &city.official_name {
        facts.push((w.official_name, official.clone()));
    }
    if let Some(population) = city.population {
        facts.push((w.population, number(population, lang)));
    }
    let mut identifiers = Vec::new();
    if let Some(id) = &city.wikidata {
        identifiers.push(LabelledLink {
            href: format!("https://www.wikidata.org/wiki/{id}"),
            label: format!("Wikidata {id}"),
        });
    }
    if let Some(id) = city.geonameid {
        identifiers.push(LabelledLink {
            href: format!("https://www.geonames.org/{id}"),
            label: format!("GeoNames {id}"),
        });
    }
    if let Some(ags) = &city.ags {
        facts.push(("AGS", ags.clone()));
    }
    let mut status_line = Vec::new();
    if let Some(harbour) = &city.safe_harbour {
        status_line.push(match &harbour.since {
            Some(since) => w
                .safe_harbour_since
                .replace("{date}", &partial_date(since, lang)),
            None => w.safe_harbour.to_owned(),
        });
    }
    if city.alliance_member {
        status_line.push(w.alliance_member.to_owned());
    }
    let memberships: Vec<MembershipView> = city
        .memberships
        .iter()
        .map(|m| MembershipView {
            network: m.network.clone(),
            network_name: m.network_name.clone(),
            status: Words::label(&w.membership_statuses, &m.status),
            // The role often repeats the status ("member", "declared safe harbour").
            role: m
                .role
                .clone()
                .filter(|role| !role.to_lowercase().contains(&m.status.replace('_', " "))),
            since: date(&m.since),
            until: date(&m.until),
            as_of: date(&m.as_of),
            evidence_url: m.evidence_url.clone(),
            needs_checking: m.needs_checking,
        })
        .collect();
    let demands: Vec<DemandView> = city
        .demands
        .iter()
        .map(|d| {
            let mut evidence: Vec<EvidenceView> = d
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    status: Words::label(&w.evidence_statuses, &e.status),
                    as_of: date(&e.as_of),
                    url: e.source_url.clone(),
                })
                .collect();
            if let Some(url) = &d.evidence_url
                && !evidence.iter().any(|e| &e.url == url)
            {
                evidence.insert(
                    0,
                    EvidenceView {
                        status: String::new(),
                        as_of: date(&d.as_of),
                        url: url.clone(),
                    },
                );
            }
            DemandView {
                label: d.label.clone(),
                decided: answer(w, d.decided),
                fulfilled: answer(w, d.fulfilled),
                as_of: date(&d.as_of),
                evidence,
                needs_checking: d.needs_checking,
                guide_href: guides
                    .contains(&d.key)
                    .then(|| super::take_action::guide_path(lang, &d.key)),
            }
        })
        .collect();
    let has_demands = city
        .demands
        .iter()
        .any(|d| d.decided.is_some() || d.fulfilled.is_some() || !d.evidence.is_empty());
    let practices = city
        .practices
        .iter()
        .map(|p| PracticeLink {
            href: super::page_path(lang, &format!("practices/{}", p.slug)),
            title: p.title.clone(),
            title_lang: p.title_lang.clone(),
            areas: p
                .policy_areas
                .iter()
                .map(|a| area_label(area_labels, a))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let areas = city
        .policy_areas
        .iter()
        .map(|slug| LabelledLink {
            href: super::page_path(lang, &format!("policy-areas/{slug}")),
            label: area_label(area_labels, slug),
        })
        .collect();
    let featured = city
        .summary
        .clone()
        .zip(city.summary_lang.clone())
        .map(|(text, text_lang)| Content::new(text, &text_lang, lang, None));
    CityPage {
        page,
        name: city.name.clone(),
        kind: Words::label(&w.city_kinds, &city.kind),
        facts,
        website: city.website.clone(),
        identifiers,
        status_line,
        profile: city.profile.clone(),
        featured,
        featured_sources: city.summary_sources.clone(),
        memberships_to_check: memberships.iter().any(|m| m.needs_checking),
        memberships,
        demands_to_check: demands.iter().any(|d| d.needs_checking),
        demands,
        has_demands,
        guide_link: super::take_action::guide_words(lang).link,
        gaps: city.place_id.map(|id| LabelledLink {
            href: super::gaps::gaps_path(lang, id),
            label: super::gaps::gap_words(lang)
                .link
                .replace("{name}", &city.name),
        }),
        follow: super::follow::follow_link(
            lang,
            &crate::follow::Target::City(city.slug.clone()),
            None,
        ),
        practices,
        areas,
        foot,
    }
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
