//! Delivery of the outbox by SMTP, when `HAVEN_SMTP_URL` is set.
//!
//! Messages are written to `outbox` in the transaction that caused them ([`super::outbox`]);
//! this task sends them afterwards. Each batch is claimed with `FOR UPDATE SKIP LOCKED`, so
//! several instances on one database never send a message twice, and a message is marked
//! sent in the same transaction that claimed it. A failed message keeps its place with the
//! error and a count of attempts and is tried again `attempts²` minutes later
//! (`next_attempt_at`), at most [`MAX_ATTEMPTS`] times; `haven admin outbox` lists whatever
//! is still unsent.

use std::time::Duration;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db::pool::DbPool;
use crate::error::{AppError, AppResult};

/// A message is given up after this many failed attempts.
pub const MAX_ATTEMPTS: i32 = 8;

/// Messages claimed per transaction.
const BATCH: i64 = 20;

/// Longest kept error text per message.
const ERROR_CHARS: usize = 500;

/// How Haven sends mail: the SMTP relay and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the credentials: never print it.
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for an SMTP URL (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://host`, `smtp://127.0.0.1:25` for a local relay) and a sender such as
    /// `Haven <haven@example.org>`.
    ///
    /// # Errors
    /// When the URL or the sender address cannot be used, naming which.
    pub fn new(smtp_url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|error| anyhow::anyhow!("HAVEN_SMTP_URL is not a usable SMTP URL: {error}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|error| anyhow::anyhow!("HAVEN_MAIL_FROM is not a mail address: {error}"))?;
        Ok(Self { transport, from })
    }

    async fn send(&self, message: &Pending) -> Result<(), String> {
        let to = message
            .to_address
            .parse::<Mailbox>()
            .map_err(|error| format!("invalid recipient: {error}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(unsubscribe) = &message.list_unsubscribe {
            // RFC 2369 and RFC 8058: mail programs offer "unsubscribe", which POSTs
            // `List-Unsubscribe=One-Click` to the address.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{unsubscribe}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let email = builder
            .body(message.body.clone())
            .map_err(|error| format!("cannot build the message: {error}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|error| error.to_string())
    }
}

#[derive(Debug, QueryableByName)]
struct Pending {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    to_address: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    list_unsubscribe: Option<String>,
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every message that is due, batch by batch, until none is left.
///
/// # Errors
/// Database errors (a message the relay refuses is recorded, not an error).
pub async fn deliver_due(conn: &mut AsyncPgConnection, mailer: &Mailer) -> AppResult<Delivery> {
    let mut total = Delivery::default();
    loop {
        let batch = conn
            .transaction::<_, AppError, _>(async move |conn| {
                let due: Vec<Pending> = diesel::sql_query(
                    "SELECT id, to_address, subject, body, list_unsubscribe FROM outbox
                      WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, id
                      LIMIT $2
                      FOR UPDATE SKIP LOCKED",
                )
                .bind::<Integer, _>(MAX_ATTEMPTS)
                .bind::<BigInt, _>(BATCH)
                .load(conn)
                .await?;
                let mut done = Delivery::default();
                for message in &due {
                    match mailer.send(message).await {
                        Ok(()) => {
                            diesel::sql_query(
                                "UPDATE outbox SET sent_at = now(), attempts = attempts + 1,
                                        last_error = NULL WHERE id = $1",
                            )
                            .bind::<BigInt, _>(message.id)
                            .execute(conn)
                            .await?;
                            done.sent += 1;
                        }
                        Err(error) => {
                            tracing::warn!(id = message.id, %error, "mail not sent");
                            let error: String = error.chars().take(ERROR_CHARS).collect();
                            diesel::sql_query(
                                "UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                                        next_attempt_at = now()
                                          + (attempts + 1) * (attempts + 1) * interval '1 minute'
                                  WHERE id = $1",
                            )
                            .bind::<BigInt, _>(message.id)
                            .bind::<Text, _>(error)
                            .execute(conn)
                            .await?;
                            done.failed += 1;
                        }
                    }
                }
                Ok((due.len(), done))
            })
            .await?;
        let (claimed, done) = batch;
        total.sent += done.sent;
        total.failed += done.failed;
        if claimed < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(total);
        }
    }
}

/// Sends the outbox every `every` for as long as the server runs.
pub async fn run(pool: DbPool, mailer: Mailer, every: Duration) {
    tracing::info!(from = %mailer.from, "sending mail by SMTP");
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(mut conn) => deliver_due(&mut conn, &mailer).await,
            Err(error) => {
                tracing::warn!(%error, "mail: no database connection");
                continue;
            }
        };
        match result {
            Ok(delivery) if delivery != Delivery::default() => {
                tracing::info!(sent = delivery.sent, failed = delivery.failed, "mail");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "mail: delivery pass failed"),
        }
    }
}
