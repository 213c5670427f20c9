//! Public revision history of cities and practices: who, when, what (before/after), why.
//!
//! The history of something unpublished (never approved, or reverted) is as hidden as the
//! thing itself: only moderators and the city's verified editors see it; everyone else gets
//! the same 404 as for the entity.

use axum::Json;
use axum::extract::{Path, State};
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::slug_or_404;
use crate::app::AppState;
use crate::auth::MaybeUser;
use crate::auth::rows::{JsonRow, one_typed};
use crate::error::{AppResult, not_found};
use crate::moderation::revision::Revision;
use crate::moderation::{city, editor, practice, revision};

/// A city's public history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityHistory {
    pub city: CityNamed,
    /// When the city last changed (RFC 3339).
    pub last_changed_at: String,
    /// Its revisions, its memberships' and its demand statuses', newest first (at most 500).
    pub revisions: Vec<Revision>,
}

/// The city a history is of.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityNamed {
    pub slug: String,
    pub name: String,
}

/// A practice's public history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeHistory {
    pub practice: PracticeNamed,
    /// When the practice last changed (RFC 3339).
    pub last_changed_at: String,
    /// Its revisions, newest first (at most 500).
    pub revisions: Vec<Revision>,
}

/// The practice a history is of.
#[derive(Debug, Serialize, ToSchema)]
pub struct PracticeNamed {
    pub slug: String,
    /// Its city's slug.
    pub city: String,
}

/// A city's name and when it last changed, as SQL builds them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CityHead {
    slug: String,
    name: String,
    last_changed_at: String,
}

/// A practice's city and when it last changed, as SQL builds them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PracticeHead {
    slug: String,
    city: String,
    last_changed_at: String,
}

#[derive(diesel::QueryableByName)]
struct Published {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    published: bool,
}

/// 404 (`missing`) unless `published`, or the asker moderates or edits the city `city_id`.
async fn visible(
    conn: &mut diesel_async::AsyncPgConnection,
    published: bool,
    asker: &MaybeUser,
    city_id: i64,
    missing: &str,
) -> AppResult<()> {
    if published {
        return Ok(());
    }
    match &asker.0 {
        Some(session) if editor::may_edit(conn, &session.user, city_id).await.is_ok() => Ok(()),
        _ => Err(not_found(missing)),
    }
}

/// `GET /api/v1/cities/{slug}/revisions` → `{city: {slug, name}, last_changed_at, revisions}`.
#[utoipa::path(get, path = "/api/v1/cities/{slug}/revisions", tag = "revisions",
    params(("slug" = String, Path, description = "The city's slug, e.g. `koeln`")),
    responses(
        (status = 200, description = "`{city: {slug, name}, last_changed_at, revisions}`: who changed \
            what (before/after), when and why, newest first", body = CityHistory),
        (status = 400, description = "A path segment with control characters (named in `field`)"),
        (status = 404, description = "No city has this slug, or it is not published (its history is \
            for moderators and the city's editors then)"),
    ))]
pub async fn of_city(
    State(state): State<AppState>,
    asker: MaybeUser,
    Path(slug): Path<String>,
) -> AppResult<Json<CityHistory>> {
    let slug = slug_or_404("slug", &slug, "city")?;
    let mut conn = state.db_read().await?;
    let id = city::id_by_slug(&mut conn, &slug).await?;
    let published: Published = diesel::sql_query("SELECT published FROM cities WHERE id = $1")
        .bind::<BigInt, _>(id)
        .get_result(&mut conn)
        .await?;
    let missing = format!("There is no city '{slug}'.");
    visible(&mut conn, published.published, &asker, id, &missing).await?;
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('slug', slug, 'name', name, 'last_changed_at', updated_at) AS value
           FROM cities WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .load(&mut conn)
    .await?;
    let head: CityHead = one_typed(rows, "There is no such city.")?;
    let revisions = revision::of_city(&mut conn, id).await?;
    Ok(Json(CityHistory {
        city: CityNamed {
            slug: head.slug,
            name: head.name,
        },
        last_changed_at: head.last_changed_at,
        revisions,
    }))
}

/// `GET /api/v1/practices/{slug}/revisions` → `{practice: {slug, city}, last_changed_at,
/// revisions}`.
#[utoipa::path(get, path = "/api/v1/practices/{slug}/revisions", tag = "revisions",
    params(("slug" = String, Path, description = "The practice's slug")),
    responses(
        (status = 200, description = "`{practice: {slug, city}, last_changed_at, revisions}`, newest \
            first", body = PracticeHistory),
        (status = 400, description = "A path segment with control characters (named in `field`)"),
        (status = 404, description = "No practice has this slug, or it is not published (its history \
            is for moderators and the city's editors then)"),
    ))]
pub async fn of_practice(
    State(state): State<AppState>,
    asker: MaybeUser,
    Path(slug): Path<String>,
) -> AppResult<Json<PracticeHistory>> {
    let slug = slug_or_404("slug", &slug, "practice")?;
    let mut conn = state.db_read().await?;
    let (id, city_id) = practice::find(&mut conn, &slug).await?;
    let published: Published = diesel::sql_query(
        "SELECT p.published AND c.published AS published
           FROM practices p JOIN cities c ON c.id = p.city_id WHERE p.id = $1",
    )
    .bind::<BigInt, _>(id)
    .get_result(&mut conn)
    .await?;
    let missing = format!("There is no practice '{slug}'.");
    visible(&mut conn, published.published, &asker, city_id, &missing).await?;
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('slug', p.slug, 'city', c.slug, 'last_changed_at', p.updated_at) AS value
           FROM practices p JOIN cities c ON c.id = p.city_id WHERE p.slug = $1 OR p.id = $2",
    )
    .bind::<Text, _>(slug.as_str())
    .bind::<BigInt, _>(id)
    .load(&mut conn)
    .await?;
    let head: PracticeHead = one_typed(rows, "There is no such practice.")?;
    let revisions = revision::of_practice(&mut conn, id).await?;
    Ok(Json(PracticeHistory {
        practice: PracticeNamed {
            slug: head.slug,
            city: head.city,
        },
        last_changed_at: head.last_changed_at,
        revisions,
    }))
}
