//! `GET /api/v1/{cities|practices}/{slug}/cite`: the citation of a page as text, BibTeX,
//! RIS or CSL-JSON, in a language and at a revision.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::cite::{Citation, Format};
use crate::document::BaseUrl;
use crate::error::{AppResult, bad_request, not_found};
use crate::model::city::CityDetailProperties;
use crate::model::detail::{self, Loaded};
use crate::model::history::Revisions;
use crate::model::practice::PracticeDetailProperties;
use crate::pages::{page_path, rev_param};
use crate::query::{Lang, QueryParams};

/// The parameters of a citation, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CiteParams {
    /// `text` (default; a sentence in `lang`), `bibtex`, `ris` or `csl-json`.
    pub format: Option<String>,
    /// de, en (default), fr or es: the language of the page cited.
    pub lang: Option<String>,
    /// A revision of the page (as `?rev=N` on the page); default the current one.
    pub rev: Option<i64>,
}

fn format_param(params: &QueryParams) -> AppResult<Format> {
    match params.get("format") {
        None => Ok(Format::Text),
        Some(name) => Format::parse(name).ok_or_else(|| {
            bad_request("format", "`format` is one of text, bibtex, ris, csl-json.")
        }),
    }
}

fn answer(citation: &Citation, format: Format) -> Response {
    let mut response = citation.write(format).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    response
}

/// How a citation of `slug` (of `kind`, `cities` or `practices`) is looked for.
struct Request {
    slug: String,
    lang: Lang,
    rev: Option<i64>,
    format: Format,
}

fn request(
    slug: Result<Path<String>, PathRejection>,
    params: &QueryParams,
    what: &str,
) -> AppResult<Request> {
    let format = format_param(params)?;
    let lang = Lang::from_params(params)?;
    let rev = rev_param(params)?;
    let Ok(Path(slug)) = slug else {
        return Err(not_found(format!("No {what} has this address.")));
    };
    if !crate::domain::Slug::is_valid(&slug) {
        return Err(not_found(format!("No {what} has this address.")));
    }
    Ok(Request {
        slug,
        lang,
        rev,
        format,
    })
}

/// The citation of a city's page.
#[utoipa::path(get, path = "/api/v1/cities/{slug}/cite", tag = "cities",
    params(("slug" = String, Path, description = "The city's slug, e.g. `koeln`"), CiteParams),
    responses(
        (status = 200, description = "The citation: author (Haven contributors), title, city, \
            Haven as publisher, the page's permanent URL with its revision, the revision's date \
            and today as the date accessed",
         content((String = "text/plain"), (String = "application/x-bibtex"),
                 (String = "application/x-research-info-systems"),
                 (Vec<crate::cite::csl::CslItemDoc> = "application/vnd.citationstyles.csl+json"))),
        (status = 301, description = "An old slug: `Location` has the current address"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad `format`, `lang` or `rev`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No published city has this slug, or no such revision",
         body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn city(
    State(state): State<AppState>,
    base: BaseUrl,
    slug: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let request = request(slug, &params, "city")?;
    let found = state.city_found(&request.slug, request.lang, &[]).await?;
    let mut conn = state.db_read().await?;
    let loaded = detail::city(&mut conn, found, request.lang, request.rev).await?;
    respond(loaded, &request, &base, &params, Subject::City)
}

/// The citation of a practice's page.
#[utoipa::path(get, path = "/api/v1/practices/{slug}/cite", tag = "practices",
    params(("slug" = String, Path, description = "The practice's slug"), CiteParams),
    responses(
        (status = 200, description = "The citation: author (the organisation, else Haven \
            contributors), title, city, Haven as publisher, the page's permanent URL with its \
            revision, the revision's date and today as the date accessed",
         content((String = "text/plain"), (String = "application/x-bibtex"),
                 (String = "application/x-research-info-systems"),
                 (Vec<crate::cite::csl::CslItemDoc> = "application/vnd.citationstyles.csl+json"))),
        (status = 301, description = "An old slug: `Location` has the current address"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad `format`, `lang` or `rev`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No published practice has this slug, or no such revision",
         body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn practice(
    State(state): State<AppState>,
    base: BaseUrl,
    slug: Result<Path<String>, PathRejection>,
    params: QueryParams,
) -> AppResult<Response> {
    let request = request(slug, &params, "practice")?;
    let mut conn = state.db_read().await?;
    let loaded = detail::practice(&mut conn, &request.slug, request.lang, request.rev).await?;
    respond(loaded, &request, &base, &params, Subject::Practice)
}

/// What is cited: its path segment, its name in messages and how its citation is made.
#[derive(Debug, Clone, Copy)]
enum Subject {
    City,
    Practice,
}

/// A citation made of a document.
trait Cited {
    fn citation(&self, revisions: &Revisions, url: &str, lang: Lang) -> Citation;
}

impl Cited for CityDetailProperties {
    fn citation(&self, revisions: &Revisions, url: &str, lang: Lang) -> Citation {
        Citation::of_city(self, revisions, url, lang)
    }
}

impl Cited for PracticeDetailProperties {
    fn citation(&self, revisions: &Revisions, url: &str, lang: Lang) -> Citation {
        Citation::of_practice(self, revisions, url, lang)
    }
}

/// The answer to a citation request for what `loaded` found.
fn respond<T: Cited>(
    loaded: Loaded<T>,
    request: &Request,
    base: &BaseUrl,
    params: &QueryParams,
    subject: Subject,
) -> AppResult<Response> {
    let (kind, what) = match subject {
        Subject::City => ("cities", "city"),
        Subject::Practice => ("practices", "practice"),
    };
    match loaded {
        Loaded::Found(doc, revisions) => {
            let url = format!(
                "{}{}",
                base.0,
                page_path(request.lang, &format!("{kind}/{}", request.slug))
            );
            let citation = doc.properties.citation(&revisions, &url, request.lang);
            Ok(answer(&citation, request.format))
        }
        Loaded::Moved(to) => Ok(moved(base, kind, &to, params)),
        Loaded::Missing => Err(not_found(format!(
            "No {what} has the slug `{}`.",
            request.slug
        ))),
        Loaded::NoSuchRevision => Err(not_found(format!(
            "The {what} `{}` has no revision {}.",
            request.slug,
            request.rev.unwrap_or_default()
        ))),
    }
}

fn moved(base: &BaseUrl, kind: &str, to: &str, params: &QueryParams) -> Response {
    crate::document::moved(&base.href(&format!("/api/v1/{kind}/{to}/cite"), params))
}
