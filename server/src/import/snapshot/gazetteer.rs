//! Countries and regions.

use crate::import::gazetteer::{self, known_countries};
use crate::import::{Counts, Ctx};

use super::record::{Check, known, stage_file};

pub(super) async fn load_countries(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    gazetteer::countries::stage_countries(ctx).await?;
    use Check::{Geom, Int, Json, Required, Text};
    let rows = stage_file(
        ctx,
        "stage_countries",
        &[
            ("iso2", Required),
            ("iso3", Text),
            ("iso_n3", Text),
            ("geonameid", Int),
            ("name", Required),
            ("names", Json),
            ("continent", Text),
            ("population", Int),
            ("geom", Geom),
        ],
        |_| Ok(()),
    )
    .await?;
    let written = gazetteer::countries::upsert_countries(ctx).await?;
    Ok(Counts::of(rows, written))
}

pub(super) async fn load_regions(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let countries = known_countries(ctx).await?;
    gazetteer::regions::stage_regions(ctx).await?;
    use Check::{Geom, Json, Required, Text};
    let rows = stage_file(
        ctx,
        "stage_regions",
        &[
            ("country", Required),
            ("level", Required),
            ("code", Required),
            ("name", Required),
            ("designation", Text),
            ("parent_level", Text),
            ("parent_code", Text),
            ("nuts", Text),
            ("label_point", Geom),
            ("geom", Geom),
            ("names", Json),
        ],
        |record| known(record, "country", &countries),
    )
    .await?;
    // Parents first: a statement does not see the rows it inserts itself.
    let mut written =
        gazetteer::regions::upsert_regions_where(ctx, "s.parent_level IS NULL").await?;
    written += gazetteer::regions::upsert_regions_where(ctx, "s.parent_level IS NOT NULL").await?;
    Ok(Counts::of(rows, written))
}
