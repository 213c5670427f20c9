//! Direct writes of verified city editors (and moderators): published at once, recorded as
//! revisions with `needs_review` so moderators follow up.
//!
//! Bodies are the fields to change plus an optional `reason` (why, shown in the history).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::{Map, Value, json};

use crate::api::extract::{JsonBody, slug_or_404};
use crate::app::AppState;
use crate::auth::{CurrentUser, User};
use crate::error::{AppError, AppResult};
use crate::moderation::input::{object, text};
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::{city, editor, practice};

/// Splits `reason` off the body; returns the fields and the reason.
fn fields_and_reason(body: &Value) -> AppResult<(Map<String, Value>, Option<String>)> {
    let mut fields = object("body", body)?.clone();
    let reason = match fields.remove("reason") {
        Some(Value::String(reason)) => {
            text("reason", &reason, 2000)?;
            Some(reason)
        }
        Some(Value::Null) | None => None,
        Some(_) => {
            return Err(crate::moderation::input::unprocessable(
                "reason",
                "must be text",
            ));
        }
    };
    Ok((fields, reason))
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

/// `PATCH /api/v1/cities/{slug}` `{name?, official_name?, names?, kind?, population?, website?,
/// wikidata?, summary?, takeaways?, lon?, lat?, reason?}` → `{city, revision_id}`
/// (`revision_id` null when nothing changed).
#[utoipa::path(patch, path = "/api/v1/cities/{slug}", tag = "editors",
    request_body(content = Object, description = "The fields to change (`name`, `official_name`, `names`, `kind`, `population`, `website`, \
        `wikidata`, `summary`, `takeaways`, `lon`, `lat`) and an optional `reason`"),
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The city's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{city, revision_id}`; `revision_id` is null when nothing changed", body = Object),
        (status = 400, description = "Malformed JSON, a body that is not an object, or a slug with control characters", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a verified editor of this city nor a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No city has this slug", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A bad field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn update_city(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<Json<Value>> {
    let slug = slug_or_404("slug", &slug, "city")?;
    let (fields, reason) = fields_and_reason(&body)?;
    city::check_fields(&fields, "", &[])?;
    let mut conn = state.db_write().await?;
    let id = city::id_by_slug(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, id).await?;
    let user = session.user;
    let (after, revision_id) = conn
        .transaction::<_, AppError, _>(async move |conn| {
            let before = city::snapshot(conn, id)
                .await?
                .ok_or_else(|| crate::error::not_found("There is no such city."))?;
            let after = city::apply_changes(conn, id, &before, &fields).await?;
            if after == before {
                return Ok((before, None));
            }
            city::write(conn, id, &after).await?;
            let after = city::snapshot(conn, id).await?.unwrap_or(after);
            let revision_id = record(
                conn,
                &user,
                Entity::City(id),
                "update",
                Some(before),
                Some(after.clone()),
                reason,
            )
            .await?;
            Ok((after, Some(revision_id)))
        })
        .await?;
    Ok(Json(json!({ "city": after, "revision_id": revision_id })))
}

/// `POST /api/v1/cities/{slug}/practices` `{original_lang, title, summary?, body?,
/// transferability?, organisation?, contact?, started?, ended?, status?, policy_areas?,
/// sources, lon?, lat?, reason?}` → 201 `{practice, revision_id}`.
#[utoipa::path(post, path = "/api/v1/cities/{slug}/practices", tag = "editors",
    request_body(content = Object, description = "The practice (`original_lang`, `title`, `sources` required; `summary`, `body`, \
        `transferability`, `organisation`, `contact`, `started`, `ended`, `status`, \
        `policy_areas`, `lon`, `lat`) and an optional `reason`"),
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The city's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 201, description = "`{practice, revision_id}`: published at once", body = Object),
        (status = 400, description = "Malformed JSON, a body that is not an object, or a slug with control characters", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a verified editor of this city nor a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No city has this slug", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The practice clashes with an existing one", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A missing or bad field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn create_practice(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let slug = slug_or_404("slug", &slug, "city")?;
    let (fields, reason) = fields_and_reason(&body)?;
    let mut conn = state.db_write().await?;
    let city_id = city::id_by_slug(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, city_id).await?;
    practice::check_fields(&mut conn, &fields, "", true, &[]).await?;
    if !fields.get("sources").is_some_and(Value::is_array) {
        return Err(crate::moderation::input::unprocessable(
            "sources",
            "give at least one source",
        ));
    }
    let user = session.user;
    let fields = Value::Object(fields);
    let (after, revision_id) = conn
        .transaction::<_, AppError, _>(async move |conn| {
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
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "practice": after, "revision_id": revision_id })),
    ))
}

/// `PATCH /api/v1/practices/{slug}` (fields as above, all optional) → `{practice, revision_id}`.
#[utoipa::path(patch, path = "/api/v1/practices/{slug}", tag = "editors",
    request_body(content = Object, description = "The practice fields to change (as for creation, all optional) and an optional `reason`"),
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The practice's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{practice, revision_id}`; `revision_id` is null when nothing changed", body = Object),
        (status = 400, description = "Malformed JSON, a body that is not an object, or a slug with control characters", body = crate::error::Problem,
         content_type = "application/problem+json"),
        crate::error::NoSession,
        (status = 403, description = "Not a verified editor of this city nor a moderator, a missing `X-CSRF-Token` or a foreign `Origin`", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No practice has this slug", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "The change clashes with an existing practice", body = crate::error::Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "A bad field (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn update_practice(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<Json<Value>> {
    let slug = slug_or_404("slug", &slug, "practice")?;
    let (fields, reason) = fields_and_reason(&body)?;
    let mut conn = state.db_write().await?;
    let (id, city_id) = practice::find(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, city_id).await?;
    practice::check_fields(&mut conn, &fields, "", false, &[]).await?;
    let user = session.user;
    let (after, revision_id) = conn
        .transaction::<_, AppError, _>(async move |conn| {
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
                return Err(crate::moderation::input::unprocessable(
                    "title",
                    "needs a title in the original language",
                ));
            }
            practice::write(conn, id, &before, &after).await?;
            let after = practice::snapshot(conn, id).await?.unwrap_or(after);
            let revision_id = record(
                conn,
                &user,
                Entity::Practice(id),
                "update",
                Some(before),
                Some(after.clone()),
                reason,
            )
            .await?;
            Ok((after, Some(revision_id)))
        })
        .await?;
    Ok(Json(
        json!({ "practice": after, "revision_id": revision_id }),
    ))
}
