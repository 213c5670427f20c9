//! `/api/v1/moderation/*` (moderators only): the submission queue, approve and reject,
//! editor claims, revisions to review and revert.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{JsonBody, QueryOf};
use crate::api::paging::{next_offset, page};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::domain::{ClaimStatus, Multiline, SubmissionStatus};
use crate::error::{AppResult, unprocessable};
use crate::moderation::editor::Claim;
use crate::moderation::revision::Revision;
use crate::moderation::submission_view::{Approved, Submission};
use crate::moderation::{editor, queue, revision, submission};

/// Which submissions to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionQuery {
    /// pending (default), published or rejected.
    pub status: Option<SubmissionStatus>,
    /// Submissions per page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Submissions to skip (newest first); `next_offset` of the previous page (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// Which claims to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    /// pending (default), verified, rejected or withdrawn.
    pub status: Option<ClaimStatus>,
    /// Claims per page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Claims to skip (newest first); `next_offset` of the previous page (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// A page of the submission queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionPage {
    pub submissions: Vec<Submission>,
    /// How many there are in all.
    pub total: i64,
    /// The `offset` of the next page; null on the last page.
    pub next_offset: Option<i64>,
}

/// A page of the editor claims.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimPage {
    pub claims: Vec<Claim>,
    /// How many there are in all.
    pub total: i64,
    /// The `offset` of the next page; null on the last page.
    pub next_offset: Option<i64>,
}

/// Revisions editors published that no moderator has looked at yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToReview {
    /// Oldest first (at most 500).
    pub revisions: Vec<Revision>,
}

/// `GET /api/v1/moderation/submissions?status=pending|published|rejected&limit=100&offset=0`
/// → `{submissions: [...], total, next_offset}`, newest first, each with `diff: {before,
/// after}`.
#[utoipa::path(get, path = "/api/v1/moderation/submissions", tag = "moderation",
    security(("session" = [])),
    params(SubmissionQuery),
    responses(
        (status = 200, description = "`{submissions: [...], total, next_offset}`: a page, newest first, \
            each with `diff: {before, after}`; `next_offset` is null on the last page", body = SubmissionPage),
        (status = 400, description = "Bad `status`, `limit` or `offset`"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    QueryOf(query): QueryOf<SubmissionQuery>,
) -> AppResult<Json<SubmissionPage>> {
    session.user.require_moderator()?;
    let status = query.status.unwrap_or_default().as_str();
    let (limit, offset) = page(query.limit, query.offset)?;
    let mut conn = state.db_write().await?;
    let (submissions, total) = queue::queue(&mut conn, status, limit, offset).await?;
    let next_offset = next_offset(offset, submissions.len(), total);
    Ok(Json(SubmissionPage {
        submissions,
        total,
        next_offset,
    }))
}

/// An optional note or a required reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Why (1 to 2000 characters): required to reject and to withdraw a claim, optional to
    /// revert; shown to the submitter or in the history.
    #[serde(default)]
    pub reason: Option<Multiline<2000>>,
    /// A moderator's note on an approval (1 to 2000 characters).
    #[serde(default)]
    pub note: Option<Multiline<2000>>,
    /// The proposal as the moderator corrected it before approving (approve only): the whole
    /// payload, read by the same rules as a submission's; what the submitter sent is kept.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub payload: Option<Value>,
}

/// `POST /api/v1/moderation/submissions/{id}/approve` `{note?}` → `{submission, revision_id,
/// entity: {type, id, slug}}`.
#[utoipa::path(post, path = "/api/v1/moderation/submissions/{id}/approve", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The submission's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{submission, revision_id, entity: {type, id, slug}}`: the change is published", body = Approved),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such submission"),
        (status = 409, description = "The submission is decided already, or its target changed or is gone"),
        (status = 422, description = "A bad `note` or corrected `payload`, or the proposal no longer fits the data (named in `field`)"),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Approved>> {
    session.user.require_moderator()?;
    let approval = submission::Approval {
        moderator_id: session.user.id,
        note: decision.note.map(Multiline::into_string),
        payload: decision.payload,
    };
    let mut conn = state.db_write().await?;
    Ok(Json(
        submission::approve(&mut conn, id, approval, &state.config.mail_base_url()).await?,
    ))
}

/// Only an approval takes a corrected payload.
fn no_payload(decision: &Decision) -> AppResult<()> {
    match decision.payload {
        Some(_) => Err(unprocessable(
            "payload",
            "only an approval takes a corrected payload",
        )),
        None => Ok(()),
    }
}

fn required_reason(decision: Decision) -> AppResult<Multiline<2000>> {
    no_payload(&decision)?;
    decision
        .reason
        .ok_or_else(|| unprocessable("reason", "must not be empty"))
}

/// `POST /api/v1/moderation/submissions/{id}/reject` `{reason}` → the submission.
#[utoipa::path(post, path = "/api/v1/moderation/submissions/{id}/reject", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The submission's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The rejected submission", body = Submission),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such submission"),
        (status = 409, description = "The submission is decided already"),
        (status = 422, description = "A missing or bad `reason`"),
    ))]
pub async fn reject(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Submission>> {
    session.user.require_moderator()?;
    let reason = required_reason(decision)?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        submission::reject(
            &mut conn,
            id,
            session.user.id,
            reason.into_string(),
            &state.config.mail_base_url(),
        )
        .await?,
    ))
}

/// `GET /api/v1/moderation/claims?status=pending|verified|rejected|withdrawn&limit=100&offset=0`
/// → `{claims, total, next_offset}`, newest first.
#[utoipa::path(get, path = "/api/v1/moderation/claims", tag = "moderation",
    security(("session" = [])),
    params(ClaimQuery),
    responses(
        (status = 200, description = "`{claims: [...], total, next_offset}`: a page of the claims with \
            the given status, newest first; `next_offset` is null on the last page", body = ClaimPage),
        (status = 400, description = "Bad `status`, `limit` or `offset`"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator"),
    ))]
pub async fn claims(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    QueryOf(query): QueryOf<ClaimQuery>,
) -> AppResult<Json<ClaimPage>> {
    session.user.require_moderator()?;
    let status = query.status.unwrap_or_default().as_str();
    let (limit, offset) = page(query.limit, query.offset)?;
    let mut conn = state.db_write().await?;
    let (claims, total) = editor::with_status(&mut conn, status, limit, offset).await?;
    let next_offset = next_offset(offset, claims.len(), total);
    Ok(Json(ClaimPage {
        claims,
        total,
        next_offset,
    }))
}

/// `POST /api/v1/moderation/claims/{id}/verify` → the claim (a claimed place is listed now).
#[utoipa::path(post, path = "/api/v1/moderation/claims/{id}/verify", tag = "moderation",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The claim's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The verified claim (a claimed gazetteer place is listed as a city now)", body = Claim),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such claim, or its place is gone"),
        (status = 409, description = "The claim is decided already"),
    ))]
pub async fn verify_claim(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Claim>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        editor::verify(
            &mut conn,
            id,
            session.user.id,
            &state.config.mail_base_url(),
        )
        .await?,
    ))
}

/// `POST /api/v1/moderation/claims/{id}/withdraw` `{reason}` → the claim.
#[utoipa::path(post, path = "/api/v1/moderation/claims/{id}/withdraw", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The claim's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The withdrawn claim", body = Claim),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such claim"),
        (status = 409, description = "The claim is withdrawn or rejected already"),
        (status = 422, description = "A missing or bad `reason`"),
    ))]
pub async fn withdraw_claim(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Claim>> {
    session.user.require_moderator()?;
    let reason = required_reason(decision)?;
    let mut conn = state.db_write().await?;
    Ok(Json(
        editor::withdraw(
            &mut conn,
            id,
            session.user.id,
            reason,
            &state.config.mail_base_url(),
        )
        .await?,
    ))
}

/// `GET /api/v1/moderation/revisions` → `{revisions}` editors published that await review.
#[utoipa::path(get, path = "/api/v1/moderation/revisions", tag = "moderation",
    security(("session" = [])),
    responses(
        (status = 200, description = "`{revisions: [...]}` editors published that await review", body = ToReview),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator"),
    ))]
pub async fn revisions_to_review(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<ToReview>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    let revisions = revision::needing_review(&mut conn).await?;
    Ok(Json(ToReview { revisions }))
}

/// `POST /api/v1/moderation/revisions/{id}/reviewed` → `{id, needs_review: false}`.
#[utoipa::path(post, path = "/api/v1/moderation/revisions/{id}/reviewed", tag = "moderation",
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The revision's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The revision is reviewed", body = Reviewed),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such revision"),
    ))]
pub async fn mark_reviewed(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Reviewed>> {
    session.user.require_moderator()?;
    let mut conn = state.db_write().await?;
    revision::mark_reviewed(&mut conn, id).await?;
    Ok(Json(Reviewed {
        id,
        needs_review: false,
    }))
}

/// A revision a moderator has looked at.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reviewed {
    /// The revision's id.
    pub id: i64,
    /// Always false now.
    pub needs_review: bool,
}

/// The revision that reverts another.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reverted {
    /// The id of the new revision.
    pub revision_id: i64,
}

/// `POST /api/v1/moderation/revisions/{id}/revert` `{reason?}` → `{revision_id}` of the revert.
#[utoipa::path(post, path = "/api/v1/moderation/revisions/{id}/revert", tag = "moderation",
    request_body = Decision,
    security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The revision's id"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The revision that reverts it", body = Reverted),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Not a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such revision"),
        (status = 409, description = "The entity changed since, or the revision cannot be reverted"),
        (status = 422, description = "A bad `reason`"),
    ))]
pub async fn revert(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(decision): JsonBody<Decision>,
) -> AppResult<Json<Reverted>> {
    session.user.require_moderator()?;
    no_payload(&decision)?;
    let reason = decision.reason.map(Multiline::into_string);
    let moderator = session.user.id;
    let mut conn = state.db_write().await?;
    let revision_id = revision::revert(&mut conn, id, moderator, reason).await?;
    Ok(Json(Reverted { revision_id }))
}
