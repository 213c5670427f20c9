//! Direct writes of verified city editors (and moderators): published at once, recorded as
//! revisions with `needs_review` so moderators follow up.
//!
//! Bodies are the fields to change plus an optional `reason` (why, shown in the history).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::extract::{JsonBody, slug_or_404};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::auth::rows::typed;
use crate::domain::Multiline;
use crate::domain::json::{self, JsonError};
use crate::error::unprocessable;
use crate::error::{AppError, AppResult};
use crate::moderation::city::CitySnapshot;
use crate::moderation::known::check_practice;
use crate::moderation::payload::{CityPatch, PracticePatch, fields};
use crate::moderation::practice::PracticeSnapshot;
use crate::moderation::{city, edit, editor, practice};

/// An editor's change to a city: the fields to change and why.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CityEdit {
    #[serde(flatten)]
    city: CityPatch,
    /// Why, shown in the history (1 to 2000 characters).
    reason: Option<Multiline<2000>>,
}

/// An editor's practice (all fields, `original_lang`, `title` and `sources` required for a
/// new one) or change to one, and why.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PracticeEdit {
    #[serde(flatten)]
    practice: PracticePatch,
    /// Why, shown in the history (1 to 2000 characters).
    reason: Option<Multiline<2000>>,
}

/// A city as an editor's change left it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityEdited {
    pub city: CitySnapshot,
    /// The revision that records the change; null when nothing changed.
    pub revision_id: Option<i64>,
}

/// A practice as an editor's change left it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeEdited {
    pub practice: PracticeSnapshot,
    /// The revision that records the change; null when nothing changed.
    pub revision_id: Option<i64>,
}

/// A practice an editor published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeCreated {
    pub practice: Option<PracticeSnapshot>,
    /// The revision that records it.
    pub revision_id: i64,
}

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

/// `PATCH /api/v1/cities/{slug}` `{name?, official_name?, names?, kind?, population?, website?,
/// wikidata?, summary?, takeaways?, lon?, lat?, reason?}` → `{city, revision_id}`
/// (`revision_id` null when nothing changed).
#[utoipa::path(patch, path = "/api/v1/cities/{slug}", tag = "editors",
    request_body(content = CityEdit, description = "The fields to change (`name`, `official_name`, `names`, `kind`, `population`, `website`, \
        `wikidata`, `summary`, `takeaways`, `lon`, `lat`) and an optional `reason`"),
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The city's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{city, revision_id}`; `revision_id` is null when nothing changed", body = CityEdited),
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
) -> AppResult<Json<CityEdited>> {
    let slug = slug_or_404("slug", &slug, "city")?;
    let (patch, reason) = read_edit::<CityPatch>(body)?;
    patch.check("")?;
    let fields = fields(&patch);
    let mut conn = state.db_write().await?;
    let id = city::id_by_slug(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, id).await?;
    let (after, revision_id) =
        edit::update_city(&mut conn, session.user, id, fields, reason).await?;
    Ok(Json(CityEdited {
        city: typed(after)?,
        revision_id,
    }))
}

/// `POST /api/v1/cities/{slug}/practices` `{original_lang, title, summary?, body?,
/// transferability?, organisation?, contact?, started?, ended?, status?, policy_areas?,
/// sources, lon?, lat?, reason?}` → 201 `{practice, revision_id}`.
#[utoipa::path(post, path = "/api/v1/cities/{slug}/practices", tag = "editors",
    request_body(content = PracticeEdit, description = "The practice (`original_lang`, `title`, `sources` required; `summary`, `body`, \
        `transferability`, `organisation`, `contact`, `started`, `ended`, `status`, \
        `policy_areas`, `lon`, `lat`) and an optional `reason`"),
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The city's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 201, description = "`{practice, revision_id}`: published at once", body = PracticeCreated),
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
) -> AppResult<(StatusCode, Json<PracticeCreated>)> {
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
    let (after, revision_id) = edit::create_practice(
        &mut conn,
        session.user,
        city_id,
        Value::Object(fields),
        reason,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(PracticeCreated {
            practice: after.map(typed).transpose()?,
            revision_id,
        }),
    ))
}

/// `PATCH /api/v1/practices/{slug}` (fields as above, all optional) → `{practice, revision_id}`.
#[utoipa::path(patch, path = "/api/v1/practices/{slug}", tag = "editors",
    request_body(content = PracticeEdit, description = "The practice fields to change (as for creation, all optional) and an optional `reason`"),
    security(("session" = [], "csrf" = [])),
    params(("slug" = String, Path, description = "The practice's slug"),
           ("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 200, description = "`{practice, revision_id}`; `revision_id` is null when nothing changed", body = PracticeEdited),
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
) -> AppResult<Json<PracticeEdited>> {
    let slug = slug_or_404("slug", &slug, "practice")?;
    let (patch, reason) = read_edit::<PracticePatch>(body)?;
    let mut conn = state.db_write().await?;
    let (id, city_id) = practice::find(&mut conn, &slug).await?;
    editor::may_edit(&mut conn, &session.user, city_id).await?;
    patch.check("", false)?;
    check_practice(&mut conn, &patch, "").await?;
    let fields = fields(&patch);
    let (after, revision_id) =
        edit::update_practice(&mut conn, session.user, id, fields, reason).await?;
    Ok(Json(PracticeEdited {
        practice: typed(after)?,
        revision_id,
    }))
}
