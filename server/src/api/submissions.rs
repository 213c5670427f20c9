//! `/api/v1/submissions`: anyone proposes a change (no account needed) and follows it by
//! its reference.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::rate_limit::{self, SUBMISSIONS_PER_CLIENT};
use crate::auth::{ClientAddr, MaybeUser};
use crate::error::AppResult;
use crate::moderation::input::JsonBody;
use crate::moderation::submission::{self, Proposal};

/// `POST /api/v1/submissions` → 201 `{reference, status: "pending"}`. A filled-in honeypot
/// (`website`) gets the same-looking answer, but nothing is stored.
pub async fn create(
    State(state): State<AppState>,
    MaybeUser(session): MaybeUser,
    ClientAddr(client): ClientAddr,
    JsonBody(proposal): JsonBody<Proposal>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let mut conn = state.db_write().await?;
    let bucket = format!("submission:{client}");
    rate_limit::check(&mut conn, &bucket, SUBMISSIONS_PER_CLIENT).await?;
    if proposal.is_spam() {
        rate_limit::record(&mut conn, &bucket, SUBMISSIONS_PER_CLIENT).await?;
        tracing::info!(%client, "honeypot filled in; submission dropped");
        return Ok((
            StatusCode::CREATED,
            Json(json!({ "reference": submission::new_reference(), "status": "pending" })),
        ));
    }
    let checked = submission::check(&mut conn, proposal).await?;
    rate_limit::record(&mut conn, &bucket, SUBMISSIONS_PER_CLIENT).await?;
    let submitter = session.map(|session| (session.user.id, session.user.email));
    let reference = submission::store(&mut conn, checked, submitter).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "reference": reference, "status": "pending" })),
    ))
}

/// `GET /api/v1/submissions/{reference}` → `{reference, kind, status, reason, created_at,
/// reviewed_at}`.
pub async fn show(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> AppResult<Json<Value>> {
    let mut conn = state.db_write().await?;
    Ok(Json(submission::status(&mut conn, &reference).await?))
}
