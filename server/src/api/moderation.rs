//! `/api/v1/moderation/*` (moderators only): the submission queue, approve and reject,
//! editor claims, revisions to review and revert.

use axum::Json;
use axum::extract::{Path, Query, State};
use diesel_async::AsyncConnection;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, bad_request};
use crate::moderation::input::{JsonBody, text};
use crate::moderation::{editor, revision, submission};

/// Filters of the lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Submissions: pending (default), published or rejected; claims: pending (default),
    /// verified, rejected or withdrawn.
    pub status: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// Items to skip (newest first), 0 or more (default 0); `next_offset` of the previous
    /// page.
    pub offset: Option<i64>,
}

impl ListQuery {
    /// The page asked for: `(limit, offset)`.
    fn page(&self) -> AppResult<(i64, i64)> {
        let limit = self.limit.unwrap_or(100);
        if !(1..=1000).contains(&limit) {
            return Err(bad_request("limit", "must be between 1 and 1000"));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(bad_request("offset", "must be 0 or more"));
        }
        Ok((limit, offset))
    }
}

/// `{<key>: items, total, next_offset}` of a page (`next_offset` null on the last page).
fn paged(key: &str, items: Vec<Value>, total: i64, offset: i64) -> Value {
    let next = offset + i64::try_from(items.len()).unwrap_or(i64::MAX);
    json!({ key: items, "total": total, "next_offset": (next < total).then_some(next) })
}

/// `GET /api/v1/moderation/submissions?status=pending|published|rejected&limit=100&offset=0`
/// → `{submissions: [...], total, next_offset}`, newest first, each with `diff: {before,
/// after}`.
#[utoipa::path(get, path = "/api/v1/moderation/submissions", tag = "moderation",
    security(("session" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "`{submissions: [...], total, next_offset}`: a page, newest first, \
            each with `diff: {before, after}`; `next_offset` is null on the last page", body = Object),
        (status = 400, description = "Bad `status`, `limit` or `offset`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let status = query.status.clone().unwrap_or_else(|| "pending".to_owned());
    if !["pending", "published", "rejected", "approved"].contains(&status.as_str()) {
        return Err(bad_request(
            "status",
            "must be pending, published or rejected",
        ));
    }
    let (limit, offset) = query.page()?;
    let mut conn = state.db_write().await?;
    let (items, total) = submission::queue(&mut conn, &status, limit, offset).await?;
    Ok(Json(paged("submissions", items, total, offset)))
}

/// An optional note or a required reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Why (1 to 2000 characters): required to reject and to withdraw a claim, optional to
    /// revert; shown to the submitter or in the history.
    #[serde(default)]
    pub reason: Option<String>,
    /// A moderator's note on an approval (1 to 2000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/moderation/submissions/{id}/approve` `{note?}` → `{submission, revision_id,
/// entity: {type, id, slug}}`.
#[utoipa::path(post, path = "/api/v1/moderation/submissions/{id}/approve", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The submission's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{submission, revision_id, entity: {type, id, slug}}`: the change is published", body = Object),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The submission is decided already, or its target changed or is gone", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A bad `note`, or the proposal no longer fits the data (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    if let Some(note) = decision.note.as_deref() {
        text("note", note, 2000)?;
    }
    let mut conn = state.db_write().await?;
    Ok(Json(
        submission::approve(&mut conn, id, session.user.id, decision.note).await?,
    ))
}

fn required_reason(decision: Decision) -> AppResult<String> {
    let reason = decision.reason.unwrap_or_default();
    text("reason", &reason, 2000)?;
    Ok(reason)
}

/// `POST /api/v1/moderation/submissions/{id}/reject` `{reason}` → the submission.
#[utoipa::path(post, path = "/api/v1/moderation/submissions/{id}/reject", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The submission's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The rejected submission", body = Object),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The submission is decided already", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A missing or bad `reason`", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn reject(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let reason = required_reason(decision)?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        submission::reject(&mut conn, id, session.user.id, reason).await?,
    ))
}

/// `GET /api/v1/moderation/claims?status=pending|verified|rejected|withdrawn&limit=100&offset=0`
/// → `{claims, total, next_offset}`, newest first.
#[utoipa::path(get, path = "/api/v1/moderation/claims", tag = "moderation",
    security(("session" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "`{claims: [...], total, next_offset}`: a page of the claims with \
            the given status, newest first; `next_offset` is null on the last page", body = Object),
        (status = 400, description = "Bad `status`, `limit` or `offset`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn claims(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let status = query.status.clone().unwrap_or_else(|| "pending".to_owned());
    if !["pending", "verified", "rejected", "withdrawn"].contains(&status.as_str()) {
        return Err(bad_request(
            "status",
            "must be pending, verified, rejected or withdrawn",
        ));
    }
    let (limit, offset) = query.page()?;
    let mut conn = state.db_write().await?;
    let (items, total) = editor::with_status(&mut conn, &status, limit, offset).await?;
    Ok(Json(paged("claims", items, total, offset)))
}

/// `POST /api/v1/moderation/claims/{id}/verify` → the claim (a claimed place is listed now).
#[utoipa::path(post, path = "/api/v1/moderation/claims/{id}/verify", tag = "moderation",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The claim's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The verified claim (a claimed gazetteer place is listed as a city now)", body = Object),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such claim, or its place is gone", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The claim is decided already", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn verify_claim(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    Ok(Json(editor::verify(&mut conn, id, session.user.id).await?))
}

/// `POST /api/v1/moderation/claims/{id}/withdraw` `{reason}` → the claim.
#[utoipa::path(post, path = "/api/v1/moderation/claims/{id}/withdraw", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The claim's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The withdrawn claim", body = Object),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such claim", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The claim is withdrawn or rejected already", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A missing or bad `reason`", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn withdraw_claim(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let reason = required_reason(decision)?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        editor::withdraw(&mut conn, id, session.user.id, reason).await?,
    ))
}

/// `GET /api/v1/moderation/revisions` → `{revisions}` editors published that await review.
#[utoipa::path(get, path = "/api/v1/moderation/revisions", tag = "moderation",
    security(("session" = [])),
    responses(
        (status = 200, description = "`{revisions: [...]}` editors published that await review", body = Object),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn revisions_to_review(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        json!({ "revisions": revision::needing_review(&mut conn).await? }),
    ))
}

/// `POST /api/v1/moderation/revisions/{id}/reviewed` → `{id, needs_review: false}`.
#[utoipa::path(post, path = "/api/v1/moderation/revisions/{id}/reviewed", tag = "moderation",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The revision's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{id, needs_review: false}`", body = Object),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such revision", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn mark_reviewed(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    revision::mark_reviewed(&mut conn, id).await?;
    Ok(Json(json!({ "id": id, "needs_review": false })))
}

/// `POST /api/v1/moderation/revisions/{id}/revert` `{reason?}` → `{revision_id}` of the revert.
#[utoipa::path(post, path = "/api/v1/moderation/revisions/{id}/revert", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The revision's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{revision_id}` of the revision that reverts it", body = Object),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such revision", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The entity changed since, or the revision cannot be reverted", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A bad `reason`", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn revert(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    if let Some(reason) = decision.reason.as_deref() {
        text("reason", reason, 2000)?;
    }
    let moderator = session.user.id;
    let mut conn = state.db_write().await?;
    let revision_id = conn
        .transaction::<_, AppError, _>(async move |conn| {
            revision::revert(conn, id, moderator, decision.reason).await
        })
        .await?;
    Ok(Json(json!({ "revision_id": revision_id })))
}
