//! The documented schema of a proposal: one alternative per kind.

use utoipa::ToSchema;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::{Ref, RefOr};

use super::{ProposalBody, ProposalKind, TargetKind};
use crate::domain::{Slug, WebUrl};
use crate::moderation::payload::{
    CityPatch, DemandState, MembershipState, NewCityDoc, NewPracticeDoc, PracticePatch,
};

/// The documented body of `POST /api/v1/submissions`, named `ProposalBody` in the OpenAPI
/// document: one alternative per kind (a correction's per its target's type), each stating
/// its `kind`, its `target` and its payload's schema, and sharing [`ProposalBody`]'s other
/// fields. The server reads the payload by `kind` the same way ([`super::Proposal::read`]).
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
