//! The bundled directory files: Safe Harbours (`safe_harbours_de.csv`,
//! `safe_harbour_states_de.csv`), network memberships and practices.
//!
//! Who defines a city: `safe_harbours_de.csv` and `safe_harbour_states_de.csv` write their
//! cities on every import (they are the master for Germany); `network_memberships.csv` and
//! `practices.csv` only create the cities that do not exist yet and otherwise link to the
//! existing city (matched by AGS, ARS, GeoNames id, then name within the country). That way
//! two files never fight over a city's attributes and a re-import changes nothing.

pub mod memberships;
pub mod practices;
pub mod safe_harbours;

use super::Ctx;
use super::cities::{self, CityDraft, CityIndex};

fn digits(value: &str, lengths: &[usize]) -> bool {
    lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
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
