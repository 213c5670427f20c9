//! The filters every collection and the tiles share: policy areas, networks, countries and a
//! region.

use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::QueryParams;
use crate::domain::Slug;
use crate::error::{AppResult, bad_request};

/// Most values one comma list may hold.
const MAX_LIST: usize = 50;

/// The filters of every collection and of the tiles: a city (or a practice's city) matches
/// when it matches every filter given; inside one filter the values are any-of, except that
/// `policy_area_match=all` asks for all of the policy areas.
///
/// - `policy_area`: the city has a published practice in one of the areas (for practices:
///   the practice itself is in one of them); with `policy_area_match=all`, published practices
///   in every one of the areas (for practices: the practice is in every one of them);
/// - `network`: the city is a member (any status but `left`) of one of the networks;
/// - `country`: ISO 3166-1 alpha-2, upper case;
/// - `region`: a region code (`05`, `05315`), `<country>-<code>` (`DE-05`) or a region id;
///   the city's state/admin1 region or its district.
///
/// An empty vector (or `None`) means "no filter". [`Filters::binds`] gives the values as
/// nullable SQL arrays for `($1::text[] IS NULL OR ...)` predicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Policy area slugs.
    pub policy_areas: Vec<String>,
    /// Whether any of the policy areas matches, or all of them must.
    pub policy_area_match: AreaMatch,
    /// Network slugs.
    pub networks: Vec<String>,
    /// ISO 3166-1 alpha-2 country codes, upper case.
    pub countries: Vec<String>,
    /// A region code, `<country>-<code>` or region id.
    pub region: Option<String>,
}

/// How several policy areas combine (`policy_area_match`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AreaMatch {
    /// Any of them (the default).
    #[default]
    Any,
    /// All of them.
    All,
}

impl AreaMatch {
    /// The parameter's value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::All => "all",
        }
    }

    /// Parses `policy_area_match` (default `any`).
    ///
    /// # Errors
    /// 400 naming `policy_area_match` for any other value.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        match params.get("policy_area_match") {
            None | Some("any") => Ok(Self::Any),
            Some("all") => Ok(Self::All),
            Some(_) => Err(bad_request(
                "policy_area_match",
                "`policy_area_match` is `any` (the default) or `all`.",
            )),
        }
    }
}

/// The filters as SQL binds: `None` where the filter is not given.
#[derive(Debug, Clone, Default)]
pub struct FilterBinds {
    pub policy_areas: Option<Vec<String>>,
    /// Every policy area must match (only meaningful with `policy_areas`).
    pub all_policy_areas: bool,
    pub networks: Option<Vec<String>>,
    pub countries: Option<Vec<String>>,
    pub region: Option<String>,
}

/// SQL matching a region parameter (`$n`) against `regions`: by code, `<country>-<code>` or id.
/// Use as `region_id IN (SELECT id FROM regions WHERE <REGION_MATCH with $n>)`.
pub const REGION_MATCH: &str = "(code = $R OR country || '-' || code = $R OR id::text = $R)";

impl Filters {
    /// Parses `policy_area`, `network`, `country` and `region` (syntax only; see
    /// [`check`](Self::check) for existence).
    ///
    /// # Errors
    /// 400 naming the parameter when a value is malformed or a list too long.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let policy_areas = slug_list(params, "policy_area")?;
        let policy_area_match = AreaMatch::from_params(params)?;
        let networks = slug_list(params, "network")?;
        let countries = list(params, "country")?
            .into_iter()
            .map(|code| {
                if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
                    Ok(code.to_ascii_uppercase())
                } else {
                    Err(bad_request(
                        "country",
                        format!("`{code}` is not an ISO 3166-1 alpha-2 country code such as DE."),
                    ))
                }
            })
            .collect::<AppResult<Vec<_>>>()?;
        let region = match params.get("region") {
            None => None,
            Some(region)
                if region.len() <= 40
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                Some(region.to_owned())
            }
            Some(_) => {
                return Err(bad_request(
                    "region",
                    "`region` is a region code (e.g. 05 or DE-05) or a region id.",
                ));
            }
        };
        Ok(Self {
            policy_areas,
            policy_area_match,
            networks,
            countries,
            region,
        })
    }

    /// No filter given.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.policy_areas.is_empty()
            && self.networks.is_empty()
            && self.countries.is_empty()
            && self.region.is_none()
    }

    /// The filters as nullable SQL binds.
    #[must_use]
    pub fn binds(&self) -> FilterBinds {
        let some = |values: &Vec<String>| (!values.is_empty()).then(|| values.clone());
        FilterBinds {
            policy_areas: some(&self.policy_areas),
            all_policy_areas: self.policy_area_match == AreaMatch::All,
            networks: some(&self.networks),
            countries: some(&self.countries),
            region: self.region.clone(),
        }
    }

    /// Checks that every policy area, network, country and region exists, in one query
    /// (none when no filter is given). The collections fold the same check into their own
    /// statement ([`check_columns`](Self::check_columns)).
    ///
    /// # Errors
    /// 400 naming the parameter (for policy areas the message lists the valid slugs); 500
    /// when the query fails.
    pub async fn check(&self, conn: &mut AsyncPgConnection) -> AppResult<()> {
        if self.is_empty() {
            return Ok(());
        }
        let binds = self.binds();
        let sql = format!("SELECT {}", self.check_columns());
        let unknown: Unknown = crate::db::Prepared::fixed(
            diesel::sql_query(sql)
                .bind::<Nullable<Array<Text>>, _>(binds.policy_areas)
                .bind::<Nullable<Array<Text>>, _>(binds.networks)
                .bind::<Nullable<Array<Text>>, _>(binds.countries)
                .bind::<Nullable<Text>, _>(binds.region),
        )
        .get_result(conn)
        .await?;
        unknown.verdict()
    }

    /// The check of [`check`](Self::check) against the values that exist as `known` holds
    /// them in memory; `None` with a region filter, which only the database can check.
    ///
    /// # Errors
    /// 400 naming the parameter, as [`check`](Self::check).
    #[must_use]
    pub fn check_in(&self, known: &KnownValues) -> Option<AppResult<()>> {
        if self.region.is_some() {
            return None;
        }
        // Each unknown value once, as the statement's `EXCEPT` gives them.
        let unknown = |given: &[String], known: &[String]| -> Vec<String> {
            let mut unknown: Vec<String> = Vec::new();
            for value in given {
                if !known.contains(value) && !unknown.contains(value) {
                    unknown.push(value.clone());
                }
            }
            unknown
        };
        let verdict = Unknown {
            unknown_policy_areas: unknown(&self.policy_areas, &known.policy_areas),
            unknown_networks: unknown(&self.networks, &known.networks),
            unknown_countries: unknown(&self.countries, &known.countries),
            region_ok: true,
            valid_policy_areas: known.policy_areas.clone(),
        }
        .verdict();
        Some(verdict)
    }

    /// The select-list columns of [`Unknown`] over the binds `$1` policy areas, `$2` networks,
    /// `$3` countries and `$4` region: a statement that also reads the filters checks them in
    /// the same round trip. Filters not given are constants (their binds stay unused), so the
    /// text is one of a few fixed ones.
    #[must_use]
    pub fn check_columns(&self) -> String {
        let unknown = |given: bool, values: &str, known: &str| {
            if given {
                format!("ARRAY(SELECT unnest({values}) EXCEPT SELECT {known})")
            } else {
                "'{}'::text[]".to_owned()
            }
        };
        format!(
            "{} AS unknown_policy_areas, {} AS unknown_networks, {} AS unknown_countries, \
             {} AS region_ok, \
             ARRAY(SELECT slug::text FROM policy_areas ORDER BY position) AS valid_policy_areas",
            unknown(
                !self.policy_areas.is_empty(),
                "$1::text[]",
                "slug FROM policy_areas"
            ),
            unknown(
                !self.networks.is_empty(),
                "$2::text[]",
                "slug FROM networks"
            ),
            unknown(
                !self.countries.is_empty(),
                "$3::text[]",
                "iso2::text FROM countries"
            ),
            if self.region.is_some() {
                format!(
                    "EXISTS (SELECT 1 FROM regions WHERE {})",
                    REGION_MATCH.replace("$R", "$4::text")
                )
            } else {
                "true".to_owned()
            },
        )
    }
}

/// The policy areas (in their order), networks and country codes that exist, with the data
/// version they were read at: what a snapshot in memory checks filters against
/// ([`Filters::check_in`]).
#[derive(Debug, Clone, Default, diesel::QueryableByName)]
pub struct KnownValues {
    #[diesel(sql_type = BigInt)]
    pub version: i64,
    #[diesel(sql_type = Array<Text>)]
    pub policy_areas: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    pub networks: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    pub countries: Vec<String>,
}

impl KnownValues {
    /// Whether `other` names the same policy areas, networks and countries, whatever the
    /// versions they were read at (a snapshot made from an older one keeps its lists then).
    #[must_use]
    pub fn same_values(&self, other: &Self) -> bool {
        self.policy_areas == other.policy_areas
            && self.networks == other.networks
            && self.countries == other.countries
    }

    /// Reads them (inside the transaction of the snapshot they belong to).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn read(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Self> {
        crate::db::Prepared::fixed(diesel::sql_query(
            "SELECT (SELECT version FROM data_version) AS version,
                    ARRAY(SELECT slug::text FROM policy_areas ORDER BY position) AS policy_areas,
                    ARRAY(SELECT slug::text FROM networks ORDER BY slug) AS networks,
                    ARRAY(SELECT iso2::text FROM countries ORDER BY iso2) AS countries",
        ))
        .get_result(conn)
        .await
    }
}

/// The filter values that name nothing, as [`Filters::check_columns`] selects them.
#[derive(Debug, diesel::QueryableByName)]
pub struct Unknown {
    #[diesel(sql_type = Array<Text>)]
    unknown_policy_areas: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    unknown_networks: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    unknown_countries: Vec<String>,
    #[diesel(sql_type = Bool)]
    region_ok: bool,
    #[diesel(sql_type = Array<Text>)]
    valid_policy_areas: Vec<String>,
}

impl Unknown {
    /// Whether every filter value names something.
    ///
    /// # Errors
    /// 400 naming the first parameter with a value that names nothing (for policy areas the
    /// message lists the valid slugs).
    pub fn verdict(self) -> AppResult<()> {
        if !self.unknown_policy_areas.is_empty() {
            return Err(bad_request(
                "policy_area",
                format!(
                    "Unknown policy area {}; valid: {}.",
                    quoted(&self.unknown_policy_areas),
                    self.valid_policy_areas.join(", ")
                ),
            ));
        }
        if !self.unknown_networks.is_empty() {
            return Err(bad_request(
                "network",
                format!(
                    "Unknown network {}; GET /api/v1/networks lists them.",
                    quoted(&self.unknown_networks)
                ),
            ));
        }
        if !self.unknown_countries.is_empty() {
            return Err(bad_request(
                "country",
                format!("No data for country {}.", quoted(&self.unknown_countries)),
            ));
        }
        if !self.region_ok {
            return Err(bad_request("region", "Unknown region."));
        }
        Ok(())
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A comma list (empty items dropped), at most [`MAX_LIST`] values.
fn list(params: &QueryParams, name: &str) -> AppResult<Vec<String>> {
    let Some(raw) = params.get(name) else {
        return Ok(Vec::new());
    };
    let mut values: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect();
    values.dedup();
    if values.len() > MAX_LIST {
        return Err(bad_request(
            name,
            format!("At most {MAX_LIST} values in `{name}`."),
        ));
    }
    Ok(values)
}

/// A comma list of slugs.
fn slug_list(params: &QueryParams, name: &str) -> AppResult<Vec<String>> {
    let values = list(params, name)?;
    for value in &values {
        if !Slug::is_valid(value) {
            return Err(bad_request(
                name,
                format!(
                    "`{value}` is not a valid `{name}` (lowercase letters, digits and hyphens)."
                ),
            ));
        }
    }
    Ok(values)
}
