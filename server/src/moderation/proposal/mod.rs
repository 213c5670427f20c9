//! Proposals: what anyone may ask moderators to publish. The `kind` of a proposal decides
//! the type of its `payload`, and [`Proposal`] has one variant per kind, so the compiler
//! (not a catch-all) says what a new kind needs. The same reading serves a proposal as it
//! arrives and as it is stored, so approval publishes exactly what was checked.

mod doc;

use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::json::{self, JsonError};
use crate::domain::kinds::names;
use crate::domain::{self, Email, Multiline};
use crate::domain::{Invalid, Parse, Slug, WebUrl};
use crate::error::{AppError, AppResult, unprocessable};
use crate::moderation::known::{Known, check_practice, exists};
use crate::moderation::payload::{
    CityPatch, DemandState, MembershipState, NewCity, NewPractice, PracticePatch, fields,
};
pub use doc::ProposalDoc;

/// What can be proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// A city to add.
    City,
    /// A city's membership of a network.
    Membership,
    /// A city's status on a Safe Harbour demand.
    Demand,
    /// A practice of a listed city.
    Practice,
    /// Changes to a listed city or practice (`target`).
    Correction,
}

/// What a correction corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    City,
    Practice,
}

names!(ProposalKind {
    City => "city",
    Membership => "membership",
    Demand => "demand",
    Practice => "practice",
    Correction => "correction",
});

names!(TargetKind {
    City => "city",
    Practice => "practice",
});

/// The entity a correction is about.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(rename = "type")]
    pub kind: TargetKind,
    pub slug: Slug,
}

/// A proposal as it arrives. Its documented schema is [`ProposalDoc`]: one alternative per
/// kind, each naming its payload's type.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = ProposalFields)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    pub kind: ProposalKind,
    /// What a `correction` corrects.
    #[serde(default)]
    pub target: Option<Target>,
    /// A new city, practice, membership or demand status, or the changed fields of the
    /// target; errors name its fields as `payload.<field>`.
    pub payload: Value,
    /// 1 to 10 http(s) URLs backing the proposal.
    #[serde(default)]
    pub source_urls: Vec<WebUrl>,
    /// Where to tell the submitter (a signed-in submitter's address otherwise).
    #[serde(default, deserialize_with = "domain::blank_as_none")]
    pub email: Option<Email>,
    /// A note to the moderators.
    #[serde(default, deserialize_with = "domain::blank_as_none")]
    pub message: Option<Multiline<5000>>,
    /// The honeypot: invisible in the form, so only robots fill it in.
    #[serde(default)]
    pub website: Option<String>,
}

impl ProposalBody {
    /// Whether a robot filled in the honeypot.
    #[must_use]
    pub fn is_spam(&self) -> bool {
        self.website
            .as_deref()
            .is_some_and(|value| !value.is_empty())
    }
}

/// A change to a listed city or practice.
#[derive(Debug, Clone)]
pub enum Patch {
    City(CityPatch),
    Practice(PracticePatch),
}

/// A proposal, typed by its kind.
#[derive(Debug, Clone)]
pub enum Proposal {
    City(NewCity),
    Practice(NewPractice),
    Membership(MembershipState),
    Demand(DemandState),
    /// Changes to the city or practice with id `target`.
    Correction {
        target: i64,
        patch: Patch,
    },
}

impl Proposal {
    /// Reads the payload of a proposal of `kind` (a correction needs its `target`: kind and
    /// id).
    ///
    /// # Errors
    /// 422 naming `payload` or `payload.<field>`; 422 naming `target` for a correction
    /// without one.
    pub fn read(
        kind: ProposalKind,
        target: Option<(TargetKind, i64)>,
        payload: Value,
    ) -> AppResult<Self> {
        let in_payload = |error: JsonError| AppError::Unprocessable {
            field: Some(match error.field {
                Some(field) => format!("payload.{field}"),
                None => "payload".to_owned(),
            }),
            detail: error.detail,
        };
        Ok(match kind {
            ProposalKind::City => Self::City(NewCity::read(payload).map_err(in_payload)?),
            ProposalKind::Practice => {
                Self::Practice(NewPractice::read(payload).map_err(in_payload)?)
            }
            ProposalKind::Membership => {
                Self::Membership(json::from_value(payload).map_err(in_payload)?)
            }
            ProposalKind::Demand => Self::Demand(json::from_value(payload).map_err(in_payload)?),
            ProposalKind::Correction => {
                let (kind, target) = target.ok_or_else(|| {
                    unprocessable("target", "a correction needs a target {type, slug}")
                })?;
                let patch = match kind {
                    TargetKind::City => Patch::City(json::from_value(payload).map_err(in_payload)?),
                    TargetKind::Practice => {
                        Patch::Practice(json::from_value(payload).map_err(in_payload)?)
                    }
                };
                Self::Correction { target, patch }
            }
        })
    }

    /// Its kind.
    #[must_use]
    pub fn kind(&self) -> ProposalKind {
        match self {
            Self::City(_) => ProposalKind::City,
            Self::Practice(_) => ProposalKind::Practice,
            Self::Membership(_) => ProposalKind::Membership,
            Self::Demand(_) => ProposalKind::Demand,
            Self::Correction { .. } => ProposalKind::Correction,
        }
    }

    /// A correction's target: its kind and id.
    #[must_use]
    pub fn target(&self) -> Option<(TargetKind, i64)> {
        match self {
            Self::Correction {
                target,
                patch: Patch::City(_),
            } => Some((TargetKind::City, *target)),
            Self::Correction {
                target,
                patch: Patch::Practice(_),
            } => Some((TargetKind::Practice, *target)),
            _ => None,
        }
    }

    /// The JSON the payload is stored as.
    #[must_use]
    pub fn payload(&self) -> Value {
        match self {
            Self::City(city) => city.to_value(),
            Self::Practice(practice) => practice.to_value(),
            Self::Membership(state) => Value::Object(fields(state)),
            Self::Demand(state) => Value::Object(fields(state)),
            Self::Correction {
                patch: Patch::City(patch),
                ..
            } => Value::Object(fields(patch)),
            Self::Correction {
                patch: Patch::Practice(patch),
                ..
            } => Value::Object(fields(patch)),
        }
    }

    /// Checks what the types cannot: rules across fields, and that every city, network,
    /// country, demand and policy area named exists.
    ///
    /// # Errors
    /// 422 (409 for a place listed already) naming `payload.<field>`.
    pub async fn check(&self, conn: &mut AsyncPgConnection) -> AppResult<()> {
        match self {
            Self::City(new) => {
                new.city.check("payload.")?;
                match new.place.place_id {
                    Some(place) => {
                        crate::moderation::city::check_place(conn, place, "payload.place_id").await
                    }
                    None if new.city.lon.is_none() => Err(unprocessable(
                        "payload.lon",
                        "give a place_id from the gazetteer, or country, lon and lat",
                    )),
                    None => {
                        let country = new
                            .place
                            .country
                            .as_ref()
                            .ok_or_else(|| unprocessable("payload.country", "is required"))?;
                        exists(conn, Known::Country(country), "payload.country").await
                    }
                }
            }
            Self::Practice(new) => {
                exists(conn, Known::City(&new.city), "payload.city").await?;
                new.practice.check("payload.", true)?;
                check_practice(conn, &new.practice, "payload.").await
            }
            Self::Membership(state) => {
                state.check("payload.")?;
                exists(conn, Known::City(&state.city), "payload.city").await?;
                exists(conn, Known::Network(&state.network), "payload.network").await
            }
            Self::Demand(state) => {
                exists(conn, Known::City(&state.city), "payload.city").await?;
                exists(conn, Known::Demand(&state.demand), "payload.demand").await
            }
            Self::Correction { patch, .. } => {
                if self
                    .payload()
                    .as_object()
                    .is_none_or(serde_json::Map::is_empty)
                {
                    return Err(unprocessable("payload", "must not be empty"));
                }
                match patch {
                    Patch::City(patch) => patch.check("payload."),
                    Patch::Practice(patch) => {
                        patch.check("payload.", false)?;
                        check_practice(conn, patch, "payload.").await
                    }
                }
            }
        }
    }
}
