//! Pages for people, rendered by the server (no JavaScript needed), one per language:
//! `/{lang}/` (an index of every page), `/{lang}/cities/{slug}`, `/{lang}/practices/{slug}`
//! (both with `?rev=N` for a past revision), `/{lang}/networks/{slug}`,
//! `/{lang}/policy-areas/{slug}`, `/{lang}/about`, `/{lang}/data`, `/{lang}/take-action`
//! and `/{lang}/take-action/{key}`, `/{lang}/places/{id}/gaps` (a place's gap sheet), `/{lang}/growth`,
//! plus `/sitemap.xml`,
//! `/robots.txt` and the pages' own stylesheet and script under `/static/`.
//!
//! Pages are askama templates (compiled, auto-escaping) filled from the API's own documents,
//! so the map and the pages say the same. They are public reads: the same data-version answer
//! cache, ETag and 304 as the API (`api::caching`). Every page carries its canonical address,
//! `hreflang` alternates, OpenGraph and Twitter card metadata and JSON-LD, links back into the
//! map at the same place, and prints on A4 (the stylesheet's print rules).

pub mod about;
pub mod assets;
pub mod chrome;
pub mod city;
pub mod data;
pub mod follow;
pub mod follow_links;
pub mod gaps;
pub mod growth;
pub mod index;
pub mod network;
pub mod policy_area;
pub mod practice;
pub mod request;
pub mod sitemap;
pub mod take_action;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::{AppError, AppResult};
use crate::query::{Lang, QueryParams};
use crate::words::{self, words};
pub use chrome::{Chrome, FeedLink, json_ld, map_href};
pub use request::{PageLang, PageSlug, page_lang, rev_param};

/// The page routes (registered among the public reads in `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(index::show))
        .routes(routes!(city::show))
        .routes(routes!(practice::show))
        .routes(routes!(network::show))
        .routes(routes!(policy_area::show))
        .routes(routes!(about::show))
        .routes(routes!(data::show))
        .routes(routes!(gaps::show))
        .routes(routes!(growth::show))
        .routes(routes!(take_action::index))
        .routes(routes!(take_action::show))
        .routes(routes!(sitemap::sitemap))
        .routes(routes!(sitemap::robots))
        .routes(routes!(assets::file))
}

/// The path of a page in `lang`: `rest` is what follows the language (`cities/koeln`, or
/// empty for the index).
#[must_use]
pub fn page_path(lang: Lang, rest: &str) -> String {
    format!("/{}/{rest}", lang.code())
}

/// The absolute address of a page in `lang` (see [`page_path`]).
#[must_use]
pub fn page_url(base: &BaseUrl, lang: Lang, rest: &str) -> String {
    format!("{}{}", base.0, page_path(lang, rest))
}

/// An HTML answer rendered from `template`.
///
/// # Errors
/// 500 when the template fails to render.
pub fn html<T: Template>(template: &T) -> AppResult<Response> {
    html_with_status(template, StatusCode::OK)
}

fn html_with_status<T: Template>(template: &T, status: StatusCode) -> AppResult<Response> {
    let body = template
        .render()
        .map_err(|error| AppError::Internal(error.into()))?;
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(response)
}

/// The "not found" page.
#[derive(Template)]
#[template(path = "pages/not_found.html")]
struct NotFoundPage {
    page: Chrome,
}

/// A 404 page in `lang`.
#[must_use]
pub fn not_found(lang: Lang, base: &BaseUrl) -> Response {
    let w = words(lang);
    let mut page = Chrome::new(lang, base, "", w.not_found_title, w.not_found_text);
    page.noindex = true;
    html_with_status(&NotFoundPage { page }, StatusCode::NOT_FOUND)
        .unwrap_or_else(IntoResponse::into_response)
}

/// 301 to another page path (an old slug's new page), keeping `?rev`.
#[must_use]
pub fn moved(base: &BaseUrl, path: &str, rev: Option<i64>) -> Response {
    let query = rev.map(|n| format!("?rev={n}")).unwrap_or_default();
    crate::document::moved(&format!("{}{path}{query}", base.0))
}

/// The subject a page loaded with its revisions, or the page's answer without one: a redirect
/// from an old slug to `{collection}/{new slug}` (keeping `rev`), else the 404 page.
///
/// # Errors
/// That answer.
pub fn found<T>(
    loaded: crate::model::detail::Loaded<T>,
    lang: Lang,
    base: &BaseUrl,
    collection: &str,
    rev: Option<i64>,
) -> Result<
    (
        Box<crate::model::collection::FeatureDoc<T>>,
        crate::model::history::Revisions,
    ),
    Box<Response>,
> {
    use crate::model::detail::Loaded;
    match loaded {
        Loaded::Found(doc, revisions) => Ok((doc, revisions)),
        Loaded::Moved(to) => Err(Box::new(moved(
            base,
            &page_path(lang, &format!("{collection}/{to}")),
            rev,
        ))),
        Loaded::Missing | Loaded::NoSuchRevision => Err(Box::new(not_found(lang, base))),
    }
}

/// A whole number with the language's digit grouping (`1.085.664`, `1,085,664`).
#[must_use]
pub fn number(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = match lang {
        Lang::De | Lang::Es => ".",
        Lang::En => ",",
        Lang::Fr => "\u{202f}",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A text in some language, and the note saying which when it is not the reader's.
#[derive(Debug)]
pub struct Content {
    pub text: String,
    pub lang: String,
    pub note: Option<String>,
}

impl Content {
    /// `text` in `text_lang`, read in `lang`; `original` is the language it was written in.
    #[must_use]
    pub fn new(text: String, text_lang: &str, lang: Lang, original: Option<&str>) -> Self {
        let w = words(lang);
        let name = words::language_name(text_lang, lang);
        let note = if text_lang == lang.code() {
            None
        } else if Some(text_lang) == original {
            Some(w.content_original.replace("{language}", &name))
        } else {
            Some(
                w.content_fallback
                    .replace("{language}", &name)
                    .replace("{wanted}", &words::language_name(lang.code(), lang)),
            )
        };
        Self {
            text,
            lang: text_lang.to_owned(),
            note,
        }
    }

    /// The paragraphs of the text (blank lines part them).
    #[must_use]
    pub fn paragraphs(&self) -> Vec<&str> {
        self.text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// "Last changed on …, revision N" and the page's citation: the foot every city and
/// practice page shares.
#[derive(Debug)]
pub struct Provenance {
    pub last_changed: String,
    pub history_href: String,
    /// A banner for a past revision, with the link to the current page.
    pub banner: Option<String>,
    pub current_href: String,
    pub citation: String,
    pub cite_href: String,
}

impl Provenance {
    /// The foot of the page at `path` (`cities/koeln`) whose API resource is `api_path`.
    #[must_use]
    pub fn new(
        lang: Lang,
        path: &str,
        api_path: &str,
        updated_at: &str,
        revisions: &crate::model::history::Revisions,
        citation: &crate::cite::Citation,
    ) -> Self {
        let w = words(lang);
        let date = |d: &str| crate::model::profile::partial_date(d, lang);
        let mut last_changed = w.last_changed.replace(
            "{date}",
            &date(
                revisions
                    .latest
                    .as_ref()
                    .map_or(updated_at, |stamp| stamp.date.as_str()),
            ),
        );
        if let Some(latest) = &revisions.latest {
            last_changed.push_str(", ");
            last_changed.push_str(&w.revision.replace("{n}", &latest.id.to_string()));
        }
        let banner = revisions.shown.as_ref().map(|shown| {
            w.rev_banner
                .replace("{n}", &shown.id.to_string())
                .replace("{date}", &date(&shown.date))
        });
        let mut cite = QueryParams::default().with("lang", lang.code());
        if let Some(shown) = &revisions.shown {
            cite = cite.with("rev", shown.id.to_string());
        }
        Self {
            last_changed,
            history_href: format!("{api_path}/revisions"),
            banner,
            current_href: page_path(lang, path),
            citation: citation.text(),
            cite_href: format!("{api_path}/cite?{}", cite.to_query_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(number(1_085_664, Lang::De), "1.085.664");
        assert_eq!(number(1_085_664, Lang::En), "1,085,664");
        assert_eq!(number(664, Lang::Fr), "664");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let value = serde_json::json!({"name": "</script><b>&"});
        assert!(!json_ld(&value).contains('<'));
        assert!(!json_ld(&value).contains('&'));
    }

    #[test]
    fn map_links_carry_the_language_and_the_place() {
        assert_eq!(
            map_href(Lang::De, Some(("city", "koeln"))),
            "/?city=koeln&lang=de"
        );
        assert_eq!(map_href(Lang::Fr, None), "/?lang=fr");
    }
}
