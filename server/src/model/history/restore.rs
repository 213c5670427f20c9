//! Putting the recorded state of a city, membership, demand or practice back into today's
//! detail document, and deriving again what depends on it.

use serde_json::Value;

use crate::domain::slug::{ALLIANCE, SAFE_HARBOUR_CAMPAIGN};
use crate::error::{AppError, AppResult};
use crate::model::city::{CityDetailProperties, MembershipDoc, SafeHarbour};
use crate::model::pick_lang;
use crate::model::practice::{PracticeDetailProperties, SourceDoc};
use crate::model::profile::{ProfileFacts, compose};
use crate::query::Lang;

fn text(state: &Value, key: &str) -> Option<String> {
    state.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub(super) fn apply_city(doc: &mut CityDetailProperties, state: &Value, lang: Lang) {
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

pub(super) fn apply_membership(
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

pub(super) fn apply_demand(doc: &mut CityDetailProperties, state: Option<&Value>) {
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
pub(super) fn derive_city(doc: &mut CityDetailProperties, lang: Lang) -> AppResult<()> {
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

pub(super) fn apply_practice(doc: &mut PracticeDetailProperties, state: &Value, lang: Lang) {
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
    fn old_or_missing_dates_need_checking() {
        assert!(needs_checking(None));
        assert!(needs_checking(Some("2019")));
        let this_year = chrono::Utc::now().format("%Y").to_string();
        assert!(!needs_checking(Some(&this_year)));
    }
}
