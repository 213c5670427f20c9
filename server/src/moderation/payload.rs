//! What a proposal or an editor's write carries, as types: a new city, a practice, a
//! membership, a demand status, and the patches that change a city or a practice. Each field
//! is a domain value, so a payload that deserialises is one the schema accepts. A patch field
//! that may be cleared is an `Option<Option<T>>`: absent, `null` (clear it) or a value.
//!
//! Payloads are stored and recorded as the JSON they serialise to: only the fields given,
//! so a diff shows exactly what was proposed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::domain::json::{self, Fault, JsonError};
use crate::domain::{
    self, CityKind, CountryCode, Day, DemandKey, LangCode, Latitude, Longitude, MembershipStatus,
    Multiline, NetworkSlug, PartialDate, PolicyAreaSlug, PracticeStatus, Slug, Text, WebUrl,
    WikidataId, Year,
};
use crate::error::{AppResult, unprocessable};

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

/// Where a new city is: a gazetteer place, or a country (with `lon` and `lat`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityPlace {
    /// A gazetteer place (`GET /api/v1/places`) that is not listed yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
}

/// A city to add: `name` and either a gazetteer `place_id` or `country`, `lon` and `lat`,
/// plus any field of a [`CityPatch`].
#[derive(Debug, Clone)]
pub struct NewCity {
    pub place: CityPlace,
    pub city: CityPatch,
}

/// [`NewCity`] as the OpenAPI document shows it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewCityDoc {
    name: Text<200>,
    #[serde(flatten)]
    place: CityPlace,
    #[serde(flatten)]
    city: CityPatch,
}

impl NewCity {
    /// Reads a new city from JSON: the place's keys, the rest a [`CityPatch`] with a `name`.
    ///
    /// # Errors
    /// The field at fault.
    pub fn read(payload: Value) -> Result<Self, JsonError> {
        let (place, rest) = split(payload, &["place_id", "country"])?;
        let new = Self {
            place: json::from_value(place)?,
            city: json::from_value(rest)?,
        };
        if new.city.name.is_none() {
            return Err(missing("name"));
        }
        Ok(new)
    }

    /// The JSON it is stored as.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut map = fields(&self.city);
        map.extend(fields(&self.place));
        Value::Object(map)
    }
}

/// Changes to a city: only the fields given change; `null` clears a field that may be empty.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CityPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text<200>>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Text<300>>)]
    pub official_name: Option<Option<Text<300>>>,
    /// The name in other languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Names>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CityKind>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<u64>)]
    pub population: Option<Option<u64>>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<WebUrl>)]
    pub website: Option<Option<WebUrl>>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<WikidataId>)]
    pub wikidata: Option<Option<WikidataId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Texts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub takeaways: Option<Texts>,
    /// Given together with `lat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<Longitude>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<Latitude>,
}

impl CityPatch {
    /// Checks what types cannot say: `lon` and `lat` go together.
    ///
    /// # Errors
    /// 422 naming `prefix` + the field.
    pub fn check(&self, prefix: &str) -> AppResult<()> {
        if self.lon.is_some() != self.lat.is_some() {
            return Err(unprocessable(
                format!("{prefix}lat"),
                "lon and lat go together",
            ));
        }
        Ok(())
    }
}

/// A source of a practice.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: WebUrl,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text<300>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessed_on: Option<Day>,
}

/// Changes to a practice, or (with `original_lang` and `title`) a new one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticePatch {
    /// The language the practice was written in; `title` must have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_lang: Option<LangCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Titles>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Texts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<LongTexts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferability: Option<Texts>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Text<300>>)]
    pub organisation: Option<Option<Text<300>>>,
    /// A public contact (office, address, phone).
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Multiline<300>>)]
    pub contact: Option<Option<Multiline<300>>>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Year>)]
    pub started: Option<Option<Year>>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Year>)]
    pub ended: Option<Option<Year>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PracticeStatus>,
    /// At most 12 policy areas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_areas: Option<Vec<PolicyAreaSlug>>,
    /// 1 to 20 sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<Source>>,
    /// Where the practice is, when not at its city (given together with `lat`).
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Longitude>)]
    pub lon: Option<Option<Longitude>>,
    #[serde(
        default,
        deserialize_with = "domain::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Latitude>)]
    pub lat: Option<Option<Latitude>>,
}

impl PracticePatch {
    /// Checks what types cannot say: a title in some language, at most 12 areas, 1 to 20
    /// sources; for a new practice (`creating`) `original_lang` and a title in it.
    ///
    /// # Errors
    /// 422 naming `prefix` + the field.
    pub fn check(&self, prefix: &str, creating: bool) -> AppResult<()> {
        let at = |field: &str| format!("{prefix}{field}");
        if self.title.as_ref().is_some_and(|title| title.is_empty()) {
            return Err(unprocessable(
                at("title"),
                "needs a title in at least one language",
            ));
        }
        if self
            .policy_areas
            .as_ref()
            .is_some_and(|areas| areas.len() > 12)
        {
            return Err(unprocessable(
                at("policy_areas"),
                "must be a list of policy-area slugs",
            ));
        }
        if self
            .sources
            .as_ref()
            .is_some_and(|sources| sources.is_empty() || sources.len() > 20)
        {
            return Err(unprocessable(at("sources"), "must list 1 to 20 sources"));
        }
        if creating {
            let Some(lang) = &self.original_lang else {
                return Err(unprocessable(at("original_lang"), "is required"));
            };
            if self
                .title
                .as_ref()
                .is_none_or(|title| !title.contains_key(lang))
            {
                return Err(unprocessable(
                    at("title"),
                    "needs a title in the original language",
                ));
            }
        }
        Ok(())
    }
}

/// A practice proposed for a listed city: its `city` and a new [`PracticePatch`].
#[derive(Debug, Clone)]
pub struct NewPractice {
    pub city: Slug,
    pub practice: PracticePatch,
}

/// The city a proposed practice is for.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeCity {
    /// The city's slug.
    pub city: Slug,
}

/// [`NewPractice`] as the OpenAPI document shows it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewPracticeDoc {
    #[serde(flatten)]
    city: PracticeCity,
    #[serde(flatten)]
    practice: PracticePatch,
}

impl NewPractice {
    /// Reads a proposed practice: `city`, the rest a [`PracticePatch`].
    ///
    /// # Errors
    /// The field at fault.
    pub fn read(payload: Value) -> Result<Self, JsonError> {
        let (city, rest) = split(payload, &["city"])?;
        let city: PracticeCity = json::from_value(city)?;
        Ok(Self {
            city: city.city,
            practice: json::from_value(rest)?,
        })
    }

    /// The JSON it is stored as.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut map = fields(&self.practice);
        map.insert("city".to_owned(), Value::String(self.city.to_string()));
        Value::Object(map)
    }
}

/// Splits a JSON object into the entries under `keys` and the rest.
fn split(payload: Value, keys: &[&str]) -> Result<(Value, Value), JsonError> {
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

fn missing(field: &str) -> JsonError {
    JsonError {
        fault: Fault::Value,
        field: Some(field.to_owned()),
        detail: "is required".to_owned(),
    }
}

/// A city's membership of a network, as a whole: it replaces the published one.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipState {
    pub city: Slug,
    pub network: NetworkSlug,
    pub status: MembershipStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Text<200>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<PartialDate>,
    /// Required (or a `note`) when the status is `left`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_url: Option<WebUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Multiline<2000>>,
}

impl MembershipState {
    /// A membership that was left says when or why.
    ///
    /// # Errors
    /// 422 naming `prefix` + `until`.
    pub fn check(&self, prefix: &str) -> AppResult<()> {
        if self.status == MembershipStatus::Left && self.until.is_none() && self.note.is_none() {
            return Err(unprocessable(
                format!("{prefix}until"),
                "a membership that was left needs `until` or a `note`",
            ));
        }
        Ok(())
    }
}

/// A city's status on one of Seebrücke's demands.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandState {
    pub city: Slug,
    pub demand: DemandKey,
    /// Decided by the council: true, false or null (unknown).
    #[serde(default)]
    pub decided: Option<bool>,
    /// Fulfilled: true, false or null (unknown).
    #[serde(default)]
    pub fulfilled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_url: Option<WebUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Multiline<2000>>,
}

/// The JSON object a payload serialises to (only the fields it gives).
#[must_use]
pub fn fields<T: Serialize>(payload: &T) -> Map<String, Value> {
    match serde_json::to_value(payload) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}
