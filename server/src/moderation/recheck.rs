//! Re-checks: memberships, demand statuses and practice statuses whose status is unknown or
//! whose newest source is older than two years (`haven_needs_checking`), offered to
//! moderators ([`super::stale`]), who record newer evidence (status, date, source). The newest evidence wins:
//! evidence older than what is published is refused. Each re-check is a revision of what it
//! confirms, written in one transaction with it.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::auth::rows::typed;
use crate::domain::{
    DemandKey, DemandStanding, MembershipStatus, Multiline, PartialDate, PracticeStatus, Slug,
    WebUrl,
};
use crate::error::{AppError, AppResult, not_found, unprocessable};
use crate::moderation::demand::DemandSnapshot;
use crate::moderation::membership::MembershipSnapshot;
use crate::moderation::practice::PracticeSnapshot;
use crate::moderation::revision::{self, Change, Entity};
use crate::moderation::{demand, membership, merged, practice};

/// Newer evidence on one fact, as a moderator records it: what the source says (`S`: a
/// membership, demand or practice status), the date of the source (not in the future, not
/// older than the published one), the source, and why.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence<S> {
    pub status: S,
    pub as_of: PartialDate,
    pub source_url: WebUrl,
    /// Why, for the history (1 to 2000 characters).
    #[serde(default)]
    pub note: Option<Multiline<2000>>,
}

impl<S> Evidence<S> {
    /// The revision's reason: the moderator's note, else where the evidence is from.
    fn reason(&self) -> String {
        self.note.as_ref().map_or_else(
            || {
                format!(
                    "Re-checked: {} (as of {})",
                    self.source_url.as_str(),
                    self.as_of.as_str()
                )
            },
            |note| note.as_str().to_owned(),
        )
    }

    /// Refuses evidence from the future and evidence older than what is published.
    fn check_newer_than(&self, published: Option<&str>) -> AppResult<()> {
        let today = crate::domain::date::today();
        if self.as_of.as_str() > today.as_str() {
            return Err(unprocessable("as_of", "must not be in the future"));
        }
        match published {
            Some(current) if self.as_of.as_str() < current => Err(AppError::Conflict {
                field: Some("as_of".to_owned()),
                detail: format!(
                    "Newer evidence is published (as of {current}): the newest evidence wins."
                ),
            }),
            _ => Ok(()),
        }
    }
}

/// What a re-check did: the revision that records it and the fact as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rechecked {
    /// The revision of the re-check.
    pub revision_id: i64,
    /// The fact as published now.
    pub state: Option<Fact>,
}

/// A fact a re-check confirms: a membership, a city's status on a demand or a practice,
/// by the route.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Fact {
    Membership(MembershipSnapshot),
    Demand(DemandSnapshot),
    Practice(PracticeSnapshot),
}

impl From<MembershipSnapshot> for Fact {
    fn from(state: MembershipSnapshot) -> Self {
        Self::Membership(state)
    }
}

impl From<DemandSnapshot> for Fact {
    fn from(state: DemandSnapshot) -> Self {
        Self::Demand(state)
    }
}

impl From<PracticeSnapshot> for Fact {
    fn from(state: PracticeSnapshot) -> Self {
        Self::Practice(state)
    }
}

/// Records the re-check of `entity` (its state `before`); `S` is the snapshot type of the
/// entity's kind.
async fn recorded<S: serde::de::DeserializeOwned + Into<Fact>>(
    conn: &mut AsyncPgConnection,
    entity: Entity,
    before: Value,
    reason: String,
    moderator_id: i64,
) -> AppResult<Rechecked> {
    let after = entity.snapshot(conn).await?;
    let revision_id = revision::record(
        conn,
        Change {
            entity,
            action: "update",
            before: Some(before),
            after: after.clone(),
            author_id: Some(moderator_id),
            submission_id: None,
            reverts_id: None,
            reason: Some(reason),
            needs_review: false,
        },
    )
    .await?;
    Ok(Rechecked {
        revision_id,
        state: after.map(typed::<S>).transpose()?.map(Into::into),
    })
}

/// Re-checks membership `id`: its status, the date a source confirmed it (`verified_on`)
/// and that source (`evidence_url`); a membership now left ends on that date unless it has
/// an end already.
///
/// # Errors
/// 404 for an unknown membership, 409 for evidence older than the published, 422 for a
/// date in the future.
pub async fn membership(
    conn: &mut AsyncPgConnection,
    id: i64,
    evidence: Evidence<MembershipStatus>,
    moderator_id: i64,
) -> AppResult<Rechecked> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let entity = Entity::Membership(id);
        locked(conn, "memberships", id).await?;
        let Some(before) = entity.snapshot(conn).await? else {
            return Err(not_found("There is no such membership."));
        };
        let published = before["verified_on"]
            .as_str()
            .or_else(|| before["since"].as_str());
        evidence.check_newer_than(published)?;
        let mut changes = serde_json::Map::new();
        changes.insert("status".into(), json!(evidence.status.as_str()));
        changes.insert("verified_on".into(), json!(evidence.as_of.as_str()));
        changes.insert("evidence_url".into(), json!(evidence.source_url.as_str()));
        if evidence.status == MembershipStatus::Left && before["until"].is_null() {
            changes.insert("until".into(), json!(evidence.as_of.as_str()));
        }
        membership::write(conn, &merged(&before, &changes)).await?;
        let reason = evidence.reason();
        recorded::<MembershipSnapshot>(conn, entity, before, reason, moderator_id).await
    })
    .await
}

/// Re-checks demand `key` of the city `city`: the evidence is kept with the others
/// (`demand_evidence`) and decides the city's standing.
///
/// # Errors
/// 404 for an unknown city or a demand the city has no status on, 409 for evidence older
/// than the published, 422 for a date in the future.
pub async fn demand(
    conn: &mut AsyncPgConnection,
    city: &Slug,
    key: &DemandKey,
    evidence: Evidence<DemandStanding>,
    moderator_id: i64,
) -> AppResult<Rechecked> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let city_id = crate::moderation::city::id_by_slug(conn, city.as_str()).await?;
        diesel::sql_query(
            "SELECT 1 FROM safe_harbour_demands WHERE city_id = $1 AND demand_key = $2 FOR UPDATE",
        )
        .bind::<BigInt, _>(city_id)
        .bind::<Text, _>(key.as_str())
        .execute(conn)
        .await?;
        let entity = Entity::Demand(city_id, key.as_str().to_owned());
        let Some(before) = entity.snapshot(conn).await? else {
            return Err(not_found(format!(
                "{} has no status on the demand '{}' to re-check.",
                city.as_str(),
                key.as_str()
            )));
        };
        evidence.check_newer_than(before["as_of"].as_str())?;
        diesel::sql_query(
            "INSERT INTO demand_evidence (city_id, demand_key, status, as_of, source_url, note)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (city_id, demand_key, status, source_url) DO UPDATE SET as_of = EXCLUDED.as_of,
                    note = coalesce(EXCLUDED.note, demand_evidence.note)",
        )
        .bind::<BigInt, _>(city_id)
        .bind::<Text, _>(key.as_str())
        .bind::<Text, _>(evidence.status.as_str())
        .bind::<Text, _>(evidence.as_of.as_str())
        .bind::<Text, _>(evidence.source_url.as_str())
        .bind::<diesel::sql_types::Nullable<Text>, _>(evidence.note.as_ref().map(|n| n.as_str()))
        .execute(conn)
        .await?;
        // As the import reads a source: fulfilled (so also decided), decided (fulfilment
        // unknown), or not decided.
        let (decided, fulfilled) = match evidence.status {
            DemandStanding::Fulfilled => (json!(true), json!(true)),
            DemandStanding::Decided => (json!(true), Value::Null),
            DemandStanding::NotDecided => (json!(false), Value::Null),
        };
        let mut changes = serde_json::Map::new();
        changes.insert("decided".into(), decided);
        changes.insert("fulfilled".into(), fulfilled);
        changes.insert("as_of".into(), json!(evidence.as_of.as_str()));
        changes.insert("evidence_url".into(), json!(evidence.source_url.as_str()));
        demand::write(conn, city_id, &merged(&before, &changes)).await?;
        let reason = evidence.reason();
        recorded::<DemandSnapshot>(conn, entity, before, reason, moderator_id).await
    })
    .await
}

/// Re-checks the status of the practice `slug`: its status, the date of the newest fact
/// confirming it (`status_as_of`), and the source, added to its sources (read today) unless
/// it is one already.
///
/// # Errors
/// 404 for an unknown practice, 409 for evidence older than the published, 422 for a date
/// in the future.
pub async fn practice(
    conn: &mut AsyncPgConnection,
    slug: &Slug,
    evidence: Evidence<PracticeStatus>,
    moderator_id: i64,
) -> AppResult<Rechecked> {
    conn.transaction::<_, AppError, _>(async move |conn| {
        let (id, _) = practice::find(conn, slug.as_str()).await?;
        let entity = Entity::Practice(id);
        locked(conn, "practices", id).await?;
        let Some(before) = entity.snapshot(conn).await? else {
            return Err(not_found(format!(
                "There is no practice '{}'.",
                slug.as_str()
            )));
        };
        evidence.check_newer_than(before["status_as_of"].as_str())?;
        // The source is read today: a new one is added, a known one gets today's date.
        let mut sources = before["sources"].as_array().cloned().unwrap_or_default();
        let url = evidence.source_url.as_str();
        match sources.iter_mut().find(|s| s["url"].as_str() == Some(url)) {
            Some(known) => known["accessed_on"] = Value::Null,
            None => sources
                .push(json!({ "url": url, "title": Value::Null, "accessed_on": Value::Null })),
        }
        let mut changes = serde_json::Map::new();
        changes.insert("status".into(), json!(evidence.status.as_str()));
        changes.insert("status_as_of".into(), json!(evidence.as_of.as_str()));
        changes.insert("sources".into(), Value::Array(sources));
        practice::write(conn, id, &before, &merged(&before, &changes)).await?;
        let reason = evidence.reason();
        recorded::<PracticeSnapshot>(conn, entity, before, reason, moderator_id).await
    })
    .await
}

/// Locks row `id` of `table` (a name of this module's, never input) for the transaction.
async fn locked(conn: &mut AsyncPgConnection, table: &str, id: i64) -> AppResult<()> {
    diesel::sql_query(format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"))
        .bind::<BigInt, _>(id)
        .execute(conn)
        .await?;
    Ok(())
}
