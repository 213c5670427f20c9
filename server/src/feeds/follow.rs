//! `/feeds/follow.atom`: what changed for one followed city, network, policy area or place's
//! surroundings (`city`, `network`, `policy_area`, or `place` with `radius_km`), newest first:
//! the same records the weekly digest mails.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Entry, Feed};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::follow::Target;
use crate::follow::changes::{self, ChangeKind};
use crate::follow::words::follow_words;
use crate::pages::{page_path, page_url};
use crate::query::{Lang, QueryParams};

/// Entries of the feed.
const ENTRIES: i64 = 50;

/// The follow feed's parameters, for the OpenAPI document.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowParams {
    /// A city's slug (its practices, memberships and demands).
    pub city: Option<String>,
    /// A network's slug (its memberships, and the practices of its members).
    pub network: Option<String>,
    /// A policy area's slug (its practices).
    pub policy_area: Option<String>,
    /// A gazetteer place's id (what changed in the cities within `radius_km`).
    pub place: Option<i64>,
    /// With `place`: the distance in km, 1 to 300 (default 50).
    pub radius_km: Option<i32>,
    /// de, en (default), fr or es.
    pub lang: Option<String>,
}

/// What changed for one followed city, network, policy area or place's surroundings, newest
/// first (50): new and changed practices, memberships and declarations, demand statuses.
#[utoipa::path(get, path = "/feeds/follow.atom", tag = "feeds", params(FollowParams),
    responses(
        (status = 200, description = "Atom feed: one entry per changed record",
         content_type = "application/atom+xml"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Not exactly one target, or a bad parameter (named in `field`)",
         body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing published by that slug or id",
         body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn follow(
    State(state): State<AppState>,
    base: BaseUrl,
    params: QueryParams,
) -> AppResult<Response> {
    let target = Target::from_params(&params)?;
    let lang = Lang::from_params(&params)?;
    let mut conn = state.db_read().await?;
    let Some(followed) = target.describe(&mut conn, lang).await? else {
        return Ok(crate::error::Problem::new(
            StatusCode::NOT_FOUND,
            "Nothing published goes by that name.",
            Some(target.field().to_owned()),
        )
        .into_response());
    };
    let changes =
        changes::between(&mut conn, &target, lang, None, chrono::Utc::now(), ENTRIES).await?;
    let entries = changes
        .iter()
        .map(|change| {
            let link = page_url(&base, lang, &change.page_rest());
            let kind = match change.kind {
                ChangeKind::Practice => "practice",
                ChangeKind::Membership => "network",
                ChangeKind::Demand => "demand",
            };
            Entry {
                id: format!(
                    "{}{}#{kind}-{}-{}",
                    base.0,
                    page_path(lang, &format!("cities/{}", change.city_slug)),
                    change.slug,
                    change.updated
                ),
                title: change.headline(lang),
                title_lang: if change.kind == ChangeKind::Practice {
                    change.title_lang.clone()
                } else {
                    lang.code().to_owned()
                },
                link,
                published: change.created.clone(),
                updated: change.updated.clone(),
                author: crate::cite::HAVEN_CONTRIBUTORS.to_owned(),
                summary: None,
                categories: Vec::new(),
            }
        })
        .collect::<Vec<_>>();
    Feed::new(
        base.href("/feeds/follow.atom", &params),
        follow_words(lang)
            .feed_title
            .replace("{name}", &followed.label()),
        lang,
        page_url(&base, lang, &followed.page),
        entries,
    )
    .respond()
}
