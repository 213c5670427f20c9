//! The bundled directory files: Safe Harbours (`safe_harbours_de.csv`,
//! `safe_harbour_states_de.csv`), network memberships and practices.
//!
//! Who defines a city: `safe_harbours_de.csv` and `safe_harbour_states_de.csv` write their
//! cities on every import (they are the master for Germany); `network_memberships.csv` and
//! `practices.csv` only create the cities that do not exist yet and otherwise link to the
//! existing city (matched by AGS, ARS, GeoNames id, then name within the country). That way
//! two files never fight over a city's attributes and a re-import changes nothing.

use std::collections::{HashMap, HashSet};

use super::catalogue::{SAFE_HARBOUR_CAMPAIGN, known_slugs};
use super::cities::{self, CityDraft, CityIndex};
use super::gazetteer::known_countries;
use super::report::RowError;
use super::source::{CsvTable, lenient_date, urls};
use super::stage::Copy;
use super::validate;
use super::{Counts, Ctx};

/// The Bündnis "Städte Sicherer Häfen".
const ALLIANCE: &str = "buendnis-staedte-sicherer-haefen";

fn digits(value: &str, lengths: &[usize]) -> bool {
    lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

/// `safe_harbours_de.csv`: the German municipalities, districts and Samtgemeinden that
/// declared themselves a Safe Harbour, as cities. Their memberships come from
/// `network_memberships.csv` (generated from this file) and what is known of Seebrücke's
/// demands from `safe_harbour_demand_status.csv`: nothing is inferred here.
pub async fn load_safe_harbours(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("safe_harbours_de.csv"))?;
    let mut index = CityIndex::load(ctx).await?;
    let mut drafts = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let name = cells.required("name")?;
            let level = validate::one_of(
                "level",
                cells.get("level"),
                &["municipality", "district", "municipal_association"],
            )?;
            let (kind, ags, ars) = match level.as_str() {
                "municipality" => {
                    let ags = cells.required("ags")?;
                    if !digits(ags, &[8]) {
                        return Err(RowError::new("ags", format!("not an 8-digit AGS: {ags:?}")));
                    }
                    ("municipality", Some(ags.to_owned()), None)
                }
                "district" => {
                    let ags = cells.required("ags")?;
                    if !digits(ags, &[5]) {
                        return Err(RowError::new(
                            "ags",
                            format!("not a 5-digit district key: {ags:?}"),
                        ));
                    }
                    ("district", Some(ags.to_owned()), None)
                }
                _ => {
                    let ars = cells.required("ars")?;
                    if !digits(ars, &[9]) {
                        return Err(RowError::new(
                            "ars",
                            format!("not a 9-digit association key: {ars:?}"),
                        ));
                    }
                    ("municipal_association", None, Some(ars.to_owned()))
                }
            };
            // Checked here, used by the memberships generated from this file.
            cells.date("safe_harbour_declared_on")?;
            cells.date("buendnis_joined_on")?;
            validate::one_of(
                "buendnis_member",
                cells.get("buendnis_member"),
                &["yes", ""],
            )?;
            urls(&cells, "sources")?;
            let draft = CityDraft {
                line: row.line,
                name: name.to_owned(),
                official_name: cells.opt("official_name").map(str::to_owned),
                kind,
                designation: cells.opt("kind").map(str::to_owned),
                country: "DE".to_owned(),
                ags,
                ars,
                geonameid: if kind == "municipality" {
                    cells.int("geonameid")?
                } else {
                    None
                },
                point: cells.point("lat", "lon")?,
                population: None,
            };
            Ok(draft)
        })();
        let draft = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        let slug = match index.find(&draft) {
            Some(slug) => {
                index.register(&draft, &slug);
                slug
            }
            None => index.claim(&draft),
        };
        drafts.push((slug, draft));
    }
    let rows = drafts.len() as u64;
    cities::stage_drafts(ctx, &drafts).await?;
    let written = cities::upsert_cities(ctx).await?;
    let main_changed = written.changed();
    Ok(Counts::new(rows, written, main_changed))
}

/// The city-states by state key, with the AGS of the municipality that is the same place
/// (Bremen: the city of Bremen, which gives the Land its name).
pub const CITY_STATES: [(&str, &str); 3] =
    [("11", "11000000"), ("02", "02000000"), ("04", "04011000")];

/// `safe_harbour_states_de.csv`: the Länder that declared themselves Safe Harbours, as
/// cities of kind `state` (named with their designation, e.g. "Freistaat Thüringen", so
/// that they do not take the slug of the city of the same name) with their membership of
/// the Safe Harbour campaign. A city-state and its municipality are one place and one city:
/// when the municipality is listed, the Land adds no second city (an `one_place` note).
pub async fn load_states(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("safe_harbour_states_de.csv"))?;
    let designations: HashMap<String, Option<String>> = ctx
        .client
        .query(
            "SELECT code, designation FROM regions WHERE country = 'DE' AND level = 'state'",
            &[],
        )
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let networks = known_slugs(ctx, "networks").await?;
    let mut index = CityIndex::load(ctx).await?;
    let mut drafts = Vec::new();
    let mut links = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let state = cells.required("state")?;
            let ags = cells.required("state_ags")?;
            if !digits(ags, &[2]) {
                return Err(RowError::new(
                    "state_ags",
                    format!("not a 2-digit state key: {ags:?}"),
                ));
            }
            let Some(designation) = designations.get(ags) else {
                return Err(RowError::new("state_ags", format!("unknown state {ags:?}")));
            };
            let declared = validate::one_of(
                "declared_safe_harbour_as_state",
                cells.get("declared_safe_harbour_as_state"),
                &["yes", "no", ""],
            )? == "yes";
            Ok((
                state,
                ags,
                designation.clone(),
                declared,
                cells.url("source_url")?,
            ))
        })();
        let (state, ags, designation, declared, evidence) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        if !declared {
            continue;
        }
        let municipality = CITY_STATES
            .iter()
            .find(|(state, _)| *state == ags)
            .and_then(|(_, municipality)| {
                index.find(&CityDraft {
                    ags: Some((*municipality).to_owned()),
                    ..CityDraft::default()
                })
            });
        if let Some(city) = municipality {
            ctx.problems.warn(
                row.line,
                "one_place",
                format!("{state} is a city-state: its declaration is the one of the city {city:?}"),
            );
            continue;
        }
        let draft = CityDraft {
            line: row.line,
            name: designation
                .as_ref()
                .map_or_else(|| state.to_owned(), |d| format!("{d} {state}")),
            official_name: Some(state.to_owned()),
            kind: "state",
            designation,
            country: "DE".to_owned(),
            ags: Some(ags.to_owned()),
            ..CityDraft::default()
        };
        let slug = match index.find(&draft) {
            Some(slug) => slug,
            None => index.claim(&draft),
        };
        links.push((row.line, slug.clone(), evidence));
        drafts.push((slug, draft));
    }
    if !networks.contains(SAFE_HARBOUR_CAMPAIGN) && !links.is_empty() {
        ctx.problems.reject(
            0,
            "network",
            format!("the network {SAFE_HARBOUR_CAMPAIGN:?} is not imported"),
        );
    }
    let rows = drafts.len() as u64;
    let staged = cities::stage_drafts(ctx, &drafts).await?;
    let mut written = cities::upsert_cities(ctx).await?;
    let main_changed = written.changed();
    cities::stage_memberships(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_memberships", cities::MEMBERSHIP_COLUMNS).await?;
    for (line, slug, evidence) in links
        .into_iter()
        .filter(|(_, slug, _)| staged.contains(slug))
    {
        copy.row(&[
            Some(line.to_string()),
            Some(slug.clone()),
            Some(SAFE_HARBOUR_CAMPAIGN.to_owned()),
            Some("declared".to_owned()),
            Some("declared safe harbour (state)".to_owned()),
            None,
            None,
            evidence,
            None,
            None,
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    written += cities::upsert_memberships(ctx).await?;
    Ok(Counts::new(rows, written, main_changed))
}

/// Resolves `draft` to a city slug: the existing city, or a new one (returned in `new`).
async fn resolve(
    ctx: &Ctx<'_>,
    index: &mut CityIndex,
    mut draft: CityDraft,
    new: &mut Vec<(String, CityDraft)>,
) -> anyhow::Result<String> {
    if let Some(slug) = index.find(&draft) {
        return Ok(slug);
    }
    cities::place_by_name(ctx, &mut draft).await?;
    if let Some(slug) = index.find(&draft) {
        return Ok(slug);
    }
    let slug = index.claim(&draft);
    new.push((slug.clone(), draft));
    Ok(slug)
}

/// Kind and codes of a city from a `role` wording and an `ags` cell (8 digits: a
/// municipality, 5: a district, 9: a Samtgemeinde's association key, 2: a state).
fn kind_and_codes(
    role: &str,
    ags: Option<&str>,
) -> Result<(&'static str, Option<String>, Option<String>), RowError> {
    match ags {
        Some(code) if digits(code, &[8]) => Ok(("municipality", Some(code.to_owned()), None)),
        Some(code) if digits(code, &[5]) => Ok(("district", Some(code.to_owned()), None)),
        Some(code) if digits(code, &[9]) => {
            Ok(("municipal_association", None, Some(code.to_owned())))
        }
        Some(code) if digits(code, &[2]) => Ok(("state", Some(code.to_owned()), None)),
        Some(code) => Err(RowError::new(
            "ags",
            format!("not an AGS (8, 5 or 2 digits) or association key (9): {code:?}"),
        )),
        None if role.contains("(district of") => Ok(("borough", None, None)),
        None if role.contains("(district)") => Ok(("district", None, None)),
        None => Ok(("municipality", None, None)),
    }
}

/// Membership status from the source's role wording.
fn status_of(role: &str) -> &'static str {
    if role.starts_with("declared safe harbour") {
        "declared"
    } else if role.starts_with("founding member") {
        "founding_member"
    } else {
        "member"
    }
}

/// `network_memberships.csv`: one membership per (network, local authority). A city is
/// placed from the row's coordinates, else from the gazetteer by AGS, GeoNames id, then name
/// or alternate name within the country; one that cannot be placed is skipped with an
/// `unplaced` warning (a known gap of the sources, not a rejection). For the Safe Harbour
/// campaign and the Bündnis, `verified_on` is `status_as_of` of `safe_harbours_de.csv`.
pub async fn load_memberships(ctx: &mut Ctx<'_>) -> anyhow::Result<Counts> {
    let table = CsvTable::read(&ctx.path("network_memberships.csv"))?;
    let verified = verified_on_by_code(ctx)?;
    let networks = known_slugs(ctx, "networks").await?;
    let countries = known_countries(ctx).await?;
    let mut index = CityIndex::load(ctx).await?;
    let mut new = Vec::new();
    let mut memberships = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let parsed = (|| {
            let network = validate::slug("network_id", cells.get("network_id"))?;
            if !networks.contains(&network) {
                return Err(RowError::new(
                    "network_id",
                    format!("unknown network {network:?}"),
                ));
            }
            let name = cells.required("city")?;
            let country = cells.country("country_code", &countries)?;
            let role = cells.get("role");
            let (kind, ags, ars) = kind_and_codes(role, cells.opt("ags"))?;
            // `2021/2022` (documented in data/README.md): no single date; kept in the note.
            let range = cells.opt("date").filter(|d| {
                d.len() == 9
                    && d.as_bytes()[4] == b'/'
                    && d.bytes()
                        .enumerate()
                        .all(|(i, b)| i == 4 || b.is_ascii_digit())
            });
            let since = if range.is_some() {
                None
            } else {
                cells.date("date")?
            };
            let evidence = urls(&cells, "source_url")?.into_iter().next();
            let draft = CityDraft {
                line: row.line,
                name: name.to_owned(),
                kind,
                country: country.to_owned(),
                ags,
                ars,
                geonameid: cells.int("geonameid")?,
                point: cells.point("lat", "lon")?,
                ..CityDraft::default()
            };
            let note = match (range, cells.opt("note")) {
                (Some(range), Some(note)) => Some(format!("date given as {range}; {note}")),
                (Some(range), None) => Some(format!("date given as {range}")),
                (None, note) => note.map(str::to_owned),
            };
            Ok((network, role, since, evidence, draft, note))
        })();
        let (network, role, since, evidence, draft, note) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                ctx.problems.reject_row(row.line, error);
                continue;
            }
        };
        let code = draft.ags.clone().or_else(|| draft.ars.clone());
        let verified_on = if network == SAFE_HARBOUR_CAMPAIGN || network == ALLIANCE {
            code.and_then(|code| verified.get(&code).cloned())
        } else {
            None
        };
        let slug = resolve(ctx, &mut index, draft, &mut new).await?;
        memberships.push((
            row.line,
            slug,
            network,
            role.to_owned(),
            since,
            evidence,
            verified_on,
            note,
        ));
    }
    let staged = cities::stage_drafts(ctx, &new).await?;
    let new_slugs: HashSet<&String> = new.iter().map(|(slug, _)| slug).collect();
    let mut written = cities::upsert_cities(ctx).await?;
    cities::stage_memberships(ctx).await?;
    let mut copy = Copy::start(ctx.client, "stage_memberships", cities::MEMBERSHIP_COLUMNS).await?;
    let mut rows = 0;
    for (line, slug, network, role, since, evidence, verified_on, note) in memberships {
        if new_slugs.contains(&slug) && !staged.contains(&slug) {
            continue; // unplaced or rejected city: already reported
        }
        rows += 1;
        copy.row(&[
            Some(line.to_string()),
            Some(slug),
            Some(network),
            Some(status_of(&role).to_owned()),
            Some(role).filter(|role| !role.is_empty()),
            since,
            None,
            evidence,
            verified_on,
            note,
            None,
        ])
        .await?;
    }
    copy.finish().await?;
    let memberships_written = cities::upsert_memberships(ctx).await?;
    let main_changed = memberships_written.changed();
    written += memberships_written;
    Ok(Counts::new(rows, written, main_changed))
}

/// `status_as_of` of `safe_harbours_de.csv` by AGS or association key, where it is a date.
fn verified_on_by_code(ctx: &Ctx<'_>) -> anyhow::Result<HashMap<String, String>> {
    let path = ctx.path("safe_harbours_de.csv");
    if !path.exists() {
        return Ok(HashMap::new());
    }
    let table = CsvTable::read(&path)?;
    Ok(table
        .rows
        .iter()
        .filter_map(|row| {
            let cells = table.cells(row);
            let code = cells.opt("ags").or_else(|| cells.opt("ars"))?;
            Some((code.to_owned(), lenient_date(&cells, "status_as_of")?))
        })
        .collect())
}

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
            let slug = validate::slug("slug", cells.get("slug"))?;
            if !seen.insert(slug.clone()) {
                return Err(RowError::new("slug", format!("{slug:?} appears twice")));
            }
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
