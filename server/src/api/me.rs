//! `GET /api/v1/me`: the signed-in account, its CSRF token and its editor claims; its
//! sessions (list, end one) and its password.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::JsonBody;
use crate::app::AppState;
use crate::auth::account;
use crate::auth::rate_limit::{self, LOGIN_PER_ACCOUNT};
use crate::auth::session::{self, SessionInfo};
use crate::auth::{CurrentUser, Session, User};
use crate::error::{AppError, AppResult, not_found};
use crate::moderation::editor::{self, Claim};

/// The signed-in account as its own pages and scripts see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    /// Send it in `X-CSRF-Token` with every write of this session.
    pub csrf_token: String,
    /// The account's editor claims, newest first: `{id, status, city, place, role_title,
    /// evidence, reason, decided_at, created_at, user}`.
    pub claims: Vec<Claim>,
}

/// The [`Me`] document of a session.
///
/// # Errors
/// Database errors.
pub async fn document(conn: &mut AsyncPgConnection, session: &Session) -> AppResult<Me> {
    Ok(Me {
        user: session.user.clone(),
        csrf_token: session.csrf_token.clone(),
        claims: editor::of_user(conn, session.user.id).await?,
    })
}

/// `GET /api/v1/me` → the [`Me`] document; 401 without a session.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 200, description = "The signed-in account, its CSRF token and its claims", body = Me),
        crate::error::NoSession,
    ))]
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> AppResult<Json<Me>> {
    let mut conn = state.db_write().await?;
    Ok(Json(document(&mut conn, &session).await?))
}

/// The account's live sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sessions {
    /// The current session first, then by latest use.
    pub sessions: Vec<SessionInfo>,
}

/// `GET /api/v1/me/sessions` → the account's live sessions, each with where it signed in
/// from (the browser's name), when, its last use and whether it is this one.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 200, description = "The account's live sessions, this one first", body = Sessions),
        crate::error::NoSession,
    ))]
pub async fn sessions(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    headers: HeaderMap,
) -> AppResult<Json<Sessions>> {
    let mut conn = state.db_write().await?;
    Ok(Json(Sessions {
        sessions: session::list(&mut conn, &session.user, &headers, &state.config).await?,
    }))
}

/// `POST /api/v1/me/sessions/{number}/end` → 204: that session of the account ends (signs
/// that browser out).
#[utoipa::path(post, path = "/api/v1/me/sessions/{number}/end", tag = "accounts",
    security(("session" = [], "csrf" = [])),
    params(("number" = i64, Path, description = "The session's `number` from the list of sessions"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 400, description = "`number` is not an integer", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "A missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "The account has no such session", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn end_session(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(number): Path<i64>,
) -> AppResult<StatusCode> {
    if session::end(&mut *state.db_write().await?, session.user.id, number).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found("The account has no such session."))
    }
}

/// A password change: the current password proves it is the owner.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// 12 to 256 characters, not a common password from breaches.
    pub new_password: String,
}

/// `POST /api/v1/me/password` `{current_password, new_password}` → 200 with the `/api/v1/me`
/// document and a new session cookie: every other session of the account has ended, and the
/// owner is told by mail. A wrong current password counts as a failed sign-in.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts",
    request_body = PasswordChange,
    security(("session" = [], "csrf" = [])),
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "The password is changed; every other session has ended and \
            `Set-Cookie` carries this browser's new session", body = Me,
         headers(("Set-Cookie" = String, description = "The new session cookie"))),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "A missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/json`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`current_password` is wrong, or `new_password` is too short, too long or too common", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords for this account; `Retry-After` says when to retry", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 503, description = "The database or password hashing is saturated; `Retry-After` says when to retry", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    headers: HeaderMap,
    JsonBody(change): JsonBody<PasswordChange>,
) -> AppResult<Response> {
    let user = session.user;
    account::check_password("new_password", &change.new_password)?;
    let bucket = format!("login-account:{}", user.email.to_lowercase());
    rate_limit::check(
        &mut *state.db_write().await?,
        &bucket,
        state.limit(LOGIN_PER_ACCOUNT),
    )
    .await?;
    if !account::password_matches(&state, user.id, change.current_password).await? {
        rate_limit::record(
            &mut *state.db_write().await?,
            &bucket,
            state.limit(LOGIN_PER_ACCOUNT),
        )
        .await?;
        return Err(AppError::Unprocessable {
            field: Some("current_password".to_owned()),
            detail: "This is not the account's current password.".to_owned(),
        });
    }
    account::change_password(&state, user.id, change.new_password).await?;
    let mut conn = state.db_write().await?;
    let response =
        super::auth::start_session(&state, &mut conn, user.id, &user.role, &headers).await?;
    Ok(response.into_response())
}
