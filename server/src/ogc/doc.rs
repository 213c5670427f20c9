//! The documented bodies of the items of either collection: the very documents of
//! `/api/v1/cities` and `/api/v1/practices`, so each is any of the two (an empty page is both).

use std::borrow::Cow;

use utoipa::openapi::schema::{AnyOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// A page of features of `/ogc/collections/{collection}/items`: a page of cities or of
/// practices.
pub struct ItemsDoc;

/// One feature of `/ogc/collections/{collection}/items/{feature}`: a city or a practice.
pub struct ItemDoc;

/// Any of the schemas named `names`, described.
fn any_of(names: [&str; 2], description: &str) -> RefOr<Schema> {
    names
        .into_iter()
        .fold(AnyOfBuilder::new(), |any, name| {
            any.item(Ref::from_schema_name(name))
        })
        .description(Some(description))
        .into()
}

impl PartialSchema for ItemsDoc {
    fn schema() -> RefOr<Schema> {
        any_of(
            [
                "FeatureCollectionDoc_CityProperties",
                "FeatureCollectionDoc_PracticeProperties",
            ],
            "A page of cities (`cities`) or of practices (`practices`), as `/api/v1/cities` and \
             `/api/v1/practices` answer them.",
        )
    }
}

impl ToSchema for ItemsDoc {
    fn name() -> Cow<'static, str> {
        "OgcItems".into()
    }
}

impl PartialSchema for ItemDoc {
    fn schema() -> RefOr<Schema> {
        any_of(
            [
                "FeatureDoc_CityDetailProperties",
                "FeatureDoc_PracticeDetailProperties",
            ],
            "A city (`cities`) or a practice (`practices`), as `/api/v1/cities/{slug}` and \
             `/api/v1/practices/{slug}` answer them.",
        )
    }
}

impl ToSchema for ItemDoc {
    fn name() -> Cow<'static, str> {
        "OgcItem".into()
    }
}
