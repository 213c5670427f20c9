//! What can be followed, read from a query string or a form: exactly one of `city`,
//! `network`, `policy_area` (slugs) or `place` (a gazetteer place's id, with `radius_km`).

use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::Slug;
use crate::error::{AppResult, bad_request};
use crate::query::{Lang, QueryParams};

/// The radius around a followed place when none is given.
pub const DEFAULT_RADIUS_KM: i32 = 50;

/// The largest radius around a followed place.
pub const MAX_RADIUS_KM: i32 = 300;

/// The parameters that name a target.
const KINDS: [&str; 4] = ["city", "network", "policy_area", "place"];

/// Something to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    City(String),
    Network(String),
    PolicyArea(String),
    /// Cities within `radius_km` of a gazetteer place (listed or not).
    Near {
        place: i64,
        radius_km: i32,
    },
}

impl Target {
    /// Reads the target from `params` (a query string or a form body).
    ///
    /// # Errors
    /// 400 naming the parameter: none or more than one target given, a malformed slug or
    /// place id, `radius_km` outside 1–300 or without `place`.
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let given: Vec<&str> = KINDS
            .into_iter()
            .filter(|key| params.get(key).is_some())
            .collect();
        let [kind] = given.as_slice() else {
            return Err(bad_request(
                given.get(1).copied().unwrap_or("city"),
                "Name exactly one thing to follow: `city`, `network`, `policy_area` (slugs) or `place` (a place id).",
            ));
        };
        let value = params.get(kind).unwrap_or_default();
        if *kind != "place" && params.get("radius_km").is_some() {
            return Err(bad_request(
                "radius_km",
                "`radius_km` goes with `place` only.",
            ));
        }
        let slug = |field: &str| {
            if Slug::is_valid(value) {
                Ok(value.to_owned())
            } else {
                Err(bad_request(
                    field,
                    format!("`{field}` is a slug: lower-case letters, digits and hyphens."),
                ))
            }
        };
        match *kind {
            "city" => slug("city").map(Self::City),
            "network" => slug("network").map(Self::Network),
            "policy_area" => slug("policy_area").map(Self::PolicyArea),
            _ => {
                let place = value
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| {
                        bad_request("place", "`place` is a place's id, such as 4711.")
                    })?;
                let radius_km = match params.get("radius_km") {
                    None => DEFAULT_RADIUS_KM,
                    Some(raw) => raw
                        .parse::<i32>()
                        .ok()
                        .filter(|km| (1..=MAX_RADIUS_KM).contains(km))
                        .ok_or_else(|| {
                            bad_request(
                                "radius_km",
                                format!("`radius_km` is a whole number from 1 to {MAX_RADIUS_KM}."),
                            )
                        })?,
                };
                Ok(Self::Near { place, radius_km })
            }
        }
    }

    /// The kind as the database stores it (`follows.target_kind`).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::City(_) => "city",
            Self::Network(_) => "network",
            Self::PolicyArea(_) => "policy_area",
            Self::Near { .. } => "near",
        }
    }

    /// The parameter that names it (`place` for a place's surroundings).
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self {
            Self::Near { .. } => "place",
            other => other.kind(),
        }
    }

    /// The key as the database stores it: a slug or a place's id.
    #[must_use]
    pub fn key(&self) -> String {
        match self {
            Self::City(slug) | Self::Network(slug) | Self::PolicyArea(slug) => slug.clone(),
            Self::Near { place, .. } => place.to_string(),
        }
    }

    /// The radius of a place's surroundings.
    #[must_use]
    pub fn radius_km(&self) -> Option<i32> {
        match self {
            Self::Near { radius_km, .. } => Some(*radius_km),
            _ => None,
        }
    }

    /// The target as query parameters (for feed and page links).
    #[must_use]
    pub fn params(&self) -> QueryParams {
        let params = QueryParams::default();
        match self {
            Self::City(slug) => params.with("city", slug),
            Self::Network(slug) => params.with("network", slug),
            Self::PolicyArea(slug) => params.with("policy_area", slug),
            Self::Near { place, radius_km } => params
                .with("place", place.to_string())
                .with("radius_km", radius_km.to_string()),
        }
    }

    /// The target as the database stores it: kind, key and radius.
    #[must_use]
    pub fn from_stored(kind: &str, key: &str, radius_km: Option<i32>) -> Option<Self> {
        match (kind, radius_km) {
            ("city", None) => Some(Self::City(key.to_owned())),
            ("network", None) => Some(Self::Network(key.to_owned())),
            ("policy_area", None) => Some(Self::PolicyArea(key.to_owned())),
            ("near", Some(radius_km)) => key
                .parse()
                .ok()
                .map(|place| Self::Near { place, radius_km }),
            _ => None,
        }
    }

    /// What the target names, in `lang`; `None` when nothing by that slug or id is
    /// published.
    ///
    /// # Errors
    /// Database errors.
    pub async fn describe(
        &self,
        conn: &mut AsyncPgConnection,
        lang: Lang,
    ) -> AppResult<Option<Followed>> {
        let row: NameRow = crate::db::Prepared::fixed(
            diesel::sql_query(DESCRIBE)
                .bind::<Text, _>(self.kind())
                .bind::<Text, _>(self.key())
                .bind::<Text, _>(lang.code()),
        )
        .get_result(conn)
        .await?;
        Ok(row.name.map(|name| Followed {
            target: self.clone(),
            name,
            page: self.page_rest(),
        }))
    }

    /// The page of the target, after the language (`cities/koeln`); the gap sheet for a
    /// place.
    fn page_rest(&self) -> String {
        match self {
            Self::City(slug) => format!("cities/{slug}"),
            Self::Network(slug) => format!("networks/{slug}"),
            Self::PolicyArea(slug) => format!("policy-areas/{slug}"),
            Self::Near { place, .. } => format!("places/{place}/gaps"),
        }
    }
}

/// The name of a target: a listed, published city; a network; a policy area; a place.
const DESCRIBE: &str = "SELECT CASE $1::text
    WHEN 'city' THEN (SELECT coalesce(c.names ->> $3::text, c.name) FROM cities c
        JOIN city_stats cs ON cs.city_id = c.id WHERE c.slug = $2::text AND c.published AND cs.listed)
    WHEN 'network' THEN (SELECT coalesce(n.names ->> $3::text, n.name) FROM networks n WHERE n.slug = $2::text)
    WHEN 'policy_area' THEN (SELECT a.labels ->> $3::text FROM policy_areas a WHERE a.slug = $2::text)
    WHEN 'near' THEN (SELECT p.name FROM places p
        WHERE p.id = CASE WHEN $1::text = 'near' THEN $2::text::bigint END)
    END AS name";

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
}

/// A target and what it names.
#[derive(Debug, Clone)]
pub struct Followed {
    pub target: Target,
    /// The city's, network's, policy area's or place's name.
    pub name: String,
    /// Its page, after the language (`cities/koeln`).
    pub page: String,
}

impl Followed {
    /// The name with the radius for a place ("Kempen (50 km)").
    #[must_use]
    pub fn label(&self) -> String {
        match self.target.radius_km() {
            Some(km) => format!("{} ({km} km)", self.name),
            None => self.name.clone(),
        }
    }
}
