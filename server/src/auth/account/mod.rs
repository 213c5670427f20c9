//! Accounts: registration, e-mail confirmation, login and password reset.
//!
//! No answer tells whether an e-mail address has an account: registration and reset requests
//! answer the same either way, and the difference only shows in the mail the owner of the
//! address receives. Only a confirmed address signs in.
//!
//! Password hashing takes a rationed slot and tens of milliseconds ([`password`]), so the
//! functions that hash take the [`App`] and hold no database connection while they hash: a
//! flood of sign-ins cannot take the pool away from everything else.

mod messages;

use diesel::QueryableByName;
use diesel::sql_types::{self as sql, BigInt, Nullable};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::app::App;
use crate::auth::token::{hash_token, random_token};
use crate::auth::{outbox, password};
use crate::domain::{Email, Parse, Text};
use crate::error::{AppError, AppResult, bad_request, unprocessable};
use messages::{Mail, mail};

/// Hours a confirmation link stays valid.
const CONFIRM_HOURS: i64 = 72;
/// Hours a password-reset link stays valid.
const RESET_HOURS: i64 = 1;

/// Languages mail is written in.
const MAIL_LANGS: [&str; 4] = ["de", "en", "fr", "es"];

/// What a registration asks for.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub email: Email,
    /// 12 to 256 characters, not a common password from breaches.
    pub password: String,
    /// 1 to 100 characters, shown next to the account's edits.
    pub display_name: Text<100>,
    /// Language of mail: de, en (default), fr or es.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Checks a new password.
///
/// # Errors
/// 422 naming `password`.
pub fn check_password(field: &str, value: &str) -> AppResult<()> {
    match password::weakness(value) {
        Some(reason) => Err(unprocessable(field, reason)),
        None => Ok(()),
    }
}

#[derive(QueryableByName)]
struct Credentials {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = sql::Text)]
    email: String,
    #[diesel(sql_type = sql::Text)]
    password_hash: String,
    #[diesel(sql_type = Nullable<sql::Text>)]
    preferred_lang: Option<String>,
    #[diesel(sql_type = sql::Text)]
    role: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    confirmed: bool,
}

/// An account whose password was just proven.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    /// `user`, `moderator` or `admin`.
    pub role: String,
    /// Whether its e-mail address is confirmed (only then may it sign in).
    pub confirmed: bool,
}

async fn find_by_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> AppResult<Option<Credentials>> {
    let rows: Vec<Credentials> = diesel::sql_query(
        "SELECT id, email, password_hash, preferred_lang, role,
                email_confirmed_at IS NOT NULL AS confirmed
           FROM users WHERE lower(email) = lower($1)",
    )
    .bind::<sql::Text, _>(email)
    .load(conn)
    .await?;
    Ok(rows.into_iter().next())
}

/// Registers an account and mails a confirmation link; for an address that already has an
/// account, mails its owner a notice instead. Same outcome for the caller either way.
///
/// # Errors
/// 422 for invalid input; database errors.
pub async fn register(app: &App, input: Registration, base_url: &str) -> AppResult<()> {
    check_password("password", &input.password)?;
    let lang = input
        .lang
        .filter(|lang| MAIL_LANGS.contains(&lang.as_str()));
    let hash = password::hash(input.password).await?;
    let base_url = base_url.to_owned();
    let mut conn = app.db_write().await?;
    conn.transaction::<_, AppError, _>(async move |conn| {
        if let Some(existing) = find_by_email(conn, &input.email).await? {
            let (subject, body) = mail(
                existing.preferred_lang.as_deref(),
                Mail::AlreadyRegistered,
                &base_url,
            );
            outbox::enqueue(conn, &existing.email, &subject, &body).await?;
            return Ok(());
        }
        let id: crate::auth::rows::IdRow = diesel::sql_query(
            "INSERT INTO users (email, display_name, password_hash, preferred_lang)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind::<sql::Text, _>(input.email.as_str())
        .bind::<sql::Text, _>(input.display_name.as_str())
        .bind::<sql::Text, _>(&hash)
        .bind::<Nullable<sql::Text>, _>(lang.as_deref())
        .get_result(conn)
        .await?;
        let token = issue_token(conn, id.id, "confirm_email", CONFIRM_HOURS).await?;
        let link = format!("{base_url}/confirm-email?token={token}");
        let (subject, body) = mail(lang.as_deref(), Mail::Confirm, &link);
        outbox::enqueue(conn, &input.email, &subject, &body).await
    })
    .await
}

async fn issue_token(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    purpose: &str,
    hours: i64,
) -> AppResult<String> {
    let token = random_token();
    diesel::sql_query(
        "INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(hours => $4::int))",
    )
    .bind::<sql::Text, _>(hash_token(&token))
    .bind::<BigInt, _>(user_id)
    .bind::<sql::Text, _>(purpose)
    .bind::<BigInt, _>(hours)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Whether `token` is an unused, unexpired token of `purpose`.
async fn token_is_live(
    conn: &mut AsyncPgConnection,
    token: &str,
    purpose: &str,
) -> AppResult<bool> {
    let rows: Vec<crate::auth::rows::IdRow> = diesel::sql_query(
        "SELECT user_id AS id FROM user_tokens
          WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()",
    )
    .bind::<sql::Text, _>(hash_token(token))
    .bind::<sql::Text, _>(purpose)
    .load(conn)
    .await?;
    Ok(!rows.is_empty())
}

fn invalid_token() -> AppError {
    bad_request("token", "This link is invalid, used or expired.")
}

/// Spends a one-time token of `purpose`; returns its account.
async fn spend_token(conn: &mut AsyncPgConnection, token: &str, purpose: &str) -> AppResult<i64> {
    let rows: Vec<crate::auth::rows::IdRow> = diesel::sql_query(
        "UPDATE user_tokens SET used_at = now()
          WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
          RETURNING user_id AS id",
    )
    .bind::<sql::Text, _>(hash_token(token))
    .bind::<sql::Text, _>(purpose)
    .load(conn)
    .await?;
    rows.into_iter()
        .next()
        .map(|row| row.id)
        .ok_or_else(invalid_token)
}

/// Confirms the e-mail address of the token's account.
///
/// # Errors
/// 400 naming `token` when it is invalid, used or expired.
pub async fn confirm(conn: &mut AsyncPgConnection, token: String) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let user_id = spend_token(conn, &token, "confirm_email").await?;
        diesel::sql_query("UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = $1")
            .bind::<BigInt, _>(user_id)
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}

/// The account whose password matches, or `None` (unknown address or wrong password alike,
/// in the same time).
///
/// # Errors
/// 503 when no connection or hashing slot can be had; database errors.
pub async fn authenticate(app: &App, email: &str, secret: String) -> AppResult<Option<Account>> {
    let found = find_by_email(&mut *app.db_write().await?, email).await?;
    let hash = found.as_ref().map(|found| found.password_hash.clone());
    Ok(if password::verify(secret, hash).await? {
        found.map(|found| Account {
            id: found.id,
            role: found.role,
            confirmed: found.confirmed,
        })
    } else {
        None
    })
}

/// Whether `secret` is the password of account `user_id`.
///
/// # Errors
/// 503 when no connection or hashing slot can be had; database errors.
pub async fn password_matches(app: &App, user_id: i64, secret: String) -> AppResult<bool> {
    let rows: Vec<Credentials> = diesel::sql_query(
        "SELECT id, email, password_hash, preferred_lang, role,
                email_confirmed_at IS NOT NULL AS confirmed
           FROM users WHERE id = $1",
    )
    .bind::<BigInt, _>(user_id)
    .load(&mut *app.db_write().await?)
    .await?;
    let hash = rows.into_iter().next().map(|found| found.password_hash);
    password::verify(secret, hash).await
}

/// Mails a reset link when the address has an account; silent otherwise.
///
/// # Errors
/// Database errors.
pub async fn request_reset(
    conn: &mut AsyncPgConnection,
    email: Email,
    base_url: &str,
) -> AppResult<()> {
    let base_url = base_url.to_owned();
    conn.transaction::<_, AppError, _>(async move |conn| {
        let Some(account) = find_by_email(conn, &email).await? else {
            return Ok(());
        };
        let token = issue_token(conn, account.id, "reset_password", RESET_HOURS).await?;
        let link = format!("{base_url}/reset-password?token={token}");
        let (subject, body) = mail(account.preferred_lang.as_deref(), Mail::Reset, &link);
        outbox::enqueue(conn, &account.email, &subject, &body).await
    })
    .await
}

/// Sets a new password with a reset token, confirms the address (the link proved it), ends
/// every session and every other reset link of the account (the `users` trigger) and mails
/// the owner that the password changed. The token is checked before the password is hashed,
/// so a wrong token costs the server one query.
///
/// # Errors
/// 400 naming `token`, 422 naming `password`, 503 when hashing is saturated.
pub async fn reset(app: &App, token: String, new_password: String) -> AppResult<()> {
    check_password("password", &new_password)?;
    if !token_is_live(&mut *app.db_write().await?, &token, "reset_password").await? {
        return Err(invalid_token());
    }
    let hash = password::hash(new_password).await?;
    let base_url = app.config.mail_base_url();
    let mut conn = app.db_write().await?;
    conn.transaction::<_, AppError, _>(async move |conn| {
        let user_id = spend_token(conn, &token, "reset_password").await?;
        set_password(conn, user_id, &hash, &base_url).await
    })
    .await
}

/// Changes the password of account `user_id` to `new_password` (its owner proved the current
/// one): every session of the account ends, and the owner is told by mail.
///
/// # Errors
/// 422 naming `new_password`, 503 when hashing is saturated.
pub async fn change_password(app: &App, user_id: i64, new_password: String) -> AppResult<()> {
    check_password("new_password", &new_password)?;
    let hash = password::hash(new_password).await?;
    let base_url = app.config.mail_base_url();
    let mut conn = app.db_write().await?;
    conn.transaction::<_, AppError, _>(async move |conn| {
        set_password(conn, user_id, &hash, &base_url).await
    })
    .await
}

#[derive(QueryableByName)]
struct Recipient {
    #[diesel(sql_type = sql::Text)]
    email: String,
    #[diesel(sql_type = Nullable<sql::Text>)]
    preferred_lang: Option<String>,
}

/// Stores a new password hash (the trigger ends sessions and reset links) and mails the owner.
async fn set_password(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    hash: &str,
    base_url: &str,
) -> AppResult<()> {
    let recipient: Recipient = diesel::sql_query(
        "UPDATE users SET password_hash = $1, email_confirmed_at = coalesce(email_confirmed_at, now())
          WHERE id = $2 RETURNING email, preferred_lang",
    )
    .bind::<sql::Text, _>(hash)
    .bind::<BigInt, _>(user_id)
    .get_result(conn)
    .await?;
    let link = format!("{base_url}/?view=forgot-password");
    let (subject, body) = mail(
        recipient.preferred_lang.as_deref(),
        Mail::PasswordChanged,
        &link,
    );
    outbox::enqueue(conn, &recipient.email, &subject, &body).await
}

/// Creates a moderator account, or makes an existing account a confirmed moderator with
/// `new_password`. For `haven admin create-moderator`. An existing account, confirmed or not,
/// gets the operator's password, so whoever registered the address before cannot use the
/// new role; every session of the account ends (the `users` trigger).
///
/// # Errors
/// 422 for an invalid address or password; database errors.
pub async fn create_moderator(
    conn: &mut AsyncPgConnection,
    email: &str,
    new_password: String,
) -> AppResult<i64> {
    Email::parse(email).map_err(|invalid| unprocessable("email", invalid.0))?;
    check_password("password", &new_password)?;
    let hash = password::hash(new_password).await?;
    let row: crate::auth::rows::IdRow = diesel::sql_query(
        "INSERT INTO users (email, display_name, password_hash, role, email_confirmed_at)
         VALUES ($1, split_part($1, '@', 1), $2, 'moderator', now())
         ON CONFLICT (lower(email)) DO UPDATE
            SET password_hash = EXCLUDED.password_hash,
                role = CASE WHEN users.role = 'admin' THEN 'admin' ELSE 'moderator' END,
                email_confirmed_at = coalesce(users.email_confirmed_at, now())
         RETURNING id",
    )
    .bind::<sql::Text, _>(email)
    .bind::<sql::Text, _>(&hash)
    .get_result(conn)
    .await?;
    Ok(row.id)
}
