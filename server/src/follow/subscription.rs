//! Subscriptions by e-mail: subscribe (writes the subscription unconfirmed and mails the
//! confirmation link), confirm and unsubscribe, each one transaction.

use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::Target;
use super::words::follow_words;
use crate::auth::outbox;
use crate::auth::token::random_token;
use crate::domain::Email;
use crate::error::{AppError, AppResult, unprocessable};
use crate::query::Lang;

/// The most things one address may follow.
pub const MAX_PER_ADDRESS: i64 = 50;

/// A subscription as its token finds it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Subscription {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub target_kind: String,
    #[diesel(sql_type = Text)]
    pub target_key: String,
    #[diesel(sql_type = Nullable<Integer>)]
    pub radius_km: Option<i32>,
    #[diesel(sql_type = Text)]
    pub lang: String,
    #[diesel(sql_type = Bool)]
    pub confirmed: bool,
}

impl Subscription {
    /// What it follows (`None` only for a row the schema's checks would refuse).
    #[must_use]
    pub fn target(&self) -> Option<Target> {
        Target::from_stored(&self.target_kind, &self.target_key, self.radius_km)
    }
}

/// The address of a subscription's page: `/{lang}/follow/{action}?token=…`.
#[must_use]
pub fn link(base_url: &str, lang: Lang, action: &str, token: &str) -> String {
    format!("{base_url}/{}/follow/{action}?token={token}", lang.code())
}

/// Whether `token` can be a subscription's token (64 hex digits), before any query.
#[must_use]
pub fn is_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[derive(QueryableByName)]
struct Existing {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    token: String,
    #[diesel(sql_type = Bool)]
    confirmed: bool,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Subscribes `email` to `target` (named `name` in mails), unconfirmed, and mails the link
/// to confirm. Asked again, it mails the same link again (unconfirmed) or says the address
/// already follows it (confirmed): the answer to the requester is the same either way.
///
/// # Errors
/// 422 naming `email` when the address follows [`MAX_PER_ADDRESS`] things already;
/// database errors.
pub async fn subscribe(
    conn: &mut AsyncPgConnection,
    email: &Email,
    target: &Target,
    name: &str,
    lang: Lang,
    base_url: &str,
) -> AppResult<()> {
    let f = follow_words(lang);
    conn.transaction::<_, AppError, _>(async |conn| {
        let existing: Option<Existing> = diesel::sql_query(
            "SELECT id, token, confirmed_at IS NOT NULL AS confirmed FROM follows
              WHERE lower(email) = lower($1) AND target_kind = $2 AND target_key = $3 FOR UPDATE",
        )
        .bind::<Text, _>(email.as_ref())
        .bind::<Text, _>(target.kind())
        .bind::<Text, _>(target.key())
        .get_result(conn)
        .await
        .optional()?;
        let (id, token, subject, body) = match existing {
            Some(existing) if existing.confirmed => {
                let unsubscribe = link(base_url, lang, "unsubscribe", &existing.token);
                (
                    existing.id,
                    existing.token,
                    f.mail_already_subject.replace("{name}", name),
                    f.mail_already_body
                        .replace("{name}", name)
                        .replace("{link}", &unsubscribe),
                )
            }
            found => {
                let (id, token) = match found {
                    Some(existing) => {
                        // A new radius or language replaces the old before confirmation.
                        diesel::sql_query(
                            "UPDATE follows SET radius_km = $2, lang = $3 WHERE id = $1",
                        )
                        .bind::<BigInt, _>(existing.id)
                        .bind::<Nullable<Integer>, _>(target.radius_km())
                        .bind::<Text, _>(lang.code())
                        .execute(conn)
                        .await?;
                        (existing.id, existing.token)
                    }
                    None => {
                        let count: Count = diesel::sql_query(
                            "SELECT count(*) AS count FROM follows WHERE lower(email) = lower($1)",
                        )
                        .bind::<Text, _>(email.as_ref())
                        .get_result(conn)
                        .await?;
                        if count.count >= MAX_PER_ADDRESS {
                            return Err(unprocessable("email", f.too_many));
                        }
                        let token = random_token();
                        let row: Id = diesel::sql_query(
                            "INSERT INTO follows (email, target_kind, target_key, radius_km, lang, token)
                             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        )
                        .bind::<Text, _>(email.as_ref())
                        .bind::<Text, _>(target.kind())
                        .bind::<Text, _>(target.key())
                        .bind::<Nullable<Integer>, _>(target.radius_km())
                        .bind::<Text, _>(lang.code())
                        .bind::<Text, _>(&token)
                        .get_result(conn)
                        .await?;
                        (row.id, token)
                    }
                };
                let confirm = link(base_url, lang, "confirm", &token);
                (
                    id,
                    token,
                    f.mail_confirm_subject.replace("{name}", name),
                    f.mail_confirm_body
                        .replace("{name}", name)
                        .replace("{link}", &confirm),
                )
            }
        };
        let unsubscribe = link(base_url, lang, "unsubscribe", &token);
        outbox::enqueue_for_follow(conn, email.as_ref(), &subject, &body, id, &unsubscribe).await
    })
    .await
}

const BY_TOKEN: &str =
    "target_kind, target_key, radius_km, lang, confirmed_at IS NOT NULL AS confirmed, id";

/// The subscription of `token`, if there is one.
///
/// # Errors
/// Database errors.
pub async fn find(conn: &mut AsyncPgConnection, token: &str) -> AppResult<Option<Subscription>> {
    if !is_token(token) {
        return Ok(None);
    }
    Ok(
        diesel::sql_query(format!("SELECT {BY_TOKEN} FROM follows WHERE token = $1"))
            .bind::<Text, _>(token)
            .get_result(conn)
            .await
            .optional()?,
    )
}

/// Confirms the subscription of `token` (again: no change) and returns it; its first
/// digest covers what changes from now on.
///
/// # Errors
/// Database errors.
pub async fn confirm(conn: &mut AsyncPgConnection, token: &str) -> AppResult<Option<Subscription>> {
    if !is_token(token) {
        return Ok(None);
    }
    Ok(diesel::sql_query(format!(
        "UPDATE follows SET confirmed_at = coalesce(confirmed_at, now()),
                    digest_through = coalesce(digest_through, now())
              WHERE token = $1 RETURNING {BY_TOKEN}"
    ))
    .bind::<Text, _>(token)
    .get_result(conn)
    .await
    .optional()?)
}

/// Ends the subscription of `token`: deletes it and, with it, every mail written for it
/// (sent or not), so that the address is gone. Returns what it was.
///
/// # Errors
/// Database errors.
pub async fn unsubscribe(
    conn: &mut AsyncPgConnection,
    token: &str,
) -> AppResult<Option<Subscription>> {
    if !is_token(token) {
        return Ok(None);
    }
    Ok(diesel::sql_query(format!(
        "DELETE FROM follows WHERE token = $1 RETURNING {BY_TOKEN}"
    ))
    .bind::<Text, _>(token)
    .get_result(conn)
    .await
    .optional()?)
}
