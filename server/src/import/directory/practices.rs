//! Practices with their policy areas and sources.

use std::collections::HashSet;

use super::{digits, resolve};
use crate::import::catalogue::known_slugs;
use crate::import::cities::{self, CityDraft, CityIndex};
use crate::import::gazetteer::known_countries;
use crate::import::report::RowError;
use crate::import::source::{CsvTable, urls};
use crate::import::stage::Copy;
use crate::import::validate;
use crate::import::{Counts, Ctx};

/// `practices.csv`: practices with titles and summaries per language (en, de, and fr or es
/// where the place speaks it), the date that last confirmed their status, policy areas and
/// sources, linked to their city through the gazetteer (AGS, GeoNames id, then name, also
/// among the places of `places_added.csv`), which is created when it is not listed yet.
pub async fn load_practices(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("practices.csv"))?;
    let areas = known_slugs(ctx, "policy_areas").await?;
    let countries = known_countries(ctx).await?;
    let mut index = CityIndex::load(ctx).await?;
    let mut new = Vec::new();
    let mut practices = Vec::new();
    let mut seen = HashSet::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let slug = validate::new_slug("slug", cells.get("slug"), &mut seen)?;
            let city = cells.required("city")?;
            let country = cells.country("country_code", &countries)?;
            let ags = cells.opt("ags");
            let kind = match ags {
                Some(code) if digits(code, &[8]) => "municipality",
                Some(code) if digits(code, &[5]) => "district",
                Some(code) => {
                    return Err(RowError::new(
                        "ags",
                        format!("not an AGS (8 or 5 digits): {code:?}"),
                    ));
                }
                None => "municipality",
            };
            let lang = cells.required("original_lang")?;
            if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(RowError::new(
                    "original_lang",
                    format!("not an ISO 639-1 code: {lang:?}"),
                ));
            }
            let mut title = serde_json::Map::new();
            for (key, column) in [
                ("en", "title_en"),
                ("de", "title_de"),
                ("fr", "title_fr"),
                ("es", "title_es"),
            ] {
                if let Some(text) = cells.opt(column) {
                    title.insert(key.to_owned(), text.into());
                }
            }
            title.insert(lang.to_owned(), cells.required("title")?.into());
            let mut summary = serde_json::Map::new();
            for (key, column) in [
                ("en", "summary_en"),
                ("de", "summary_de"),
                ("fr", "summary_fr"),
                ("es", "summary_es"),
            ] {
                if let Some(text) = cells.opt(column) {
                    summary.insert(key.to_owned(), text.into());
                }
            }
            let year = |column: &str| -> Result<Option<i64>, RowError> {
                match cells.int(column)? {
                    Some(year) if !(1800..=2200).contains(&year) => {
                        Err(RowError::new(column, format!("not a year: {year}")))
                    }
                    other => Ok(other),
                }
            };
            let (started, ended) = (year("started")?, year("ended")?);
            if let (Some(started), Some(ended)) = (started, ended)
                && ended < started
            {
                return Err(RowError::new(
                    "ended",
                    format!("{ended} is before the start {started}"),
                ));
            }
            let status = validate::one_of(
                "status",
                cells.opt("status").unwrap_or("unknown"),
                &["planned", "active", "ended", "unknown"],
            )?;
            let confidence = cells
                .opt("confidence")
                .map(|c| validate::one_of("confidence", c, &["high", "medium", "low"]))
                .transpose()?;
            let mut practice_areas = Vec::new();
            for area in cells
                .get("policy_areas")
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                if !areas.contains(area) {
                    return Err(RowError::new(
                        "policy_areas",
                        format!("unknown policy area {area:?}"),
                    ));
                }
                practice_areas.push(area.to_owned());
            }
            let sources = urls(&cells, "source_urls")?;
            if sources.is_empty() {
                return Err(RowError::new("source_urls", "required, but empty"));
            }
            let accessed_on = cells
                .opt("sources_accessed_on")
                .map(|d| validate::full_date("sources_accessed_on", d))
                .transpose()?;
            let draft = CityDraft {
                line: row.line,
                name: city.to_owned(),
                kind,
                country: country.to_owned(),
                ags: ags.map(str::to_owned),
                geonameid: cells.int("geonameid")?,
                ..CityDraft::default()
            };
            let values = vec![
                Some(row.line.to_string()),
                Some(slug.clone()),
                None,
                Some(lang.to_owned()),
                Some(serde_json::Value::Object(title).to_string()),
                Some(serde_json::Value::Object(summary).to_string()),
                None,
                None,
                cells.opt("organisation").map(str::to_owned),
                started.map(|y| y.to_string()),
                ended.map(|y| y.to_string()),
                Some(status),
                None,
                confidence,
                None,
                None,
                cells.date("status_as_of")?,
            ];
            Ok((slug, draft, values, practice_areas, sources, accessed_on))
        })();
        match parsed {
            Ok(practice) => practices.push(practice),
            Err(error) => ctx.problems.reject_row(row.line, error),
        }
    }
    let mut resolved = Vec::new();
    for (slug, draft, values, practice_areas, sources, accessed_on) in practices {
        let city = resolve(ctx, &mut index, draft, &mut new).await?;
        resolved.push((slug, city, values, practice_areas, sources, accessed_on));
    }
    let staged = cities::stage_drafts(ctx, &new).await?;
    let new_slugs: HashSet<String> = new.into_iter().map(|(slug, _)| slug).collect();
    let mut written = cities::upsert_cities(ctx).await?;
    cities::stage_practices(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_practices", cities::PRACTICE_COLUMNS).await?;
    let mut area_rows = Vec::new();
    let mut source_rows = Vec::new();
    let mut rows = 0;
    for (slug, city, mut values, practice_areas, sources, accessed_on) in resolved {
        if new_slugs.contains(&city) && !staged.contains(&city) {
            continue;
        }
        rows += 1;
        values[2] = Some(city);
        copy.row(&values).await?;
        area_rows.extend(
            practice_areas
                .into_iter()
                .map(|area| [Some(slug.clone()), Some(area)]),
        );
        for (position, url) in (1..).zip(sources) {
            source_rows.push([
                Some(slug.clone()),
                Some(position.to_string()),
                Some(url),
                None,
                accessed_on.clone(),
            ]);
        }
    }
    copy.finish().await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_practice_areas",
        &["practice", "policy_area"],
    )
    .await?;
    for values in &area_rows {
        copy.row(values).await?;
    }
    copy.finish().await?;
    let mut copy = Copy::start(
        ctx.client,
        "stage_practice_sources",
        &["practice", "position", "url", "title", "accessed_on"],
    )
    .await?;
    for values in &source_rows {
        copy.row(values).await?;
    }
    copy.finish().await?;
    let (main, links) = cities::upsert_practices(ctx).await?;
    written += main;
    written += links;
    Ok(Counts::new(rows, written, main.changed()))
}
