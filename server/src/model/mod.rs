//! Read models: one file per entity, each holding the fixed SQL that builds its JSON or
//! GeoJSON inside PostgreSQL (`json_build_object`, `json_agg`, `ST_AsGeoJSON(geom, 5)`).
//!
//! Building the documents in the database keeps one round trip per request and lets the
//! handlers stream the bytes out without decoding and re-encoding rows; the structs here that
//! derive `ToSchema` document those shapes for OpenAPI and are checked against the real
//! responses by the integration tests.

pub mod city;
pub mod city_list;
pub mod city_pages;
pub mod collection;
pub mod detail;
pub mod gaps;
pub mod gazetteer;
pub mod growth;
pub mod history;
pub mod network;
pub mod place;
pub mod policy_area;
pub mod practice;
pub mod practice_list;
pub mod profile;
pub mod search;
pub mod site;
pub mod take_action;

use diesel::QueryableByName;
use diesel::sql_types::Text;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::query::Lang;

/// A JSON document our own SQL built, read as `T`: a document that does not read is a bug, so
/// a 500.
///
/// # Errors
/// 500 when `json` does not read as `T`.
pub fn read_json<T: DeserializeOwned>(json: &str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|error| AppError::Internal(error.into()))
}

/// A JSON document built by PostgreSQL, as text.
#[derive(Debug, QueryableByName)]
pub struct JsonText {
    #[diesel(sql_type = Text)]
    pub json: String,
}

impl JsonText {
    /// The document read as `T` (see [`read_json`]).
    ///
    /// # Errors
    /// 500 when it does not read as `T`.
    pub fn read<T: DeserializeOwned>(&self) -> AppResult<T> {
        read_json(&self.json)
    }
}

/// A slug a renamed entity answered to before; see `city_slug_redirects`.
#[derive(Debug, QueryableByName)]
pub struct Redirect {
    #[diesel(sql_type = Text)]
    pub slug: String,
}

/// What looking up one entity by slug gives.
#[derive(Debug)]
pub enum Lookup<T = String> {
    /// The document (a GeoJSON Feature).
    Found(T),
    /// The slug is an old one: the current slug.
    Moved(String),
    /// No published entity has this slug.
    Missing,
}

impl<T> Lookup<T> {
    /// The lookup with its document, if found, made by `f`.
    ///
    /// # Errors
    /// What `f` fails with.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Lookup<U>, E> {
        Ok(match self {
            Self::Found(found) => Lookup::Found(f(found)?),
            Self::Moved(to) => Lookup::Moved(to),
            Self::Missing => Lookup::Missing,
        })
    }
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
}
