//! `/api/v1/moderation/*` (moderators only): the submission queue, approve and reject,
//! editor claims, revisions to review and revert.

use axum::Json;
use axum::extract::{Path, Query, State};
use diesel_async::AsyncConnection;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, bad_request};
use crate::moderation::input::{JsonBody, text};
use crate::moderation::{editor, revision, submission};

/// Filters of the lists.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub limit: Option<i64>,
}

/// `GET /api/v1/moderation/submissions?status=pending|published|rejected&limit=100` →
/// `{submissions: [...]}` each with `diff: {before, after}`.
pub async fn queue(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let status = query.status.unwrap_or_else(|| "pending".to_owned());
    if !["pending", "published", "rejected", "approved"].contains(&status.as_str()) {
        return Err(bad_request(
            "status",
            "must be pending, published or rejected",
        ));
    }
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(bad_request("limit", "must be between 1 and 1000"));
    }
    let mut conn = state.db_write().await?;
    Ok(Json(
        json!({ "submissions": submission::queue(&mut conn, &status, limit).await? }),
    ))
}

/// An optional note or a required reason.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/moderation/submissions/{id}/approve` `{note?}` → `{submission, revision_id,
/// entity: {type, id, slug}}`.
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

/// `GET /api/v1/moderation/claims?status=pending|verified|rejected|withdrawn` → `{claims}`.
pub async fn claims(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Value>> {
    session.user.require_moderator()?;
    let status = query.status.unwrap_or_else(|| "pending".to_owned());
    if !["pending", "verified", "rejected", "withdrawn"].contains(&status.as_str()) {
        return Err(bad_request(
            "status",
            "must be pending, verified, rejected or withdrawn",
        ));
    }
    let mut conn = state.db_write().await?;
    Ok(Json(
        json!({ "claims": editor::with_status(&mut conn, &status).await? }),
    ))
}

/// `POST /api/v1/moderation/claims/{id}/verify` → the claim (a claimed place is listed now).
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
