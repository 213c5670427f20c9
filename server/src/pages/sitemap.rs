//! `/sitemap.xml` (every page in every language, with its alternates) and `/robots.txt`.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::page_url;
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::{AppError, AppResult};
use crate::model::site;
use crate::query::Lang;

/// One page of the sitemap with its language versions.
#[derive(Debug)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
    pub alternates: Vec<(&'static str, String)>,
}

/// The sitemap.
#[derive(Template)]
#[template(path = "pages/sitemap.xml")]
pub struct Sitemap {
    pub urls: Vec<SitemapUrl>,
}

/// `GET /sitemap.xml`.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/sitemap.xml", tag = "pages",
    responses(
        (status = 200, description = "Every page in every language, with its alternates", content_type = "application/xml"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
    ))]
pub async fn sitemap(State(state): State<AppState>, base: BaseUrl) -> AppResult<Response> {
    let mut conn = state.db_read().await?;
    let site = site::all(&mut conn, Lang::En).await?;
    let mut pages: Vec<(String, Option<String>)> = vec![
        (String::new(), None),
        ("about".to_owned(), None),
        ("data".to_owned(), None),
        ("take-action".to_owned(), None),
        ("growth".to_owned(), None),
    ];
    pages.extend(
        crate::model::take_action::list(&mut conn, Lang::En)
            .await?
            .into_iter()
            .map(|guide| (format!("take-action/{}", guide.key), None)),
    );
    let groups = [
        ("policy-areas", &site.policy_areas),
        ("networks", &site.networks),
        ("cities", &site.cities),
        ("practices", &site.practices),
    ];
    for (kind, entries) in groups {
        pages.extend(
            entries
                .iter()
                .map(|e| (format!("{kind}/{}", e.slug), Some(e.updated.clone()))),
        );
    }
    let mut urls = Vec::with_capacity(pages.len() * Lang::ALL.len());
    for (rest, lastmod) in pages {
        let alternates: Vec<(&'static str, String)> = Lang::ALL
            .iter()
            .copied()
            .map(|lang| (lang.code(), page_url(&base, lang, &rest)))
            .collect();
        for (_, loc) in &alternates {
            urls.push(SitemapUrl {
                loc: loc.clone(),
                lastmod: lastmod.clone(),
                alternates: alternates.clone(),
            });
        }
    }
    let body = Sitemap { urls }
        .render()
        .map_err(|error| AppError::Internal(error.into()))?;
    Ok(typed(body, "application/xml; charset=utf-8"))
}

/// `GET /robots.txt`: everything may be crawled; the sitemap is named.
#[utoipa::path(get, path = "/robots.txt", tag = "pages",
    responses(
        (status = 200, description = "Crawling rules and the sitemap", content_type = "text/plain"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
    ))]
pub async fn robots(base: BaseUrl) -> Response {
    typed(
        format!(
            "User-agent: *\nDisallow: /api/v1/moderation/\nDisallow: /api/v1/me\n\nSitemap: {}/sitemap.xml\n",
            base.0
        ),
        "text/plain; charset=utf-8",
    )
}

fn typed(body: String, media_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}
