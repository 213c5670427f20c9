//! Fixed statements that each connection prepares once and keeps.
//!
//! diesel never caches a `sql_query` statement (its text could be built from anything), so
//! PostgreSQL parses and plans such a statement on every request. For the read models' large
//! fixed statements that costs more than running them. [`Prepared::fixed`] marks a statement
//! whose text is one of a bounded set (a constant, or built once at start): the connection's
//! statement cache keys it by its text and keeps the prepared statement, and PostgreSQL can
//! reuse its plan.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// A statement with a fixed text, prepared once per connection.
#[derive(Debug, Clone, Copy)]
pub struct Prepared<Q>(Q);

impl<Q> Prepared<Q> {
    /// `query` (a `diesel::sql_query` with its binds) as a statement to prepare once per
    /// connection. Its SQL text must come from a bounded set of texts (never built from a
    /// request), since every distinct text stays prepared on every connection.
    pub const fn fixed(query: Q) -> Self {
        Self(query)
    }
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    // No type-level id: the statement cache keys the statement by its SQL text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}
