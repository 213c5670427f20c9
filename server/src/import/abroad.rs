//! `safe_harbours_at_ch.csv`: local authorities outside Germany that a source calls a
//! "Sicherer Hafen" (today Bern), with the same columns as `safe_harbours_de.csv` but no
//! German codes. The file defines its cities (like the German file) and, as no generated
//! membership row exists for them, writes their Safe Harbour declaration itself.

use super::cities::{self, CityDraft, CityIndex};
use super::report::RowError;
use super::source::{CsvTable, lenient_date, urls};
use super::stage::Copy;
use super::{Counts, Ctx};
use crate::domain::slug::SAFE_HARBOUR_CAMPAIGN;

/// Loads the file: cities and their declarations.
pub async fn load_safe_harbours_abroad(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("safe_harbours_at_ch.csv"))?;
    let mut index = CityIndex::load(ctx).await?;
    let mut drafts = Vec::new();
    let mut declarations = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let name = cells.required("name")?;
            let geonameid = cells
                .int("geonameid")?
                .ok_or_else(|| RowError::new("geonameid", "required outside Germany, but empty"))?;
            let sources = urls(&cells, "sources")?;
            if sources.is_empty() {
                return Err(RowError::new("sources", "required, but empty"));
            }
            Ok((
                name,
                geonameid,
                cells.point("lat", "lon")?,
                cells.date("safe_harbour_declared_on")?,
                sources,
            ))
        })();
        let (name, geonameid, point, declared, sources) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        // The country is the GeoNames place's: the file has no country column.
        let country: Option<String> = ctx
            .client
            .query_opt(
                "SELECT country::text FROM places WHERE geonameid = $1",
                &[&geonameid],
            )
            .await?
            .map(|row| row.get(0));
        let Some(country) = country else {
            ctx.problems.reject(
                row.line,
                "geonameid",
                format!("no GeoNames place {geonameid} in the gazetteer"),
            );
            continue;
        };
        let draft = CityDraft {
            line: row.line,
            name: name.to_owned(),
            official_name: cells.opt("official_name").map(str::to_owned),
            kind: "municipality",
            designation: cells.opt("kind").map(str::to_owned),
            country,
            geonameid: Some(geonameid),
            point,
            ..CityDraft::default()
        };
        let slug = match index.find(&draft) {
            Some(slug) => {
                index.register(&draft, &slug);
                slug
            }
            None => index.claim(&draft),
        };
        declarations.push([
            Some(row.line.to_string()),
            Some(slug.clone()),
            Some(SAFE_HARBOUR_CAMPAIGN.to_owned()),
            Some("declared".to_owned()),
            Some("declared safe harbour".to_owned()),
            declared,
            None,
            sources.into_iter().next(),
            lenient_date(&cells, "status_as_of"),
            cells.opt("note").map(str::to_owned),
            None,
        ]);
        drafts.push((slug, draft));
    }
    let rows = drafts.len() as u64;
    let staged = cities::stage_drafts(ctx, &drafts).await?;
    let mut written = cities::upsert_cities(ctx).await?;
    cities::stage_memberships(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_memberships", cities::MEMBERSHIP_COLUMNS).await?;
    for declaration in declarations
        .iter()
        .filter(|d| d[1].as_ref().is_some_and(|slug| staged.contains(slug)))
    {
        copy.row(declaration).await?;
    }
    copy.finish().await?;
    let memberships = cities::upsert_memberships(ctx).await?;
    let main_changed = written.changed() + memberships.changed();
    written += memberships;
    Ok(Counts::new(rows, written, main_changed))
}
