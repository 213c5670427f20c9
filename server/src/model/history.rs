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

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use serde_json::Value;

use super::JsonText;
use super::city::{CityDetailProperties, MembershipDoc, SafeHarbour};
use super::practice::{PracticeDetailProperties, SourceDoc};
use super::profile::{ProfileFacts, compose};
use crate::domain::slug::{ALLIANCE, SAFE_HARBOUR_CAMPAIGN};
use crate::error::{AppError, AppResult};
use crate::query::Lang;

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

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|error| AppError::Internal(error.into()))
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
    let history: CityHistory = parse(&row.json)?;
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
    let history: PracticeHistory = parse(&row.json)?;
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

/// The text of `texts` (a `{lang: text}` map) in `lang`, else English, else `original`, else
/// any; with the language it is in (as `haven_pick_lang` does in SQL).
#[must_use]
pub fn pick_lang(texts: &Value, lang: Lang, original: Option<&str>) -> Option<(String, String)> {
    let map = texts.as_object()?;
    let text_in = |code: &str| {
        map.get(code)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(|text| (text.to_owned(), code.to_owned()))
    };
    text_in(lang.code())
        .or_else(|| text_in("en"))
        .or_else(|| original.and_then(text_in))
        .or_else(|| {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            keys.into_iter().find_map(|code| text_in(code))
        })
}

fn text(state: &Value, key: &str) -> Option<String> {
    state.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn apply_city(doc: &mut CityDetailProperties, state: &Value, lang: Lang) {
    if let Some(name) = text(state, "name") {
        doc.name = name;
    }
    if let Some(kind) = text(state, "kind") {
        doc.kind = kind;
    }
    doc.official_name = text(state, "official_name");
    doc.population = state.get("population").and_then(Value::as_i64);
    doc.website = text(state, "website");
    doc.wikidata = text(state, "wikidata");
    match state.get("summary").and_then(|s| pick_lang(s, lang, None)) {
        Some((summary, summary_lang)) => {
            doc.summary = Some(summary);
            doc.summary_lang = Some(summary_lang);
        }
        None => {
            doc.summary = None;
            doc.summary_lang = None;
        }
    }
}

fn apply_membership(
    doc: &mut CityDetailProperties,
    state: Option<Value>,
    network_name: Option<String>,
) {
    let Some(state) = state else {
        return;
    };
    let Some(network) = text(&state, "network") else {
        return;
    };
    doc.memberships.retain(|m| m.network != network);
    if state.get("published").and_then(Value::as_bool) == Some(false) {
        return;
    }
    let since = text(&state, "since");
    doc.memberships.push(MembershipDoc {
        network_name: network_name.unwrap_or_else(|| network.clone()),
        network,
        status: text(&state, "status").unwrap_or_default(),
        role: text(&state, "role"),
        until: text(&state, "until"),
        evidence_url: text(&state, "evidence_url"),
        verified_on: None,
        needs_checking: needs_checking(since.as_deref()),
        as_of: since.clone(),
        since,
    });
    doc.memberships.sort_by(|a, b| {
        (a.since.is_none(), &a.since, &a.network).cmp(&(b.since.is_none(), &b.since, &b.network))
    });
}

fn apply_demand(doc: &mut CityDetailProperties, state: Option<&Value>) {
    let Some(key) = state.and_then(|s| text(s, "demand")) else {
        return;
    };
    let Some(demand) = doc.demands.iter_mut().find(|d| d.key == key) else {
        return;
    };
    let flag = |name: &str| state.and_then(|s| s.get(name)).and_then(Value::as_bool);
    demand.decided = flag("decided");
    demand.fulfilled = flag("fulfilled");
    demand.as_of = state.and_then(|s| text(s, "as_of"));
    demand.evidence_url = state.and_then(|s| text(s, "evidence_url"));
    demand.needs_checking = demand.decided.is_none() || needs_checking(demand.as_of.as_deref());
    // The evidence table has no history: a past page shows only what the revision recorded.
    demand.evidence.clear();
}

/// Recomputes what the detail document derives from memberships (Safe Harbour, alliance,
/// networks) and the composed profile, after a past state was put back.
fn derive_city(doc: &mut CityDetailProperties, lang: Lang) -> AppResult<()> {
    let current = |m: &&MembershipDoc| m.status != "left";
    doc.safe_harbour = doc
        .memberships
        .iter()
        .filter(current)
        .find(|m| m.network == SAFE_HARBOUR_CAMPAIGN)
        .map(|m| SafeHarbour {
            status: m.status.clone(),
            since: m.since.clone(),
        });
    doc.alliance_member = doc
        .memberships
        .iter()
        .filter(current)
        .any(|m| m.network == ALLIANCE);
    doc.networks = doc
        .memberships
        .iter()
        .filter(current)
        .map(|m| m.network.clone())
        .collect();
    doc.networks.sort();
    let value = serde_json::to_value(&*doc).map_err(|error| AppError::Internal(error.into()))?;
    let facts: ProfileFacts =
        serde_json::from_value(value).map_err(|error| AppError::Internal(error.into()))?;
    doc.profile = compose(&facts, lang);
    Ok(())
}

fn apply_practice(doc: &mut PracticeDetailProperties, state: &Value, lang: Lang) {
    let original = text(state, "original_lang").unwrap_or_else(|| doc.original_lang.clone());
    let localised = |key: &str| {
        state
            .get(key)
            .and_then(|texts| pick_lang(texts, lang, Some(&original)))
    };
    if let Some((title, title_lang)) = localised("title") {
        doc.title = title;
        doc.title_lang = title_lang;
    }
    if let Some(title) = state
        .get("title")
        .and_then(|t| t.get(&original))
        .and_then(Value::as_str)
    {
        doc.title_original = title.to_owned();
    }
    (doc.summary, doc.summary_lang) = localised("summary").unzip();
    (doc.body, doc.body_lang) = localised("body").unzip();
    (doc.transferability, doc.transferability_lang) = localised("transferability").unzip();
    doc.original_lang = original;
    doc.organisation = text(state, "organisation");
    doc.contact = text(state, "contact");
    doc.started = state
        .get("started")
        .and_then(Value::as_i64)
        .and_then(|y| i32::try_from(y).ok());
    doc.ended = state
        .get("ended")
        .and_then(Value::as_i64)
        .and_then(|y| i32::try_from(y).ok());
    if let Some(status) = text(state, "status") {
        doc.status = status;
    }
    if let Some(areas) = state.get("policy_areas").and_then(Value::as_array) {
        doc.policy_areas = areas
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect();
    }
    if let Some(sources) = state.get("sources").and_then(Value::as_array) {
        doc.sources = sources
            .iter()
            .filter_map(|s| {
                Some(SourceDoc {
                    url: text(s, "url")?,
                    title: text(s, "title"),
                    accessed_on: text(s, "accessed_on"),
                })
            })
            .collect();
    }
    // Not recorded by revisions: left out rather than taken from today's state.
    doc.status_as_of = None;
    doc.confidence = None;
    doc.needs_checking = doc.status == "unknown";
    doc.single_source = doc.sources.len() == 1;
}

/// No date, or a date more than two years ago (as `haven_needs_checking` in SQL).
#[must_use]
pub fn needs_checking(date: Option<&str>) -> bool {
    let Some(date) = date else {
        return true;
    };
    let today = chrono::Utc::now().date_naive();
    let mut parts = date.split('-');
    let year = parts.next().and_then(|y| y.parse::<i32>().ok());
    let month = parts.next().and_then(|m| m.parse::<u32>().ok());
    let day = parts
        .next()
        .and_then(|d| d.get(..2).unwrap_or(d).parse::<u32>().ok());
    let Some(year) = year else {
        return true;
    };
    // The last day the date can mean: the end of its year or month.
    let last = match (month, day) {
        (Some(m), Some(d)) => chrono::NaiveDate::from_ymd_opt(year, m, d),
        (Some(m), None) => chrono::NaiveDate::from_ymd_opt(year, m, 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .and_then(|next| next.pred_opt()),
        _ => chrono::NaiveDate::from_ymd_opt(year, 12, 31),
    };
    let Some(limit) = today.checked_sub_months(chrono::Months::new(24)) else {
        return false;
    };
    last.is_none_or(|last| last < limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_language_then_english_then_the_original() {
        let texts = serde_json::json!({"it": "Carta", "en": "Charter", "de": ""});
        assert_eq!(
            pick_lang(&texts, Lang::De, Some("it")),
            Some(("Charter".to_owned(), "en".to_owned()))
        );
        let texts = serde_json::json!({"it": "Carta"});
        assert_eq!(
            pick_lang(&texts, Lang::Fr, Some("it")),
            Some(("Carta".to_owned(), "it".to_owned()))
        );
        assert_eq!(pick_lang(&serde_json::json!({}), Lang::Fr, None), None);
    }

    #[test]
    fn old_or_missing_dates_need_checking() {
        assert!(needs_checking(None));
        assert!(needs_checking(Some("2019")));
        let this_year = chrono::Utc::now().format("%Y").to_string();
        assert!(!needs_checking(Some(&this_year)));
    }
}
