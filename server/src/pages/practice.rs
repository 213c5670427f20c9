//! `/{lang}/practices/{slug}`: a practice with its summary, organisation, years, status and
//! sources with their access dates (`?rev=N`: as published in revision N).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::city::{LabelledLink, area_label, area_labels};
use super::{Chrome, Content, FeedLink, PageSlug, Provenance, html, map_href};
use crate::app::AppState;
use crate::cite::Citation;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::detail;
use crate::model::practice::PracticeDetailProperties;
use crate::model::profile::partial_date;
use crate::query::{Lang, QueryParams};
use crate::words::{Words, words};

/// A source as the page shows it.
#[derive(Debug)]
pub struct SourceView {
    pub url: String,
    pub title: Option<String>,
    pub accessed: Option<String>,
}

/// The practice page.
#[derive(Template)]
#[template(path = "pages/practice.html")]
pub struct PracticePage {
    pub page: Chrome,
    pub title: String,
    pub title_lang: String,
    pub title_note: Option<String>,
    pub original_title: Option<(String, String)>,
    pub city: LabelledLink,
    pub country: String,
    pub organisation: Option<String>,
    pub years: Option<String>,
    pub status: String,
    pub status_as_of: Option<String>,
    pub needs_checking: bool,
    pub areas: Vec<LabelledLink>,
    pub contact: Option<String>,
    pub summary: Option<Content>,
    pub body: Option<Content>,
    pub transferability: Option<Content>,
    pub sources: Vec<SourceView>,
    pub reliability: Vec<&'static str>,
    pub foot: Provenance,
}

/// `GET /{lang}/practices/{slug}`.
///
/// # Errors
/// 400 for a bad `rev`; 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/practices/{slug}", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("slug" = String, Path, description = "The practice's slug"), ("rev" = Option<i64>, Query, description = "A past revision")),
    responses(
        (status = 200, description = "A practice's page with its sources; `?rev=N` shows revision N (HTML)", content_type = "text/html"),
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
    let loaded = detail::practice(&mut conn, &slug, lang, rev).await?;
    let (doc, revisions) = match super::found(loaded, lang, &base, "practices", rev) {
        Ok(found) => found,
        Err(answer) => return Ok(*answer),
    };
    let labels = area_labels(&mut conn, lang).await?;
    let rest = format!("practices/{slug}");
    let page_url = super::page_url(&base, lang, &rest);
    let practice = &doc.properties;
    let citation = Citation::of_practice(practice, &revisions, &page_url, lang);
    let foot = Provenance::new(
        lang,
        &rest,
        &format!("/api/v1/practices/{slug}"),
        &practice.updated_at,
        &revisions,
        &citation,
    );
    let description = practice
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} ({})", practice.title, practice.city.name));
    let mut page = Chrome::new(
        lang,
        &base,
        &rest,
        format!("{} · {}", practice.title, practice.city.name),
        description,
    )
    .with_json_ld(&json_ld(practice, &page_url, &base, lang, &citation));
    page.og_type = "article";
    page.noindex = revisions.shown.is_some();
    page.map_href = map_href(lang, Some(("practice", &slug)));
    page.feeds = practice
        .policy_areas
        .iter()
        .take(1)
        .map(|area| FeedLink {
            title: page.w.feed_practices,
            href: format!(
                "/feeds/practices.atom?policy_area={area}&lang={}",
                lang.code()
            ),
        })
        .collect();
    html(&view(page, practice, &labels, foot, lang))
}

fn view(
    page: Chrome,
    practice: &PracticeDetailProperties,
    labels: &[(String, String)],
    foot: Provenance,
    lang: Lang,
) -> PracticePage {
    let w = words(lang);
    let original = Some(practice.original_lang.as_str());
    let content = |text: &Option<String>, text_lang: &Option<String>| {
        text.clone()
            .zip(text_lang.clone())
            .map(|(text, text_lang)| Content::new(text, &text_lang, lang, original))
    };
    let title = Content::new(practice.title.clone(), &practice.title_lang, lang, original);
    let years = match (practice.started, practice.ended) {
        (Some(start), Some(end)) if start == end => Some(start.to_string()),
        (Some(start), Some(end)) => Some(format!("{start}–{end}")),
        (Some(start), None) => Some(w.since_year.replace("{year}", &start.to_string())),
        (None, Some(end)) => Some(format!("–{end}")),
        (None, None) => None,
    };
    let mut reliability = Vec::new();
    if practice.single_source {
        reliability.push(w.single_source);
    }
    match practice.confidence.as_deref() {
        Some("medium") => reliability.push(w.confidence_medium),
        Some("low") => reliability.push(w.confidence_low),
        _ => {}
    }
    PracticePage {
        page,
        title_note: title.note.clone(),
        original_title: (practice.title_original != practice.title).then(|| {
            (
                practice.title_original.clone(),
                practice.original_lang.clone(),
            )
        }),
        title: title.text,
        title_lang: title.lang,
        city: LabelledLink {
            href: super::page_path(lang, &format!("cities/{}", practice.city.slug)),
            label: practice.city.name.clone(),
        },
        country: practice.country.clone(),
        organisation: practice.organisation.clone(),
        years,
        status: Words::label(&w.practice_statuses, &practice.status),
        status_as_of: practice
            .status_as_of
            .as_deref()
            .map(|d| w.as_of_date.replace("{date}", &partial_date(d, lang))),
        needs_checking: practice.needs_checking,
        areas: practice
            .policy_areas
            .iter()
            .map(|slug| LabelledLink {
                href: super::page_path(lang, &format!("policy-areas/{slug}")),
                label: area_label(labels, slug),
            })
            .collect(),
        contact: practice.contact.clone(),
        summary: content(&practice.summary, &practice.summary_lang),
        body: content(&practice.body, &practice.body_lang),
        transferability: content(&practice.transferability, &practice.transferability_lang),
        sources: practice
            .sources
            .iter()
            .map(|s| SourceView {
                url: s.url.clone(),
                title: s.title.clone(),
                accessed: s
                    .accessed_on
                    .as_deref()
                    .map(|d| w.accessed.replace("{date}", &partial_date(d, lang))),
            })
            .collect(),
        reliability,
        foot,
    }
}

/// schema.org `CreativeWork` with its sources as `citation`.
fn json_ld(
    practice: &PracticeDetailProperties,
    url: &str,
    base: &BaseUrl,
    lang: Lang,
    citation: &Citation,
) -> serde_json::Value {
    let city_url = format!(
        "{}{}",
        base.0,
        super::page_path(lang, &format!("cities/{}", practice.city.slug))
    );
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": practice.title,
        "headline": practice.title,
        "inLanguage": practice.title_lang,
        "abstract": practice.summary,
        "about": { "@type": "City", "name": practice.city.name, "url": city_url },
        "author": { "@type": "Organization", "name": citation.author },
        "publisher": { "@type": "Organization", "name": "Haven" },
        "dateModified": practice.updated_at,
        "citation": practice.sources.iter().map(|s| json!({
            "@type": "CreativeWork",
            "url": s.url,
            "name": s.title.clone().unwrap_or_else(|| s.url.clone()),
        })).collect::<Vec<_>>(),
    });
    if let Some(n) = citation.revision {
        value["version"] = json!(n.to_string());
    }
    value
}
