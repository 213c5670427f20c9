//! The cities' pages each instance keeps: a city's document in one language
//! ([`CityPage`], as `GET /api/v1/cities/{slug}`, its OGC item and its HTML page show it)
//! but for the links, which name the address it was asked at.
//!
//! A page aggregates the city's memberships, demands with their evidence and practices: one
//! statement of about a millisecond of the database's time, which no index makes cheaper.
//! Kept here, a page is read once per city and language and then composed with its links,
//! whatever the address it is asked at (the answer cache keeps answers by address and drops
//! every city's page at any write of what pages show). A write drops only the pages of the
//! cities it touches: every change of what a page shows lists the points of its cities
//! ([`crate::db::data_change`]), and a page is dropped when its city's point is in one of
//! the change's boxes; a change of networks, policy areas or the gazetteer (whose names every
//! page shows), or one not confined to boxes, drops every page.
//!
//! A page also shows whether a date needs checking (older than two years, as of today): a
//! page read on an earlier day is read again.

use std::sync::Arc;

use super::city::CityPage;
use crate::db::data_version::{Change, ChangeSink, DataKind, Kinds};
use crate::db::kept::Kept;
use crate::query::Lang;

/// Bytes of pages kept: about 1,500 pages of 5 KB (Berlin's, the largest bundled, is 10 KB).
pub const CITY_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The kinds of data a page shows, changed only at the points of the cities they belong to.
const AT_CITIES: Kinds = Kinds::of(&[
    DataKind::Cities,
    DataKind::CityProfiles,
    DataKind::Practices,
    DataKind::PracticeDetails,
    DataKind::PracticeAreas,
    DataKind::CitySummaries,
    DataKind::Memberships,
    DataKind::MembershipChecks,
    DataKind::Demands,
]);

/// The kinds of data whose names every page shows.
const EVERYWHERE: Kinds = Kinds::of(&[DataKind::Networks, DataKind::PolicyAreas, DataKind::Places]);

/// A page kept, with the day it was read on.
#[derive(Debug, Clone)]
struct Read {
    page: Arc<CityPage>,
    day: i64,
}

/// The pages of this instance, by slug and language.
#[derive(Debug)]
pub struct CityPages {
    kept: Kept<(String, Lang), Read>,
}

impl Default for CityPages {
    fn default() -> Self {
        Self::new(CITY_PAGE_BYTES)
    }
}

/// Today, as days since 1970 (UTC).
fn today() -> i64 {
    chrono::Utc::now().timestamp().div_euclid(86_400)
}

/// Whether `change` touches the page of a city at `point`.
fn touched_by(change: &Change, point: (f64, f64)) -> bool {
    if change.kinds.intersects(EVERYWHERE) {
        return true;
    }
    if !change.kinds.intersects(AT_CITIES) {
        return false;
    }
    let Some(boxes) = &change.boxes else {
        return true;
    };
    let (lon, lat) = point;
    boxes
        .iter()
        .any(|b| b.west <= lon && lon <= b.east && b.south <= lat && lat <= b.north)
}

fn touched(change: &Change, _: &(String, Lang), read: &Read) -> bool {
    touched_by(change, read.page.point)
}

impl CityPages {
    /// At most `capacity` bytes of pages; 0 keeps none.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            kept: Kept::new(capacity),
        }
    }

    /// The page of `slug` in `lang`, if kept and read today.
    #[must_use]
    pub fn get(&self, slug: &str, lang: Lang) -> Option<Arc<CityPage>> {
        let read = self.kept.get(&(slug.to_owned(), lang))?;
        (read.day == today()).then_some(read.page)
    }

    /// Keeps the page of `slug` in `lang`, read from data version `version` (known before
    /// its statement ran), unless a change since touches it.
    pub fn insert(&self, slug: &str, lang: Lang, version: i64, page: Arc<CityPage>) {
        let weight = page.weight() + slug.len() + 64;
        let read = Read { page, day: today() };
        self.kept
            .insert((slug.to_owned(), lang), version, read, weight, touched);
    }

    /// Bytes held now.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.kept.bytes()
    }
}

impl ChangeSink for CityPages {
    fn apply(&self, change: &Change) {
        self.kept.apply(change, touched);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::data_version::Extent;

    fn change(kind: DataKind, boxes: Option<Vec<Extent>>) -> Change {
        Change {
            version: 2,
            kinds: Kinds::of(&[kind]),
            boxes,
        }
    }

    fn at(lon: f64, lat: f64) -> Option<Vec<Extent>> {
        Extent::new(lon, lat, lon, lat).map(|b| vec![b])
    }

    #[test]
    fn a_change_touches_the_pages_of_the_cities_in_its_boxes() {
        let koeln = (6.95, 50.94);
        for kind in AT_CITIES.iter() {
            assert!(
                touched_by(&change(kind, at(6.95, 50.94)), koeln),
                "{kind:?}"
            );
            assert!(
                !touched_by(&change(kind, at(13.36, 38.12)), koeln),
                "{kind:?}"
            );
            assert!(touched_by(&change(kind, None), koeln), "{kind:?}");
        }
        for kind in EVERYWHERE.iter() {
            assert!(
                touched_by(&change(kind, at(13.36, 38.12)), koeln),
                "{kind:?}"
            );
        }
        assert!(!touched_by(&change(DataKind::Guides, None), koeln));
        assert!(!touched_by(&change(DataKind::Search, None), koeln));
        assert!(touched_by(&Change::everything(3), koeln));
    }
}
