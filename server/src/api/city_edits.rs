//! Direct writes of verified city editors (and moderators): published at once, recorded as
//! revisions with `needs_review` so moderators follow up.
//!
//! Bodies are the fields to change plus an optional `reason` (why, shown in the history).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::api::extract::{JsonBody, slug_or_404};
use crate::app::AppState;
use crate::auth::{CurrentUser, User};
use crate::domain::Multiline;
use crate::domain::json::{self, JsonError};
use crate::error::unprocessable;
use crate::error::{AppError, AppResult};
use crate::moderation::payload::{CityPatch, PracticePatch, fields};
use crate::moderation::proposal::check_practice;
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::{city, editor, practice};

/// Reads an editor's body: the fields of a patch `P` and an optional `reason`.
///
/// # Errors
/// 422 naming the field at fault.
fn read_edit<P: DeserializeOwned>(body: Value) -> AppResult<(P, Option<String>)> {
    let Value::Object(mut fields) = body else {
        return Err(unprocessable("body", "must be an object"));
    };
    let in_body = |error: JsonError| AppError::Unprocessable {
        field: Some(error.field.unwrap_or_else(|| "body".to_owned())),
        detail: error.detail,
    };
    let reason: Option<Multiline<2000>> = match fields.remove("reason") {
        None => None,
        Some(reason) => json::from_value(reason)
            .map_err(|error| JsonError {
                field: Some("reason".to_owned()),
                ..error
            })
            .map_err(in_body)?,
    };
    let patch = json::from_value(Value::Object(fields)).map_err(in_body)?;
    Ok((patch, reason.map(Multiline::into_string)))
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
        (status = 400, description = "Malformed JSON, a body that is not an object, or a slug with control characters"),
        crate::error::NoSession,
        (status = 403, description = "Not a verified editor of this city nor a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No city has this slug"),
        (status = 422, description = "A bad field (named in `field`)"),
    ))]
pub async fn update_city(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<Json<Value>> {
    let slug = slug_or_404("slug", &slug, "city")?;
    let (patch, reason) = read_edit::<CityPatch>(body)?;
    patch.check("")?;
    let fields = fields(&patch);
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
        (status = 400, description = "Malformed JSON, a body that is not an object, or a slug with control characters"),
        crate::error::NoSession,
        (status = 403, description = "Not a verified editor of this city nor a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No city has this slug"),
        (status = 409, description = "The practice clashes with an existing one"),
        (status = 422, description = "A missing or bad field (named in `field`)"),
    ))]
pub async fn create_practice(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let slug = slug_or_404("slug", &slug, "city")?;
    let (patch, reason) = read_edit::<PracticePatch>(body)?;
    let mut conn = state.db_write().await?;
    let city_id = city::id_by_slug(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, city_id).await?;
    patch.check("", true)?;
    check_practice(&mut conn, &patch, "").await?;
    if patch.sources.is_none() {
        return Err(unprocessable("sources", "give at least one source"));
    }
    let fields = fields(&patch);
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
        (status = 400, description = "Malformed JSON, a body that is not an object, or a slug with control characters"),
        crate::error::NoSession,
        (status = 403, description = "Not a verified editor of this city nor a moderator, a missing `X-CSRF-Token` or a foreign `Origin`"),
        (status = 404, description = "No practice has this slug"),
        (status = 409, description = "The change clashes with an existing practice"),
        (status = 422, description = "A bad field (named in `field`)"),
    ))]
pub async fn update_practice(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<Json<Value>> {
    let slug = slug_or_404("slug", &slug, "practice")?;
    let (patch, reason) = read_edit::<PracticePatch>(body)?;
    let mut conn = state.db_write().await?;
    let (id, city_id) = practice::find(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, city_id).await?;
    patch.check("", false)?;
    check_practice(&mut conn, &patch, "").await?;
    let fields = fields(&patch);
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
                return Err(unprocessable(
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
