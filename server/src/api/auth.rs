//! `/api/v1/auth/*`: register, confirm the address, log in and out, reset the password.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::JsonBody;
use crate::app::AppState;
use crate::auth::account::{self, Registration};
use crate::auth::rate_limit::{
    self, ACCOUNT_MAIL_PER_CLIENT, LOGIN_PER_ACCOUNT, LOGIN_PER_CLIENT, RESET_CONFIRM_PER_CLIENT,
};
use crate::auth::token::hash_token;
use crate::auth::{ClientAddr, CurrentUser, MaybeUser, session};
use crate::domain::{Email, Text};
use crate::error::{AppError, AppResult};

/// The outcome of an account step that has nothing else to say.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `check_your_mail`, `confirmed` or `password_changed`.
    #[schema(example = "check_your_mail")]
    pub status: &'static str,
}

/// Counts a mail to an address (a registration or a reset request) from `client`.
///
/// # Errors
/// 429 when the client sent too many; 503 when the database is saturated.
async fn count_account_mail(state: &AppState, client: &str) -> AppResult<()> {
    rate_limit::hit(
        &mut *state.db_write().await?,
        &format!("account-mail:{client}"),
        state.limit(ACCOUNT_MAIL_PER_CLIENT),
    )
    .await
}

/// 202 `{"status": "check_your_mail"}`: the same answer whether or not the address has an
/// account.
fn check_your_mail() -> (StatusCode, Json<Status>) {
    (
        StatusCode::ACCEPTED,
        Json(Status {
            status: "check_your_mail",
        }),
    )
}

/// `POST /api/v1/auth/register` `{email, password, display_name, lang?}` → 202
/// `{"status": "check_your_mail"}`, whether or not the address has an account already.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts",
    request_body = Registration,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "Mail sent (the same answer when the address has an account)",
         body = Status),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        (status = 403, description = "A signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
        (status = 422, description = "Bad e-mail address, weak password, bad `display_name` or `lang` (named in `field`)"),
        (status = 429, description = "Too many account mails from this client; `Retry-After` says when to retry"),
        (status = 503, description = "The database or password hashing is saturated; `Retry-After` says when to retry"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    JsonBody(input): JsonBody<Registration>,
) -> AppResult<impl IntoResponse> {
    count_account_mail(&state, &client).await?;
    account::register(&state, input, &state.config.mail_base_url()).await?;
    Ok(check_your_mail())
}

/// A one-time token from a mailed link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub token: Text<200>,
}

/// `POST /api/v1/auth/confirm` `{token}` → 200 `{"status": "confirmed"}`; 400 naming `token`.
#[utoipa::path(post, path = "/api/v1/auth/confirm", tag = "accounts",
    request_body = TokenBody,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The address is confirmed: `{\"status\": \"confirmed\"}`",
         body = Status),
        (status = 400, description = "Malformed JSON, or an unknown, used or expired `token`"),
        (status = 403, description = "A signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    _origin: MaybeUser,
    JsonBody(body): JsonBody<TokenBody>,
) -> AppResult<Json<Status>> {
    let mut conn = state.db_write().await?;
    account::confirm(&mut conn, body.token.into_string()).await?;
    Ok(Json(Status {
        status: "confirmed",
    }))
}

/// Login credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Any text up to 254 characters: an address without an account fails like a wrong
    /// password.
    pub email: Text<254>,
    pub password: String,
}

/// `POST /api/v1/auth/login` `{email, password}` → 200 with the `/api/v1/me` document and the
/// session cookie; 401 for a wrong address or password alike; 403 for an unconfirmed address;
/// 429 with `Retry-After` after too many failures for the account or from the client.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = Credentials,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Signed in: `Set-Cookie` carries the session cookie \
            (`haven_session`, or `__Host-haven_session` over https); the body is the account \
            with the session's `csrf_token`", body = super::me::Me,
         headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        (status = 401, description = "Wrong e-mail address or password (the same answer for both)"),
        (status = 403, description = "The address is not confirmed yet (answered only to the right password), \
            a signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
        (status = 415, description = "The body is not `application/json`"),
        (status = 429, description = "Too many failures for this account or from this client; `Retry-After` says when to retry"),
        (status = 503, description = "The database or password hashing is saturated; `Retry-After` says when to retry"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<Credentials>,
) -> AppResult<Response> {
    let account_bucket = format!(
        "login-account:{}",
        hash_token(&credentials.email.to_lowercase())
    );
    let client_bucket = format!("login-client:{client}");
    {
        let mut conn = state.db_write().await?;
        rate_limit::check(&mut conn, &account_bucket, state.limit(LOGIN_PER_ACCOUNT)).await?;
        rate_limit::check(&mut conn, &client_bucket, state.limit(LOGIN_PER_CLIENT)).await?;
    }
    let account =
        account::authenticate(&state, credentials.email.as_str(), credentials.password).await?;
    let mut conn = state.db_write().await?;
    let Some(account) = account else {
        rate_limit::record(&mut conn, &account_bucket, state.limit(LOGIN_PER_ACCOUNT)).await?;
        rate_limit::record(&mut conn, &client_bucket, state.limit(LOGIN_PER_CLIENT)).await?;
        return Err(AppError::Unauthorized);
    };
    if !account.confirmed {
        return Err(AppError::Forbidden(
            "Confirm your e-mail address first: follow the link in the mail we sent you."
                .to_owned(),
        ));
    }
    start_session(&state, &mut conn, account.id, &account.role, &headers).await
}

/// Starts a session for an account and answers with its `/api/v1/me` document and cookie.
pub(crate) async fn start_session(
    state: &AppState,
    conn: &mut diesel_async::AsyncPgConnection,
    user_id: i64,
    role: &str,
    headers: &HeaderMap,
) -> AppResult<Response> {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let (token, _) = session::create(conn, user_id, role, agent).await?;
    let session = session::load(conn, &token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let body = super::me::document(conn, &session).await?;
    let cookie = session::set_cookie(Some(&token), role, headers, &state.config);
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `POST /api/v1/auth/logout` (session + CSRF token) → 204 and a cleared cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts",
    security(("session" = [], "csrf" = [])),
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "Signed out; `Set-Cookie` clears the cookie",
         headers(("Set-Cookie" = String, description = "The cleared session cookie"))),
        crate::error::NoSession,
        (status = 403, description = "A signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mut conn = state.db_write().await?;
    session::delete_by_cookie(&mut conn, &headers, &state.config).await?;
    let cookie = session::set_cookie(None, &session.user.role, &headers, &state.config);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// `POST /api/v1/auth/logout-everywhere` (session + CSRF token) → 204: every session of the
/// account ends, this one included, and the cookie is cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "accounts",
    security(("session" = [], "csrf" = [])),
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "Every session of the account has ended; `Set-Cookie` clears the cookie",
         headers(("Set-Cookie" = String, description = "The cleared session cookie"))),
        crate::error::NoSession,
        (status = 403, description = "A missing `X-CSRF-Token` or a foreign `Origin`"),
    ))]
pub async fn logout_everywhere(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    session::end_all(&mut *state.db_write().await?, session.user.id).await?;
    let cookie = session::set_cookie(None, &session.user.role, &headers, &state.config);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// A reset request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: Email,
}

/// `POST /api/v1/auth/password-reset` `{email}` → 202 `{"status": "check_your_mail"}` always.
/// The account is looked up and the mail written after the answer, so the answer takes the
/// same time whether or not the address has an account.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts",
    request_body = ResetRequest,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 202, description = "A reset link is mailed if the address has an account \
            (the same answer either way)", body = Status),
        (status = 400, description = "Malformed JSON or an unknown field (named in `field`)"),
        (status = 403, description = "A signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
        (status = 429, description = "Too many account mails from this client; `Retry-After` says when to retry"),
    ))]
pub async fn password_reset(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    JsonBody(body): JsonBody<ResetRequest>,
) -> AppResult<impl IntoResponse> {
    count_account_mail(&state, &client).await?;
    tokio::spawn(async move {
        let result = match state.db_write().await {
            Ok(mut conn) => {
                account::request_reset(&mut conn, body.email, &state.config.mail_base_url()).await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            tracing::warn!(%error, "password reset request not handled");
        }
    });
    Ok(check_your_mail())
}

/// A new password with its reset token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub token: Text<200>,
    pub password: String,
}

/// `POST /api/v1/auth/password-reset/confirm` `{token, password}` → 200
/// `{"status": "password_changed"}`; every session and every other reset link of the account
/// ends, and its owner is told by mail.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts",
    request_body = NewPassword,
    security((), ("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "The password is changed and every session of the account \
            has ended: `{\"status\": \"password_changed\"}`", body = Status),
        (status = 400, description = "Malformed JSON, or an unknown, used or expired `token`"),
        (status = 403, description = "A signed-in write without the session's `X-CSRF-Token`, or a foreign `Origin`"),
        (status = 422, description = "The new `password` is too short, too long or too common"),
        (status = 429, description = "Too many wrong tokens from this client; `Retry-After` says when to retry"),
        (status = 503, description = "The database or password hashing is saturated; `Retry-After` says when to retry"),
    ))]
pub async fn password_reset_confirm(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    JsonBody(body): JsonBody<NewPassword>,
) -> AppResult<Json<Status>> {
    let bucket = format!("reset-client:{client}");
    rate_limit::check(
        &mut *state.db_write().await?,
        &bucket,
        state.limit(RESET_CONFIRM_PER_CLIENT),
    )
    .await?;
    let result = account::reset(&state, body.token.into_string(), body.password).await;
    if matches!(&result, Err(AppError::BadRequest { field: Some(field), .. }) if field == "token") {
        rate_limit::record(
            &mut *state.db_write().await?,
            &bucket,
            state.limit(RESET_CONFIRM_PER_CLIENT),
        )
        .await?;
    }
    result?;
    Ok(Json(Status {
        status: "password_changed",
    }))
}
