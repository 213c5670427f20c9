//! Sessions: the cookie, the row behind it, and the extractors handlers use to know who asks.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::app::AppState;
use crate::auth::token::{hash_token, random_token, same_secret};
use crate::config::Config;
use crate::error::{AppError, AppResult};

/// Name of the session cookie.
pub const COOKIE: &str = "haven_session";
/// Header that carries the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Lifetime of a session.
pub const LIFETIME_DAYS: i64 = 30;

/// An account as handlers see it.
#[derive(Debug, Clone, Serialize, QueryableByName, utoipa::ToSchema)]
pub struct User {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub display_name: Option<String>,
    /// `user`, `moderator` or `admin`.
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = Bool)]
    pub email_confirmed: bool,
}

impl User {
    /// Moderators and admins review submissions and claims.
    #[must_use]
    pub fn is_moderator(&self) -> bool {
        matches!(self.role.as_str(), "moderator" | "admin")
    }

    /// 403 unless a moderator.
    ///
    /// # Errors
    /// 403 for everyone else.
    pub fn require_moderator(&self) -> AppResult<()> {
        if self.is_moderator() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only moderators may do this.".to_owned(),
            ))
        }
    }
}

/// A signed-in session.
#[derive(Debug, Clone, QueryableByName)]
pub struct Session {
    #[diesel(embed)]
    pub user: User,
    #[diesel(sql_type = Text)]
    pub csrf_token: String,
}

/// The signed-in user; 401 without a valid session, 403 for a write without the session's
/// CSRF token or from a foreign `Origin`.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Session);

/// The signed-in user if any (same CSRF and `Origin` checks when there is one).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if writes {
            check_origin(&parts.headers, &state.config)?;
        }
        let Some(token) = cookie_token(&parts.headers) else {
            return Ok(Self(None));
        };
        let mut conn = state.db_write().await?;
        let Some(session) = load(&mut conn, &token).await? else {
            return Ok(Self(None));
        };
        if writes {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, &session.csrf_token) {
                return Err(AppError::Forbidden(
                    "The X-CSRF-Token header is missing or wrong.".to_owned(),
                ));
            }
        }
        Ok(Self(Some(session)))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .map(Self)
            .ok_or(AppError::Unauthorized)
    }
}

/// A browser's `Origin`, when sent, must be Haven's own (the public URL's, else the `Host`).
fn check_origin(headers: &HeaderMap, config: &Config) -> AppResult<()> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let expected = config
        .public_url
        .as_deref()
        .and_then(|url| url::Url::parse(url).ok())
        .and_then(|url| host_port(&url))
        .or_else(|| {
            headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_ascii_lowercase)
        });
    let actual = url::Url::parse(origin).ok().and_then(|url| host_port(&url));
    match (actual, expected) {
        (Some(actual), Some(expected)) if actual == expected => Ok(()),
        _ => Err(AppError::Forbidden(
            "Cross-site requests are not accepted.".to_owned(),
        )),
    }
}

fn host_port(url: &url::Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64)
}

/// The session of a cookie token, if it is valid and unexpired.
///
/// # Errors
/// Database errors.
pub async fn load(conn: &mut AsyncPgConnection, token: &str) -> AppResult<Option<Session>> {
    let session: Vec<Session> = diesel::sql_query(
        "SELECT u.id, u.email, u.display_name, u.role, u.email_confirmed_at IS NOT NULL AS email_confirmed,
                s.csrf_token
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = $1 AND s.expires_at > now()",
    )
    .bind::<Text, _>(hash_token(token))
    .load(conn)
    .await?;
    Ok(session.into_iter().next())
}

/// Starts a session for `user_id`; returns the cookie token and the CSRF token.
///
/// # Errors
/// Database errors.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    user_agent: Option<&str>,
) -> AppResult<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    diesel::sql_query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= now()")
        .bind::<BigInt, _>(user_id)
        .execute(conn)
        .await?;
    diesel::sql_query(
        "INSERT INTO sessions (id, user_id, csrf_token, user_agent, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(days => $5::int))",
    )
    .bind::<Text, _>(hash_token(&token))
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(&csrf)
    .bind::<Nullable<Text>, _>(user_agent.map(|agent| agent.chars().take(300).collect::<String>()))
    .bind::<BigInt, _>(LIFETIME_DAYS)
    .execute(conn)
    .await?;
    Ok((token, csrf))
}

/// Ends the session of a cookie token (no-op without one).
///
/// # Errors
/// Database errors.
pub async fn delete_by_cookie(conn: &mut AsyncPgConnection, headers: &HeaderMap) -> AppResult<()> {
    if let Some(token) = cookie_token(headers) {
        diesel::sql_query("DELETE FROM sessions WHERE id = $1")
            .bind::<Text, _>(hash_token(&token))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The `Set-Cookie` value for `token` (`None` clears the cookie). `Secure` when the public
/// URL is https or a trusted proxy says the request came over https.
#[must_use]
pub fn set_cookie(token: Option<&str>, headers: &HeaderMap, config: &Config) -> HeaderValue {
    let https = config
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"))
        || (config.trust_forwarded_for
            && headers
                .get("x-forwarded-proto")
                .is_some_and(|value| value.as_bytes() == b"https"));
    let secure = if https { "; Secure" } else { "" };
    let value = match token {
        Some(token) => format!(
            "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            LIFETIME_DAYS * 86_400
        ),
        None => format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("haven_session=; Max-Age=0"))
}
