//! Outgoing mail: written to the `outbox` table in the same transaction as what caused it,
//! so nothing is sent for a change that did not happen. [`super::mail`] sends it by SMTP
//! when configured; `haven admin outbox` lists what has not been sent.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::auth::rows::JsonRow;
use crate::error::AppResult;

/// Queues one message.
///
/// # Errors
/// Database errors.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    to: &str,
    subject: &str,
    body: &str,
) -> AppResult<()> {
    diesel::sql_query("INSERT INTO outbox (to_address, subject, body) VALUES ($1, $2, $3)")
        .bind::<Text, _>(to)
        .bind::<Text, _>(subject)
        .bind::<Text, _>(body)
        .execute(conn)
        .await?;
    Ok(())
}

/// Queues one message written for a subscription (`follow_id`): deleted with it, and sent
/// with `List-Unsubscribe: <unsubscribe>` and `List-Unsubscribe-Post` (RFC 8058).
///
/// # Errors
/// Database errors.
pub async fn enqueue_for_follow(
    conn: &mut AsyncPgConnection,
    to: &str,
    subject: &str,
    body: &str,
    follow_id: i64,
    unsubscribe: &str,
) -> AppResult<()> {
    diesel::sql_query(
        "INSERT INTO outbox (to_address, subject, body, follow_id, list_unsubscribe)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind::<Text, _>(to)
    .bind::<Text, _>(subject)
    .bind::<Text, _>(body)
    .bind::<BigInt, _>(follow_id)
    .bind::<Text, _>(unsubscribe)
    .execute(conn)
    .await?;
    Ok(())
}

/// Messages not sent yet, oldest first, as
/// `{id, to, subject, body, created_at, attempts, last_error, list_unsubscribe}`.
///
/// # Errors
/// Database errors.
pub async fn pending(conn: &mut AsyncPgConnection) -> AppResult<Vec<serde_json::Value>> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('id', id, 'to', to_address, 'subject', subject, 'body', body,
                'created_at', created_at, 'attempts', attempts, 'last_error', last_error,
                'list_unsubscribe', list_unsubscribe) AS value
           FROM outbox WHERE sent_at IS NULL ORDER BY created_at, id",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}
