//! What a city or practice page looked like at a revision, and the revision that made its
//! current state: the number and date a citation names.
//!
//! The `revisions` table keeps the before/after snapshot of every published change (of a
//! city, its memberships and its demands; of a practice). The state of one entity at
//! revision N is the `after` of its newest revision up to N, else the `before` of its oldest
//! revision after N, else (never changed since the import) its current state. A past page is
//! the current detail document with every entity that has revisions put back to that state;
//! what revisions do not record (the dates of demand evidence, the status date and confidence
//! of a practice) is left out of a past page rather than borrowed from today.

mod restore;

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use serde_json::Value;

use super::JsonText;
use super::city::CityDetailProperties;
use super::practice::PracticeDetailProperties;
use crate::error::AppResult;
use crate::query::Lang;
use restore::{apply_city, apply_demand, apply_membership, apply_practice, derive_city};

/// A revision: its number and its date (`YYYY-MM-DD`, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Stamp {
    pub id: i64,
    pub date: String,
}

/// The state of one entity of a city at a revision (`state` null: it did not exist).
#[derive(Debug, Deserialize)]
struct EntityState {
    #[serde(rename = "type")]
    kind: String,
    state: Option<Value>,
    network_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CityHistory {
    latest: Option<Stamp>,
    revision: Option<Stamp>,
    #[serde(default)]
    states: Vec<EntityState>,
}

#[derive(Debug, Deserialize)]
struct PracticeHistory {
    latest: Option<Stamp>,
    revision: Option<Stamp>,
    state: Option<Value>,
}

/// A city's revisions (its own, its memberships' and its demands'): `$1` slug, `$2` the
/// revision asked for (or NULL), `$3` lang.
const CITY_HISTORY: &str = "WITH target AS (SELECT id FROM cities WHERE slug = $1::text),
revs AS (
    SELECT r.id, r.entity_type, r.entity_id, r.before, r.after, r.created_at,
           coalesce(r.after ->> 'demand', r.before ->> 'demand', '') AS key
    FROM revisions r, target t
    WHERE (r.entity_type IN ('city', 'demand') AND r.entity_id = t.id)
       OR (r.entity_type = 'membership'
           AND r.entity_id IN (SELECT m.id FROM memberships m WHERE m.city_id = t.id))
),
states AS (
    SELECT DISTINCT ON (entity_type, entity_id, key) entity_type, entity_id, key,
           CASE WHEN id <= $2::bigint THEN after ELSE before END AS state
    FROM revs WHERE $2::bigint IS NOT NULL
    ORDER BY entity_type, entity_id, key, (id <= $2::bigint) DESC,
             CASE WHEN id <= $2::bigint THEN -id ELSE id END
)
SELECT json_build_object(
    'latest', (SELECT json_build_object('id', id, 'date', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
               FROM revs ORDER BY id DESC LIMIT 1),
    'revision', (SELECT json_build_object('id', id, 'date', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                 FROM revs WHERE id = $2::bigint),
    'states', coalesce((SELECT json_agg(json_build_object('type', s.entity_type, 'state', s.state,
                    'network_name', (SELECT coalesce(n.names ->> $3::text, n.name) FROM networks n
                                     WHERE n.slug = s.state ->> 'network')))
                FROM states s), '[]'::json)
)::text AS json";

/// A practice's revisions: `$1` slug, `$2` the revision asked for (or NULL).
const PRACTICE_HISTORY: &str = "WITH revs AS (
    SELECT r.id, r.before, r.after, r.created_at
    FROM revisions r JOIN practices p ON p.id = r.entity_id
    WHERE r.entity_type = 'practice' AND p.slug = $1::text
)
SELECT json_build_object(
    'latest', (SELECT json_build_object('id', id, 'date', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
               FROM revs ORDER BY id DESC LIMIT 1),
    'revision', (SELECT json_build_object('id', id, 'date', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
                 FROM revs WHERE id = $2::bigint),
    'state', (SELECT coalesce(after, before) FROM revs WHERE id = $2::bigint)
)::text AS json";

/// Where a page stands in its history.
#[derive(Debug, Clone, Default)]
pub struct Revisions {
    /// The newest revision (none: unchanged since the import).
    pub latest: Option<Stamp>,
    /// The revision shown, when a past one was asked for (`?rev=N`).
    pub shown: Option<Stamp>,
}

/// What asking for revision `rev` of a page gives.
#[derive(Debug)]
pub enum AtRevision<T> {
    /// The page (as it is, or as it was at the revision).
    Page(T, Revisions),
    /// The revision is not one of this page's.
    NoSuchRevision,
}

/// The city `doc` (its current detail properties, in `lang`) as of revision `rev`, or as
/// it is when `rev` is `None`, with its revision stamps.
///
/// # Errors
/// When a query fails.
pub async fn city_at(
    conn: &mut AsyncPgConnection,
    mut doc: CityDetailProperties,
    rev: Option<i64>,
    lang: Lang,
) -> AppResult<AtRevision<CityDetailProperties>> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(CITY_HISTORY)
            .bind::<Text, _>(&doc.slug)
            .bind::<Nullable<BigInt>, _>(rev)
            .bind::<Text, _>(lang.code()),
    )
    .get_result(conn)
    .await?;
    let history: CityHistory = row.read()?;
    let revisions = Revisions {
        latest: history.latest,
        shown: history.revision,
    };
    if rev.is_some() && revisions.shown.is_none() {
        return Ok(AtRevision::NoSuchRevision);
    }
    for entity in history.states {
        match entity.kind.as_str() {
            "city" => {
                if let Some(state) = &entity.state {
                    apply_city(&mut doc, state, lang);
                }
            }
            "membership" => apply_membership(&mut doc, entity.state, entity.network_name),
            "demand" => apply_demand(&mut doc, entity.state.as_ref()),
            _ => {}
        }
    }
    if rev.is_some() {
        derive_city(&mut doc, lang)?;
    }
    Ok(AtRevision::Page(doc, revisions))
}

/// The practice `doc` (its current detail properties, in `lang`) as of revision `rev`, or
/// as it is when `rev` is `None`, with its revision stamps.
///
/// # Errors
/// When a query fails.
pub async fn practice_at(
    conn: &mut AsyncPgConnection,
    mut doc: PracticeDetailProperties,
    rev: Option<i64>,
    lang: Lang,
) -> AppResult<AtRevision<PracticeDetailProperties>> {
    let row: JsonText = crate::db::Prepared::fixed(
        diesel::sql_query(PRACTICE_HISTORY)
            .bind::<Text, _>(&doc.slug)
            .bind::<Nullable<BigInt>, _>(rev),
    )
    .get_result(conn)
    .await?;
    let history: PracticeHistory = row.read()?;
    let revisions = Revisions {
        latest: history.latest,
        shown: history.revision,
    };
    if rev.is_some() && revisions.shown.is_none() {
        return Ok(AtRevision::NoSuchRevision);
    }
    if let Some(state) = &history.state {
        apply_practice(&mut doc, state, lang);
    }
    Ok(AtRevision::Page(doc, revisions))
}
