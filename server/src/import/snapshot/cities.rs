//! Cities and their memberships in networks.

use crate::import::catalogue::known_slugs;
use crate::import::cities;
use crate::import::gazetteer::known_countries;
use crate::import::{Counts, Ctx};

use super::record::{Check, known, one_of, stage_file};

pub(super) async fn load_cities(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let countries = known_countries(ctx).await?;
    cities::stage_cities(ctx).await?;
    use Check::{Bool, Geom, Int, Json, Required, RequiredGeom, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_cities",
        &[
            ("slug", Slug),
            ("name", Required),
            ("official_name", Text),
            ("names", Json),
            ("country", Required),
            ("region_code", Text),
            ("district_code", Text),
            ("kind", Required),
            ("designation", Text),
            ("ags", Text),
            ("ars", Text),
            ("lau", Text),
            ("geonameid", Int),
            ("wikidata", Text),
            ("population", Int),
            ("website", Url),
            ("summary", Json),
            ("summary_sources", Text),
            ("takeaways", Json),
            ("published", Bool),
            ("boundary", Geom),
            ("geom", RequiredGeom),
        ],
        |record| {
            known(record, "country", &countries)?;
            one_of(
                record,
                "kind",
                &[
                    "municipality",
                    "district",
                    "municipal_association",
                    "state",
                    "borough",
                ],
            )
        },
    )
    .await?;
    cities::check_cities_in_country(ctx, "geom").await?;
    let written = cities::upsert_cities(ctx).await?;
    Ok(Counts::of(rows, written))
}

pub(super) async fn load_memberships(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    let networks = known_slugs(ctx, "networks").await?;
    cities::stage_memberships(ctx).await?;
    use Check::{Bool, Date, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_memberships",
        &[
            ("city", Slug),
            ("network", Slug),
            ("status", Required),
            ("role", Text),
            ("since", Date),
            ("until", Date),
            ("evidence_url", Url),
            ("verified_on", Date),
            ("note", Text),
            ("published", Bool),
        ],
        |record| {
            known(record, "city", &cities)?;
            known(record, "network", &networks)?;
            one_of(
                record,
                "status",
                &["declared", "member", "founding_member", "left"],
            )
        },
    )
    .await?;
    let written = cities::upsert_memberships(ctx).await?;
    Ok(Counts::of(rows, written))
}
