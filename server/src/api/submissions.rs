//! `/api/v1/submissions`: anyone proposes a change (no account needed) and follows it by
//! its reference.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::{JsonBody, in_path};
use crate::app::AppState;
use crate::auth::rate_limit::{self, SUBMISSIONS_PER_ACCOUNT, SUBMISSIONS_PER_CLIENT};
use crate::auth::{ClientAddr, MaybeUser};
use crate::domain::Reference;
use crate::error::AppResult;
use crate::moderation::proposal::{ProposalBody, ProposalDoc};
use crate::moderation::submission;
use crate::moderation::submission_view::{self, Tracked};

/// What a submitter keeps to follow the proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    /// Give it to `GET /api/v1/submissions/{reference}`.
    pub reference: String,
    /// Always `pending`.
    pub status: &'static str,
}

/// `POST /api/v1/submissions` → 201 `{reference, status: "pending"}`. A filled-in honeypot
/// (`website`) gets the same-looking answer, but nothing is stored.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "submissions",
    request_body = ProposalDoc,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Stored for review (a signed-in submitter is recorded)", body = Receipt),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        (status = 403, description = "A signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
        (status = 422, description = "A bad `kind`, `target`, `source_urls` or `payload.<field>` (named in `field`)"),
        (status = 429, description = "Too many submissions from this client or this account; `Retry-After` says when to retry"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    MaybeUser(session): MaybeUser,
    ClientAddr(client): ClientAddr,
    JsonBody(proposal): JsonBody<ProposalBody>,
) -> AppResult<(StatusCode, Json<Receipt>)> {
    let mut conn = state.db_write().await?;
    let bucket = format!("submission:{client}");
    rate_limit::check(&mut conn, &bucket, state.limit(SUBMISSIONS_PER_CLIENT)).await?;
    if let Some(session) = &session {
        rate_limit::hit(
            &mut conn,
            &format!("submission-account:{}", session.user.id),
            state.limit(SUBMISSIONS_PER_ACCOUNT),
        )
        .await?;
    }
    if proposal.is_spam() {
        rate_limit::record(&mut conn, &bucket, state.limit(SUBMISSIONS_PER_CLIENT)).await?;
        tracing::info!(%client, "honeypot filled in; submission dropped");
        return Ok((
            StatusCode::CREATED,
            Json(Receipt {
                reference: submission::new_reference(),
                status: "pending",
            }),
        ));
    }
    let checked = submission::check(&mut conn, proposal).await?;
    rate_limit::record(&mut conn, &bucket, state.limit(SUBMISSIONS_PER_CLIENT)).await?;
    let submitter = session.map(|session| (session.user.id, session.user.email));
    let reference = submission::store(&mut conn, checked, submitter).await?;
    Ok((
        StatusCode::CREATED,
        Json(Receipt {
            reference,
            status: "pending",
        }),
    ))
}

/// `GET /api/v1/submissions/{reference}` → `{reference, kind, status, reason, created_at,
/// reviewed_at}`.
#[utoipa::path(get, path = "/api/v1/submissions/{reference}", tag = "submissions",
    params(("reference" = String, Path, description = "The reference `POST /api/v1/submissions` answered")),
    responses(
        (status = 200, description = "`{reference, kind, status, reason, created_at, reviewed_at}`",
         body = Tracked),
        (status = 400, description = "Not a reference (named in `field`)"),
        (status = 404, description = "No submission has this reference"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> AppResult<Json<Tracked>> {
    let reference: Reference = in_path("reference", &reference)?;
    let mut conn = state.db_write().await?;
    Ok(Json(submission_view::status(&mut conn, &reference).await?))
}
