//! The pages the links in follow mails open: `/{lang}/follow/confirm?token=…` and
//! `/{lang}/follow/unsubscribe?token=…`. A GET only shows a button; the POST acts (mail
//! scanners open links, they do not press buttons). The unsubscribe POST is also the
//! RFC 8058 one-click address: it needs nothing but the token and answers any origin.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::follow::{Button, FollowPage};
use super::{PageLang, page_path};
use crate::app::AppState;
use crate::auth::session::check_origin;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::follow::digest::feed_url;
use crate::follow::subscription::{self, Subscription};
use crate::follow::words::follow_words;
use crate::query::{Lang, QueryParams};

/// The token of a mailed link (`?token=`), as given.
fn token(params: &QueryParams) -> &str {
    params.get("token").unwrap_or_default()
}

/// The name of what a subscription follows, in `lang`.
async fn name_of(state: &AppState, subscription: &Subscription, lang: Lang) -> AppResult<String> {
    let Some(target) = subscription.target() else {
        return Ok(subscription.target_key.clone());
    };
    let mut conn = state.db_read().await?;
    Ok(target.describe(&mut conn, lang).await?.map_or_else(
        || subscription.target_key.clone(),
        |followed| followed.label(),
    ))
}

/// The page for a link whose subscription does not exist (any more).
fn invalid(lang: Lang, base: &BaseUrl) -> Response {
    let f = follow_words(lang);
    let mut page = FollowPage::new(lang, base, "follow", f.invalid_title.to_owned());
    page.paragraphs = vec![f.invalid_text.to_owned()];
    page.respond(StatusCode::NOT_FOUND)
}

/// What a mailed link asks for.
#[derive(Debug, Clone, Copy)]
enum Prompt {
    Confirm,
    Unsubscribe,
}

/// The page a mailed link opens: one button that POSTs back to the same link (mail
/// scanners open links; only a person presses the button), or the "no longer valid" page.
async fn token_prompt(
    state: &AppState,
    base: &BaseUrl,
    lang: Lang,
    params: &QueryParams,
    prompt: Prompt,
) -> AppResult<Response> {
    let found = subscription::find(&mut *state.db_write().await?, token(params)).await?;
    let Some(found) = found else {
        return Ok(invalid(lang, base));
    };
    let f = follow_words(lang);
    let name = name_of(state, &found, lang).await?;
    let (action, heading, text, label) = match prompt {
        Prompt::Confirm => ("confirm", f.confirm_title, f.confirm_text, f.confirm_button),
        Prompt::Unsubscribe => (
            "unsubscribe",
            f.unsubscribe_title,
            f.unsubscribe_text,
            f.unsubscribe_button,
        ),
    };
    let mut page = FollowPage::new(lang, base, "follow", heading.replace("{name}", &name));
    page.paragraphs = vec![text.replace("{name}", &name)];
    page.button = Some(Button {
        action: token_link(lang, action, params),
        label,
    });
    Ok(page.respond(StatusCode::OK))
}

/// The page path of a mailed link with its token: `/{lang}/follow/{action}?token=…`.
fn token_link(lang: Lang, action: &str, params: &QueryParams) -> String {
    format!(
        "{}?{}",
        page_path(lang, &format!("follow/{action}")),
        QueryParams::default()
            .with("token", token(params))
            .to_query_string()
    )
}

const TOKEN_PARAM: &str = "The token of the mailed link";

/// `GET /{lang}/follow/confirm?token=…`: the button that confirms.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/follow/confirm", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("token" = Option<String>, Query, description = TOKEN_PARAM)),
    responses(
        (status = 200, description = "A button to confirm (HTML)", content_type = "text/html"),
        (status = 404, description = "No such subscription (any more), or no such language (HTML)", content_type = "text/html"),
    ))]
pub async fn confirm_prompt(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    params: QueryParams,
) -> AppResult<Response> {
    token_prompt(&state, &base, lang, &params, Prompt::Confirm).await
}

/// `POST /{lang}/follow/confirm?token=…`: confirms the subscription.
///
/// # Errors
/// 403 from a foreign origin; 500/503 when the database fails.
#[utoipa::path(post, path = "/{lang}/follow/confirm", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("token" = Option<String>, Query, description = TOKEN_PARAM)),
    responses(
        (status = 200, description = "Confirmed (HTML)", content_type = "text/html"),
        (status = 403, description = "A foreign `Origin`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription (any more), or no such language (HTML)", content_type = "text/html"),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    base: BaseUrl,
    Path(lang): Path<String>,
    headers: HeaderMap,
    params: QueryParams,
) -> AppResult<Response> {
    // A foreign origin is refused first, whatever the language.
    check_origin(&headers, &state.config)?;
    let lang = match PageLang::parse(&lang, &base) {
        Ok(lang) => lang,
        Err(page) => return Ok(*page),
    };
    let confirmed = subscription::confirm(&mut *state.db_write().await?, token(&params)).await?;
    let Some(confirmed) = confirmed else {
        return Ok(invalid(lang, &base));
    };
    let f = follow_words(lang);
    let name = name_of(&state, &confirmed, lang).await?;
    let mut page = FollowPage::new(
        lang,
        &base,
        "follow",
        f.confirmed_title.replace("{name}", &name),
    );
    page.paragraphs = vec![f.confirmed_text.to_owned()];
    if let Some(target) = confirmed.target() {
        page.feed = Some(feed_url(&base.0, &target, lang));
    }
    page.button = Some(Button {
        action: token_link(lang, "unsubscribe", &params),
        label: f.unsubscribe_button,
    });
    Ok(page.respond(StatusCode::OK))
}

/// `GET /{lang}/follow/unsubscribe?token=…`: the button that unsubscribes.
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(get, path = "/{lang}/follow/unsubscribe", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("token" = Option<String>, Query, description = TOKEN_PARAM)),
    responses(
        (status = 200, description = "A button to unsubscribe (HTML)", content_type = "text/html"),
        (status = 404, description = "No such subscription (any more), or no such language (HTML)", content_type = "text/html"),
    ))]
pub async fn unsubscribe_prompt(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    params: QueryParams,
) -> AppResult<Response> {
    token_prompt(&state, &base, lang, &params, Prompt::Unsubscribe).await
}

/// `POST /{lang}/follow/unsubscribe?token=…`: ends the subscription and deletes the address
/// with every mail written for it. The one-click address of RFC 8058 (any body, any origin).
///
/// # Errors
/// 500/503 when the database fails.
#[utoipa::path(post, path = "/{lang}/follow/unsubscribe", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es"), ("token" = Option<String>, Query, description = TOKEN_PARAM)),
    responses(
        (status = 200, description = "Unsubscribed (HTML)", content_type = "text/html"),
        (status = 404, description = "No such subscription (any more), or no such language (HTML)", content_type = "text/html"),
    ))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
    params: QueryParams,
) -> AppResult<Response> {
    let ended = subscription::unsubscribe(&mut *state.db_write().await?, token(&params)).await?;
    let Some(ended) = ended else {
        return Ok(invalid(lang, &base));
    };
    let f = follow_words(lang);
    let name = name_of(&state, &ended, lang).await?;
    let mut page = FollowPage::new(lang, &base, "follow", f.unsubscribed_title.to_owned());
    page.paragraphs = vec![f.unsubscribed_text.replace("{name}", &name)];
    Ok(page.respond(StatusCode::OK))
}
