//! `/api/v1/moderation/rechecks` (moderators only): what needs checking again (status
//! unknown, or the newest source older than two years) and the re-checks that record newer
//! evidence, one route per kind of fact.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{JsonBody, QueryOf, in_path, slug_or_404};
use crate::api::paging::{next_offset, page};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::domain::{DemandKey, DemandStanding, Lang, MembershipStatus, PracticeStatus};
use crate::error::AppResult;
use crate::moderation::recheck::{self, Evidence, Rechecked};
use crate::moderation::stale::{self, Stale};

/// A page of the re-check queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecheckPage {
    pub rechecks: Vec<Stale>,
    /// How many there are in all.
    pub total: i64,
    /// The `offset` of the next page; null on the last page.
    pub next_offset: Option<i64>,
}

/// Which page of the re-check queue, in which language.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecheckQuery {
    /// Language of network names, demand labels and practice titles (default `en`).
    pub lang: Option<Lang>,
    /// Items per page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Items to skip; `next_offset` of the previous page (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// `GET /api/v1/moderation/rechecks?lang=&limit=100&offset=0` → `{rechecks, total,
/// next_offset}`.
#[utoipa::path(get, path = "/api/v1/moderation/rechecks", tag = "moderation",
    security(("session" = [])),
    params(RecheckQuery),
    responses(
        (status = 200, description = "`{rechecks: [...], total, next_offset}`: memberships, demand statuses \
            and practices that need checking, the most recently stale first, then the undated. Each has \
            `kind` (membership, demand, practice), `city`, its `network`, `demand` or `practice`, `status`, \
            `as_of`, `source_url` (the newest source), `reason` (status_unknown, undated, \
            older_than_two_years) and `recheck`, the path to post newer evidence to", body = RecheckPage),
        (status = 400, description = "Bad `lang`, `limit` or `offset`"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    QueryOf(query): QueryOf<RecheckQuery>,
) -> AppResult<Json<RecheckPage>> {
    session.user.require_moderator()?;
    let (limit, offset) = page(query.limit, query.offset)?;
    let mut conn = state.db_write().await?;
    let lang = query.lang.unwrap_or_default();
    let (rechecks, total) = stale::queue(&mut conn, lang, limit, offset).await?;
    let next_offset = next_offset(offset, rechecks.len(), total);
    Ok(Json(RecheckPage {
        rechecks,
        total,
        next_offset,
    }))
}

/// `POST /api/v1/moderation/rechecks/memberships/{id}` → `{revision_id, state}`.
#[utoipa::path(post, path = "/api/v1/moderation/rechecks/memberships/{id}", tag = "moderation",
    request_body = Evidence<MembershipStatus>,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The membership's id (`id` of the queue item)"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Recorded: the revision and the membership as published now", body = Rechecked),
        (status = 400, description = "Malformed JSON, or a missing or unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such membership"),
        (status = 409, description = "Newer evidence is published (`field`: as_of)"),
        (status = 422, description = "A bad value (named in `field`), or `as_of` in the future"),
    ))]
pub async fn membership(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(evidence): JsonBody<Evidence<MembershipStatus>>,
) -> AppResult<Json<Rechecked>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        recheck::membership(&mut conn, id, evidence, session.user.id).await?,
    ))
}

/// `POST /api/v1/moderation/rechecks/demands/{city}/{demand}` → `{revision_id, state}`.
#[utoipa::path(post, path = "/api/v1/moderation/rechecks/demands/{city}/{demand}", tag = "moderation",
    request_body = Evidence<DemandStanding>,
    security(("session" = [], "csrf" = [])),
    params(("city" = String, Path, description = "The city's slug"),
           ("demand" = String, Path, description = "The demand's key"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Recorded: the revision and the demand status as published now", body = Rechecked),
        (status = 400, description = "Malformed JSON, a missing or unknown field, or a bad `demand` key (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such city, or it has no status on the demand"),
        (status = 409, description = "Newer evidence is published (`field`: as_of)"),
        (status = 422, description = "A bad value (named in `field`), or `as_of` in the future"),
    ))]
pub async fn demand(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path((city, demand)): Path<(String, String)>,
    JsonBody(evidence): JsonBody<Evidence<DemandStanding>>,
) -> AppResult<Json<Rechecked>> {
    session.user.require_moderator()?;
    let city = slug_or_404("city", &city, "city")?;
    let demand: DemandKey = in_path("demand", &demand)?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        recheck::demand(&mut conn, &city, &demand, evidence, session.user.id).await?,
    ))
}

/// `POST /api/v1/moderation/rechecks/practices/{slug}` → `{revision_id, state}`.
#[utoipa::path(post, path = "/api/v1/moderation/rechecks/practices/{slug}", tag = "moderation",
    request_body = Evidence<PracticeStatus>,
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The practice's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "Recorded: the revision and the practice as published now", body = Rechecked),
        (status = 400, description = "Malformed JSON, or a missing or unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such practice"),
        (status = 409, description = "Newer evidence is published (`field`: as_of)"),
        (status = 422, description = "A bad value (named in `field`), or `as_of` in the future"),
    ))]
pub async fn practice(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(evidence): JsonBody<Evidence<PracticeStatus>>,
) -> AppResult<Json<Rechecked>> {
    session.user.require_moderator()?;
    let slug = slug_or_404("slug", &slug, "practice")?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        recheck::practice(&mut conn, &slug, evidence, session.user.id).await?,
    ))
}
