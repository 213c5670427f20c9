//! `/api/v1/editors/claims`: an account claims a city, or a gazetteer place not listed yet.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::JsonBody;
use crate::app::AppState;
use crate::auth::rate_limit::{self, CLAIMS_PER_ACCOUNT, CLAIMS_PER_CLIENT};
use crate::auth::{ClientAddr, CurrentUser};
use crate::error::AppResult;
use crate::moderation::editor::{self, Claim, ClaimRequest};

/// An account's editor claims.
#[derive(Debug, Serialize, ToSchema)]
pub struct Claims {
    /// Newest first.
    pub claims: Vec<Claim>,
}

/// `POST /api/v1/editors/claims` `{city | place_id, role_title?, evidence?}` → 201 claim.
#[utoipa::path(post, path = "/api/v1/editors/claims", tag = "editors",
    request_body = ClaimRequest,
    security(("session" = [], "csrf" = [])),
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 201, description = "The claim, pending: `{id, status, city, place, role_title, \
            evidence, reason, decided_at, created_at, user}`", body = Claim),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        crate::error::NoSession,
        (status = 403, description = "Unconfirmed e-mail address, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No such city or place"),
        (status = 409, description = "The account already claims this place"),
        (status = 422, description = "Neither or both of `city` and `place_id`, or a bad text (named in `field`)"),
        (status = 429, description = "Too many claims from this account or this client; `Retry-After` says when to retry"),
    ))]
pub async fn claim(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    ClientAddr(client): ClientAddr,
    JsonBody(request): JsonBody<ClaimRequest>,
) -> AppResult<(StatusCode, Json<Claim>)> {
    let mut conn = state.db_write().await?;
    let account = format!("claim-account:{}", session.user.id);
    let from = format!("claim-client:{client}");
    rate_limit::check(&mut conn, &account, state.limit(CLAIMS_PER_ACCOUNT)).await?;
    rate_limit::check(&mut conn, &from, state.limit(CLAIMS_PER_CLIENT)).await?;
    rate_limit::record(&mut conn, &account, state.limit(CLAIMS_PER_ACCOUNT)).await?;
    rate_limit::record(&mut conn, &from, state.limit(CLAIMS_PER_CLIENT)).await?;
    Ok((
        StatusCode::CREATED,
        Json(editor::claim(&mut conn, &session.user, request).await?),
    ))
}

/// `GET /api/v1/editors/claims` → `{claims: [...]}` of the signed-in account.
#[utoipa::path(get, path = "/api/v1/editors/claims", tag = "editors",
    security(("session" = [])),
    responses(
        (status = 200, description = "`{claims: [...]}` of the signed-in account, newest first",
         body = Claims),
        crate::error::NoSession,
    ))]
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Claims>> {
    let mut conn = state.db_write().await?;
    let claims = editor::of_user(&mut conn, session.user.id).await?;
    Ok(Json(Claims { claims }))
}
