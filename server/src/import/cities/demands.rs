//! Where each city stands on Seebrücke's demands.

use crate::import::Ctx;
use crate::import::stage::{self, Written};

/// Creates the staging table of `safe_harbour_demands` (cities by slug).
///
/// # Errors
/// On a database error.
pub async fn stage_city_demands(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_city_demands",
        "line bigint, city text, demand text, decided boolean, fulfilled boolean, as_of text, \
         evidence_url text, note text",
    )
    .await
}

/// Writes the staged per-city demand values.
///
/// # Errors
/// On a database error.
pub async fn upsert_city_demands(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    stage::upsert(
        ctx.client,
        "INSERT INTO safe_harbour_demands AS t (city_id, demand_key, decided, fulfilled, as_of, evidence_url, note)
         SELECT c.id, s.demand, s.decided, s.fulfilled, s.as_of, s.evidence_url, s.note
         FROM stage_city_demands s JOIN cities c ON c.slug = s.city JOIN demands d ON d.key = s.demand
         ON CONFLICT (city_id, demand_key) DO UPDATE SET decided = EXCLUDED.decided,
             fulfilled = EXCLUDED.fulfilled, as_of = EXCLUDED.as_of, evidence_url = EXCLUDED.evidence_url,
             note = EXCLUDED.note
         WHERE (t.decided, t.fulfilled, t.as_of, t.evidence_url, t.note)
             IS DISTINCT FROM (EXCLUDED.decided, EXCLUDED.fulfilled, EXCLUDED.as_of, EXCLUDED.evidence_url, EXCLUDED.note)",
    )
    .await
}
