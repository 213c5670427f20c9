//! Proposals: what anyone may ask moderators to publish. The `kind` of a proposal decides
//! the type of its `payload`, and [`Proposal`] has one variant per kind, so the compiler
//! (not a catch-all) says what a new kind needs. The same reading serves a proposal as it
//! arrives and as it is stored, so approval publishes exactly what was checked.

use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::{Ref, RefOr};

use crate::domain::json::{self, JsonError};
use crate::domain::{self, Email, Multiline};
use crate::domain::{Invalid, Parse, Slug, WebUrl};
use crate::error::{AppError, AppResult, unprocessable};
use crate::moderation::known::{Known, check_practice, exists};
use crate::moderation::payload::{
    CityPatch, DemandState, MembershipState, NewCity, NewCityDoc, NewPractice, NewPracticeDoc,
    PracticePatch, fields,
};

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

macro_rules! text_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The name the API and the database use.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }
        }

        impl Parse for $ty {
            fn parse(value: &str) -> Result<Self, Invalid> {
                match value {
                    $($name => Ok(Self::$variant),)+
                    _ => Err(Invalid::new(concat!("must be one of", $(" ", $name),+))),
                }
            }
        }
    };
}

text_names!(ProposalKind {
    City => "city",
    Membership => "membership",
    Demand => "demand",
    Practice => "practice",
    Correction => "correction",
});

text_names!(TargetKind {
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

/// The documented body of `POST /api/v1/submissions`, named `ProposalBody` in the OpenAPI
/// document: one alternative per kind (a correction's per its target's type), each stating
/// its `kind`, its `target` and its payload's schema, and sharing [`ProposalBody`]'s other
/// fields. The server reads the payload by `kind` the same way ([`Proposal::read`]).
pub struct ProposalDoc;

/// Each alternative: its title, `kind`, target type (corrections only) and payload schema.
fn proposal_alternatives() -> [(
    &'static str,
    ProposalKind,
    Option<TargetKind>,
    RefOr<Schema>,
); 6] {
    [
        (
            "A city to add",
            ProposalKind::City,
            None,
            named_ref::<NewCityDoc>(),
        ),
        (
            "A practice to add",
            ProposalKind::Practice,
            None,
            named_ref::<NewPracticeDoc>(),
        ),
        (
            "A network membership",
            ProposalKind::Membership,
            None,
            named_ref::<MembershipState>(),
        ),
        (
            "A demand's status",
            ProposalKind::Demand,
            None,
            named_ref::<DemandState>(),
        ),
        (
            "A correction of a city",
            ProposalKind::Correction,
            Some(TargetKind::City),
            named_ref::<CityPatch>(),
        ),
        (
            "A correction of a practice",
            ProposalKind::Correction,
            Some(TargetKind::Practice),
            named_ref::<PracticePatch>(),
        ),
    ]
}

impl utoipa::PartialSchema for ProposalDoc {
    fn schema() -> RefOr<Schema> {
        let RefOr::T(Schema::Object(fields)) = <ProposalBody as utoipa::PartialSchema>::schema()
        else {
            return <ProposalBody as utoipa::PartialSchema>::schema();
        };
        let alternatives = proposal_alternatives().map(|(title, kind, target, payload)| {
            let mut object = fields.clone();
            object.title = Some(title.to_owned());
            object.description = None;
            object
                .properties
                .insert("kind".to_owned(), one_value(kind.as_str()).into());
            object.properties.insert("payload".to_owned(), payload);
            object.properties.insert(
                "source_urls".to_owned(),
                ArrayBuilder::new()
                    .description(Some("1 to 10 http(s) URLs backing the proposal."))
                    .items(named_ref::<WebUrl>())
                    .min_items(Some(1))
                    .max_items(Some(10))
                    .into(),
            );
            object.required = vec![
                "kind".to_owned(),
                "payload".to_owned(),
                "source_urls".to_owned(),
            ];
            match target {
                Some(target) => {
                    object.properties.insert(
                        "target".to_owned(),
                        ObjectBuilder::new()
                            .description(Some("What the correction corrects."))
                            .property("type", one_value(target.as_str()))
                            .required("type")
                            .property("slug", named_ref::<Slug>())
                            .required("slug")
                            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
                            .into(),
                    );
                    object.required.push("target".to_owned());
                }
                None => {
                    object.properties.insert(
                        "target".to_owned(),
                        ObjectBuilder::new()
                            .schema_type(Type::Null)
                            .description(Some("Only corrections have a target."))
                            .into(),
                    );
                }
            }
            Schema::Object(object)
        });
        alternatives
            .into_iter()
            .fold(
                OneOfBuilder::new().description(Some(
                    "A proposal: its `kind` (and a correction's `target.type`) decides its payload's type.",
                )),
                OneOfBuilder::item,
            )
            .into()
    }
}

impl ToSchema for ProposalDoc {
    fn name() -> std::borrow::Cow<'static, str> {
        "ProposalBody".into()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        fn add<T: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((T::name().into_owned(), T::schema()));
            T::schemas(schemas);
        }
        <ProposalBody as ToSchema>::schemas(schemas);
        add::<NewCityDoc>(schemas);
        add::<NewPracticeDoc>(schemas);
        add::<MembershipState>(schemas);
        add::<DemandState>(schemas);
        add::<CityPatch>(schemas);
        add::<PracticePatch>(schemas);
        add::<Slug>(schemas);
        add::<WebUrl>(schemas);
    }
}

fn named_ref<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

/// A string schema allowing exactly `value`.
fn one_value(value: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([value]))
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
