//! `city_summaries.csv`: the featured profiles of the cities with the most practices,
//! written by Haven from their sourced facts (English and German), with the sources they
//! were written from. A city is found by AGS, GeoNames id, then name within its country; a
//! profile of a city that is not listed is rejected.

use super::cities::{CityDraft, CityIndex};
use super::report::RowError;
use super::source::{CsvTable, urls};
use super::stage::{self, Copy, Written};
use super::{Counts, Ctx};

/// Loads the file into `cities.summary` and `cities.summary_sources`.
pub async fn load_city_summaries(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("city_summaries.csv"))?;
    let index = CityIndex::load(ctx).await?;
    stage::create(
        ctx.client,
        "stage_city_summaries",
        "city text, summary text, sources text",
    )
    .await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_city_summaries",
        &["city", "summary", "sources"],
    )
    .await?;
    let mut rows = 0;
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let name = cells.required("city")?;
            let draft = CityDraft {
                name: name.to_owned(),
                country: cells.required("country_code")?.to_owned(),
                ags: cells.opt("ags").map(str::to_owned),
                geonameid: cells.int("geonameid")?,
                kind: "municipality",
                ..CityDraft::default()
            };
            let city = index
                .find(&draft)
                .ok_or_else(|| RowError::new("city", format!("{name:?} is not a listed city")))?;
            let mut summary = serde_json::Map::new();
            for lang in ["en", "de", "fr", "es"] {
                if let Some(text) = cells.opt(&format!("summary_{lang}")) {
                    summary.insert(lang.to_owned(), text.into());
                }
            }
            for required in ["summary_en", "summary_de"] {
                cells.required(required)?;
            }
            let sources = urls(&cells, "source_urls")?;
            if sources.is_empty() {
                return Err(RowError::new("source_urls", "required, but empty"));
            }
            Ok([
                city,
                serde_json::Value::Object(summary).to_string(),
                serde_json::Value::from(sources).to_string(),
            ])
        })();
        match parsed {
            Ok(values) => {
                rows += 1;
                copy.row(&values.map(Some)).await?;
            }
            Err(error) => ctx.problems.reject_row(row.line, error),
        }
    }
    copy.finish().await?;
    let updated = stage::execute(
        ctx.client,
        "UPDATE cities c SET summary = s.summary::jsonb, summary_sources = s.sources::jsonb
         FROM stage_city_summaries s
         WHERE c.slug = s.city
           AND (c.summary, c.summary_sources) IS DISTINCT FROM (s.summary::jsonb, s.sources::jsonb)",
    )
    .await?;
    Ok(Counts::of(
        rows,
        Written {
            inserted: 0,
            updated,
        },
    ))
}
