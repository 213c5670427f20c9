//! Fixed-window counters in the `rate_limits` table, shared by every instance.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::{AppError, AppResult};

/// At most `max` events per `window_secs` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window_secs: i64,
}

/// Failed logins of one account: 5 per 15 minutes.
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    max: 5,
    window_secs: 900,
};
/// Failed logins from one client: 20 per 15 minutes.
pub const LOGIN_PER_CLIENT: Limit = Limit {
    max: 20,
    window_secs: 900,
};
/// Failed password-reset confirmations (unknown, used or expired tokens) from one client:
/// 20 per 15 minutes, like failed logins.
pub const RESET_CONFIRM_PER_CLIENT: Limit = Limit {
    max: 20,
    window_secs: 900,
};
/// Registrations and password-reset requests from one client: 10 per hour.
pub const ACCOUNT_MAIL_PER_CLIENT: Limit = Limit {
    max: 10,
    window_secs: 3600,
};
/// Submissions of one signed-in account: 10 per hour (from whichever address).
pub const SUBMISSIONS_PER_ACCOUNT: Limit = Limit {
    max: 10,
    window_secs: 3600,
};
/// Editor claims of one account: 10 per hour.
pub const CLAIMS_PER_ACCOUNT: Limit = Limit {
    max: 10,
    window_secs: 3600,
};
/// Editor claims from one client (whichever accounts): 20 per hour.
pub const CLAIMS_PER_CLIENT: Limit = Limit {
    max: 20,
    window_secs: 3600,
};
/// Anonymous submissions from one client: 10 per hour.
pub const SUBMISSIONS_PER_CLIENT: Limit = Limit {
    max: 10,
    window_secs: 3600,
};

/// Follow requests (each mails a confirmation) from one client: 10 per hour.
pub const FOLLOW_PER_CLIENT: Limit = Limit {
    max: 10,
    window_secs: 3600,
};
/// Follow mails to one address (confirmations, "already following"): 10 per day, so that
/// nobody can flood someone else's mailbox through the form.
pub const FOLLOW_MAIL_PER_ADDRESS: Limit = Limit {
    max: 10,
    window_secs: 86_400,
};

#[derive(QueryableByName)]
struct Window {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = BigInt)]
    retry_after: i64,
}

const WINDOW_START: &str = "to_timestamp(floor(extract(epoch FROM now()) / $2) * $2)";

/// Refuses with 429 when `bucket` already used up its `limit` in the current window.
///
/// # Errors
/// 429 with the seconds until the window ends; database errors.
pub async fn check(conn: &mut AsyncPgConnection, bucket: &str, limit: Limit) -> AppResult<()> {
    let window: Option<Window> = diesel::sql_query(format!(
        "SELECT hits, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::bigint AS retry_after
           FROM rate_limits WHERE bucket = $1 AND window_start = {WINDOW_START}"
    ))
    .bind::<Text, _>(bucket)
    .bind::<BigInt, _>(limit.window_secs)
    .get_result(conn)
    .await
    .map(Some)
    .or_else(|error| match error {
        diesel::result::Error::NotFound => Ok(None),
        other => Err(other),
    })?;
    match window {
        Some(window) if window.hits >= limit.max => Err(AppError::TooManyRequests {
            retry_after_secs: u64::try_from(window.retry_after.max(1)).unwrap_or(1),
        }),
        _ => Ok(()),
    }
}

/// Counts one event against `bucket`.
///
/// # Errors
/// Database errors.
pub async fn record(conn: &mut AsyncPgConnection, bucket: &str, limit: Limit) -> AppResult<()> {
    diesel::sql_query(format!(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, {WINDOW_START}, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1"
    ))
    .bind::<Text, _>(bucket)
    .bind::<BigInt, _>(limit.window_secs)
    .execute(conn)
    .await?;
    // Old windows of this bucket are no use any more (the primary key makes this cheap).
    diesel::sql_query(
        "DELETE FROM rate_limits WHERE bucket = $1 AND window_start < now() - make_interval(secs => $2 * 2)",
    )
    .bind::<Text, _>(bucket)
    .bind::<BigInt, _>(limit.window_secs)
    .execute(conn)
    .await?;
    Ok(())
}

/// Checks, then counts: for events limited whether they succeed or not.
///
/// # Errors
/// As [`check`] and [`record`].
pub async fn hit(conn: &mut AsyncPgConnection, bucket: &str, limit: Limit) -> AppResult<()> {
    check(conn, bucket, limit).await?;
    record(conn, bucket, limit).await
}
