//! Row shapes for raw SQL: most queries of accounts and moderation build their JSON in
//! PostgreSQL (`jsonb_build_object`), so one shape serves them all.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb};

/// A single `jsonb` column named `value`.
#[derive(Debug, QueryableByName)]
pub struct JsonRow {
    #[diesel(sql_type = Jsonb)]
    pub value: serde_json::Value,
}

/// A single `bigint` column named `id`.
#[derive(Debug, QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}
