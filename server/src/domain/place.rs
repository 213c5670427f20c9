//! Where things are: countries, coordinates, Wikidata items, years.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::{Invalid, Parse, string_schema, string_type};

/// An ISO 3166-1 alpha-2 country code, upper case (`de` is read as `DE`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl Parse for CountryCode {
    fn parse(value: &str) -> Result<Self, Invalid> {
        if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(value.to_ascii_uppercase()))
        } else {
            Err(Invalid::new(
                "must be an ISO 3166-1 alpha-2 country code such as DE",
            ))
        }
    }
}

string_type!(CountryCode, || string_schema(
    "ISO 3166-1 alpha-2 country code"
)
.pattern(Some("^[A-Za-z]{2}$"))
.min_length(Some(2))
.max_length(Some(2)));

/// A Wikidata item id such as `Q365`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WikidataId(String);

impl Parse for WikidataId {
    fn parse(value: &str) -> Result<Self, Invalid> {
        let ok = value.len() > 1
            && value.len() <= 20
            && value.starts_with('Q')
            && value[1..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new("must be a Wikidata id like Q365"))
        }
    }
}

string_type!(WikidataId, || string_schema("A Wikidata item id")
    .pattern(Some("^Q[0-9]+$"))
    .max_length(Some(20)));

/// A number within a closed range, checked when it is read.
macro_rules! bounded_number {
    ($(#[$doc:meta])* $ty:ident($inner:ty), $min:expr, $max:expr, $detail:expr, $schema_type:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
        pub struct $ty($inner);

        impl $ty {
            /// The smallest value.
            pub const MIN: $inner = $min;
            /// The largest value.
            pub const MAX: $inner = $max;

            /// Checks `value`.
            ///
            /// # Errors
            /// [`Invalid`] outside the range.
            pub fn new(value: $inner) -> Result<Self, Invalid> {
                if (Self::MIN..=Self::MAX).contains(&value) {
                    Ok(Self(value))
                } else {
                    Err(Invalid::new($detail))
                }
            }

            /// The number.
            #[must_use]
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <$inner as serde::Deserialize>::deserialize(deserializer)
                    .map_err(|_| serde::de::Error::custom($detail))?;
                Self::new(value).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type($schema_type)
                        .minimum(Some(f64::from(Self::MIN)))
                        .maximum(Some(f64::from(Self::MAX)))
                        .build(),
                ))
            }
        }

        impl utoipa::ToSchema for $ty {}
    };
}

bounded_number!(
    /// Degrees east, -180 to 180 (WGS 84).
    Longitude(f64),
    -180.0,
    180.0,
    "must be a number between -180 and 180",
    Type::Number
);

bounded_number!(
    /// Degrees north, -90 to 90 (WGS 84).
    Latitude(f64),
    -90.0,
    90.0,
    "must be a number between -90 and 90",
    Type::Number
);

bounded_number!(
    /// A year a practice started or ended.
    Year(i16),
    1800,
    2200,
    "must be a year between 1800 and 2200",
    Type::Integer
);
