//! A new city and changes to a city.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{Names, Texts, fields, missing, split};
use crate::domain::json::{self, JsonError};
use crate::domain::{self, CityKind, CountryCode, Latitude, Longitude, Text, WebUrl, WikidataId};
use crate::error::{AppResult, unprocessable};

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
