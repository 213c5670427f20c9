//! Memberships of cities in networks.

use std::collections::{HashMap, HashSet};

use super::{digits, resolve};
use crate::domain::slug::{ALLIANCE, SAFE_HARBOUR_CAMPAIGN};
use crate::import::catalogue::known_slugs;
use crate::import::cities::{self, CityDraft, CityIndex};
use crate::import::gazetteer::known_countries;
use crate::import::report::RowError;
use crate::import::source::{CsvTable, lenient_date, urls};
use crate::import::stage::Copy;
use crate::import::validate;
use crate::import::{Counts, Ctx};

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
