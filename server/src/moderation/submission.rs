//! Submissions: proposals from anyone (a new city, a membership, a demand status, a
//! practice, a correction), each with at least one source, waiting for a moderator.
//!
//! A submission is checked when it arrives and stored as sent. Approval publishes exactly
//! the stored payload — the moderator cannot alter it — in one transaction together with the
//! revision row and the submission's new status; if any write fails, nothing is published.

use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::auth::rows::JsonRow;
use crate::error::{AppError, AppResult, not_found};
use crate::moderation::input::{email, object, text, unprocessable, web_url};
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::{city, demand, first, membership, practice};

/// What can be proposed.
pub const KINDS: [&str; 5] = ["city", "membership", "demand", "practice", "correction"];

/// The entity a correction is about.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// `city` or `practice`.
    #[serde(rename = "type")]
    pub kind: String,
    pub slug: String,
}

/// A proposal as it arrives.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// `city`, `membership`, `demand`, `practice` or `correction`.
    pub kind: String,
    /// What a `correction` corrects.
    #[serde(default)]
    pub target: Option<Target>,
    /// The proposed fields: a new city, membership, demand or practice, or the changed
    /// fields of the target; errors name them as `payload.<field>`.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// 1 to 10 http(s) URLs backing the proposal.
    #[serde(default)]
    pub source_urls: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// The honeypot: invisible in the form, so only robots fill it in.
    #[serde(default)]
    pub website: Option<String>,
}

impl Proposal {
    /// Whether a robot filled in the honeypot.
    #[must_use]
    pub fn is_spam(&self) -> bool {
        self.website
            .as_deref()
            .is_some_and(|value| !value.is_empty())
    }
}

/// A checked proposal, ready to be stored.
#[derive(Debug)]
pub struct Checked {
    proposal: Proposal,
    target: Option<(&'static str, i64)>,
}

/// Checks a proposal: kind, sources, contact, and the payload's fields for its kind.
///
/// # Errors
/// 400/422 naming the field at fault (`payload.name`, `source_urls.0`, …).
pub async fn check(conn: &mut AsyncPgConnection, proposal: Proposal) -> AppResult<Checked> {
    if !KINDS.contains(&proposal.kind.as_str()) {
        return Err(unprocessable(
            "kind",
            format!("must be one of {}", KINDS.join(", ")),
        ));
    }
    if proposal.source_urls.is_empty() || proposal.source_urls.len() > 10 {
        return Err(unprocessable("source_urls", "give 1 to 10 source URLs"));
    }
    for (index, url) in proposal.source_urls.iter().enumerate() {
        web_url(&format!("source_urls.{index}"), url)?;
    }
    if let Some(address) = proposal.email.as_deref().filter(|a| !a.is_empty()) {
        email("email", address)?;
    }
    if let Some(message) = proposal.message.as_deref().filter(|m| !m.is_empty()) {
        text("message", message, 5000)?;
    }
    let fields = object("payload", &proposal.payload)?.clone();
    if fields.is_empty() {
        return Err(unprocessable("payload", "must not be empty"));
    }
    if proposal.target.is_some() && proposal.kind != "correction" {
        return Err(unprocessable("target", "only corrections have a target"));
    }
    let target = match proposal.kind.as_str() {
        "city" => {
            check_new_city(conn, &fields).await?;
            None
        }
        "practice" => {
            demand::check_exists(conn, &fields, "payload.", "city", "cities").await?;
            practice::check_fields(conn, &fields, "payload.", true, &["city"]).await?;
            None
        }
        "membership" => {
            membership::check(conn, &fields, "payload.").await?;
            None
        }
        "demand" => {
            demand::check(conn, &fields, "payload.").await?;
            None
        }
        _ => Some(check_correction(conn, proposal.target.as_ref(), &fields).await?),
    };
    Ok(Checked { proposal, target })
}

async fn check_new_city(
    conn: &mut AsyncPgConnection,
    fields: &Map<String, Value>,
) -> AppResult<()> {
    city::check_fields(fields, "payload.", &["place_id", "country"])?;
    if !fields.contains_key("name") {
        return Err(unprocessable("payload.name", "is required"));
    }
    match fields.get("place_id") {
        Some(place) => {
            let place = place
                .as_i64()
                .ok_or_else(|| unprocessable("payload.place_id", "must be a place id"))?;
            city::check_place(conn, place, "payload.place_id").await
        }
        None => {
            if !fields.contains_key("lon") {
                return Err(unprocessable(
                    "payload.lon",
                    "give a place_id from the gazetteer, or country, lon and lat",
                ));
            }
            demand::check_exists(conn, fields, "payload.", "country", "countries").await
        }
    }
}

async fn check_correction(
    conn: &mut AsyncPgConnection,
    target: Option<&Target>,
    fields: &Map<String, Value>,
) -> AppResult<(&'static str, i64)> {
    let target = target
        .ok_or_else(|| unprocessable("target", "a correction needs a target {type, slug}"))?;
    let missing = |_| {
        unprocessable(
            "target.slug",
            format!("there is no {} '{}'", target.kind, target.slug),
        )
    };
    match target.kind.as_str() {
        "city" => {
            let id = city::id_by_slug(conn, &target.slug)
                .await
                .map_err(missing)?;
            city::check_fields(fields, "payload.", &[])?;
            Ok(("city", id))
        }
        "practice" => {
            let (id, _) = practice::find(conn, &target.slug).await.map_err(missing)?;
            practice::check_fields(conn, fields, "payload.", false, &[]).await?;
            Ok(("practice", id))
        }
        _ => Err(unprocessable("target.type", "must be city or practice")),
    }
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
    let contact = proposal
        .email
        .filter(|address| !address.is_empty())
        .or_else(|| submitter.as_ref().map(|(_, address)| address.clone()));
    for _ in 0..8 {
        let reference = new_reference();
        let stored = diesel::sql_query(
            "INSERT INTO submissions (reference, kind, target_type, target_id, payload, source_urls, message,
                                      submitter_id, submitter_email)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (reference) DO NOTHING",
        )
        .bind::<Text, _>(&reference)
        .bind::<Text, _>(&proposal.kind)
        .bind::<Nullable<Text>, _>(checked.target.map(|(kind, _)| kind))
        .bind::<Nullable<BigInt>, _>(checked.target.map(|(_, id)| id))
        .bind::<Jsonb, _>(&proposal.payload)
        .bind::<Array<Text>, _>(&proposal.source_urls)
        .bind::<Nullable<Text>, _>(proposal.message.as_deref().filter(|m| !m.is_empty()))
        .bind::<Nullable<BigInt>, _>(submitter.as_ref().map(|(id, _)| *id))
        .bind::<Nullable<Text>, _>(contact.as_deref())
        .execute(conn)
        .await
        .map_err(crate::moderation::input::refusal)?;
        if stored == 1 {
            return Ok(reference);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no free submission reference"
    )))
}

/// What the submitter may see of a submission: `{reference, kind, status, reason,
/// created_at, reviewed_at}`.
///
/// # Errors
/// 404 for an unknown reference.
pub async fn status(conn: &mut AsyncPgConnection, reference: &str) -> AppResult<Value> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('reference', reference, 'kind', kind, 'status', status,
                'reason', review_reason, 'created_at', created_at, 'reviewed_at', reviewed_at) AS value
           FROM submissions WHERE reference = upper($1)",
    )
    .bind::<Text, _>(reference)
    .load(conn)
    .await?;
    first(rows).ok_or_else(|| not_found("There is no submission with this reference."))
}

const ITEM_JSON: &str = "jsonb_build_object('id', s.id, 'reference', s.reference, 'kind', s.kind, 'status', s.status,
        'target', CASE WHEN s.target_type IS NULL THEN NULL ELSE jsonb_build_object('type', s.target_type, 'id', s.target_id,
            'slug', CASE s.target_type WHEN 'city' THEN (SELECT slug FROM cities WHERE id = s.target_id)
                                       WHEN 'practice' THEN (SELECT slug FROM practices WHERE id = s.target_id) END) END,
        'payload', s.payload, 'source_urls', to_jsonb(s.source_urls), 'message', s.message,
        'submitter', CASE WHEN u.id IS NULL THEN NULL ELSE jsonb_build_object('id', u.id, 'display_name', u.display_name) END,
        'email', s.submitter_email, 'reason', s.review_reason, 'reviewed_by', r.display_name,
        'reviewed_at', s.reviewed_at, 'created_at', s.created_at)";

/// The moderation queue: a page of the submissions of `status`, newest first, each with
/// `diff` (`before`: the published values of the fields the payload sets, or null for
/// something new; `after`: the payload), and how many there are in all.
///
/// # Errors
/// Database errors.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    status: &str,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<Value>, i64)> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {ITEM_JSON} AS value FROM submissions s
           LEFT JOIN users u ON u.id = s.submitter_id LEFT JOIN users r ON r.id = s.reviewed_by
          WHERE s.status = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind::<Text, _>(status)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await?;
    let total: crate::auth::rows::IdRow =
        diesel::sql_query("SELECT count(*) AS id FROM submissions WHERE status = $1")
            .bind::<Text, _>(status)
            .get_result(conn)
            .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let mut item = row.value;
        let before = published_state(conn, &item).await?;
        let after = item["payload"].clone();
        let before = before.map(|state| only_keys(&state, &after));
        item["diff"] = json!({ "before": before, "after": after });
        items.push(item);
    }
    Ok((items, total.id))
}

async fn published_state(conn: &mut AsyncPgConnection, item: &Value) -> AppResult<Option<Value>> {
    let payload = &item["payload"];
    match item["kind"].as_str() {
        Some("correction") => {
            let id = item["target"]["id"].as_i64().unwrap_or(0);
            match item["target"]["type"].as_str() {
                Some("city") => city::snapshot(conn, id).await,
                _ => practice::snapshot(conn, id).await,
            }
        }
        Some("membership") => match membership::find(conn, payload).await? {
            Some(id) => membership::snapshot(conn, id).await,
            None => Ok(None),
        },
        Some("demand") => match demand::city_of(conn, payload).await {
            Ok(city_id) => {
                demand::snapshot(conn, city_id, payload["demand"].as_str().unwrap_or("")).await
            }
            Err(_) => Ok(None),
        },
        _ => Ok(None),
    }
}

fn only_keys(state: &Value, keys_of: &Value) -> Value {
    let mut out = Map::new();
    if let Some(keys) = keys_of.as_object() {
        for key in keys.keys() {
            out.insert(key.clone(), state.get(key).cloned().unwrap_or(Value::Null));
        }
    }
    Value::Object(out)
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

/// Publishes submission `id` exactly as submitted, with its revision, in one transaction.
/// Returns `{submission, revision_id, entity: {type, id, slug}}`.
///
/// # Errors
/// 404 unknown, 409 not pending or refused by the database (nothing is then written).
pub async fn approve(
    conn: &mut AsyncPgConnection,
    id: i64,
    moderator_id: i64,
    note: Option<String>,
) -> AppResult<Value> {
    let (revision_id, entity, after) = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let pending = lock(conn, id).await?;
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
            Ok((revision_id, entity, after))
        })
        .await?;
    let slug = after
        .as_ref()
        .and_then(|state| state["slug"].as_str().or(state["city"].as_str()));
    Ok(json!({
        "submission": item(conn, id).await?,
        "revision_id": revision_id,
        "entity": { "type": entity.kind(), "id": entity.id(), "slug": slug },
    }))
}

/// Writes what `pending` proposes; returns the entity, the revision's action and the state
/// before.
async fn publish(
    conn: &mut AsyncPgConnection,
    pending: &Pending,
) -> AppResult<(Entity, &'static str, Option<Value>)> {
    let payload = &pending.payload;
    let changes = object("payload", payload)?;
    match pending.kind.as_str() {
        "city" => Ok((
            Entity::City(city::create(conn, payload).await?),
            "create",
            None,
        )),
        "practice" => {
            let city_id = city::id_by_slug(conn, payload["city"].as_str().unwrap_or("")).await?;
            let mut fields = payload.clone();
            if let Value::Object(map) = &mut fields {
                map.remove("city");
            }
            let id = practice::create(conn, city_id, &fields, &pending.source_urls).await?;
            Ok((Entity::Practice(id), "create", None))
        }
        "membership" => {
            let existing = membership::find(conn, payload).await?;
            let before = match existing {
                Some(id) => membership::snapshot(conn, id).await?,
                None => None,
            };
            let mut state = payload.clone();
            state["published"] = Value::Bool(true);
            let id = membership::write(conn, &state).await?;
            Ok((
                Entity::Membership(id),
                if before.is_some() { "update" } else { "create" },
                before,
            ))
        }
        "demand" => {
            let city_id = demand::city_of(conn, payload).await?;
            let key = payload["demand"].as_str().unwrap_or("").to_owned();
            let before = demand::snapshot(conn, city_id, &key).await?;
            demand::write(conn, city_id, payload).await?;
            Ok((
                Entity::Demand(city_id, key),
                if before.is_some() { "update" } else { "create" },
                before,
            ))
        }
        _ => {
            let id = pending.target_id.unwrap_or(0);
            let gone = || AppError::Conflict {
                field: Some("target".to_owned()),
                detail: "The target no longer exists.".to_owned(),
            };
            if pending.target_type.as_deref() == Some("city") {
                let before = city::snapshot(conn, id).await?.ok_or_else(gone)?;
                let after = city::apply_changes(conn, id, &before, changes).await?;
                city::write(conn, id, &after).await?;
                Ok((Entity::City(id), "update", Some(before)))
            } else {
                let before = practice::snapshot(conn, id).await?.ok_or_else(gone)?;
                let after = crate::moderation::merged(&before, changes);
                practice::write(conn, id, &before, &after).await?;
                Ok((Entity::Practice(id), "update", Some(before)))
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
) -> AppResult<Value> {
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
        Ok(())
    })
    .await?;
    item(conn, id).await
}

async fn item(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Value> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {ITEM_JSON} AS value FROM submissions s
           LEFT JOIN users u ON u.id = s.submitter_id LEFT JOIN users r ON r.id = s.reviewed_by
          WHERE s.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    first(rows).ok_or_else(|| not_found("There is no such submission."))
}
