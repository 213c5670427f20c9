//! `/{lang}/about`: what Haven is, where its facts come from and how they are checked.

use askama::Template;
use axum::response::Response;
use serde_json::json;

use super::{Chrome, PageLang, html};
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::words::words;

/// The about page.
#[derive(Template)]
#[template(path = "pages/about.html")]
pub struct AboutPage {
    pub page: Chrome,
}

/// `GET /{lang}/about`.
///
/// # Errors
/// 500 when the template fails.
#[utoipa::path(get, path = "/{lang}/about", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es")),
    responses(
        (status = 200, description = "What Haven is, its sources and how facts are checked (HTML)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such page (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(base: BaseUrl, PageLang(lang): PageLang) -> AppResult<Response> {
    let w = words(lang);
    let description = w
        .about
        .first()
        .and_then(|(_, paragraphs)| paragraphs.first())
        .copied()
        .unwrap_or(w.tagline);
    let url = super::page_url(&base, lang, "about");
    let page = Chrome::new(lang, &base, "about", w.about_title, description).with_json_ld(&json!({
        "@context": "https://schema.org",
        "@type": "AboutPage",
        "@id": url,
        "url": url,
        "name": w.about_title,
        "inLanguage": lang.code(),
    }));
    html(&AboutPage { page })
}
