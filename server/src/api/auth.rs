//! `/api/v1/auth/*`: register, confirm the address, log in and out, reset the password.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::auth::account::{self, Registration};
use crate::auth::rate_limit::{self, ACCOUNT_MAIL_PER_CLIENT, LOGIN_PER_ACCOUNT, LOGIN_PER_CLIENT};
use crate::auth::{ClientAddr, CurrentUser, MaybeUser, session};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::moderation::input::JsonBody;

/// Where links in mail point: the public URL, else the request's own host.
fn base_url(config: &Config, headers: &HeaderMap) -> String {
    config.public_url.clone().map_or_else(
        || {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("localhost");
            format!("http://{host}")
        },
        |url| url.trim_end_matches('/').to_owned(),
    )
}

/// `POST /api/v1/auth/register` `{email, password, display_name, lang?}` → 202
/// `{"status": "check_your_mail"}`, whether or not the address has an account already.
pub async fn register(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    JsonBody(input): JsonBody<Registration>,
) -> AppResult<impl IntoResponse> {
    let mut conn = state.db_write().await?;
    rate_limit::hit(
        &mut conn,
        &format!("account-mail:{client}"),
        ACCOUNT_MAIL_PER_CLIENT,
    )
    .await?;
    account::register(&mut conn, input, &base_url(&state.config, &headers)).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "status": "check_your_mail" })),
    ))
}

/// A one-time token from a mailed link.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub token: String,
}

/// `POST /api/v1/auth/confirm` `{token}` → 200 `{"status": "confirmed"}`; 400 naming `token`.
pub async fn confirm(
    State(state): State<AppState>,
    _origin: MaybeUser,
    JsonBody(body): JsonBody<TokenBody>,
) -> AppResult<Json<serde_json::Value>> {
    let mut conn = state.db_write().await?;
    account::confirm(&mut conn, body.token).await?;
    Ok(Json(json!({ "status": "confirmed" })))
}

/// Login credentials.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// `POST /api/v1/auth/login` `{email, password}` → 200 with the `/api/v1/me` document and the
/// session cookie; 401 for a wrong address or password alike; 429 with `Retry-After` after
/// too many failures for the account or from the client.
pub async fn login(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    JsonBody(credentials): JsonBody<Credentials>,
) -> AppResult<Response> {
    let mut conn = state.db_write().await?;
    let account_bucket = format!("login-account:{}", credentials.email.to_lowercase());
    let client_bucket = format!("login-client:{client}");
    rate_limit::check(&mut conn, &account_bucket, LOGIN_PER_ACCOUNT).await?;
    rate_limit::check(&mut conn, &client_bucket, LOGIN_PER_CLIENT).await?;
    let Some(user_id) =
        account::authenticate(&mut conn, &credentials.email, credentials.password).await?
    else {
        rate_limit::record(&mut conn, &account_bucket, LOGIN_PER_ACCOUNT).await?;
        rate_limit::record(&mut conn, &client_bucket, LOGIN_PER_CLIENT).await?;
        return Err(AppError::Unauthorized);
    };
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let (token, _) = session::create(&mut conn, user_id, agent).await?;
    let session = session::load(&mut conn, &token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let body = super::me::document(&mut conn, &session).await?;
    let cookie = session::set_cookie(Some(&token), &headers, &state.config);
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `POST /api/v1/auth/logout` (session + CSRF token) → 204 and a cleared cookie.
pub async fn logout(
    State(state): State<AppState>,
    _user: CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    let mut conn = state.db_write().await?;
    session::delete_by_cookie(&mut conn, &headers).await?;
    let cookie = session::set_cookie(None, &headers, &state.config);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// A reset request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// `POST /api/v1/auth/password-reset` `{email}` → 202 `{"status": "check_your_mail"}` always.
pub async fn password_reset(
    State(state): State<AppState>,
    _origin: MaybeUser,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ResetRequest>,
) -> AppResult<impl IntoResponse> {
    let mut conn = state.db_write().await?;
    rate_limit::hit(
        &mut conn,
        &format!("account-mail:{client}"),
        ACCOUNT_MAIL_PER_CLIENT,
    )
    .await?;
    account::request_reset(&mut conn, body.email, &base_url(&state.config, &headers)).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "status": "check_your_mail" })),
    ))
}

/// A new password with its reset token.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub token: String,
    pub password: String,
}

/// `POST /api/v1/auth/password-reset/confirm` `{token, password}` → 200
/// `{"status": "password_changed"}`; every session of the account ends.
pub async fn password_reset_confirm(
    State(state): State<AppState>,
    _origin: MaybeUser,
    JsonBody(body): JsonBody<NewPassword>,
) -> AppResult<Json<serde_json::Value>> {
    let mut conn = state.db_write().await?;
    account::reset(&mut conn, body.token, body.password).await?;
    Ok(Json(json!({ "status": "password_changed" })))
}
