//! Practices with their policy areas and sources.

use std::collections::HashSet;

use crate::import::catalogue::known_slugs;
use crate::import::cities;
use crate::import::report::RowError;
use crate::import::stage::Copy;
use crate::import::{Counts, Ctx};

use super::record::{Check, check, known, read, stage_file};

/// `practices` with `practice_policy_areas.csv` and `practice_sources.csv`, in one
/// transaction (a practice's areas and sources are part of it).
pub(super) async fn load_practices(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let cities = known_slugs(ctx, "cities").await?;
    let areas = known_slugs(ctx, "policy_areas").await?;
    cities::stage_practices(ctx).await?;
    use Check::{Bool, Date, FullDate, Geom, Int, Json, Required, Slug, Text, Url};
    let rows = stage_file(
        ctx,
        "stage_practices",
        &[
            ("slug", Slug),
            ("city", Slug),
            ("original_lang", Required),
            ("title", Json),
            ("summary", Json),
            ("body", Json),
            ("transferability", Json),
            ("organisation", Text),
            ("started", Int),
            ("ended", Int),
            ("status", Text),
            ("contact", Text),
            ("confidence", Text),
            ("published", Bool),
            ("geom", Geom),
            ("status_as_of", Date),
        ],
        |record| known(record, "city", &cities),
    )
    .await?;
    let mut practices: HashSet<String> = ctx
        .client
        .query("SELECT slug FROM stage_practices", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    practices.extend(known_slugs(ctx, "practices").await?);
    for (companion, table, columns) in [
        (
            "practice_policy_areas.csv",
            "stage_practice_areas",
            &[("practice", Slug), ("policy_area", Slug)][..],
        ),
        (
            "practice_sources.csv",
            "stage_practice_sources",
            &[
                ("practice", Slug),
                ("position", Int),
                ("url", Url),
                ("title", Text),
                ("accessed_on", FullDate),
            ][..],
        ),
    ] {
        if !ctx.path(companion).exists() {
            continue;
        }
        // The companions' rows are reported under the practices file's name with their own
        // file in the reason, as they are one unit.
        let records = read(ctx, companion)?;
        let mut names = vec![];
        names.extend(columns.iter().map(|(name, _)| *name));
        let mut copy = Copy::start(ctx.client, table, &names).await?;
        for record in &records {
            let values: Result<Vec<Option<String>>, RowError> = columns
                .iter()
                .map(|(column, how)| check(record, column, *how))
                .collect();
            let checked = values.and_then(|values| {
                known(record, "practice", &practices)?;
                known(record, "policy_area", &areas)?;
                Ok(values)
            });
            match checked {
                Ok(values) => copy.row(&values).await?,
                Err(error) => ctx.problems.reject(
                    record.line,
                    &format!("{companion}: {}", error.field),
                    error.reason,
                ),
            }
        }
        copy.finish().await?;
    }
    let (main, links) = cities::upsert_practices(ctx).await?;
    let mut written = main;
    written += links;
    Ok(Counts::new(rows, written, main.changed()))
}
