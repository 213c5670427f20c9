//! The closed lists of the data model: kinds, statuses and languages. Their names are the
//! values the schema's checks allow.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Invalid, Parse, string_schema, string_type};

/// Generates `as_str` and `ALL` for a unit enum whose serde names are `snake_case`.
macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name the API and the database use.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Parse for $ty {
            fn parse(value: &str) -> Result<Self, Invalid> {
                Self::ALL.iter().copied().find(|kind| kind.as_str() == value).ok_or_else(|| {
                    Invalid::new(format!(
                        "must be one of {}",
                        Self::ALL.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                })
            }
        }
    };
}
pub(crate) use names;

/// What a city is administratively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CityKind {
    #[default]
    Municipality,
    District,
    MunicipalAssociation,
    State,
    Borough,
}

names!(CityKind {
    Municipality => "municipality",
    District => "district",
    MunicipalAssociation => "municipal_association",
    State => "state",
    Borough => "borough",
});

/// Where a city stands in a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    Declared,
    Member,
    FoundingMember,
    Left,
}

names!(MembershipStatus {
    Declared => "declared",
    Member => "member",
    FoundingMember => "founding_member",
    Left => "left",
});

/// Whether a practice runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PracticeStatus {
    Planned,
    Active,
    Ended,
    #[default]
    Unknown,
}

names!(PracticeStatus {
    Planned => "planned",
    Active => "active",
    Ended => "ended",
    Unknown => "unknown",
});

/// What a cited source says about one of Seebrücke's demands (`demand_evidence.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemandStanding {
    /// Decided by the council.
    Decided,
    /// Decided and fulfilled in practice.
    Fulfilled,
    /// The council decided against it, or has not decided it.
    NotDecided,
}

names!(DemandStanding {
    Decided => "decided",
    Fulfilled => "fulfilled",
    NotDecided => "not_decided",
});

/// Where a submission is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Waiting for a moderator.
    #[default]
    Pending,
    /// Approved and published.
    Published,
    /// Rejected, with a reason.
    Rejected,
}

names!(SubmissionStatus {
    Pending => "pending",
    Published => "published",
    Rejected => "rejected",
});

/// Where a city editor's claim is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    #[default]
    Pending,
    Verified,
    Rejected,
    Withdrawn,
}

names!(ClaimStatus {
    Pending => "pending",
    Verified => "verified",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
});

/// A language Haven speaks: labels, pages and mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    De,
    #[default]
    En,
    Fr,
    Es,
}

names!(Lang {
    De => "de",
    En => "en",
    Fr => "fr",
    Es => "es",
});

impl Lang {
    /// The ISO 639-1 code.
    #[must_use]
    pub fn code(self) -> &'static str {
        self.as_str()
    }
}

/// The language of a text: any ISO 639-1 code (`nl`, `pl`), the schema's `lang` domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LangCode(String);

impl Parse for LangCode {
    fn parse(value: &str) -> Result<Self, Invalid> {
        if value.len() == 2 && value.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new("must be a two-letter language code"))
        }
    }
}

string_type!(LangCode, || string_schema(
    "ISO 639-1 language code, lower case"
)
.pattern(Some("^[a-z]{2}$")));

/// The key of one of Seebrücke's eight demands (`public_solidarity_declaration`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DemandKey(String);

impl Parse for DemandKey {
    fn parse(value: &str) -> Result<Self, Invalid> {
        if !value.is_empty()
            && value.len() <= 64
            && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new(
                "must be a demand key: lowercase letters and underscores",
            ))
        }
    }
}

string_type!(DemandKey, || string_schema(
    "The key of a Safe Harbour demand"
)
.pattern(Some("^[a-z_]+$"))
.max_length(Some(64)));
