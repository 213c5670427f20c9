//! `/{lang}/places/{id}/gaps`: the gap sheet of any place, listed on Haven or not: its
//! networks, Seebrücke's eight demands and the chosen policy areas, and for each gap the
//! nearest cities and the cities of similar size that did it, with evidence and distance.
//! It prints on at most two A4 pages and ends with the date it was made and a citation.

mod words;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::city::LabelledLink;
use super::take_action::{guide_path, guide_words};
use super::{Chrome, PageLang, html, map_href, not_found, number, page_path, page_url};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::gaps::{self, GapExample};
use crate::model::profile::partial_date;
use crate::query::{Filters, Lang, QueryParams};
use crate::words::{Words, words};
pub use words::{GapWords, gap_words};

/// The path of place `id`'s gap sheet in `lang`.
#[must_use]
pub fn gaps_path(lang: Lang, id: i64) -> String {
    page_path(lang, &format!("places/{id}/gaps"))
}

/// A source link shown by its host (the full address is the link).
#[derive(Debug)]
pub struct SourceLink {
    pub href: String,
    pub host: String,
}

impl SourceLink {
    fn new(url: &str) -> Self {
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or(url)
            .trim_start_matches("www.")
            .to_owned();
        Self {
            href: url.to_owned(),
            host,
        }
    }
}

/// A practice named on the sheet.
#[derive(Debug)]
pub struct PracticeItem {
    pub link: LabelledLink,
    pub lang: String,
    pub started: Option<i32>,
    pub source: Option<SourceLink>,
}

/// A city that did it, as the sheet shows it.
#[derive(Debug)]
pub struct ExampleItem {
    pub city: LabelledLink,
    pub distance: String,
    /// "decided, March 2019" for a demand.
    pub status: Option<String>,
    pub source: Option<SourceLink>,
    pub practices: Vec<PracticeItem>,
}

/// One demand or policy area on the sheet.
#[derive(Debug)]
pub struct GapRow {
    pub key: String,
    pub label: String,
    pub gap: bool,
    /// The standing when it is not a gap, or "unknown", or the own practices line.
    pub standing: String,
    pub source: Option<SourceLink>,
    pub own: Vec<PracticeItem>,
    pub nearest: Vec<ExampleItem>,
    pub similar: Vec<ExampleItem>,
    pub guide: Option<String>,
}

/// A policy area in the chooser.
#[derive(Debug)]
pub struct AreaChoice {
    pub slug: String,
    pub label: String,
    pub checked: bool,
}

/// The gap sheet page.
#[derive(Template)]
#[template(path = "pages/gaps.html")]
pub struct GapPage {
    pub page: Chrome,
    pub g: &'static GapWords,
    pub guide_link: &'static str,
    pub heading: String,
    pub intro: String,
    pub place_line: String,
    pub listed: Option<LabelledLink>,
    pub not_listed: Option<String>,
    pub networks: Vec<(LabelledLink, String, Option<SourceLink>)>,
    pub demands: Vec<GapRow>,
    pub areas: Vec<GapRow>,
    pub choices: Vec<AreaChoice>,
    pub similar_heading: String,
    pub made: String,
    pub citation: String,
    pub follow: LabelledLink,
}

/// The place's id in the path of its gap sheet.
#[derive(Debug, serde::Deserialize)]
pub struct PlacePath {
    id: String,
}

/// `GET /{lang}/places/{id}/gaps`.
///
/// # Errors
/// 400 for an unknown `policy_area`; 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/places/{id}/gaps", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"),
           ("id" = i64, Path, description = "The place's id (from `/api/v1/places?q=`)"),
           ("policy_area" = Option<String>, Query, description = "Policy areas to compare, comma-separated slugs")),
    responses(
        (status = 200, description = "The gap sheet of a place (HTML, prints on two A4 pages)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Unknown `policy_area`"),
        (status = 404, description = "No such place (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    Path(PlacePath { id }): Path<PlacePath>,
    params: QueryParams,
) -> AppResult<Response> {
    let Some(id) = gaps::place_id(&id) else {
        return Ok(not_found(lang, &base));
    };
    let filters = Filters::from_params(&params)?;
    let mut conn = state.db_read().await?;
    filters.check(&mut conn).await?;
    let Some(sheet) = gaps::read(&mut conn, id, lang, &filters.policy_areas).await? else {
        return Ok(not_found(lang, &base));
    };
    let all_areas = super::city::area_labels(&mut conn, lang).await?;
    let w = words(lang);
    let g = gap_words(lang);
    let name = &sheet.place.name;
    let heading = g.title.replace("{name}", name);
    let intro = g.intro.replace("{name}", name);
    let rest = format!("places/{id}/gaps");
    let url = page_url(&base, lang, &rest);
    let query = if filters.policy_areas.is_empty() {
        String::new()
    } else {
        format!("?policy_area={}", filters.policy_areas.join(","))
    };
    let made = g
        .made
        .replace("{date}", &partial_date(&sheet.made_on, lang))
        .replace("{version}", &sheet.data_version.to_string());
    let citation = format!(
        "Haven contributors: {heading} Haven, {}. {url}{query}",
        partial_date(&sheet.made_on, lang)
    );
    let mut page = Chrome::new(lang, &base, &rest, heading.clone(), intro.clone()).with_json_ld(
        &json!({
            "@context": "https://schema.org",
            "@type": "Report",
            "@id": url,
            "url": url,
            "name": heading,
            "description": intro,
            "inLanguage": lang.code(),
            "dateCreated": sheet.made_on,
            "about": {
                "@type": "Place",
                "name": name,
                "geo": {"@type": "GeoCoordinates", "longitude": sheet.place.lon, "latitude": sheet.place.lat},
            },
            "author": {"@type": "Organization", "name": "Haven contributors"},
        }),
    );
    page.map_href = match &sheet.place.city_slug {
        Some(slug) => map_href(lang, Some(("city", slug))),
        None => format!(
            "/?{}",
            QueryParams::default()
                .with("lang", lang.code())
                .with("near", format!("{},{}", sheet.place.lon, sheet.place.lat))
                .with("near_name", name.as_str())
                .with("near_place", id.to_string())
                .to_query_string()
        ),
    };
    let mut place_line = vec![name.clone()];
    if let Some(district) = &sheet.place.district {
        place_line.push(district.clone());
    }
    if let Some(region) = &sheet.place.region {
        place_line.push(region.clone());
    }
    place_line.push(sheet.place.country_name.clone());
    let mut place_line = place_line.join(", ");
    if let Some(population) = sheet.place.population {
        place_line.push_str(&format!(" · {} {}", w.population, number(population, lang)));
    }
    let listed = sheet.place.city_slug.as_ref().map(|slug| LabelledLink {
        href: page_path(lang, &format!("cities/{slug}")),
        label: g.listed.replace("{name}", name),
    });
    let not_listed = listed
        .is_none()
        .then(|| g.not_listed.replace("{name}", name));
    let networks = sheet
        .networks
        .iter()
        .map(|n| {
            let mut status = Words::label(&w.membership_statuses, &n.status);
            if let Some(since) = &n.since {
                status.push_str(&format!(", {}", partial_date(since, lang)));
            }
            (
                LabelledLink {
                    href: page_path(lang, &format!("networks/{}", n.slug)),
                    label: n.name.clone(),
                },
                status,
                n.evidence_url.as_deref().map(SourceLink::new),
            )
        })
        .collect();
    let demands = sheet
        .demands
        .iter()
        .map(|d| GapRow {
            key: d.key.clone(),
            label: d.label.clone(),
            gap: d.gap,
            standing: if d.status == "unknown" {
                g.unknown.to_owned()
            } else {
                dated(
                    Words::label(&w.evidence_statuses, &d.status),
                    d.as_of.as_deref(),
                    lang,
                )
            },
            source: d.evidence_url.as_deref().map(SourceLink::new),
            own: Vec::new(),
            nearest: d.nearest.iter().map(|e| example(e, lang)).collect(),
            similar: d.similar.iter().map(|e| example(e, lang)).collect(),
            guide: (d.gap && d.guide).then(|| guide_path(lang, &d.key)),
        })
        .collect();
    let areas = sheet
        .policy_areas
        .iter()
        .map(|a| GapRow {
            key: a.slug.clone(),
            label: a.label.clone(),
            gap: a.gap,
            standing: if a.gap {
                g.no_own.replace("{name}", name)
            } else {
                g.own.replace("{name}", name)
            },
            source: None,
            own: a.practices.iter().map(|p| practice(p, lang)).collect(),
            nearest: a.nearest.iter().map(|e| example(e, lang)).collect(),
            similar: a.similar.iter().map(|e| example(e, lang)).collect(),
            guide: (a.gap && a.guide).then(|| guide_path(lang, &a.slug)),
        })
        .collect();
    let choices = all_areas
        .into_iter()
        .map(|(slug, label)| AreaChoice {
            checked: filters.policy_areas.contains(&slug),
            slug,
            label,
        })
        .collect();
    html(&GapPage {
        page,
        g,
        guide_link: guide_words(lang).link,
        similar_heading: g.similar.replace("{country}", &sheet.place.country_name),
        heading,
        intro,
        place_line,
        listed,
        not_listed,
        networks,
        demands,
        areas,
        choices,
        made,
        citation,
        follow: super::follow::follow_link(
            lang,
            &crate::follow::Target::Near {
                place: id,
                radius_km: crate::follow::target::DEFAULT_RADIUS_KM,
            },
            Some(&sheet.place.name),
        ),
    })
}

/// `label` with its date: "decided, March 2019".
fn dated(label: String, as_of: Option<&str>, lang: Lang) -> String {
    match as_of {
        Some(date) => format!("{label}, {}", partial_date(date, lang)),
        None => label,
    }
}

fn practice(p: &crate::model::gaps::ExamplePractice, lang: Lang) -> PracticeItem {
    PracticeItem {
        link: LabelledLink {
            href: page_path(lang, &format!("practices/{}", p.slug)),
            label: p.title.clone(),
        },
        lang: p.title_lang.clone(),
        started: p.started,
        source: p.source_url.as_deref().map(SourceLink::new),
    }
}

fn example(e: &GapExample, lang: Lang) -> ExampleItem {
    let w = words(lang);
    let km = if lang == Lang::En {
        format!("{:.0} km", e.distance_km)
    } else {
        format!("{:.0}\u{a0}km", e.distance_km)
    };
    ExampleItem {
        city: LabelledLink {
            href: page_path(lang, &format!("cities/{}", e.slug)),
            label: e.name.clone(),
        },
        distance: km,
        status: e.status.as_deref().map(|s| {
            dated(
                Words::label(&w.evidence_statuses, s),
                e.as_of.as_deref(),
                lang,
            )
        }),
        source: e.evidence_url.as_deref().map(SourceLink::new),
        practices: e.practices.iter().map(|p| practice(p, lang)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_show_their_host() {
        assert_eq!(
            SourceLink::new("https://www.krefeld.de/de/rat/beschluss").host,
            "krefeld.de"
        );
        assert_eq!(SourceLink::new("http://example.org").host, "example.org");
    }
}
