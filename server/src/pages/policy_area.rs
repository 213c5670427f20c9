//! `/{lang}/policy-areas/{slug}`: a policy area with its practices.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::city::LabelledLink;
use super::{Chrome, FeedLink, PageSlug, html, map_href, not_found};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::policy_area;
use crate::words::words;

/// A practice of the area, with its city.
#[derive(Debug)]
pub struct AreaPracticeView {
    pub practice: LabelledLink,
    pub title_lang: String,
    pub city: LabelledLink,
    pub country: String,
}

/// The policy area page.
#[derive(Template)]
#[template(path = "pages/policy_area.html")]
pub struct PolicyAreaPage {
    pub page: Chrome,
    pub label: String,
    pub description: String,
    pub practices_heading: String,
    pub practices: Vec<AreaPracticeView>,
    /// The area's take-action guide, when there is one.
    pub guide: Option<LabelledLink>,
    pub follow: LabelledLink,
}

/// `GET /{lang}/policy-areas/{slug}`.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/policy-areas/{slug}", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("slug" = String, Path, description = "The policy area's slug")),
    responses(
        (status = 200, description = "A policy area's page with its practices (HTML)", content_type = "text/html"),
        (status = 301, description = "An old slug: `Location` has the current page"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such page (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageSlug { lang, slug }: PageSlug,
) -> AppResult<Response> {
    let mut conn = state.db_read().await?;
    let Some(area) = policy_area::find(&mut conn, &slug, lang).await? else {
        return Ok(not_found(lang, &base));
    };
    let guide = crate::model::take_action::keys(&mut conn)
        .await?
        .contains(&slug)
        .then(|| LabelledLink {
            href: super::take_action::guide_path(lang, &slug),
            label: super::take_action::guide_words(lang).link.to_owned(),
        });
    let w = words(lang);
    let rest = format!("policy-areas/{slug}");
    let url = super::page_url(&base, lang, &rest);
    let mut page = Chrome::new(
        lang,
        &base,
        &rest,
        area.label.clone(),
        area.description.clone(),
    )
    .with_json_ld(&json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "@id": url,
        "url": url,
        "name": area.label,
        "description": area.description,
        "inLanguage": lang.code(),
        "hasPart": area.practices.iter().map(|p| json!({
            "@type": "CreativeWork",
            "name": p.title,
            "url": super::page_url(&base, lang, &format!("practices/{}", p.slug)),
        })).collect::<Vec<_>>(),
    }));
    page.map_href = map_href(lang, Some(("area", &slug)));
    page.feeds = vec![
        super::follow::follow_feed(lang, &crate::follow::Target::PolicyArea(slug.clone())),
        FeedLink {
            title: w.feed_practices,
            href: format!(
                "/feeds/practices.atom?policy_area={slug}&lang={}",
                lang.code()
            ),
        },
    ];
    let practices: Vec<AreaPracticeView> = area
        .practices
        .iter()
        .map(|p| AreaPracticeView {
            practice: LabelledLink {
                href: super::page_path(lang, &format!("practices/{}", p.slug)),
                label: p.title.clone(),
            },
            title_lang: p.title_lang.clone(),
            city: LabelledLink {
                href: super::page_path(lang, &format!("cities/{}", p.city_slug)),
                label: p.city_name.clone(),
            },
            country: p.country.clone(),
        })
        .collect();
    html(&PolicyAreaPage {
        page,
        label: area.label.clone(),
        description: area.description.clone(),
        practices_heading: w
            .area_practices
            .replace("{count}", &practices.len().to_string()),
        practices,
        guide,
        follow: super::follow::follow_link(
            lang,
            &crate::follow::Target::PolicyArea(slug.clone()),
            None,
        ),
    })
}
