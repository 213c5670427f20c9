//! Row shapes for raw SQL: most queries of accounts and moderation build their JSON in
//! PostgreSQL (`jsonb_build_object`), so one shape serves them all.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb};
use serde::de::DeserializeOwned;

use crate::error::{AppError, AppResult, not_found};

/// A single `jsonb` column named `value`.
#[derive(Debug, QueryableByName)]
pub struct JsonRow {
    #[diesel(sql_type = Jsonb)]
    pub value: serde_json::Value,
}

impl JsonRow {
    /// The row's JSON read into the typed answer `T` its SQL builds.
    ///
    /// # Errors
    /// 500 when the SQL and `T` disagree (a bug, never bad input).
    pub fn typed<T: DeserializeOwned>(self) -> AppResult<T> {
        typed(self.value)
    }
}

/// `value` (JSON built in SQL) read into the typed answer `T`.
///
/// # Errors
/// 500 when the JSON and `T` disagree (a bug, never bad input).
pub fn typed<T: DeserializeOwned>(value: serde_json::Value) -> AppResult<T> {
    serde_json::from_value(value).map_err(|error| {
        AppError::Internal(anyhow::anyhow!(
            "JSON built in SQL does not fit {}: {error}",
            std::any::type_name::<T>()
        ))
    })
}

/// The first row's JSON read into `T`, or a 404 saying `missing`.
///
/// # Errors
/// 404 without a row, 500 when the SQL and `T` disagree.
pub fn one_typed<T: DeserializeOwned>(rows: Vec<JsonRow>, missing: &str) -> AppResult<T> {
    rows.into_iter()
        .next()
        .ok_or_else(|| not_found(missing))?
        .typed()
}

/// Every row's JSON read into `T`.
///
/// # Errors
/// 500 when the SQL and `T` disagree.
pub fn all_typed<T: DeserializeOwned>(rows: Vec<JsonRow>) -> AppResult<Vec<T>> {
    rows.into_iter().map(JsonRow::typed).collect()
}

/// A single `bigint` column named `id`.
#[derive(Debug, QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}
