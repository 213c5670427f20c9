//! The prologue every page shares: the language of its path (`/{lang}/…`), on the page of a
//! city, practice, network or policy area its slug, and on a city's or practice's `?rev`. A page that cannot exist is
//! answered with the 404 page: in English for an unknown language, else in the page's.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::not_found;
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::domain::{Parse, Slug};
use crate::error::AppResult;
use crate::query::{Lang, QueryParams};

/// The language of a page's path.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl PageLang {
    /// The language of the path segment `segment`, or the (English) 404 page to answer.
    ///
    /// # Errors
    /// The 404 page for anything but `de`, `en`, `fr` and `es`.
    pub fn parse(segment: &str, base: &BaseUrl) -> Result<Lang, Box<Response>> {
        page_lang(segment).ok_or_else(|| Box::new(not_found(Lang::En, base)))
    }
}

/// The language and the well-formed slug of an item's page (`/{lang}/…/{slug}`).
#[derive(Debug, Clone)]
pub struct PageSlug {
    pub lang: Lang,
    pub slug: String,
}

/// The base URL (for the 404 page) and the path's segments by name.
async fn segments(
    parts: &mut Parts,
    state: &AppState,
) -> Result<(BaseUrl, HashMap<String, String>), Response> {
    let Ok(base) = BaseUrl::from_request_parts(parts, state).await;
    let Path(segments) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    Ok((base, segments))
}

fn segment<'a>(segments: &'a HashMap<String, String>, name: &str) -> &'a str {
    segments.get(name).map_or("", String::as_str)
}

impl FromRequestParts<AppState> for PageLang {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (base, segments) = segments(parts, state).await?;
        Self::parse(segment(&segments, "lang"), &base)
            .map(Self)
            .map_err(|page| *page)
    }
}

impl FromRequestParts<AppState> for PageSlug {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (base, segments) = segments(parts, state).await?;
        let lang = PageLang::parse(segment(&segments, "lang"), &base).map_err(|page| *page)?;
        let slug = segment(&segments, "slug");
        if !Slug::is_valid(slug) {
            return Err(not_found(lang, &base));
        }
        Ok(Self {
            lang,
            slug: slug.to_owned(),
        })
    }
}

/// The language of a page path segment (`de`, `en`, `fr`, `es`; nothing else).
#[must_use]
pub fn page_lang(segment: &str) -> Option<Lang> {
    Lang::parse(segment).ok()
}

/// `rev`: a revision number, or a 400 naming it.
///
/// # Errors
/// 400 when `rev` is not a positive whole number.
pub fn rev_param(params: &QueryParams) -> AppResult<Option<i64>> {
    params
        .get("rev")
        .map(|raw| {
            raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                crate::error::bad_request("rev", "`rev` is a revision number such as 12.")
            })
        })
        .transpose()
}
