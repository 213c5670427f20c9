//! Staging: rows go into temporary tables with `COPY ... FROM STDIN`, then one set-based
//! `INSERT ... SELECT ... ON CONFLICT ... DO UPDATE ... WHERE row IS DISTINCT FROM` writes
//! them, so a gazetteer of 140,000 places and a million names loads in seconds and rows that
//! did not change are not touched (the data version stays put on an idempotent re-import).

use bytes::{BufMut, BytesMut};
use futures_util::SinkExt;
use tokio_postgres::Client;

/// How much COPY text is buffered before it is sent.
const CHUNK: usize = 1 << 20;

/// (Re)creates the temporary table `name` with `columns` (SQL column definitions).
///
/// # Errors
/// On a database error.
pub async fn create(client: &Client, name: &str, columns: &str) -> anyhow::Result<()> {
    client
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS pg_temp.{name}; CREATE TEMP TABLE {name} ({columns})"
        ))
        .await?;
    Ok(())
}

/// Streams rows into a staging table with `COPY ... FROM STDIN` (text format).
pub struct Copy {
    sink: std::pin::Pin<Box<tokio_postgres::CopyInSink<bytes::Bytes>>>,
    buffer: BytesMut,
    rows: u64,
}

impl std::fmt::Debug for Copy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Copy").field("rows", &self.rows).finish()
    }
}

impl Copy {
    /// Starts copying into `table (columns)`.
    ///
    /// # Errors
    /// On a database error.
    pub async fn start(client: &Client, table: &str, columns: &[&str]) -> anyhow::Result<Self> {
        let sink = client
            .copy_in(&format!("COPY {table} ({}) FROM STDIN", columns.join(", ")))
            .await?;
        Ok(Self {
            sink: Box::pin(sink),
            buffer: BytesMut::with_capacity(CHUNK + 4096),
            rows: 0,
        })
    }

    /// Adds one row; `None` is NULL.
    ///
    /// # Errors
    /// On a database error while flushing.
    pub async fn row<S: AsRef<str>>(&mut self, values: &[Option<S>]) -> anyhow::Result<()> {
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.buffer.put_u8(b'\t');
            }
            match value {
                None => self.buffer.put_slice(b"\\N"),
                Some(value) => escape_into(&mut self.buffer, value.as_ref()),
            }
        }
        self.buffer.put_u8(b'\n');
        self.rows += 1;
        if self.buffer.len() >= CHUNK {
            let chunk = self.buffer.split().freeze();
            self.sink.send(chunk).await?;
        }
        Ok(())
    }

    /// Sends what is left and ends the COPY; returns the number of rows copied.
    ///
    /// # Errors
    /// On a database error.
    pub async fn finish(mut self) -> anyhow::Result<u64> {
        if !self.buffer.is_empty() {
            let chunk = self.buffer.split().freeze();
            self.sink.send(chunk).await?;
        }
        let rows = self.sink.as_mut().finish().await?;
        Ok(rows)
    }
}

/// Escapes `value` for COPY's text format.
fn escape_into(buffer: &mut BytesMut, value: &str) {
    for byte in value.bytes() {
        match byte {
            b'\\' => buffer.put_slice(b"\\\\"),
            b'\n' => buffer.put_slice(b"\\n"),
            b'\r' => buffer.put_slice(b"\\r"),
            b'\t' => buffer.put_slice(b"\\t"),
            other => buffer.put_u8(other),
        }
    }
}

/// Rows inserted and updated by one write statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub inserted: u64,
    pub updated: u64,
}

impl Written {
    /// Rows inserted or updated.
    #[must_use]
    pub fn changed(self) -> u64 {
        self.inserted + self.updated
    }
}

impl std::ops::AddAssign for Written {
    fn add_assign(&mut self, other: Self) {
        self.inserted += other.inserted;
        self.updated += other.updated;
    }
}

/// Runs an `INSERT ... ON CONFLICT ... RETURNING (xmax = 0)` statement and counts the rows it
/// inserted (`xmax = 0`) and updated.
///
/// # Errors
/// On a database error.
pub async fn upsert(client: &Client, sql: &str) -> anyhow::Result<Written> {
    let row = client
        .query_one(
            &format!(
                "WITH written AS ({sql} RETURNING (xmax = 0) AS inserted) \
                 SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written"
            ),
            &[],
        )
        .await?;
    Ok(Written {
        inserted: count(row.get(0)),
        updated: count(row.get(1)),
    })
}

/// Runs a statement and returns the rows it affected, as `updated` (UPDATE/DELETE) or
/// `inserted` (INSERT without conflict handling).
///
/// # Errors
/// On a database error.
pub async fn execute(client: &Client, sql: &str) -> anyhow::Result<u64> {
    Ok(client.execute(sql, &[]).await?)
}

/// A non-negative count from SQL.
#[must_use]
pub fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The SQL expression that reads a staged geometry written as GeoJSON, EWKT/WKT or hex EWKB
/// into a geometry in SRID 4326.
#[must_use]
pub fn geometry(column: &str) -> String {
    format!(
        "(CASE WHEN {column} IS NULL THEN NULL \
              WHEN left({column}, 1) = '{{' THEN ST_SetSRID(ST_GeomFromGeoJSON({column}), 4326) \
              ELSE ST_SetSRID({column}::geometry, 4326) END)"
    )
}

/// `geometry(column)` as a MultiPolygon (polygons are wrapped, other parts dropped).
#[must_use]
pub fn multipolygon(column: &str) -> String {
    format!("ST_Multi(ST_CollectionExtract({}, 3))", geometry(column))
}
