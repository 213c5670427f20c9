//! Slugs: lowercase ASCII letters and digits in words joined by
//! single hyphens, at most [`Slug::MAX`] characters: the rule of the schema's `slug` domain.
//! [`Slug::from_name`] makes one from a name: German letters transliterated (Köln → `koeln`,
//! Gießen → `giessen`), other accents dropped (Gdańsk → `gdansk`). Import and moderation
//! both make slugs here, so one rule holds everywhere.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{Invalid, Parse, string_schema, string_type};

/// A URL-safe identifier of a city, practice, network or policy area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// The longest slug (the schema's `slug` domain).
    pub const MAX: usize = 120;
    /// The rule as a regular expression, as the schema's `slug` domain states it.
    pub const PATTERN: &'static str = "^[a-z0-9]+(-[a-z0-9]+)*$";

    /// Whether `value` is a slug.
    #[must_use]
    pub fn is_valid(value: &str) -> bool {
        value.len() <= Self::MAX
            && !value.is_empty()
            && value.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }

    /// The slug of `name`, or `None` when `name` has no Latin letters or digits.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let slug = slugify(name);
        (!slug.is_empty()).then_some(Self(slug))
    }

    /// The slug of `name`, else the slug of `fallback` (a word such as `city`).
    #[must_use]
    pub fn from_name_or(name: &str, fallback: &str) -> Self {
        Self::from_name(name)
            .or_else(|| Self::from_name(fallback))
            .unwrap_or_else(|| Self("x".to_owned()))
    }

    /// `self` followed by `-suffix`, shortened at a word boundary so that the whole stays
    /// within [`Slug::MAX`].
    #[must_use]
    pub fn with_suffix(&self, suffix: &str) -> Self {
        let room = Self::MAX.saturating_sub(suffix.len() + 1);
        let mut base = &self.0[..self.0.len().min(room)];
        base = base.trim_end_matches('-');
        if base.is_empty() {
            return Self(suffix.chars().take(Self::MAX).collect());
        }
        Self(format!("{base}-{suffix}"))
    }
}

impl Parse for Slug {
    fn parse(value: &str) -> Result<Self, Invalid> {
        if Self::is_valid(value) {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "must be a slug: lowercase letters, digits and single hyphens, at most {} characters",
                Self::MAX
            )))
        }
    }
}

string_type!(Slug, || string_schema(
    "A slug: lowercase ASCII words joined by hyphens"
)
.pattern(Some(Slug::PATTERN))
.max_length(Some(Slug::MAX)));

/// The slug form of `name` (empty when `name` has no Latin letters or digits).
pub fn slugify(name: &str) -> String {
    let mut ascii = String::with_capacity(name.len());
    for character in name.chars() {
        match character {
            'ä' | 'Ä' => ascii.push_str("ae"),
            'ö' | 'Ö' => ascii.push_str("oe"),
            'ü' | 'Ü' => ascii.push_str("ue"),
            'ß' | 'ẞ' => ascii.push_str("ss"),
            'ł' | 'Ł' => ascii.push('l'),
            'ø' | 'Ø' => ascii.push('o'),
            'đ' | 'Đ' => ascii.push('d'),
            'æ' | 'Æ' => ascii.push_str("ae"),
            'œ' | 'Œ' => ascii.push_str("oe"),
            'þ' | 'Þ' => ascii.push_str("th"),
            'ı' => ascii.push('i'),
            other => ascii.extend(other.nfd().filter(|c| !is_combining_mark(*c))),
        }
    }
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for character in ascii.chars() {
        if character.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(character.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    slug.truncate(Slug::MAX);
    slug.trim_end_matches('-').to_owned()
}

/// The slug of a policy area (`housing`, `sea-rescue-safe-passage`); whether it exists is
/// the database's to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyAreaSlug(String);

impl Parse for PolicyAreaSlug {
    fn parse(value: &str) -> Result<Self, Invalid> {
        Slug::parse(value).map(|slug| Self(slug.0))
    }
}

string_type!(PolicyAreaSlug, || string_schema(
    "A policy area's slug (GET /api/v1/policy-areas lists them)"
)
.pattern(Some(Slug::PATTERN))
.max_length(Some(Slug::MAX)));

/// The network of Seebrücke's Safe Harbour campaign: a membership of it is the city's Safe
/// Harbour declaration.
pub const SAFE_HARBOUR_CAMPAIGN: &str = "seebruecke-safe-harbour";
/// The network of the alliance "Bündnis Städte Sicherer Häfen" (`alliance_member`).
pub const ALLIANCE: &str = "buendnis-staedte-sicherer-haefen";

/// The slug of a network (`seebruecke-safe-harbour`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NetworkSlug(String);

impl Parse for NetworkSlug {
    fn parse(value: &str) -> Result<Self, Invalid> {
        Slug::parse(value).map(|slug| Self(slug.0))
    }
}

string_type!(NetworkSlug, || string_schema(
    "A network's slug (GET /api/v1/networks lists them)"
)
.pattern(Some(Slug::PATTERN))
.max_length(Some(Slug::MAX)));

/// The reference of a submission as a person types it (`AB12-CD34`, any case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference(String);

impl Reference {
    /// The longest reference accepted.
    pub const MAX: usize = 32;
}

impl Parse for Reference {
    fn parse(value: &str) -> Result<Self, Invalid> {
        if !value.is_empty()
            && value.len() <= Self::MAX
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            Ok(Self(value.to_ascii_uppercase()))
        } else {
            Err(Invalid::new(
                "must be a submission reference such as AB12-CD34",
            ))
        }
    }
}

string_type!(Reference, || string_schema(
    "A submission's reference, e.g. AB12-CD34"
)
.pattern(Some("^[A-Za-z0-9-]+$"))
.max_length(Some(Reference::MAX)));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_german_and_drops_other_accents() {
        let slug = |name| Slug::from_name(name).map(Slug::into_string);
        assert_eq!(slug("Köln").as_deref(), Some("koeln"));
        assert_eq!(slug("Düsseldorf").as_deref(), Some("duesseldorf"));
        assert_eq!(slug("Gießen").as_deref(), Some("giessen"));
        assert_eq!(slug("Gdańsk").as_deref(), Some("gdansk"));
        assert_eq!(slug("Liège").as_deref(), Some("liege"));
        assert_eq!(slug("Łódź").as_deref(), Some("lodz"));
        assert_eq!(
            slug("Landkreis Göttingen").as_deref(),
            Some("landkreis-goettingen")
        );
        assert_eq!(
            slug("Neustadt an der Weinstraße").as_deref(),
            Some("neustadt-an-der-weinstrasse")
        );
        assert_eq!(
            slug("  Frankfurt (Oder) ").as_deref(),
            Some("frankfurt-oder")
        );
        assert_eq!(slug("東京"), None);
        let long = Slug::from_name(&"wort ".repeat(60)).unwrap();
        assert!(long.len() <= Slug::MAX && Slug::is_valid(&long));
        assert!(Slug::is_valid(&long.with_suffix("2")));
    }

    #[test]
    fn the_rule() {
        assert!(Slug::is_valid("sea-rescue-safe-passage"));
        assert!(!Slug::is_valid("Sea"));
        assert!(!Slug::is_valid("a--b"));
        assert!(!Slug::is_valid("-a"));
        assert!(!Slug::is_valid(""));
        assert!(!Slug::is_valid(&"a".repeat(121)));
        assert!(Reference::parse("ab12-cd34").is_ok());
        assert!(Reference::parse("a\0b").is_err());
    }
}
