//! Memberships of cities in networks.

use crate::import::Ctx;
use crate::import::stage::{self, Written};

/// Columns of the staged `memberships`.
pub const MEMBERSHIP_COLUMNS: &[&str] = &[
    "line",
    "city",
    "network",
    "status",
    "role",
    "since",
    "until",
    "evidence_url",
    "verified_on",
    "note",
    "published",
];

/// Creates the staging table of `memberships` (cities and networks by slug).
///
/// # Errors
/// On a database error.
pub async fn stage_memberships(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_memberships",
        "line bigint, city text, network text, status text, role text, since text, until text, \
         evidence_url text, verified_on text, note text, published boolean",
    )
    .await
}

/// Writes the staged memberships (a row whose city is not in the database is skipped).
///
/// # Errors
/// On a database error.
pub async fn upsert_memberships(ctx: &Ctx<'_>) -> anyhow::Result<Written> {
    stage::upsert(
        ctx.client,
        "INSERT INTO memberships AS t (city_id, network_id, status, role, since, until, evidence_url,
                                       verified_on, note, published)
         SELECT c.id, n.id, s.status, s.role, s.since, s.until, s.evidence_url, s.verified_on, s.note,
                coalesce(s.published, true)
         FROM stage_memberships s JOIN cities c ON c.slug = s.city JOIN networks n ON n.slug = s.network
         ON CONFLICT (city_id, network_id) DO UPDATE SET status = EXCLUDED.status, role = EXCLUDED.role,
             since = EXCLUDED.since, until = EXCLUDED.until, evidence_url = EXCLUDED.evidence_url,
             verified_on = EXCLUDED.verified_on, note = EXCLUDED.note, published = EXCLUDED.published
         WHERE (t.status, t.role, t.since, t.until, t.evidence_url, t.verified_on, t.note, t.published)
             IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.role, EXCLUDED.since, EXCLUDED.until,
                EXCLUDED.evidence_url, EXCLUDED.verified_on, EXCLUDED.note, EXCLUDED.published)",
    )
    .await
}
