//! Domain values that can only hold valid data ("parse, don't validate").
//!
//! Each type checks its rule once, when it is built: from a request body or query through
//! serde, from a path segment, or from a cell of an imported file. Code past that edge takes
//! the type and never checks again. The rules are the same ones the schema's domains and
//! checks enforce (`slug`, `web_url`, `partial_date`, `lang`), so a value that passes here is
//! one the database accepts; the test `domain_rules_match_the_schema` holds them together.
//!
//! Errors carry a message for a person ([`Invalid`]); whoever parses names the field.

pub mod contact;
pub mod date;
pub mod json;
pub mod kinds;
pub mod place;
pub mod slug;
pub mod text;

pub use contact::{Email, WebUrl};
pub use date::{Day, PartialDate};
pub use kinds::{
    CityKind, ClaimStatus, DemandKey, DemandStanding, Lang, LangCode, MembershipStatus,
    PracticeStatus, SubmissionStatus,
};
pub use place::{CountryCode, Latitude, Longitude, WikidataId, Year};
pub use slug::{NetworkSlug, PolicyAreaSlug, Reference, Slug};
pub use text::{Multiline, Text, clean};

/// Why a value is not valid, in words for a person (`must be an http(s) URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

impl Invalid {
    /// An error with `detail`.
    #[must_use]
    pub fn new(detail: impl Into<String>) -> Self {
        Self(detail.into())
    }
}

/// A value built from text by checking a rule.
pub trait Parse: Sized {
    /// Checks `value` and builds the type.
    ///
    /// # Errors
    /// [`Invalid`] saying what the rule is.
    fn parse(value: &str) -> Result<Self, Invalid>;
}

/// Implements serde, `Display`, `AsRef<str>` and the OpenAPI schema for a string newtype
/// `$ty(String)` that implements [`Parse`]; `$schema` is a function building its schema.
macro_rules! string_type {
    ($ty:ident, $schema:expr) => {
        impl $ty {
            /// The value as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as owned text.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::domain::Invalid;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                <Self as $crate::domain::Parse>::parse(value)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw =
                    <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                <Self as $crate::domain::Parse>::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let build: fn() -> utoipa::openapi::schema::ObjectBuilder = $schema;
                utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(build().build()))
            }
        }

        impl utoipa::ToSchema for $ty {}
    };
}
pub(crate) use string_type;

/// A string schema with a description, for the string types' OpenAPI schemas.
#[must_use]
pub fn string_schema(description: &str) -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some(description))
}

/// Deserialises an optional value where `""` (and `null`) mean "not given", as forms send
/// them: `#[serde(default, deserialize_with = "domain::blank_as_none")]`.
///
/// # Errors
/// The value's own error when it is given but invalid.
pub fn blank_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Parse,
{
    let raw =
        <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(deserializer)?;
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(value) => T::parse(value).map(Some).map_err(serde::de::Error::custom),
    }
}

/// Deserialises a field that may be absent, `null` or a value: `None` when absent,
/// `Some(None)` for `null` (set to nothing), `Some(Some(v))` for a value. Use with
/// `#[serde(default, deserialize_with = "domain::nullable")]` on `Option<Option<T>>`.
///
/// # Errors
/// The value's own error.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
