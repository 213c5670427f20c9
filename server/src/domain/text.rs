//! Bounded, clean text: every string a person sends is at most a field's length, not blank,
//! and free of NUL, control characters (line breaks and tabs only where a field is
//! [`Multiline`]) and the bidirectional overrides that make text read differently from how it
//! is stored (U+202A–U+202E, U+2066–U+2069). Text is otherwise kept exactly as given; it is
//! escaped where it is rendered.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::Invalid;

/// Whether `c` is a bidirectional embedding, override or isolate control.
#[must_use]
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks that `value` has no NUL, control or bidi-override characters; `multiline` allows
/// line breaks (`\n`, `\r`) and tabs.
///
/// # Errors
/// [`Invalid`] naming the kind of character found.
pub fn clean(value: &str, multiline: bool) -> Result<(), Invalid> {
    for c in value.chars() {
        if c == '\0' {
            return Err(Invalid::new("must not contain NUL characters"));
        }
        if c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')) {
            return Err(Invalid::new(if multiline {
                "must not contain control characters other than line breaks and tabs"
            } else {
                "must not contain line breaks or control characters"
            }));
        }
        if is_bidi_control(c) {
            return Err(Invalid::new(
                "must not contain bidirectional override characters",
            ));
        }
    }
    Ok(())
}

fn bounded(value: &str, max: usize, multiline: bool) -> Result<(), Invalid> {
    // Length first: a long value is refused without looking at every character.
    if value.len() > max * 4 || value.chars().count() > max {
        return Err(Invalid::new(format!("must be at most {max} characters")));
    }
    if value.trim().is_empty() {
        return Err(Invalid::new("must not be empty"));
    }
    clean(value, multiline)
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $ty:ident, $multiline:expr, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $ty<const MAX: usize>(String);

        impl<const MAX: usize> $ty<MAX> {
            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The owned text.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl<const MAX: usize> super::Parse for $ty<MAX> {
            fn parse(value: &str) -> Result<Self, Invalid> {
                bounded(value, MAX, $multiline).map(|()| Self(value.to_owned()))
            }
        }

        impl<const MAX: usize> std::ops::Deref for $ty<MAX> {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<const MAX: usize> AsRef<str> for $ty<MAX> {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<const MAX: usize> std::fmt::Display for $ty<MAX> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<const MAX: usize> serde::Serialize for $ty<MAX> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de, const MAX: usize> serde::Deserialize<'de> for $ty<MAX> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                <Self as super::Parse>::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl<const MAX: usize> utoipa::PartialSchema for $ty<MAX> {
            fn schema() -> RefOr<Schema> {
                RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(MAX))
                        .description(Some(if $multiline {
                            "Text (line breaks allowed); no other control or bidi-override characters"
                        } else {
                            "One line of text; no control or bidi-override characters"
                        }))
                        .build(),
                ))
            }
        }

        impl<const MAX: usize> utoipa::ToSchema for $ty<MAX> {
            fn name() -> Cow<'static, str> {
                Cow::Owned(format!(concat!($prefix, "{}"), MAX))
            }
        }
    };
}

bounded_text!(
    /// One line of text, 1 to `MAX` characters, not blank, no control or bidi-override
    /// characters.
    Text,
    false,
    "Text"
);

bounded_text!(
    /// Text of 1 to `MAX` characters that may hold line breaks and tabs, not blank, no
    /// other control or bidi-override characters.
    Multiline,
    true,
    "Multiline"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Parse;

    #[test]
    fn bounds_and_characters() {
        assert!(Text::<5>::parse("Köln").is_ok());
        assert!(Text::<5>::parse("Kölner").is_err());
        assert!(Text::<5>::parse("  ").is_err());
        assert!(Text::<5>::parse("a\0b").is_err());
        assert!(Text::<5>::parse("a\nb").is_err());
        assert!(Text::<5>::parse("a\u{202E}b").is_err());
        assert!(Text::<5>::parse("a\u{2067}b").is_err());
        assert!(Multiline::<5>::parse("a\nb\tc").is_ok());
        assert!(Multiline::<5>::parse("a\0b").is_err());
        assert!(Multiline::<5>::parse("a\u{7}b").is_err());
        assert!(Multiline::<5>::parse("a\u{2066}").is_err());
        assert!(Text::<254>::parse(&"a".repeat(8192)).is_err());
    }
}
