//! Practices with their policy areas and sources.

use crate::import::Ctx;
use crate::import::stage::{self, Written};

/// Columns of the staged `practices`.
pub const PRACTICE_COLUMNS: &[&str] = &[
    "line",
    "slug",
    "city",
    "original_lang",
    "title",
    "summary",
    "body",
    "transferability",
    "organisation",
    "started",
    "ended",
    "status",
    "contact",
    "confidence",
    "published",
    "geom",
    "status_as_of",
];

/// Creates the staging tables of practices, their policy areas and their sources.
///
/// # Errors
/// On a database error.
pub async fn stage_practices(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    stage::create(
        ctx.client,
        "stage_practices",
        "line bigint, slug text, city text, original_lang text, title text, summary text, body text, \
         transferability text, organisation text, started smallint, ended smallint, status text, \
         contact text, confidence text, published boolean, geom text, status_as_of text",
    )
    .await?;
    stage::create(
        ctx.client,
        "stage_practice_areas",
        "practice text, policy_area text",
    )
    .await?;
    stage::create(
        ctx.client,
        "stage_practice_sources",
        "practice text, position smallint, url text, title text, accessed_on date",
    )
    .await
}

/// Writes the staged practices, then makes their policy areas and sources exactly the staged
/// ones (links and sources no longer listed are removed). Returns what was written to
/// `practices` and to the two link tables.
///
/// # Errors
/// On a database error.
pub async fn upsert_practices(ctx: &Ctx<'_>) -> anyhow::Result<(Written, Written)> {
    let geom = stage::geometry("s.geom");
    let main = stage::upsert(
        ctx.client,
        &format!(
            "INSERT INTO practices AS t (slug, city_id, geom, original_lang, title, summary, body, transferability,
                                         organisation, started, ended, status, status_as_of, contact, confidence,
                                         published)
             SELECT s.slug, c.id, {geom}, s.original_lang, s.title::jsonb, coalesce(s.summary, '{{}}')::jsonb,
                    coalesce(s.body, '{{}}')::jsonb, coalesce(s.transferability, '{{}}')::jsonb, s.organisation,
                    s.started, s.ended, coalesce(s.status, 'unknown'), s.status_as_of, s.contact, s.confidence,
                    coalesce(s.published, true)
             FROM stage_practices s JOIN cities c ON c.slug = s.city
             ON CONFLICT (slug) DO UPDATE SET city_id = EXCLUDED.city_id, geom = EXCLUDED.geom,
                 original_lang = EXCLUDED.original_lang, title = EXCLUDED.title, summary = EXCLUDED.summary,
                 body = EXCLUDED.body, transferability = EXCLUDED.transferability,
                 organisation = EXCLUDED.organisation, started = EXCLUDED.started, ended = EXCLUDED.ended,
                 status = EXCLUDED.status, status_as_of = EXCLUDED.status_as_of, contact = EXCLUDED.contact,
                 confidence = EXCLUDED.confidence, published = EXCLUDED.published
             WHERE (t.city_id, t.geom, t.original_lang, t.title, t.summary, t.body, t.transferability,
                    t.organisation, t.started, t.ended, t.status, t.status_as_of, t.contact, t.confidence,
                    t.published)
                 IS DISTINCT FROM (EXCLUDED.city_id, EXCLUDED.geom, EXCLUDED.original_lang, EXCLUDED.title,
                    EXCLUDED.summary, EXCLUDED.body, EXCLUDED.transferability, EXCLUDED.organisation,
                    EXCLUDED.started, EXCLUDED.ended, EXCLUDED.status, EXCLUDED.status_as_of, EXCLUDED.contact,
                    EXCLUDED.confidence, EXCLUDED.published)"
        ),
    )
    .await?;
    let mut written = stage::upsert(
        ctx.client,
        "INSERT INTO practice_policy_areas AS t (practice_id, policy_area)
         SELECT DISTINCT p.id, s.policy_area FROM stage_practice_areas s JOIN practices p ON p.slug = s.practice
         JOIN policy_areas a ON a.slug = s.policy_area
         ON CONFLICT (practice_id, policy_area) DO NOTHING",
    )
    .await?;
    written.updated += stage::execute(
        ctx.client,
        "DELETE FROM practice_policy_areas t USING practices p
         WHERE t.practice_id = p.id AND p.slug IN (SELECT slug FROM stage_practices)
           AND NOT EXISTS (SELECT 1 FROM stage_practice_areas s WHERE s.practice = p.slug AND s.policy_area = t.policy_area)",
    )
    .await?;
    written += stage::upsert(
        ctx.client,
        "INSERT INTO practice_sources AS t (practice_id, position, url, title, accessed_on)
         SELECT p.id, s.position, s.url, s.title, s.accessed_on
         FROM stage_practice_sources s JOIN practices p ON p.slug = s.practice
         ON CONFLICT (practice_id, position) DO UPDATE SET url = EXCLUDED.url, title = EXCLUDED.title,
             accessed_on = EXCLUDED.accessed_on
         WHERE (t.url, t.title, t.accessed_on) IS DISTINCT FROM (EXCLUDED.url, EXCLUDED.title, EXCLUDED.accessed_on)",
    )
    .await?;
    written.updated += stage::execute(
        ctx.client,
        "DELETE FROM practice_sources t USING practices p
         WHERE t.practice_id = p.id AND p.slug IN (SELECT slug FROM stage_practices)
           AND NOT EXISTS (SELECT 1 FROM stage_practice_sources s WHERE s.practice = p.slug AND s.position = t.position)",
    )
    .await?;
    Ok((main, written))
}
