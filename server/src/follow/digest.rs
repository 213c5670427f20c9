//! The weekly digest: every confirmed subscription whose last digest is a week old gets one
//! mail listing what changed for its target since then (none when nothing did), and the
//! housekeeping that keeps addresses only while they are subscribed.
//!
//! Subscriptions are claimed with `FOR UPDATE SKIP LOCKED`, a batch per transaction that
//! also writes the mails and moves `digest_through`, so several instances never send a
//! digest twice and a crash sends none half.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::changes::{self, Change};
use super::subscription::link;
use super::words::follow_words;
use super::{Followed, Target};
use crate::auth::outbox;
use crate::db::pool::DbPool;
use crate::domain::Parse;
use crate::error::{AppError, AppResult};
use crate::model::profile::partial_date;
use crate::query::Lang;

/// How often a subscription gets a digest.
pub const WEEK: &str = "7 days";

/// Subscriptions claimed per transaction.
const BATCH: i64 = 20;

/// Changes listed in one mail; the rest are counted and linked.
const LISTED: usize = 30;

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Text)]
    target_kind: String,
    #[diesel(sql_type = Text)]
    target_key: String,
    #[diesel(sql_type = Nullable<Integer>)]
    radius_km: Option<i32>,
    #[diesel(sql_type = Text)]
    lang: String,
    #[diesel(sql_type = Text)]
    token: String,
    #[diesel(sql_type = Timestamptz)]
    digest_through: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    now: DateTime<Utc>,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Digests written to the outbox.
    pub mailed: usize,
    /// Subscriptions due with nothing changed: no mail, next week again.
    pub quiet: usize,
    /// Unconfirmed subscriptions deleted after a week.
    pub expired: usize,
}

/// Writes every due digest to the outbox, then deletes unconfirmed subscriptions older than
/// a week and follow mails sent more than a month ago.
///
/// # Errors
/// Database errors.
pub async fn send_due(conn: &mut AsyncPgConnection, base_url: &str) -> AppResult<Pass> {
    let mut pass = Pass::default();
    loop {
        let (claimed, batch) = conn
            .transaction::<_, AppError, _>(async |conn| {
                let due: Vec<Due> = diesel::sql_query(format!(
                    "SELECT id, email, target_kind, target_key, radius_km, lang, token,
                            digest_through, now() AS now
                       FROM follows
                      WHERE confirmed_at IS NOT NULL AND digest_through <= now() - interval '{WEEK}'
                      ORDER BY digest_through, id LIMIT $1 FOR UPDATE SKIP LOCKED"
                ))
                .bind::<BigInt, _>(BATCH)
                .load(conn)
                .await?;
                let mut batch = Pass::default();
                for subscription in &due {
                    if digest(conn, subscription, base_url).await? {
                        batch.mailed += 1;
                    } else {
                        batch.quiet += 1;
                    }
                    diesel::sql_query("UPDATE follows SET digest_through = $2 WHERE id = $1")
                        .bind::<BigInt, _>(subscription.id)
                        .bind::<Timestamptz, _>(subscription.now)
                        .execute(conn)
                        .await?;
                }
                Ok((due.len(), batch))
            })
            .await?;
        pass.mailed += batch.mailed;
        pass.quiet += batch.quiet;
        if claimed < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            break;
        }
    }
    pass.expired = diesel::sql_query(format!(
        "DELETE FROM follows WHERE confirmed_at IS NULL AND created_at < now() - interval '{WEEK}'"
    ))
    .execute(conn)
    .await?;
    diesel::sql_query(
        "DELETE FROM outbox WHERE follow_id IS NOT NULL AND sent_at < now() - interval '30 days'",
    )
    .execute(conn)
    .await?;
    Ok(pass)
}

/// Writes the digest of one subscription when something changed; whether it did.
async fn digest(conn: &mut AsyncPgConnection, due: &Due, base_url: &str) -> AppResult<bool> {
    let lang = Lang::parse(&due.lang).unwrap_or_default();
    let Some(target) = Target::from_stored(&due.target_kind, &due.target_key, due.radius_km) else {
        return Ok(false);
    };
    let limit = i64::try_from(LISTED + 1).unwrap_or(i64::MAX);
    let changes = changes::between(
        conn,
        &target,
        lang,
        Some(due.digest_through),
        due.now,
        limit,
    )
    .await?;
    if changes.is_empty() {
        return Ok(false);
    }
    let followed = target
        .describe(conn, lang)
        .await?
        .unwrap_or_else(|| Followed {
            page: String::new(),
            name: target.key(),
            target: target.clone(),
        });
    let (subject, body) = compose(&followed, &changes, due, lang, base_url);
    let unsubscribe = link(base_url, lang, "unsubscribe", &due.token);
    outbox::enqueue_for_follow(conn, &due.email, &subject, &body, due.id, &unsubscribe).await?;
    Ok(true)
}

/// The digest mail: subject and plain text.
fn compose(
    followed: &Followed,
    changes: &[Change],
    due: &Due,
    lang: Lang,
    base_url: &str,
) -> (String, String) {
    let f = follow_words(lang);
    let name = followed.label();
    let feed = feed_url(base_url, &followed.target, lang);
    let since = partial_date(&due.digest_through.format("%Y-%m-%d").to_string(), lang);
    let mut body = f
        .digest_intro
        .replace("{name}", &name)
        .replace("{date}", &since);
    body.push_str("\n\n");
    for change in changes.iter().take(LISTED) {
        body.push_str(&format!(
            "- {}\n  {base_url}/{}/{}\n",
            change.headline(lang),
            lang.code(),
            change.page_rest()
        ));
    }
    if changes.len() > LISTED {
        body.push_str(&f.digest_more.replace("{link}", &feed));
        body.push('\n');
    }
    body.push_str("\n-- \n");
    body.push_str(
        &f.digest_foot
            .replace("{name}", &name)
            .replace(
                "{unsubscribe}",
                &link(base_url, lang, "unsubscribe", &due.token),
            )
            .replace("{feed}", &feed),
    );
    body.push('\n');
    (f.digest_subject.replace("{name}", &name), body)
}

/// The Atom feed of `target` in `lang`.
#[must_use]
pub fn feed_url(base_url: &str, target: &Target, lang: Lang) -> String {
    format!(
        "{base_url}/feeds/follow.atom?{}",
        target.params().with("lang", lang.code()).to_query_string()
    )
}

/// Sends the due digests every `every` for as long as the server runs.
pub async fn run(pool: DbPool, base_url: String, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(mut conn) => send_due(&mut conn, &base_url).await,
            Err(error) => {
                tracing::warn!(%error, "digests: no database connection");
                continue;
            }
        };
        match result {
            Ok(pass) if pass != Pass::default() => tracing::info!(
                mailed = pass.mailed,
                quiet = pass.quiet,
                expired = pass.expired,
                "follow digests"
            ),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "digests: pass failed"),
        }
    }
}
