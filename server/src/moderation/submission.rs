//! Submissions: proposals from anyone (a new city, a membership, a demand status, a
//! practice, a correction), each with at least one source, waiting for a moderator.
//!
//! A submission is checked when it arrives and stored as sent. Approval publishes exactly
//! the stored payload — the moderator cannot alter it — in one transaction together with the
//! revision row and the submission's new status; if any write fails, nothing is published.

use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::domain::{Email, Multiline, Parse, WebUrl};
use crate::error::{AppError, AppResult, not_found, unprocessable};
use crate::moderation::payload::fields;
use crate::moderation::proposal::{
    Patch, Proposal, ProposalBody, ProposalKind, Target, TargetKind,
};
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::submission_view::{Approved, Published, Submission, item};
use crate::moderation::{city, demand, membership, notice, practice};

/// A checked proposal, ready to be stored.
#[derive(Debug)]
pub struct Checked {
    proposal: Proposal,
    source_urls: Vec<WebUrl>,
    email: Option<Email>,
    message: Option<Multiline<5000>>,
}

/// Checks a proposal: its sources, its target, and its payload for its kind.
///
/// # Errors
/// 422 naming the field at fault (`payload.name`, `source_urls`, `target.slug`, …).
pub async fn check(conn: &mut AsyncPgConnection, body: ProposalBody) -> AppResult<Checked> {
    if body.source_urls.is_empty() || body.source_urls.len() > 10 {
        return Err(unprocessable("source_urls", "give 1 to 10 source URLs"));
    }
    let target = match (body.kind, &body.target) {
        (ProposalKind::Correction, Some(target)) => {
            Some((target.kind, resolve(conn, target).await?))
        }
        (_, Some(_)) => return Err(unprocessable("target", "only corrections have a target")),
        (_, None) => None,
    };
    let proposal = Proposal::read(body.kind, target, body.payload)?;
    proposal.check(conn).await?;
    Ok(Checked {
        proposal,
        source_urls: body.source_urls,
        email: body.email,
        message: body.message,
    })
}

/// The id of a correction's target.
async fn resolve(conn: &mut AsyncPgConnection, target: &Target) -> AppResult<i64> {
    let found = match target.kind {
        TargetKind::City => city::id_by_slug(conn, &target.slug).await,
        TargetKind::Practice => practice::find(conn, &target.slug).await.map(|(id, _)| id),
    };
    found.map_err(|_| {
        unprocessable(
            "target.slug",
            format!("there is no {} '{}'", target.kind.as_str(), target.slug),
        )
    })
}

/// A fresh reference like `AB12-CD34` (no 0/O or 1/I to misread).
#[must_use]
pub fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = rand::random::<[u8; 8]>();
    let chars: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// Stores a checked proposal; returns its reference.
///
/// # Errors
/// Database errors.
pub async fn store(
    conn: &mut AsyncPgConnection,
    checked: Checked,
    submitter: Option<(i64, String)>,
) -> AppResult<String> {
    let proposal = checked.proposal;
    let contact = checked
        .email
        .map(Email::into_string)
        .or_else(|| submitter.as_ref().map(|(_, address)| address.clone()));
    let target = proposal.target();
    let payload = proposal.payload();
    let source_urls: Vec<&str> = checked.source_urls.iter().map(WebUrl::as_str).collect();
    for _ in 0..8 {
        let reference = new_reference();
        let stored = diesel::sql_query(
            "INSERT INTO submissions (reference, kind, target_type, target_id, payload, source_urls, message,
                                      submitter_id, submitter_email)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (reference) DO NOTHING",
        )
        .bind::<Text, _>(&reference)
        .bind::<Text, _>(proposal.kind().as_str())
        .bind::<Nullable<Text>, _>(target.map(|(kind, _)| kind.as_str()))
        .bind::<Nullable<BigInt>, _>(target.map(|(_, id)| id))
        .bind::<Jsonb, _>(&payload)
        .bind::<Array<Text>, _>(&source_urls)
        .bind::<Nullable<Text>, _>(checked.message.as_deref())
        .bind::<Nullable<BigInt>, _>(submitter.as_ref().map(|(id, _)| *id))
        .bind::<Nullable<Text>, _>(contact.as_deref())
        .execute(conn)
        .await?;
        if stored == 1 {
            return Ok(reference);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no free submission reference"
    )))
}

#[derive(diesel::QueryableByName)]
struct Pending {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Text>)]
    target_type: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    target_id: Option<i64>,
    #[diesel(sql_type = Jsonb)]
    payload: Value,
    #[diesel(sql_type = Array<Text>)]
    source_urls: Vec<String>,
    #[diesel(sql_type = Text)]
    status: String,
}

async fn lock(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Pending> {
    let rows: Vec<Pending> = diesel::sql_query(
        "SELECT id, kind, target_type, target_id, payload, source_urls, status
           FROM submissions WHERE id = $1 FOR UPDATE",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    let pending = rows
        .into_iter()
        .next()
        .ok_or_else(|| not_found("There is no such submission."))?;
    if pending.status != "pending" {
        return Err(AppError::Conflict {
            field: None,
            detail: format!("This submission is {} already.", pending.status),
        });
    }
    Ok(pending)
}

/// A moderator's approval: who, an optional public note, and the payload as corrected.
#[derive(Debug, Clone, Default)]
pub struct Approval {
    pub moderator_id: i64,
    /// The revision's public reason.
    pub note: Option<String>,
    /// The whole payload as the moderator corrected it; `None` publishes it as submitted.
    pub payload: Option<Value>,
}

/// Publishes submission `id` as submitted (or as the moderator corrected it, keeping what was
/// submitted), with its revision, in one transaction.
///
/// # Errors
/// 404 unknown, 409 not pending or refused by the database (nothing is then written).
pub async fn approve(
    conn: &mut AsyncPgConnection,
    id: i64,
    approval: Approval,
    base_url: &str,
) -> AppResult<Approved> {
    let base_url = base_url.to_owned();
    let Approval {
        moderator_id,
        note,
        payload,
    } = approval;
    let (revision_id, entity, after) = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let mut pending = lock(conn, id).await?;
            if let Some(corrected) = payload {
                pending.payload = corrected;
                stored(&pending)?;
                diesel::sql_query(
                    "UPDATE submissions SET submitted_payload = coalesce(submitted_payload, payload),
                            payload = $2
                      WHERE id = $1",
                )
                .bind::<BigInt, _>(pending.id)
                .bind::<Jsonb, _>(&pending.payload)
                .execute(conn)
                .await?;
            }
            let (entity, action, before) = publish(conn, &pending).await?;
            let after = entity.snapshot(conn).await?;
            let revision_id = revision::record(
                conn,
                Change {
                    entity: entity.clone(),
                    action,
                    before,
                    after: after.clone(),
                    author_id: Some(moderator_id),
                    submission_id: Some(pending.id),
                    reverts_id: None,
                    // The submitter's message is for moderators only: the public reason is
                    // the moderator's note, or nothing.
                    reason: note,
                    needs_review: false,
                },
            )
            .await?;
            diesel::sql_query(
                "UPDATE submissions SET status = 'published', reviewed_by = $2, reviewed_at = now(),
                        target_type = $3, target_id = $4
                  WHERE id = $1",
            )
            .bind::<BigInt, _>(pending.id)
            .bind::<BigInt, _>(moderator_id)
            .bind::<Text, _>(entity.kind())
            .bind::<BigInt, _>(entity.id())
            .execute(conn)
            .await?;
            notice::submission(conn, pending.id, &base_url).await?;
            Ok((revision_id, entity, after))
        })
        .await?;
    let slug = after
        .as_ref()
        .and_then(|state| state["slug"].as_str().or(state["city"].as_str()))
        .map(str::to_owned);
    Ok(Approved {
        submission: item(conn, id).await?,
        revision_id,
        entity: Published {
            kind: entity.kind(),
            id: entity.id(),
            slug,
        },
    })
}

/// The proposal `pending` stored, read again with the same types that checked it.
fn stored(pending: &Pending) -> AppResult<Proposal> {
    let kind = ProposalKind::parse(&pending.kind)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored kind {}", pending.kind)))?;
    let target = match kind {
        ProposalKind::Correction => pending
            .target_type
            .as_deref()
            .and_then(|target| TargetKind::parse(target).ok())
            .zip(pending.target_id),
        _ => None,
    };
    Proposal::read(kind, target, pending.payload.clone())
}

/// Writes what `pending` proposes; returns the entity, the revision's action and the state
/// before.
async fn publish(
    conn: &mut AsyncPgConnection,
    pending: &Pending,
) -> AppResult<(Entity, &'static str, Option<Value>)> {
    let proposal = stored(pending)?;
    let payload = proposal.payload();
    match proposal {
        Proposal::City(_) => Ok((
            Entity::City(city::create(conn, &payload).await?),
            "create",
            None,
        )),
        Proposal::Practice(new) => {
            let city_id = city::id_by_slug(conn, &new.city).await?;
            let source_urls: Vec<String> = pending.source_urls.clone();
            let id = practice::create(
                conn,
                city_id,
                &Value::Object(fields(&new.practice)),
                &source_urls,
            )
            .await?;
            Ok((Entity::Practice(id), "create", None))
        }
        Proposal::Membership(_) => {
            let existing = membership::find(conn, &payload).await?;
            let before = match existing {
                Some(id) => membership::snapshot(conn, id).await?,
                None => None,
            };
            let mut state = payload;
            state["published"] = Value::Bool(true);
            let id = membership::write(conn, &state).await?;
            Ok((
                Entity::Membership(id),
                if before.is_some() { "update" } else { "create" },
                before,
            ))
        }
        Proposal::Demand(state) => {
            let city_id = demand::city_of(conn, &payload).await?;
            let key = state.demand.into_string();
            let before = demand::snapshot(conn, city_id, &key).await?;
            demand::write(conn, city_id, &payload).await?;
            Ok((
                Entity::Demand(city_id, key),
                if before.is_some() { "update" } else { "create" },
                before,
            ))
        }
        Proposal::Correction { target, patch } => {
            let gone = || AppError::Conflict {
                field: Some("target".to_owned()),
                detail: "The target no longer exists.".to_owned(),
            };
            match patch {
                Patch::City(patch) => {
                    let before = city::snapshot(conn, target).await?.ok_or_else(gone)?;
                    let after = city::apply_changes(conn, target, &before, &fields(&patch)).await?;
                    city::write(conn, target, &after).await?;
                    Ok((Entity::City(target), "update", Some(before)))
                }
                Patch::Practice(patch) => {
                    let before = practice::snapshot(conn, target).await?.ok_or_else(gone)?;
                    let after = crate::moderation::merged(&before, &fields(&patch));
                    practice::write(conn, target, &before, &after).await?;
                    Ok((Entity::Practice(target), "update", Some(before)))
                }
            }
        }
    }
}

/// Rejects submission `id` with a reason the submitter sees.
///
/// # Errors
/// 404 unknown, 409 not pending.
pub async fn reject(
    conn: &mut AsyncPgConnection,
    id: i64,
    moderator_id: i64,
    reason: String,
    base_url: &str,
) -> AppResult<Submission> {
    let base_url = base_url.to_owned();
    conn.transaction::<_, AppError, _>(async move |conn| {
        lock(conn, id).await?;
        diesel::sql_query(
            "UPDATE submissions SET status = 'rejected', review_reason = $2, reviewed_by = $3, reviewed_at = now()
              WHERE id = $1",
        )
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(&reason)
        .bind::<BigInt, _>(moderator_id)
        .execute(conn)
        .await?;
        notice::submission(conn, id, &base_url).await
    })
    .await?;
    item(conn, id).await
}
