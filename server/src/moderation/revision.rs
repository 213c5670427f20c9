//! The revision history: every change of published data records who, when, what
//! (before/after snapshots) and why. Moderators can revert any revision: the entity goes
//! back to the revision's `before` (or is unpublished when the revision created it), and the
//! revert is a revision of its own.

use diesel::sql_types::{BigInt, Bool, Jsonb, Nullable, Text};
use std::collections::BTreeMap;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::{AppError, AppResult, not_found};
use crate::moderation::{city, demand, membership, practice};

/// A published entity revisions are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    City(i64),
    Practice(i64),
    Membership(i64),
    /// A city's id and the demand's key.
    Demand(i64, String),
}

impl Entity {
    /// `revisions.entity_type`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::City(_) => "city",
            Self::Practice(_) => "practice",
            Self::Membership(_) => "membership",
            Self::Demand(..) => "demand",
        }
    }

    /// `revisions.entity_id`.
    #[must_use]
    pub fn id(&self) -> i64 {
        match self {
            Self::City(id) | Self::Practice(id) | Self::Membership(id) | Self::Demand(id, _) => *id,
        }
    }

    /// The entity's published state, if it exists.
    ///
    /// # Errors
    /// Database errors.
    pub async fn snapshot(&self, conn: &mut AsyncPgConnection) -> AppResult<Option<Value>> {
        match self {
            Self::City(id) => city::snapshot(conn, *id).await,
            Self::Practice(id) => practice::snapshot(conn, *id).await,
            Self::Membership(id) => membership::snapshot(conn, *id).await,
            Self::Demand(city_id, key) => demand::snapshot(conn, *city_id, key).await,
        }
    }
}

/// One change to record.
#[derive(Debug)]
pub struct Change {
    pub entity: Entity,
    pub action: &'static str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub author_id: Option<i64>,
    pub submission_id: Option<i64>,
    pub reverts_id: Option<i64>,
    pub reason: Option<String>,
    pub needs_review: bool,
}

/// Writes the revision row of `change`; returns its id.
///
/// # Errors
/// Database errors.
pub async fn record(conn: &mut AsyncPgConnection, change: Change) -> AppResult<i64> {
    let row: IdRow = diesel::sql_query(
        "INSERT INTO revisions (entity_type, entity_id, action, before, after, author_id, submission_id,
                                reverts_id, reason, needs_review)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind::<Text, _>(change.entity.kind())
    .bind::<BigInt, _>(change.entity.id())
    .bind::<Text, _>(change.action)
    .bind::<Nullable<Jsonb>, _>(change.before)
    .bind::<Nullable<Jsonb>, _>(change.after)
    .bind::<Nullable<BigInt>, _>(change.author_id)
    .bind::<Nullable<BigInt>, _>(change.submission_id)
    .bind::<Nullable<BigInt>, _>(change.reverts_id)
    .bind::<Nullable<Text>, _>(change.reason)
    .bind::<Bool, _>(change.needs_review)
    .get_result(conn)
    .await?;
    Ok(row.id)
}

const REVISION_JSON: &str = "jsonb_build_object('id', r.id, 'entity_type', r.entity_type, 'entity_id', r.entity_id,
        'action', r.action, 'author', u.display_name, 'created_at', r.created_at, 'reason', r.reason,
        'before', r.before, 'after', r.after, 'reverts', r.reverts_id, 'submission', s.reference,
        'needs_review', r.needs_review)";

/// One recorded change ([`REVISION_JSON`]) with the fields it changed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub id: i64,
    /// city, practice, membership, demand or network.
    pub entity_type: String,
    /// The entity's id (a demand's: its city's).
    pub entity_id: i64,
    /// create, update, delete, revert or import.
    pub action: String,
    /// The author's display name.
    pub author: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
    /// Why.
    pub reason: Option<String>,
    /// The entity's state before, as recorded then (null for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The entity's state after, as recorded then (null for a deletion).
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    /// The id of the revision this one reverts.
    pub reverts: Option<i64>,
    /// The reference of the submission it published.
    pub submission: Option<String>,
    /// Whether moderators still have to look at it (an editor's direct change).
    pub needs_review: bool,
    /// Every field that differs between `before` and `after`.
    #[serde(default)]
    pub changes: BTreeMap<String, FieldChange>,
}

/// One field's values before and after a change.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldChange {
    /// The value before (null when unset).
    #[schema(value_type = Value)]
    pub before: Value,
    /// The value after (null when unset).
    #[schema(value_type = Value)]
    pub after: Value,
}

/// The public history of a city (its own revisions, its memberships' and its demands'),
/// newest first, each with `changes`: the fields that differ between before and after.
///
/// # Errors
/// Database errors.
pub async fn of_city(conn: &mut AsyncPgConnection, city_id: i64) -> AppResult<Vec<Revision>> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {REVISION_JSON} AS value
           FROM revisions r LEFT JOIN users u ON u.id = r.author_id LEFT JOIN submissions s ON s.id = r.submission_id
          WHERE (r.entity_type IN ('city', 'demand') AND r.entity_id = $1)
             OR (r.entity_type = 'membership' AND r.entity_id IN (SELECT id FROM memberships WHERE city_id = $1))
          ORDER BY r.created_at DESC, r.id DESC LIMIT 500"
    ))
    .bind::<BigInt, _>(city_id)
    .load(conn)
    .await?;
    rows.into_iter().map(with_changes).collect()
}

/// The public history of a practice, newest first.
///
/// # Errors
/// Database errors.
pub async fn of_practice(
    conn: &mut AsyncPgConnection,
    practice_id: i64,
) -> AppResult<Vec<Revision>> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {REVISION_JSON} AS value
           FROM revisions r LEFT JOIN users u ON u.id = r.author_id LEFT JOIN submissions s ON s.id = r.submission_id
          WHERE r.entity_type = 'practice' AND r.entity_id = $1
          ORDER BY r.created_at DESC, r.id DESC LIMIT 500"
    ))
    .bind::<BigInt, _>(practice_id)
    .load(conn)
    .await?;
    rows.into_iter().map(with_changes).collect()
}

/// Revisions editors published that no moderator has looked at yet, oldest first.
///
/// # Errors
/// Database errors.
pub async fn needing_review(conn: &mut AsyncPgConnection) -> AppResult<Vec<Revision>> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {REVISION_JSON} AS value
           FROM revisions r LEFT JOIN users u ON u.id = r.author_id LEFT JOIN submissions s ON s.id = r.submission_id
          WHERE r.needs_review ORDER BY r.created_at, r.id LIMIT 500"
    ))
    .load(conn)
    .await?;
    rows.into_iter().map(with_changes).collect()
}

/// Marks a revision as looked at.
///
/// # Errors
/// 404 for an unknown revision.
pub async fn mark_reviewed(conn: &mut AsyncPgConnection, id: i64) -> AppResult<()> {
    let changed = diesel::sql_query("UPDATE revisions SET needs_review = false WHERE id = $1")
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await?;
    if changed == 0 {
        return Err(not_found("There is no such revision."));
    }
    Ok(())
}

/// `{field: {before, after}}` for every field that differs.
#[must_use]
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> BTreeMap<String, FieldChange> {
    let empty = Map::new();
    let before_map = before.and_then(Value::as_object).unwrap_or(&empty);
    let after_map = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut out = BTreeMap::new();
    for key in before_map.keys().chain(after_map.keys()) {
        let old = before_map.get(key).unwrap_or(&Value::Null);
        let new = after_map.get(key).unwrap_or(&Value::Null);
        if old != new && !out.contains_key(key) {
            let change = FieldChange {
                before: old.clone(),
                after: new.clone(),
            };
            out.insert(key.clone(), change);
        }
    }
    out
}

fn with_changes(row: JsonRow) -> AppResult<Revision> {
    let mut revision: Revision = row.typed()?;
    revision.changes = changes(revision.before.as_ref(), revision.after.as_ref());
    Ok(revision)
}

#[derive(diesel::QueryableByName)]
struct Stored {
    #[diesel(sql_type = Text)]
    entity_type: String,
    #[diesel(sql_type = BigInt)]
    entity_id: i64,
    #[diesel(sql_type = Nullable<Jsonb>)]
    before: Option<Value>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    after: Option<Value>,
}

/// Reverts revision `id` in one transaction; returns the new revision's id.
///
/// # Errors
/// 404 for an unknown revision, 409 when it cannot be reverted (the entity is gone, or the
/// revision is of a kind Haven does not revert).
pub async fn revert(
    conn: &mut AsyncPgConnection,
    id: i64,
    moderator_id: i64,
    reason: Option<String>,
) -> AppResult<i64> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        revert_within(conn, id, moderator_id, reason).await
    })
    .await
}

async fn revert_within(
    conn: &mut AsyncPgConnection,
    id: i64,
    moderator_id: i64,
    reason: Option<String>,
) -> AppResult<i64> {
    let stored: Vec<Stored> = diesel::sql_query(
        "SELECT entity_type, entity_id, before, after FROM revisions WHERE id = $1 FOR UPDATE",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    let stored = stored
        .into_iter()
        .next()
        .ok_or_else(|| not_found("There is no such revision."))?;
    let conflict = |detail: &str| AppError::Conflict {
        field: None,
        detail: detail.to_owned(),
    };
    let entity = match stored.entity_type.as_str() {
        "city" => Entity::City(stored.entity_id),
        "practice" => Entity::Practice(stored.entity_id),
        "membership" => Entity::Membership(stored.entity_id),
        "demand" => {
            let key = stored
                .after
                .as_ref()
                .or(stored.before.as_ref())
                .and_then(|state| state["demand"].as_str())
                .unwrap_or("")
                .to_owned();
            Entity::Demand(stored.entity_id, key)
        }
        _ => return Err(conflict("Revisions of this kind cannot be reverted here.")),
    };
    let current = entity.snapshot(conn).await?;
    let Some(current) = current else {
        return Err(conflict("The entity of this revision no longer exists."));
    };
    let unpublished = {
        let mut state = current.clone();
        state["published"] = Value::Bool(false);
        state
    };
    let target = stored.before.as_ref().unwrap_or(&unpublished);
    match &entity {
        Entity::City(city_id) => city::write(conn, *city_id, target).await?,
        Entity::Practice(practice_id) => {
            practice::write(conn, *practice_id, &current, target).await?
        }
        Entity::Membership(_) => {
            membership::write(conn, target).await?;
        }
        Entity::Demand(city_id, key) => match &stored.before {
            Some(before) => {
                demand::write(conn, *city_id, before).await?;
            }
            None => demand::delete(conn, *city_id, key).await?,
        },
    }
    let after = entity.snapshot(conn).await?;
    mark_reviewed(conn, id).await?;
    record(
        conn,
        Change {
            entity,
            action: "revert",
            before: Some(current),
            after,
            author_id: Some(moderator_id),
            submission_id: None,
            reverts_id: Some(id),
            reason,
            needs_review: false,
        },
    )
    .await
}
