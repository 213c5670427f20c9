//! What a proposal or an edit names must exist: a city, a network, a country, a demand,
//! policy areas. Checked before anything is written, so the answer names the field.

use diesel::sql_types::{Array, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{CountryCode, DemandKey, NetworkSlug, PolicyAreaSlug, Slug};
use crate::error::{AppResult, unprocessable};
use crate::moderation::payload::PracticePatch;

/// Checks a practice's fields against the database: its policy areas exist.
///
/// # Errors
/// 422 naming `prefix` + `policy_areas`.
pub async fn check_practice(
    conn: &mut AsyncPgConnection,
    practice: &PracticePatch,
    prefix: &str,
) -> AppResult<()> {
    #[derive(diesel::QueryableByName)]
    struct Unknown {
        #[diesel(sql_type = Array<Text>)]
        unknown: Vec<String>,
    }
    let Some(areas) = &practice.policy_areas else {
        return Ok(());
    };
    let slugs: Vec<&str> = areas.iter().map(PolicyAreaSlug::as_str).collect();
    let found: Unknown = diesel::sql_query(
        "SELECT ARRAY(SELECT s FROM unnest($1::text[]) AS s
                       WHERE NOT EXISTS (SELECT 1 FROM policy_areas WHERE slug = s)) AS unknown",
    )
    .bind::<Array<Text>, _>(&slugs)
    .get_result(conn)
    .await?;
    if found.unknown.is_empty() {
        Ok(())
    } else {
        Err(unprocessable(
            format!("{prefix}policy_areas"),
            format!("unknown policy areas: {}", found.unknown.join(", ")),
        ))
    }
}

/// Something a proposal names that must exist.
#[derive(Debug, Clone, Copy)]
pub enum Known<'a> {
    City(&'a Slug),
    Network(&'a NetworkSlug),
    Country(&'a CountryCode),
    Demand(&'a DemandKey),
}

/// 422 naming `field` unless `known` exists.
///
/// # Errors
/// 422 naming `field`; database errors.
pub async fn exists(conn: &mut AsyncPgConnection, known: Known<'_>, field: &str) -> AppResult<()> {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = Bool)]
        found: bool,
    }
    let (sql, value, what) = match known {
        Known::City(slug) => (
            "SELECT EXISTS (SELECT 1 FROM cities WHERE slug = $1) AS found",
            slug.as_str(),
            "city",
        ),
        Known::Network(slug) => (
            "SELECT EXISTS (SELECT 1 FROM networks WHERE slug = $1) AS found",
            slug.as_str(),
            "network",
        ),
        Known::Country(code) => (
            "SELECT EXISTS (SELECT 1 FROM countries WHERE iso2 = $1) AS found",
            code.as_str(),
            "country",
        ),
        Known::Demand(key) => (
            "SELECT EXISTS (SELECT 1 FROM demands WHERE key = $1) AS found",
            key.as_str(),
            "demand",
        ),
    };
    let found: Found = diesel::sql_query(sql)
        .bind::<Text, _>(value)
        .get_result(conn)
        .await?;
    if found.found {
        Ok(())
    } else {
        Err(unprocessable(
            field,
            format!("there is no {what} '{value}'"),
        ))
    }
}
