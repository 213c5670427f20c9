//! Direct writes of verified city editors and moderators: published at once, each in one
//! transaction with its revision row (flagged `needs_review` unless a moderator wrote it).

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::{Map, Value};

use crate::auth::User;
use crate::error::{AppError, AppResult, unprocessable};
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::{city, practice};

/// Applies `changes` to the city `id`; returns its state and the revision's id (`None` when
/// nothing changed).
///
/// # Errors
/// 404 when the city is gone; 409/422 when the database refuses.
pub async fn update_city(
    conn: &mut AsyncPgConnection,
    user: User,
    id: i64,
    fields: Map<String, Value>,
    reason: Option<String>,
) -> AppResult<(Value, Option<i64>)> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let before = city::snapshot(conn, id)
            .await?
            .ok_or_else(|| crate::error::not_found("There is no such city."))?;
        let after = city::apply_changes(conn, id, &before, &fields).await?;
        if after == before {
            return Ok((before, None));
        }
        city::write(conn, id, &after).await?;
        let after = city::snapshot(conn, id).await?.unwrap_or(after);
        record_update(conn, &user, Entity::City(id), before, after, reason).await
    })
    .await
}

/// Creates a practice of the city `city_id` from checked `fields`; returns its state and the
/// revision's id.
///
/// # Errors
/// 409/422 when the database refuses.
pub async fn create_practice(
    conn: &mut AsyncPgConnection,
    user: User,
    city_id: i64,
    fields: Value,
    reason: Option<String>,
) -> AppResult<(Option<Value>, i64)> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let id = practice::create(conn, city_id, &fields, &[]).await?;
        let after = practice::snapshot(conn, id).await?;
        let revision_id = record(
            conn,
            &user,
            Entity::Practice(id),
            "create",
            None,
            after.clone(),
            reason,
        )
        .await?;
        Ok((after, revision_id))
    })
    .await
}

/// Applies `changes` to the practice `id`; returns its state and the revision's id (`None`
/// when nothing changed).
///
/// # Errors
/// 404 when the practice is gone, 422 when the title lacks the original language, 409/422
/// when the database refuses.
pub async fn update_practice(
    conn: &mut AsyncPgConnection,
    user: User,
    id: i64,
    fields: Map<String, Value>,
    reason: Option<String>,
) -> AppResult<(Value, Option<i64>)> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let before = practice::snapshot(conn, id)
            .await?
            .ok_or_else(|| crate::error::not_found("There is no such practice."))?;
        let after = crate::moderation::merged(&before, &fields);
        if after == before {
            return Ok((before, None));
        }
        if after["title"]
            .get(after["original_lang"].as_str().unwrap_or(""))
            .is_none()
        {
            return Err(unprocessable(
                "title",
                "needs a title in the original language",
            ));
        }
        practice::write(conn, id, &before, &after).await?;
        let after = practice::snapshot(conn, id).await?.unwrap_or(after);
        record_update(conn, &user, Entity::Practice(id), before, after, reason).await
    })
    .await
}

/// Records the update of `entity` from `before` to `after`; returns `after` with the
/// revision's id.
async fn record_update(
    conn: &mut AsyncPgConnection,
    user: &User,
    entity: Entity,
    before: Value,
    after: Value,
    reason: Option<String>,
) -> AppResult<(Value, Option<i64>)> {
    let revision_id = record(
        conn,
        user,
        entity,
        "update",
        Some(before),
        Some(after.clone()),
        reason,
    )
    .await?;
    Ok((after, Some(revision_id)))
}

async fn record(
    conn: &mut AsyncPgConnection,
    user: &User,
    entity: Entity,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
    reason: Option<String>,
) -> AppResult<i64> {
    revision::record(
        conn,
        Change {
            entity,
            action,
            before,
            after,
            author_id: Some(user.id),
            submission_id: None,
            reverts_id: None,
            reason,
            needs_review: !user.is_moderator(),
        },
    )
    .await
}
