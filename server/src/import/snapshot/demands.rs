//! Where cities stand on Seebrücke's demands, and the evidence for it.

use crate::import::catalogue::{self, known_slugs};
use crate::import::cities;
use crate::import::{Counts, Ctx};

use super::record::{Check, known, one_of, stage_file};

pub(super) async fn load_city_demands(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    let demands = catalogue::known_demands(ctx).await?;
    cities::stage_city_demands(ctx).await?;
    use Check::{Bool, Date, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_city_demands",
        &[
            ("city", Slug),
            ("demand", Required),
            ("decided", Bool),
            ("fulfilled", Bool),
            ("as_of", Date),
            ("evidence_url", Url),
            ("note", Text),
        ],
        |record| {
            known(record, "city", &cities)?;
            known(record, "demand", &demands)
        },
    )
    .await?;
    let written = cities::upsert_city_demands(ctx).await?;
    Ok(Counts::of(rows, written))
}

/// `demand_evidence`: what the cited sources say about a city's demands (the standing itself
/// comes with `city_demands.csv`).
pub(super) async fn load_demand_evidence(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    crate::import::stage::create(
        ctx.client,
        "stage_demand_evidence",
        "line bigint, city text, demand text, status text, as_of text, source_url text, note text",
    )
    .await?;
    use Check::{Date, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_demand_evidence",
        &[
            ("city", Slug),
            ("demand", Required),
            ("status", Required),
            ("as_of", Date),
            ("source_url", Url),
            ("note", Text),
        ],
        |record| {
            known(record, "city", &cities)?;
            one_of(record, "status", &["decided", "fulfilled", "not_decided"])
        },
    )
    .await?;
    let written = crate::import::stage::upsert(
        ctx.client,
        "INSERT INTO demand_evidence AS t (city_id, demand_key, status, as_of, source_url, note)
         SELECT c.id, s.demand, s.status, s.as_of, s.source_url, s.note
         FROM stage_demand_evidence s JOIN cities c ON c.slug = s.city JOIN demands d ON d.key = s.demand
         ON CONFLICT (city_id, demand_key, status, source_url) DO UPDATE SET as_of = EXCLUDED.as_of,
             note = EXCLUDED.note
         WHERE (t.as_of, t.note) IS DISTINCT FROM (EXCLUDED.as_of, EXCLUDED.note)",
    )
    .await?;
    Ok(Counts::of(rows, written))
}
