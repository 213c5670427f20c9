//! `/{lang}/take-action` and `/{lang}/take-action/{key}`: for each of Seebrücke's demands and
//! each policy area, how to ask one's own council for it (who decides, what a motion asks
//! for, what it costs, what opponents say, next steps), with the cities that already did it,
//! live from the data. The guides are written in German and English; French and Spanish
//! readers get the English text, marked as such.

mod words;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::city::LabelledLink;
use super::{Chrome, Content, PageLang, html, map_href, not_found, page_path, page_url};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::profile::partial_date;
use crate::model::take_action::{self, GuideKind};
use crate::query::Lang;
use crate::words::words;
pub use words::{GuideWords, guide_words};

/// The path of the guide `key` in `lang`.
#[must_use]
pub fn guide_path(lang: Lang, key: &str) -> String {
    page_path(lang, &format!("take-action/{key}"))
}

/// Whether `key` may name a guide (a demand key or a policy-area slug).
fn is_key(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A guide in the index.
#[derive(Debug)]
pub struct GuideLink {
    pub link: LabelledLink,
    pub subject: String,
    pub lang: String,
}

/// The index of every guide.
#[derive(Template)]
#[template(path = "pages/take_action_index.html")]
pub struct GuideIndexPage {
    pub page: Chrome,
    pub g: &'static GuideWords,
    pub demands: Vec<GuideLink>,
    pub areas: Vec<GuideLink>,
}

/// `GET /{lang}/take-action`.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/take-action", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es")),
    responses(
        (status = 200, description = "Every take-action guide, by demand and by policy area (HTML)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such language (an HTML page)", content_type = "text/html"),
    ))]
pub async fn index(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
) -> AppResult<Response> {
    let mut conn = state.db_read().await?;
    let guides = take_action::list(&mut conn, lang).await?;
    let g = guide_words(lang);
    let url = page_url(&base, lang, "take-action");
    let page = Chrome::new(lang, &base, "take-action", g.index_title, g.index_intro).with_json_ld(
        &json!({
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "@id": url,
            "url": url,
            "name": g.index_title,
            "description": g.index_intro,
            "inLanguage": lang.code(),
            "hasPart": guides.iter().map(|guide| json!({
                "@type": "HowTo",
                "name": guide.title,
                "inLanguage": guide.lang,
                "url": format!("{}{}", base.0, guide_path(lang, &guide.key)),
            })).collect::<Vec<_>>(),
        }),
    );
    let (mut demands, mut areas) = (Vec::new(), Vec::new());
    for guide in guides {
        let entry = GuideLink {
            link: LabelledLink {
                href: guide_path(lang, &guide.key),
                label: guide.title,
            },
            subject: guide.subject,
            lang: guide.lang,
        };
        match guide.kind {
            GuideKind::Demand => demands.push(entry),
            GuideKind::PolicyArea => areas.push(entry),
        }
    }
    html(&GuideIndexPage {
        page,
        g,
        demands,
        areas,
    })
}

/// A city that decided or fulfilled the demand, as the page shows it.
#[derive(Debug)]
pub struct CityRow {
    pub city: LabelledLink,
    pub country: String,
    pub status: &'static str,
    pub as_of: Option<String>,
    pub evidence_url: Option<String>,
}

/// A practice of the policy area, as the page shows it.
#[derive(Debug)]
pub struct PracticeRow {
    pub practice: LabelledLink,
    pub title_lang: String,
    pub city: LabelledLink,
    pub country: String,
    pub started: Option<i32>,
    pub source_url: Option<String>,
}

/// A guide's page.
#[derive(Template)]
#[template(path = "pages/take_action.html")]
pub struct GuidePage {
    pub page: Chrome,
    pub g: &'static GuideWords,
    pub title: String,
    pub subject: LabelledLink,
    pub text_lang: String,
    pub note: Option<String>,
    pub sections: Vec<(&'static str, Content)>,
    pub intro: Content,
    pub examples_heading: String,
    pub cities: Vec<CityRow>,
    pub practices: Vec<PracticeRow>,
}

/// The guide's key in the path of its page.
#[derive(Debug, serde::Deserialize)]
pub struct GuidePath {
    key: String,
}

/// `GET /{lang}/take-action/{key}`.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/take-action/{key}", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("key" = String, Path, description = "A demand's key (`transparency`) or a policy area's slug (`housing`)")),
    responses(
        (status = 200, description = "How to ask one's council for a demand or a policy area, with the cities that did it (HTML)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such guide (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    Path(GuidePath { key }): Path<GuidePath>,
) -> AppResult<Response> {
    if !is_key(&key) {
        return Ok(not_found(lang, &base));
    }
    let mut conn = state.db_read().await?;
    let Some(guide) = take_action::find(&mut conn, &key, lang).await? else {
        return Ok(not_found(lang, &base));
    };
    let w = words(lang);
    let g = guide_words(lang);
    let rest = format!("take-action/{key}");
    let url = page_url(&base, lang, &rest);
    let text = |value: &str| Content::new(value.to_owned(), &guide.lang, lang, None);
    let intro = text(&guide.intro);
    let mut page = Chrome::new(
        lang,
        &base,
        &rest,
        guide.title.clone(),
        first_paragraph(&guide.intro),
    )
    .with_json_ld(&json!({
        "@context": "https://schema.org",
        "@type": "HowTo",
        "@id": url,
        "url": url,
        "name": guide.title,
        "description": first_paragraph(&guide.intro),
        "inLanguage": guide.lang,
        "about": guide.subject,
        "dateModified": guide.updated_at,
        "author": {"@type": "Organization", "name": "Haven contributors"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }));
    page.og_type = "article";
    let (subject, examples_heading) = match guide.kind {
        GuideKind::Demand => {
            page.map_href = map_href(lang, None);
            (
                LabelledLink {
                    href: format!("{}#demands", page_path(lang, "take-action")),
                    label: g.subject_demand.replace("{subject}", &guide.subject),
                },
                g.cities_heading
                    .replace("{count}", &guide.cities.len().to_string()),
            )
        }
        GuideKind::PolicyArea => {
            page.map_href = map_href(lang, Some(("area", &key)));
            (
                LabelledLink {
                    href: page_path(lang, &format!("policy-areas/{key}")),
                    label: g.subject_area.replace("{subject}", &guide.subject),
                },
                g.practices_heading
                    .replace("{count}", &guide.practices.len().to_string()),
            )
        }
    };
    let cities = guide
        .cities
        .iter()
        .map(|c| CityRow {
            city: LabelledLink {
                href: page_path(lang, &format!("cities/{}", c.slug)),
                label: c.name.clone(),
            },
            country: c.country.clone(),
            status: if c.fulfilled { w.fulfilled } else { w.decided },
            as_of: c.as_of.as_deref().map(|d| partial_date(d, lang)),
            evidence_url: c.evidence_url.clone(),
        })
        .collect();
    let practices = guide
        .practices
        .iter()
        .map(|p| PracticeRow {
            practice: LabelledLink {
                href: page_path(lang, &format!("practices/{}", p.slug)),
                label: p.title.clone(),
            },
            title_lang: p.title_lang.clone(),
            city: LabelledLink {
                href: page_path(lang, &format!("cities/{}", p.city_slug)),
                label: p.city_name.clone(),
            },
            country: p.country.clone(),
            started: p.started,
            source_url: p.source_url.clone(),
        })
        .collect();
    html(&GuidePage {
        page,
        g,
        title: guide.title.clone(),
        subject,
        note: intro.note.clone(),
        text_lang: guide.lang.clone(),
        sections: vec![
            (g.who_decides, text(&guide.who_decides)),
            (g.motion, text(&guide.motion)),
            (g.costs, text(&guide.costs)),
            (g.objections, text(&guide.objections)),
            (g.next_steps, text(&guide.next_steps)),
        ],
        intro,
        examples_heading,
        cities,
        practices,
    })
}

/// The first paragraph of a text (for descriptions and previews).
fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or(text).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_keys_are_demand_keys_or_slugs() {
        assert!(is_key("public_solidarity_declaration"));
        assert!(is_key("sea-rescue-safe-passage"));
        assert!(!is_key("Housing"));
        assert!(!is_key("../etc"));
        assert!(!is_key(""));
    }
}
