//! City editors: an account claims a city (or a gazetteer place not listed yet, so a town
//! can register itself), a moderator verifies or withdraws the claim. A verified editor
//! writes their own city and its practices directly.

use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::User;
use crate::auth::rows::{IdRow, JsonRow, all_typed, one_typed};
use crate::domain::{self, Multiline, Slug};
use crate::error::unprocessable;
use crate::error::{AppError, AppResult, not_found};
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::{city, first, notice};

/// A claim as it arrives: `city` (a slug) or `place_id` (from the gazetteer).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The slug of a listed city.
    #[serde(default)]
    pub city: Option<Slug>,
    /// A gazetteer place (`GET /api/v1/places`) not listed yet.
    #[serde(default)]
    pub place_id: Option<i64>,
    /// The claimant's role at the city (1 to 200 characters).
    #[serde(default)]
    pub role_title: Option<domain::Text<200>>,
    /// How a moderator can verify the claim (1 to 2000 characters).
    #[serde(default)]
    pub evidence: Option<Multiline<2000>>,
}

/// A claim as its account and moderators see it ([`CLAIM_JSON`]).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: i64,
    /// pending, verified, rejected or withdrawn.
    pub status: String,
    /// The claimed city (null for a place not listed yet).
    pub city: Option<ClaimedCity>,
    /// The claimed gazetteer place (null once it is listed, or for a claimed city).
    pub place: Option<ClaimedPlace>,
    pub role_title: Option<String>,
    pub evidence: Option<String>,
    /// Why it was rejected or withdrawn.
    pub reason: Option<String>,
    /// When a moderator decided (RFC 3339).
    pub decided_at: Option<String>,
    /// When it was filed (RFC 3339).
    pub created_at: String,
    /// The claimant.
    pub user: Claimant,
}

/// A city an editor claims.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimedCity {
    pub slug: String,
    pub name: String,
}

/// A gazetteer place an editor claims.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimedPlace {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// The account behind a claim.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Claimant {
    pub id: i64,
    pub display_name: Option<String>,
    pub email: String,
}

const CLAIM_JSON: &str = "jsonb_build_object('id', e.id, 'status', e.status,
        'city', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('slug', c.slug, 'name', c.name) END,
        'place', CASE WHEN p.id IS NULL THEN NULL ELSE jsonb_build_object('id', p.id, 'name', p.name, 'country', p.country) END,
        'role_title', e.role_title, 'evidence', e.evidence, 'reason', e.reason, 'decided_at', e.decided_at,
        'created_at', e.created_at,
        'user', jsonb_build_object('id', u.id, 'display_name', u.display_name, 'email', u.email))";
const CLAIM_FROM: &str = "FROM city_editors e JOIN users u ON u.id = e.user_id
        LEFT JOIN cities c ON c.id = e.city_id LEFT JOIN places p ON p.id = e.place_id";

/// Files a claim of `user` (whose e-mail address must be confirmed).
///
/// # Errors
/// 403 unconfirmed address, 422 bad input, 404 unknown city, 409 claimed already.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    user: &User,
    request: ClaimRequest,
) -> AppResult<Claim> {
    if !user.email_confirmed {
        return Err(AppError::Forbidden(
            "Confirm your e-mail address first.".to_owned(),
        ));
    }
    let (city_id, place_id) = match (&request.city, request.place_id) {
        (Some(slug), None) => (Some(city::id_by_slug(conn, slug).await?), None),
        (None, Some(place)) => {
            let listed: Vec<IdRow> =
                diesel::sql_query("SELECT id FROM cities WHERE place_id = $1 LIMIT 1")
                    .bind::<BigInt, _>(place)
                    .load(conn)
                    .await?;
            match listed.into_iter().next() {
                Some(city) => (Some(city.id), None),
                None => {
                    city::check_place(conn, place, "place_id").await?;
                    (None, Some(place))
                }
            }
        }
        _ => {
            return Err(unprocessable(
                "city",
                "give either city (a slug) or place_id",
            ));
        }
    };
    let row: IdRow = diesel::sql_query(
        "INSERT INTO city_editors (user_id, city_id, place_id, role_title, evidence) VALUES ($1, $2, $3, $4, $5)
         RETURNING id",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<Nullable<BigInt>, _>(city_id)
    .bind::<Nullable<BigInt>, _>(place_id)
    .bind::<Nullable<Text>, _>(request.role_title.as_deref())
    .bind::<Nullable<Text>, _>(request.evidence.as_deref())
    .get_result(conn)
    .await
    .map_err(|error| match AppError::from(error) {
        AppError::Conflict { field, .. } => AppError::Conflict {
            field,
            detail: "You have claimed this already.".to_owned(),
        },
        other => other,
    })?;
    one(conn, row.id).await
}

/// One claim.
///
/// # Errors
/// 404 for an unknown claim.
pub async fn one(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Claim> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {CLAIM_JSON} AS value {CLAIM_FROM} WHERE e.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    one_typed(rows, "There is no such claim.")
}

/// The claims of one account, newest first.
///
/// # Errors
/// Database errors.
pub async fn of_user(conn: &mut AsyncPgConnection, user_id: i64) -> AppResult<Vec<Claim>> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {CLAIM_JSON} AS value {CLAIM_FROM} WHERE e.user_id = $1 ORDER BY e.created_at DESC, e.id DESC"
    ))
    .bind::<BigInt, _>(user_id)
    .load(conn)
    .await?;
    all_typed(rows)
}

/// A page of the claims of `status`, newest first, for moderators, and how many there are
/// in all.
///
/// # Errors
/// Database errors.
pub async fn with_status(
    conn: &mut AsyncPgConnection,
    status: &str,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<Claim>, i64)> {
    let rows: Vec<JsonRow> = diesel::sql_query(format!(
        "SELECT {CLAIM_JSON} AS value {CLAIM_FROM} WHERE e.status = $1
          ORDER BY e.created_at DESC, e.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind::<Text, _>(status)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
    .await?;
    let total: IdRow =
        diesel::sql_query("SELECT count(*) AS id FROM city_editors WHERE status = $1")
            .bind::<Text, _>(status)
            .get_result(conn)
            .await?;
    Ok((all_typed(rows)?, total.id))
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    city_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    place_id: Option<i64>,
}

async fn lock(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Locked> {
    let rows: Vec<Locked> = diesel::sql_query(
        "SELECT status, city_id, place_id FROM city_editors WHERE id = $1 FOR UPDATE",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    rows.into_iter()
        .next()
        .ok_or_else(|| not_found("There is no such claim."))
}

/// Verifies a pending claim. A claim on a place not listed yet lists it now: the city is
/// created from the gazetteer (with its revision) and the editor gets it.
///
/// # Errors
/// 404 unknown, 409 not pending.
pub async fn verify(
    conn: &mut AsyncPgConnection,
    id: i64,
    moderator_id: i64,
    base_url: &str,
) -> AppResult<Claim> {
    let base_url = base_url.to_owned();
    conn.transaction::<_, AppError, _>(async move |conn| {
        let claim = lock(conn, id).await?;
        if claim.status != "pending" {
            return Err(AppError::Conflict { field: None, detail: format!("This claim is {} already.", claim.status) });
        }
        let city_id = match (claim.city_id, claim.place_id) {
            (Some(city_id), _) => city_id,
            (None, Some(place_id)) => list_place(conn, place_id, moderator_id).await?,
            (None, None) => return Err(AppError::Conflict { field: None, detail: "The claim names nothing.".to_owned() }),
        };
        diesel::sql_query(
            "UPDATE city_editors SET status = 'verified', city_id = $2, decided_by = $3, decided_at = now(), reason = NULL
              WHERE id = $1",
        )
        .bind::<BigInt, _>(id)
        .bind::<BigInt, _>(city_id)
        .bind::<BigInt, _>(moderator_id)
        .execute(conn)
        .await?;
        notice::claim(conn, id, &base_url).await
    })
    .await?;
    one(conn, id).await
}

/// The city of a gazetteer place, created (with a revision) when it is not listed yet.
async fn list_place(
    conn: &mut AsyncPgConnection,
    place_id: i64,
    moderator_id: i64,
) -> AppResult<i64> {
    let listed: Vec<IdRow> = diesel::sql_query("SELECT id FROM cities WHERE place_id = $1 LIMIT 1")
        .bind::<BigInt, _>(place_id)
        .load(conn)
        .await?;
    if let Some(city) = listed.into_iter().next() {
        return Ok(city.id);
    }
    let name: Vec<JsonRow> =
        diesel::sql_query("SELECT to_jsonb(name) AS value FROM places WHERE id = $1")
            .bind::<BigInt, _>(place_id)
            .load(conn)
            .await?;
    let name = first(name).ok_or_else(|| not_found("The claimed place no longer exists."))?;
    let city_id = city::create(conn, &json!({ "name": name, "place_id": place_id })).await?;
    let after = city::snapshot(conn, city_id).await?;
    revision::record(
        conn,
        Change {
            entity: Entity::City(city_id),
            action: "create",
            before: None,
            after,
            author_id: Some(moderator_id),
            submission_id: None,
            reverts_id: None,
            reason: Some("Listed when its editor's claim was verified.".to_owned()),
            needs_review: false,
        },
    )
    .await?;
    Ok(city_id)
}

/// Withdraws a claim with a reason the claimant sees: a pending claim becomes `rejected`, a
/// verified one `withdrawn`.
///
/// # Errors
/// 404 unknown, 409 already decided against, 422 without a reason.
pub async fn withdraw(
    conn: &mut AsyncPgConnection,
    id: i64,
    moderator_id: i64,
    reason: Multiline<2000>,
    base_url: &str,
) -> AppResult<Claim> {
    let base_url = base_url.to_owned();
    conn.transaction::<_, AppError, _>(async move |conn| {
        let claim = lock(conn, id).await?;
        let status = match claim.status.as_str() {
            "pending" => "rejected",
            "verified" => "withdrawn",
            other => return Err(AppError::Conflict { field: None, detail: format!("This claim is {other} already.") }),
        };
        diesel::sql_query(
            "UPDATE city_editors SET status = $2, reason = $3, decided_by = $4, decided_at = now() WHERE id = $1",
        )
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(status)
        .bind::<Text, _>(reason.as_str())
        .bind::<BigInt, _>(moderator_id)
        .execute(conn)
        .await?;
        notice::claim(conn, id, &base_url).await
    })
    .await?;
    one(conn, id).await
}

/// 403 unless `user` is a moderator or a verified editor of the city `city_id`.
///
/// # Errors
/// 403 for everyone else.
pub async fn may_edit(conn: &mut AsyncPgConnection, user: &User, city_id: i64) -> AppResult<()> {
    #[derive(diesel::QueryableByName)]
    struct Allowed {
        #[diesel(sql_type = Bool)]
        allowed: bool,
    }
    if user.is_moderator() {
        return Ok(());
    }
    let allowed: Allowed = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM city_editors WHERE user_id = $1 AND city_id = $2 AND status = 'verified') AS allowed",
    )
    .bind::<BigInt, _>(user.id)
    .bind::<BigInt, _>(city_id)
    .get_result(conn)
    .await?;
    if allowed.allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only verified editors of this city may change it.".to_owned(),
        ))
    }
}
