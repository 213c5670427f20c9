//! Runs a layer's SQL as a prepared statement.
//!
//! `diesel::sql_query` never caches its statement, so every call would be parsed and planned
//! again. [`LayerQuery`] instead presents the layer's constant SQL to diesel as cacheable, so
//! each pooled connection prepares it once and then only executes it. The SQL in
//! [`sql`](super::sql) names its parameters `$1`..`$8` and may repeat them; each occurrence
//! becomes a bind of its own here.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, Binary, Bool, Integer, Nullable, Text, Untyped};
use diesel::{QueryResult, QueryableByName};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::points::PointRow;
use crate::query::Filters;

/// One execution of a layer's statement.
#[derive(Debug)]
pub struct LayerQuery {
    sql: &'static str,
    z: i32,
    x: i32,
    y: i32,
    policy_areas: Option<Vec<String>>,
    networks: Option<Vec<String>>,
    countries: Option<Vec<String>>,
    region: Option<String>,
    all_policy_areas: bool,
}

#[derive(QueryableByName)]
struct MvtRow {
    #[diesel(sql_type = Binary)]
    mvt: Vec<u8>,
}

impl LayerQuery {
    /// The statement `sql` for tile z/x/y with `filter`.
    #[must_use]
    pub fn new(sql: &'static str, z: u8, x: u32, y: u32, filter: &Filters) -> Self {
        let binds = filter.binds();
        Self {
            sql,
            z: i32::from(z),
            // x and y are below 2^22 (z is at most 22), so they fit.
            x: i32::try_from(x).unwrap_or(i32::MAX),
            y: i32::try_from(y).unwrap_or(i32::MAX),
            policy_areas: binds.policy_areas,
            networks: binds.networks,
            countries: binds.countries,
            region: binds.region,
            all_policy_areas: binds.all_policy_areas,
        }
    }

    /// The tile's bytes (empty for an empty tile).
    ///
    /// # Errors
    /// When the query fails.
    ///
    /// Runs in a read-only transaction that forces the generic plan: planning the layer's
    /// statement costs more than executing it for most tiles, and PostgreSQL would otherwise
    /// plan it anew for every set of parameters.
    pub async fn run(self, conn: &mut AsyncPgConnection) -> QueryResult<Vec<u8>> {
        conn.build_transaction()
            .read_only()
            .run(async |conn| {
                diesel::sql_query("SET LOCAL plan_cache_mode = force_generic_plan")
                    .execute(conn)
                    .await?;
                let row: MvtRow = self.get_result(conn).await?;
                Ok(row.mvt)
            })
            .await
    }
}

impl LayerQuery {
    /// The tile's bytes, from the statement as is (custom or generic plan, as PostgreSQL
    /// chooses), for statements whose planning is cheap.
    ///
    /// # Errors
    /// When the query fails.
    pub async fn run_plain(self, conn: &mut AsyncPgConnection) -> QueryResult<Vec<u8>> {
        let row: MvtRow = self.get_result(conn).await?;
        Ok(row.mvt)
    }

    /// The rows of a practices' point statement, for [`points::tile`](super::points::tile).
    ///
    /// # Errors
    /// When the query fails.
    pub async fn points(self, conn: &mut AsyncPgConnection) -> QueryResult<Vec<PointRow>> {
        self.load(conn).await
    }
}

impl QueryId for LayerQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for LayerQuery {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for LayerQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut rest = self.sql;
        while let Some(dollar) = rest.find('$') {
            out.push_sql(&rest[..dollar]);
            let digits = rest[dollar + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            match &rest[dollar + 1..dollar + 1 + digits] {
                "1" => out.push_bind_param::<Integer, _>(&self.z)?,
                "2" => out.push_bind_param::<Integer, _>(&self.x)?,
                "3" => out.push_bind_param::<Integer, _>(&self.y)?,
                "4" => out.push_bind_param::<Nullable<Array<Text>>, _>(&self.policy_areas)?,
                "5" => out.push_bind_param::<Nullable<Array<Text>>, _>(&self.networks)?,
                "6" => out.push_bind_param::<Nullable<Array<Text>>, _>(&self.countries)?,
                "7" => out.push_bind_param::<Nullable<Text>, _>(&self.region)?,
                "8" => out.push_bind_param::<Bool, _>(&self.all_policy_areas)?,
                _ => out.push_sql(&rest[dollar..=dollar + digits]),
            }
            rest = &rest[dollar + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}
