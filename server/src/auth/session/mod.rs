//! Sessions: the cookie, the row behind it, and the extractors handlers use to know who asks.
//!
//! A session ends after an idle time ([`idle_minutes`]: 30 minutes for moderators, 12 hours
//! for everyone else; each use renews it) and at the latest after an absolute lifetime
//! ([`lifetime_hours`]), when its owner signs out (here or everywhere), and when the account's
//! role or password changes (a database trigger). Only confirmed accounts have sessions.

mod request;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::auth::token::{hash_token, random_token};
use crate::config::Config;
use crate::error::{AppError, AppResult};
use request::cookie_token;
pub use request::{COOKIE, CurrentUser, MaybeUser, check_origin, set_cookie};

/// A session's use is written back at most this often (seconds), not on every request.
const RENEW_EVERY_SECS: i64 = 60;

/// Minutes without a request after which a session of `role` ends.
#[must_use]
pub fn idle_minutes(role: &str) -> i64 {
    if is_moderator_role(role) { 30 } else { 12 * 60 }
}

/// Hours after sign-in after which a session of `role` ends, however much it is used.
#[must_use]
pub fn lifetime_hours(role: &str) -> i64 {
    if is_moderator_role(role) { 12 } else { 30 * 24 }
}

fn is_moderator_role(role: &str) -> bool {
    matches!(role, "moderator" | "admin")
}

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
        is_moderator_role(&self.role)
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
#[derive(QueryableByName)]
struct Loaded {
    #[diesel(embed)]
    session: Session,
    #[diesel(sql_type = Bool)]
    stale: bool,
}

/// The session of a cookie token, if it is valid: unexpired, used recently enough for its
/// role, of a confirmed account. Renews its idle time.
///
/// # Errors
/// Database errors.
pub async fn load(conn: &mut AsyncPgConnection, token: &str) -> AppResult<Option<Session>> {
    let id = hash_token(token);
    let loaded: Vec<Loaded> = diesel::sql_query(
        "SELECT u.id, u.email, u.display_name, u.role, u.email_confirmed_at IS NOT NULL AS email_confirmed,
                s.csrf_token, s.last_seen_at < now() - make_interval(secs => $2) AS stale
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = $1 AND s.expires_at > now() AND u.email_confirmed_at IS NOT NULL
            AND s.last_seen_at > now() - CASE WHEN u.role IN ('moderator', 'admin')
                                              THEN make_interval(mins => $3::int) ELSE make_interval(mins => $4::int) END",
    )
    .bind::<Text, _>(&id)
    .bind::<BigInt, _>(RENEW_EVERY_SECS)
    .bind::<BigInt, _>(idle_minutes("moderator"))
    .bind::<BigInt, _>(idle_minutes("user"))
    .load(conn)
    .await?;
    let Some(loaded) = loaded.into_iter().next() else {
        return Ok(None);
    };
    if loaded.stale {
        diesel::sql_query("UPDATE sessions SET last_seen_at = now() WHERE id = $1")
            .bind::<Text, _>(&id)
            .execute(conn)
            .await?;
    }
    Ok(Some(loaded.session))
}

/// Starts a session for `user_id` (whose role is `role`); returns the cookie token and the
/// CSRF token.
///
/// # Errors
/// Database errors.
pub async fn create(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    role: &str,
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
         VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5::int))",
    )
    .bind::<Text, _>(hash_token(&token))
    .bind::<BigInt, _>(user_id)
    .bind::<Text, _>(&csrf)
    .bind::<Nullable<Text>, _>(user_agent.map(|agent| agent.chars().take(300).collect::<String>()))
    .bind::<BigInt, _>(lifetime_hours(role))
    .execute(conn)
    .await?;
    Ok((token, csrf))
}

/// Ends the session of a cookie token (no-op without one).
///
/// # Errors
/// Database errors.
pub async fn delete_by_cookie(
    conn: &mut AsyncPgConnection,
    headers: &HeaderMap,
    config: &Config,
) -> AppResult<()> {
    if let Some(token) = cookie_token(headers, config) {
        diesel::sql_query("DELETE FROM sessions WHERE id = $1")
            .bind::<Text, _>(hash_token(&token))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// One of an account's sessions, as its owner sees it in the list of sessions.
#[derive(Debug, Serialize, QueryableByName, utoipa::ToSchema)]
pub struct SessionInfo {
    /// Names the session to end it (`POST /api/v1/me/sessions/{number}/end`).
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    /// The browser that signed in, as it named itself.
    #[diesel(sql_type = Nullable<Text>)]
    pub user_agent: Option<String>,
    /// When its owner signed in.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Its last request (to the minute).
    #[diesel(sql_type = Timestamptz)]
    pub last_seen_at: DateTime<Utc>,
    /// When it ends at the latest.
    #[diesel(sql_type = Timestamptz)]
    pub expires_at: DateTime<Utc>,
    /// The session this request comes from.
    #[diesel(sql_type = Bool)]
    pub current: bool,
}

/// The live sessions of `user`, the current one first, then by latest use.
///
/// # Errors
/// Database errors.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user: &User,
    headers: &HeaderMap,
    config: &Config,
) -> AppResult<Vec<SessionInfo>> {
    let current = cookie_token(headers, config).map(|token| hash_token(&token));
    let rows = diesel::sql_query(
        "SELECT number, user_agent, created_at, last_seen_at, expires_at, id = coalesce($2, '') AS current
           FROM sessions
          WHERE user_id = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $3::int)
          ORDER BY current DESC, last_seen_at DESC, number DESC",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<Nullable<Text>, _>(current)
    .bind::<BigInt, _>(idle_minutes(&user.role))
    .load(conn)
    .await?;
    Ok(rows)
}

/// Ends session `number` of `user_id`; whether there was one.
///
/// # Errors
/// Database errors.
pub async fn end(conn: &mut AsyncPgConnection, user_id: i64, number: i64) -> AppResult<bool> {
    let ended = diesel::sql_query("DELETE FROM sessions WHERE user_id = $1 AND number = $2")
        .bind::<BigInt, _>(user_id)
        .bind::<BigInt, _>(number)
        .execute(conn)
        .await?;
    Ok(ended > 0)
}

/// Ends every session of `user_id`.
///
/// # Errors
/// Database errors.
pub async fn end_all(conn: &mut AsyncPgConnection, user_id: i64) -> AppResult<()> {
    diesel::sql_query("DELETE FROM sessions WHERE user_id = $1")
        .bind::<BigInt, _>(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
