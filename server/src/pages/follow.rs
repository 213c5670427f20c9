//! `/{lang}/follow`: follow a city, a network, a policy area or a place's surroundings by
//! feed or by e-mail, without an account (the pages the mailed links open are in
//! [`super::follow_links`]). These pages are not cached: they depend on the subscription,
//! not on the published data.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Chrome, PageLang, follow_links, not_found, page_path};
use crate::api::extract::FormBody;
use crate::app::AppState;
use crate::auth::client::ClientAddr;
use crate::auth::rate_limit::{self, FOLLOW_MAIL_PER_ADDRESS, FOLLOW_PER_CLIENT};
use crate::auth::session::check_origin;
use crate::auth::token::hash_token;
use crate::document::BaseUrl;
use crate::domain::{Email, Parse};
use crate::error::{AppError, AppResult};
use crate::follow::digest::feed_url;
use crate::follow::subscription;
use crate::follow::words::{FollowWords, follow_words};
use crate::follow::{Followed, Target};
use crate::query::{Lang, QueryParams};

/// The follow routes (not cached; registered among the writes in `api::router`).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(form, subscribe))
        .routes(routes!(follow_links::confirm_prompt, follow_links::confirm))
        .routes(routes!(
            follow_links::unsubscribe_prompt,
            follow_links::unsubscribe
        ))
}

/// The e-mail form.
#[derive(Debug)]
pub struct FormView {
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub radius_km: Option<i32>,
    pub email: String,
}

/// A button that POSTs to `action`.
#[derive(Debug)]
pub struct Button {
    pub action: String,
    pub label: &'static str,
}

/// Every follow page: a heading, paragraphs, and a form, a button or the feed.
#[derive(Template)]
#[template(path = "pages/follow.html")]
pub struct FollowPage {
    pub page: Chrome,
    pub f: &'static FollowWords,
    pub heading: String,
    pub alert: Option<String>,
    pub paragraphs: Vec<String>,
    pub subject: Option<(String, String)>,
    pub feed: Option<String>,
    pub form: Option<FormView>,
    pub button: Option<Button>,
}

impl FollowPage {
    pub(super) fn new(lang: Lang, base: &BaseUrl, rest: &str, heading: String) -> Self {
        let f = follow_words(lang);
        let mut page = Chrome::new(lang, base, rest, heading.clone(), heading.clone());
        page.noindex = true;
        Self {
            page,
            f,
            heading,
            alert: None,
            paragraphs: Vec::new(),
            subject: None,
            feed: None,
            form: None,
            button: None,
        }
    }

    pub(super) fn respond(self, status: StatusCode) -> Response {
        let mut response =
            super::html_with_status(&self, status).unwrap_or_else(IntoResponse::into_response);
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// The form page of `followed`, with the feed's address.
fn form_page(lang: Lang, base: &BaseUrl, followed: &Followed, email: &str) -> FollowPage {
    let f = follow_words(lang);
    let name = followed.label();
    let query = followed.target.params().to_query_string();
    let mut page = FollowPage::new(
        lang,
        base,
        &format!("follow?{query}"),
        f.title.replace("{name}", &name),
    );
    page.page.noindex = false;
    page.page.description = f.intro.replace("{name}", &name);
    page.paragraphs = vec![f.intro.replace("{name}", &name)];
    page.subject = Some((page_path(lang, &followed.page), name));
    let feed = feed_url(&base.0, &followed.target, lang);
    page.page.feeds = vec![super::FeedLink {
        title: f.feed_heading,
        href: feed.clone(),
    }];
    page.feed = Some(feed);
    page.form = Some(FormView {
        action: page_path(lang, "follow"),
        hidden: followed
            .target
            .params()
            .without("radius_km")
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        radius_km: followed.target.radius_km(),
        email: email.to_owned(),
    });
    page
}

/// The target of a request and what it names, or the 404 page.
async fn followed(
    state: &AppState,
    lang: Lang,
    base: &BaseUrl,
    params: &QueryParams,
) -> AppResult<Result<Followed, Response>> {
    let Ok(target) = Target::from_params(params) else {
        return Ok(Err(not_found(lang, base)));
    };
    let mut conn = state.db_read().await?;
    Ok(target
        .describe(&mut conn, lang)
        .await?
        .ok_or_else(|| not_found(lang, base)))
}

/// `GET /{lang}/follow?city=…`: how to follow it, by feed or by e-mail.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/follow", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), crate::feeds::follow::FollowParams),
    responses(
        (status = 200, description = "How to follow it: the feed and the e-mail form (HTML)", content_type = "text/html"),
        (status = 404, description = "No such language or target (an HTML page)", content_type = "text/html"),
    ))]
pub async fn form(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    params: QueryParams,
) -> AppResult<Response> {
    Ok(match followed(&state, lang, &base, &params).await? {
        Ok(followed) => form_page(lang, &base, &followed, "").respond(StatusCode::OK),
        Err(page) => page,
    })
}

/// The subscription form, as the OpenAPI document describes it.
#[derive(Debug, utoipa::ToSchema)]
pub struct FollowForm {
    /// The address to mail.
    pub email: String,
    /// A city's slug.
    pub city: Option<String>,
    /// A network's slug.
    pub network: Option<String>,
    /// A policy area's slug.
    pub policy_area: Option<String>,
    /// A gazetteer place's id.
    pub place: Option<String>,
    /// With `place`: the distance in km, 1 to 300 (default 50).
    pub radius_km: Option<String>,
}

/// `POST /{lang}/follow`: subscribes an address (unconfirmed) and mails the link to confirm.
///
/// # Errors
/// 403 from a foreign origin; 415 for a body that is not a form; 500/503 when the database
/// fails.
#[utoipa::path(post, path = "/{lang}/follow", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es")),
    request_body(content = FollowForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "\"Check your mail\": the same page whether or not the address follows it already (HTML)", content_type = "text/html"),
        (status = 403, description = "A foreign `Origin`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such language or target (an HTML page)", content_type = "text/html"),
        (status = 415, description = "The body is not a form", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an e-mail address, or the address follows 50 things already: the form again with the message (HTML)", content_type = "text/html"),
        (status = 429, description = "Too many follow requests from this client or mails to this address: the form again with the message (HTML); `Retry-After` says when", content_type = "text/html"),
    ))]
pub async fn subscribe(
    State(state): State<AppState>,
    base: BaseUrl,
    Path(lang): Path<String>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    FormBody(params): FormBody,
) -> AppResult<Response> {
    // A foreign origin is refused first, whatever the language.
    check_origin(&headers, &state.config)?;
    let lang = match PageLang::parse(&lang, &base) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let followed = match followed(&state, lang, &base, &params).await? {
        Ok(followed) => followed,
        Err(page) => return Ok(page),
    };
    let f = follow_words(lang);
    let typed = params.get("email").unwrap_or_default();
    let refuse = |status: StatusCode, message: &str| {
        let mut page = form_page(lang, &base, &followed, typed);
        page.heading = format!("{}: {}", f.refused_title, page.heading);
        page.page.title.clone_from(&page.heading);
        page.alert = Some(message.to_owned());
        page.respond(status)
    };
    let Ok(email) = Email::parse(typed) else {
        return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, f.email_invalid));
    };
    let mut conn = state.db_write().await?;
    let buckets = [
        (format!("follow:{client}"), FOLLOW_PER_CLIENT),
        (
            format!("follow-mail:{}", hash_token(&typed.to_lowercase())),
            FOLLOW_MAIL_PER_ADDRESS,
        ),
    ];
    for (bucket, limit) in &buckets {
        if let Err(AppError::TooManyRequests { retry_after_secs }) =
            rate_limit::hit(&mut conn, bucket, state.limit(*limit)).await
        {
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                &f.too_often
                    .replace("{minutes}", &retry_after_secs.div_ceil(60).to_string()),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return Ok(response);
        }
    }
    let name = followed.label();
    match subscription::subscribe(
        &mut conn,
        &email,
        &followed.target,
        &name,
        lang,
        &state.config.mail_base_url(),
    )
    .await
    {
        Ok(()) => {}
        Err(AppError::Unprocessable { detail, .. }) => {
            return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, &detail));
        }
        Err(other) => return Err(other),
    }
    let mut page = FollowPage::new(lang, &base, "follow", f.check_title.to_owned());
    page.paragraphs = vec![
        f.check_text
            .replace("{email}", email.as_ref())
            .replace("{name}", &name),
    ];
    page.subject = Some((page_path(lang, &followed.page), name));
    Ok(page.respond(StatusCode::OK))
}

/// The link to follow `target` by feed or e-mail; for a place, "Follow what happens near
/// {name}".
#[must_use]
pub fn follow_link(
    lang: Lang,
    target: &Target,
    place_name: Option<&str>,
) -> super::city::LabelledLink {
    let f = follow_words(lang);
    super::city::LabelledLink {
        href: format!(
            "{}?{}",
            page_path(lang, "follow"),
            target.params().to_query_string()
        ),
        label: match place_name {
            Some(name) => f.link_near.replace("{name}", name),
            None => f.link.to_owned(),
        },
    }
}

/// The Atom feed of `target`, for a page's `<link rel="alternate">`.
#[must_use]
pub fn follow_feed(lang: Lang, target: &Target) -> super::FeedLink {
    super::FeedLink {
        title: follow_words(lang).feed_heading,
        href: format!(
            "/feeds/follow.atom?{}",
            target.params().with("lang", lang.code()).to_query_string()
        ),
    }
}
