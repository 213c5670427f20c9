//! What a proposal or an editor's write carries, as types: a new city, a practice, a
//! membership, a demand status, and the patches that change a city or a practice. Each field
//! is a domain value, so a payload that deserialises is one the schema accepts. A patch field
//! that may be cleared is an `Option<Option<T>>`: absent, `null` (clear it) or a value.
//!
//! Payloads are stored and recorded as the JSON they serialise to: only the fields given,
//! so a diff shows exactly what was proposed.

mod city;
mod practice;
mod standing;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub use city::{CityPatch, CityPlace, NewCity, NewCityDoc};
pub use practice::{NewPractice, NewPracticeDoc, PracticeCity, PracticePatch, Source};
pub use standing::{DemandState, MembershipState};

use crate::domain::json::{Fault, JsonError};
use crate::domain::{LangCode, Multiline, Text};

/// Texts by language (`{"de": "…", "en": "…"}`), each a `$text`.
macro_rules! lang_texts {
    ($(#[$doc:meta])* $name:ident($text:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub BTreeMap<LangCode, $text>);

        impl std::ops::Deref for $name {
            type Target = BTreeMap<LangCode, $text>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .description(Some("Texts by ISO 639-1 language code"))
                    .property_names(Some(<LangCode as utoipa::PartialSchema>::schema()))
                    .additional_properties(Some(<$text as utoipa::PartialSchema>::schema()))
                    .into()
            }
        }

        impl ToSchema for $name {}
    };
}

lang_texts!(
    /// Names by language, each one line of at most 200 characters.
    Names(Text<200>)
);
lang_texts!(
    /// Titles by language, each one line of at most 300 characters.
    Titles(Text<300>)
);
lang_texts!(
    /// Texts by language, each at most 5,000 characters.
    Texts(Multiline<5000>)
);
lang_texts!(
    /// Long texts by language, each at most 50,000 characters.
    LongTexts(Multiline<50000>)
);

/// Splits a JSON object into the entries under `keys` and the rest.
pub(crate) fn split(payload: Value, keys: &[&str]) -> Result<(Value, Value), JsonError> {
    let Value::Object(mut rest) = payload else {
        return Err(JsonError {
            fault: Fault::Value,
            field: None,
            detail: "must be an object".to_owned(),
        });
    };
    let picked: Map<String, Value> = keys
        .iter()
        .filter_map(|key| rest.remove(*key).map(|value| ((*key).to_owned(), value)))
        .collect();
    Ok((Value::Object(picked), Value::Object(rest)))
}

pub(crate) fn missing(field: &str) -> JsonError {
    JsonError {
        fault: Fault::Value,
        field: Some(field.to_owned()),
        detail: "is required".to_owned(),
    }
}

/// The JSON object a payload serialises to (only the fields it gives).
#[must_use]
pub fn fields<T: Serialize>(payload: &T) -> Map<String, Value> {
    match serde_json::to_value(payload) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}
