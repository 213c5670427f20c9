//! What one data version changed: which kind of published data, and where.
//!
//! The triggers of migration `000601_data_changes` record, per statement that changes
//! published rows, the kind of data it changed and the lon/lat boxes of the changed features
//! (old and new positions; one box around them all beyond 64). They announce it on the
//! notification channel as `<version> <kind> <west> <south> <east> <north> ...` (or
//! `<version> <kind> *` when the change is not confined to boxes) and keep it in
//! `data_changes` by version. Caches use it to drop only what a change touches: tiles by layer
//! and place, answers by the kinds they depend on.

/// A kind of published data, as the triggers name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// Cities: what every answer about them shows (names, place, kind, publication).
    Cities,
    /// A city's profile alone: its figures, texts and links (migration `000714`), which only
    /// the city's own answers show.
    CityProfiles,
    /// A city's summary as its listed Feature shows it (`city_stats`: its networks, Safe
    /// Harbour standing, policy areas and practice count), recorded when it really changed
    /// (migration `000722`): what the city collections and tiles show of its practices.
    CitySummaries,
    /// Practices: a practice that comes, goes, moves, is (un)published, and its sources.
    Practices,
    /// A practice's texts alone: its title, summary, body, transferability, organisation,
    /// dates, status, contact and confidence (migration `000718`), which only the answers
    /// showing the practice itself (and what a full text finds) show.
    PracticeDetails,
    /// A practice's policy areas alone (migration `000722`): a city shows them only through
    /// its summary, [`CitySummaries`](Self::CitySummaries).
    PracticeAreas,
    /// Memberships of cities in networks.
    Memberships,
    /// A membership's check alone: its verification date, evidence, role and note (migration
    /// `000714`), which only the city's and the network's answers show.
    MembershipChecks,
    /// Networks.
    Networks,
    /// Seebrücke's demands and where cities stand on them.
    Demands,
    /// The gazetteer: countries, regions, places.
    Places,
    /// Policy areas.
    PolicyAreas,
    /// Take-action guides.
    Guides,
    /// Search synonyms.
    Search,
}

impl DataKind {
    /// Every kind.
    pub const ALL: [Self; 14] = [
        Self::Cities,
        Self::CityProfiles,
        Self::CitySummaries,
        Self::Practices,
        Self::PracticeDetails,
        Self::PracticeAreas,
        Self::Memberships,
        Self::MembershipChecks,
        Self::Networks,
        Self::Demands,
        Self::Places,
        Self::PolicyAreas,
        Self::Guides,
        Self::Search,
    ];

    /// The kind's name in the database.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Cities => "cities",
            Self::CityProfiles => "city_profiles",
            Self::CitySummaries => "city_summaries",
            Self::Practices => "practices",
            Self::PracticeDetails => "practice_details",
            Self::PracticeAreas => "practice_areas",
            Self::Memberships => "memberships",
            Self::MembershipChecks => "membership_checks",
            Self::Networks => "networks",
            Self::Demands => "demands",
            Self::Places => "places",
            Self::PolicyAreas => "policy_areas",
            Self::Guides => "guides",
            Self::Search => "search",
        }
    }

    /// The kind named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Its position in [`ALL`](Self::ALL).
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A set of kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(u16);

impl Kinds {
    /// No kind.
    pub const NONE: Self = Self(0);
    /// Every kind.
    pub const ALL: Self = Self((1 << DataKind::ALL.len()) - 1);

    /// The set of `kinds`.
    #[must_use]
    pub const fn of(kinds: &[DataKind]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < kinds.len() {
            bits |= 1 << kinds[i] as u16;
            i += 1;
        }
        Self(bits)
    }

    /// Whether `kind` is in the set.
    #[must_use]
    pub fn contains(self, kind: DataKind) -> bool {
        self.0 & (1 << kind as u16) != 0
    }

    /// The kinds of both sets.
    #[must_use]
    pub const fn and(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The kinds of this set that are not in `other`.
    #[must_use]
    pub const fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// Whether the sets share a kind.
    #[must_use]
    pub fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// The kinds in the set.
    pub fn iter(self) -> impl Iterator<Item = DataKind> {
        DataKind::ALL
            .into_iter()
            .filter(move |kind| self.contains(*kind))
    }
}

/// A box in WGS 84 longitude and latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Extent {
    /// The boxes of `numbers`, four each (west, south, east, north); `None` unless there is at
    /// least one and every box is finite and in order.
    #[must_use]
    pub fn boxes(numbers: &[f64]) -> Option<Vec<Self>> {
        if numbers.is_empty() || !numbers.len().is_multiple_of(4) {
            return None;
        }
        numbers
            .chunks_exact(4)
            .map(|b| Self::new(b[0], b[1], b[2], b[3]))
            .collect()
    }

    /// `boxes` as four columns (west, south, east, north), as statements bind them to
    /// `unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[])`.
    #[must_use]
    pub fn columns(boxes: &[Self]) -> [Vec<f64>; 4] {
        let mut columns: [Vec<f64>; 4] = Default::default();
        for b in boxes {
            for (column, value) in columns.iter_mut().zip([b.west, b.south, b.east, b.north]) {
                column.push(value);
            }
        }
        columns
    }

    /// The box of the four numbers, when they are finite and in order.
    #[must_use]
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Option<Self> {
        let finite = [west, south, east, north].iter().all(|v| v.is_finite());
        (finite && west <= east && south <= north).then_some(Self {
            west,
            south,
            east,
            north,
        })
    }
}

/// What one data version changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The data version the change made.
    pub version: i64,
    /// The kinds of data it changed.
    pub kinds: Kinds,
    /// Where the changed features lie (old and new positions); `None`: anywhere.
    pub boxes: Option<Vec<Extent>>,
}

impl Change {
    /// A change of everything at `version` (a gap in what this instance heard).
    #[must_use]
    pub fn everything(version: i64) -> Self {
        Self {
            version,
            kinds: Kinds::ALL,
            boxes: None,
        }
    }

    /// The change a notification announces: `<version> <kind> <west> <south> <east> <north>
    /// ...` or `<version> <kind> *`. A payload that names a version but nothing else it can read
    /// (an older server's bare version) is a change of everything; `None` without a version.
    #[must_use]
    pub fn parse(payload: &str) -> Option<Self> {
        let mut parts = payload.split_ascii_whitespace();
        let version = parts.next()?.parse::<i64>().ok()?;
        let kind = parts.next().and_then(DataKind::parse);
        let numbers: Option<Vec<f64>> = parts.map(|part| part.parse().ok()).collect();
        let Some(kind) = kind else {
            return Some(Self::everything(version));
        };
        Some(Self {
            version,
            kinds: Kinds::of(&[kind]),
            boxes: numbers.as_deref().and_then(Extent::boxes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_parse_into_changes() {
        let change = Change::parse("42 practices 7.5 51.25 7.75 51.5").unwrap();
        assert_eq!(change.version, 42);
        assert!(change.kinds.contains(DataKind::Practices));
        assert!(!change.kinds.contains(DataKind::Cities));
        assert_eq!(
            change.boxes,
            Some(vec![Extent::new(7.5, 51.25, 7.75, 51.5).unwrap()])
        );
        let two = Change::parse("42 cities 1 2 1 2 -3 -4 -2 -3").unwrap();
        assert_eq!(two.boxes.map(|b| b.len()), Some(2));
        let anywhere = Change::parse("43 networks *").unwrap();
        assert_eq!(anywhere.boxes, None);
        assert_eq!(anywhere.kinds, Kinds::of(&[DataKind::Networks]));
        assert_eq!(Change::parse("44"), Some(Change::everything(44)));
        assert_eq!(
            Change::parse("45 unknown 1 2 3 4"),
            Some(Change::everything(45))
        );
        assert_eq!(Change::parse("x practices *"), None);
        for unreadable in [
            "46 cities 1 2",
            "46 cities 1 2 3 4 5",
            "46 cities 3 2 1 4 *",
        ] {
            assert_eq!(
                Change::parse(unreadable).unwrap().boxes,
                None,
                "boxes it cannot read are anywhere: {unreadable}"
            );
        }
    }

    #[test]
    fn kinds_are_sets() {
        let some = Kinds::of(&[DataKind::Cities, DataKind::Demands]);
        assert!(some.contains(DataKind::Demands));
        assert!(!some.contains(DataKind::Search));
        assert!(some.intersects(Kinds::of(&[DataKind::Cities])));
        assert!(!some.intersects(Kinds::of(&[DataKind::Places])));
        assert_eq!(Kinds::ALL.iter().count(), DataKind::ALL.len());
        assert_eq!(Kinds::NONE.iter().count(), 0);
    }
}
