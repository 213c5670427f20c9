//! `safe_harbour_demand_status.csv`: what a cited source says about one of Seebrücke's
//! eight demands for one German local authority (decided, fulfilled or not decided, with its
//! date). These are read from council decisions and membership reports, not from
//! Seebrücke's own database. Each row becomes a `demand_evidence` row; a city's standing on
//! the demand (`safe_harbour_demands`) is then what its newest evidence says. A missing row
//! means unknown, never "no".

use super::cities::{CityDraft, CityIndex};
use super::report::RowError;
use super::source::CsvTable;
use super::stage::{self, Copy};
use super::{Counts, Ctx};

/// Loads the file.
pub async fn load_demand_statuses(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("safe_harbour_demand_status.csv"))?;
    let demands = super::catalogue::known_demands(ctx).await?;
    let index = CityIndex::load(ctx).await?;
    stage::create(
        ctx.client,
        "stage_demand_evidence",
        "line bigint, city text, demand text, status text, as_of text, source_url text",
    )
    .await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_demand_evidence",
        &["line", "city", "demand", "status", "as_of", "source_url"],
    )
    .await?;
    let mut rows = 0;
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let ags = cells.required("ags")?;
            let city = index
                .find(&CityDraft {
                    ags: Some(ags.to_owned()),
                    ..CityDraft::default()
                })
                .ok_or_else(|| {
                    RowError::new("ags", format!("no listed city has the AGS {ags:?}"))
                })?;
            let demand = cells.required("demand_id")?;
            if !demands.contains(demand) {
                return Err(RowError::new(
                    "demand_id",
                    format!("unknown demand {demand:?}"),
                ));
            }
            let status = super::validate::one_of(
                "status",
                cells.get("status"),
                &["decided", "fulfilled", "not_decided"],
            )?;
            let source = cells
                .url("source_url")?
                .ok_or_else(|| RowError::new("source_url", "required, but empty"))?;
            Ok([
                Some(row.line.to_string()),
                Some(city),
                Some(demand.to_owned()),
                Some(status),
                cells.date("as_of")?,
                Some(source),
            ])
        })();
        if ctx.copy_parsed(&mut copy, row.line, parsed).await? {
            rows += 1;
        }
    }
    copy.finish().await?;
    let mut written = stage::upsert(
        ctx.client,
        "INSERT INTO demand_evidence AS t (city_id, demand_key, status, as_of, source_url)
         SELECT c.id, s.demand, s.status, s.as_of, s.source_url
         FROM stage_demand_evidence s JOIN cities c ON c.slug = s.city
         ON CONFLICT (city_id, demand_key, status, source_url) DO UPDATE SET as_of = EXCLUDED.as_of
         WHERE t.as_of IS DISTINCT FROM EXCLUDED.as_of",
    )
    .await?;
    let main_changed = written.changed();
    written += write_standing(ctx).await?;
    Ok(Counts::new(rows, written, main_changed))
}

/// Makes `safe_harbour_demands` of every (city, demand) in the staged file say what its
/// newest evidence says: fulfilled (so also decided), decided, or not decided.
async fn write_standing(ctx: &Ctx<'_>) -> anyhow::Result<stage::Written> {
    stage::upsert(
        ctx.client,
        "INSERT INTO safe_harbour_demands AS t (city_id, demand_key, decided, fulfilled, as_of, evidence_url)
         SELECT DISTINCT ON (e.city_id, e.demand_key) e.city_id, e.demand_key,
                e.status <> 'not_decided', CASE WHEN e.status = 'fulfilled' THEN true END,
                e.as_of, e.source_url
         FROM demand_evidence e
         WHERE (e.city_id, e.demand_key) IN (
             SELECT c.id, s.demand FROM stage_demand_evidence s JOIN cities c ON c.slug = s.city)
         ORDER BY e.city_id, e.demand_key, e.as_of DESC NULLS LAST,
                  CASE e.status WHEN 'fulfilled' THEN 0 WHEN 'decided' THEN 1 ELSE 2 END, e.id
         ON CONFLICT (city_id, demand_key) DO UPDATE SET decided = EXCLUDED.decided,
             fulfilled = EXCLUDED.fulfilled, as_of = EXCLUDED.as_of, evidence_url = EXCLUDED.evidence_url
         WHERE (t.decided, t.fulfilled, t.as_of, t.evidence_url)
             IS DISTINCT FROM (EXCLUDED.decided, EXCLUDED.fulfilled, EXCLUDED.as_of, EXCLUDED.evidence_url)",
    )
    .await
}
