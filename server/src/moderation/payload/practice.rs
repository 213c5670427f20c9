//! A new practice and changes to a practice.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{LongTexts, Texts, Titles, fields, split};
use crate::domain::json::{self, JsonError};
use crate::domain::{
    self, Day, LangCode, Latitude, Longitude, Multiline, PolicyAreaSlug, PracticeStatus, Slug,
    Text, WebUrl, Year,
};
use crate::error::{AppResult, unprocessable};

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
