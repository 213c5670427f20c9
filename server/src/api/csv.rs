//! CSV answers of the collections: `/api/v1/cities` and `/api/v1/practices` with
//! `Accept: text/csv`, or `/api/v1/cities.csv` and `/api/v1/practices.csv`. The same filters as
//! the GeoJSON, one row per feature (`export::table`), every match without the page limit,
//! streamed from the database as the rows come.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use futures_util::StreamExt;

use crate::app::AppState;
use crate::error::AppResult;
use crate::export::table::{CITY_COLUMNS, Column, CsvBuffer, PRACTICE_COLUMNS};
use crate::query::{CollectionQuery, OverLimit, QueryParams};

/// CSV (RFC 4180) with a header row.
pub const CSV: &str = "text/csv; charset=utf-8";

/// Rows sent per chunk of the body.
const ROWS_PER_CHUNK: usize = 200;

/// Whether the request asks for CSV (`Accept` names `text/csv`).
#[must_use]
pub fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            range
                .split(';')
                .next()
                .is_some_and(|t| t.trim() == "text/csv")
        })
}

/// A collection that answers CSV.
#[derive(Debug, Clone, Copy)]
pub enum Collection {
    Cities,
    Practices,
}

impl Collection {
    fn columns(self) -> &'static [Column] {
        match self {
            Self::Cities => CITY_COLUMNS,
            Self::Practices => PRACTICE_COLUMNS,
        }
    }

    fn sql(self, query: &CollectionQuery) -> String {
        match self {
            Self::Cities => crate::model::city::rows_sql(query),
            Self::Practices => crate::model::practice::rows_sql(query),
        }
    }
}

/// The CSV of `collection` for the filters in `params`.
///
/// # Errors
/// 400 naming a bad parameter (before anything is sent); 503 without a connection.
pub async fn answer(
    state: &AppState,
    params: &QueryParams,
    collection: Collection,
) -> AppResult<Response> {
    let mut query = CollectionQuery::from_params(params, OverLimit::Clamp)?;
    query.page.limit = i64::MAX;
    query.page.offset = 0;
    let mut conn = state.db_read().await?;
    query.filters.check(&mut conn).await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        if let Err(error) = write(&mut conn, &query, collection, &sender).await {
            tracing::warn!(%error, "CSV answer cut short");
            let _ = sender
                .send(Err(std::io::Error::other(error.to_string())))
                .await;
        }
    });
    // A closed channel keeps answering `None`, so the body may be polled past its end (the
    // compression layer does so when it finishes its stream).
    let mut receiver = receiver;
    let body = futures_util::stream::poll_fn(move |context| receiver.poll_recv(context));
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CSV));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(match collection {
            Collection::Cities => "inline; filename=\"haven-cities.csv\"",
            Collection::Practices => "inline; filename=\"haven-practices.csv\"",
        }),
    );
    Ok(response)
}

/// Writes the header and every row of `query` to `sender`, in chunks.
async fn write(
    conn: &mut diesel_async::AsyncPgConnection,
    query: &CollectionQuery,
    collection: Collection,
    sender: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let columns = collection.columns();
    let mut csv = CsvBuffer::new(columns.iter().map(|(name, _)| *name))?;
    let sql = collection.sql(query);
    let mut rows = std::pin::pin!(
        crate::model::collection::stream(conn, &sql, query)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?
    );
    let mut pending = 0;
    while let Some(row) = rows.next().await {
        let feature: serde_json::Value = serde_json::from_str(&row?.json)?;
        csv.feature(columns, &feature)?;
        pending += 1;
        if pending == ROWS_PER_CHUNK {
            pending = 0;
            if sender.send(Ok(Bytes::from(csv.take()?))).await.is_err() {
                return Ok(()); // The client went away.
            }
        }
    }
    let _ = sender.send(Ok(Bytes::from(csv.take()?))).await;
    Ok(())
}

/// `GET /api/v1/cities.csv`: the listed cities matching the filters, as CSV.
#[utoipa::path(get, path = "/api/v1/cities.csv", tag = "cities",
    params(crate::query::CollectionParams),
    responses(
        (status = 200, description = "Every matching city (no page limit), one row each; lists \
            joined with `|`; `lon`/`lat` the point. The same as `/api/v1/cities` with \
            `Accept: text/csv`.", content_type = "text/csv"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn cities(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    answer(&state, &params, Collection::Cities).await
}

/// `GET /api/v1/practices.csv`: the published practices matching the filters, as CSV.
#[utoipa::path(get, path = "/api/v1/practices.csv", tag = "practices",
    params(crate::query::CollectionParams),
    responses(
        (status = 200, description = "Every matching practice (no page limit), one row each; \
            lists joined with `|`; `lon`/`lat` the point. The same as `/api/v1/practices` with \
            `Accept: text/csv`.", content_type = "text/csv"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "Bad parameter (named in `field`)", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn practices(State(state): State<AppState>, params: QueryParams) -> AppResult<Response> {
    answer(&state, &params, Collection::Practices).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_names_csv() {
        let mut headers = HeaderMap::new();
        assert!(!wants_csv(&headers));
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/json;q=0.5, text/csv;q=0.9"),
        );
        assert!(wants_csv(&headers));
    }
}
