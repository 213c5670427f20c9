//! The Safe Harbour declarations of German municipalities, districts, Samtgemeinden and Länder.

use std::collections::HashMap;

use super::digits;
use crate::domain::slug::SAFE_HARBOUR_CAMPAIGN;
use crate::import::catalogue::known_slugs;
use crate::import::cities::{self, CityDraft, CityIndex};
use crate::import::report::RowError;
use crate::import::source::{CsvTable, urls};
use crate::import::stage::Copy;
use crate::import::validate;
use crate::import::{Counts, Ctx};

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
