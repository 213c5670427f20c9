//! Errors as RFC 9457 problem documents.
//!
//! Every failure a client can see leaves the server as `application/problem+json` with a
//! human-readable `detail` and, for bad input, the offending `field`. Internal errors are
//! logged with their cause and answered with a generic message, so nothing about the database
//! or the file system leaks into a response.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client is asked to wait (`Retry-After`) when the database or password hashing is
/// unavailable or saturated.
pub const UNAVAILABLE_RETRY_SECS: u64 = 2;

/// The result type of handlers.
pub type AppResult<T> = Result<T, AppError>;

/// The 401 answer of every route that needs a signed-in session, for the OpenAPI document.
#[derive(Debug, utoipa::IntoResponses)]
#[response(status = 401, description = "No valid session")]
pub struct NoSession;

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// The request field (query parameter, path segment or body field) at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed; `field` names the parameter at fault.
    #[error("{detail}")]
    BadRequest {
        field: Option<String>,
        detail: String,
    },
    /// The request is well-formed but its content is not acceptable.
    #[error("{detail}")]
    Unprocessable {
        field: Option<String>,
        detail: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{detail}")]
    Conflict {
        field: Option<String>,
        detail: String,
    },
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// The body is not of the media type the route reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A 400 naming the field at fault.
pub fn bad_request(field: impl Into<String>, detail: impl Into<String>) -> AppError {
    AppError::BadRequest {
        field: Some(field.into()),
        detail: detail.into(),
    }
}

/// A 422 naming the field.
pub fn unprocessable(field: impl Into<String>, detail: impl Into<String>) -> AppError {
    AppError::Unprocessable {
        field: Some(field.into()),
        detail: detail.into(),
    }
}

/// A 404 with a message.
pub fn not_found(detail: impl Into<String>) -> AppError {
    AppError::NotFound(detail.into())
}

impl AppError {
    /// The HTTP status this error answers with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn problem(&self) -> Problem {
        let status = self.status();
        let (field, detail) = match self {
            Self::BadRequest { field, detail }
            | Self::Unprocessable { field, detail }
            | Self::Conflict { field, detail } => (field.clone(), detail.clone()),
            Self::Unavailable(_) => (
                None,
                "The server is busy or its database is not available right now; try again shortly."
                    .to_owned(),
            ),
            Self::Internal(_) => (
                None,
                "An internal error occurred; it has been logged.".to_owned(),
            ),
            other => (None, other.to_string()),
        };
        Problem::new(status, detail, field)
    }
}

impl Problem {
    /// A problem of type `about:blank` for `status`.
    #[must_use]
    pub fn new(status: StatusCode, detail: impl Into<String>, field: Option<String>) -> Self {
        Self {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            field,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(error) => tracing::error!(error = ?error, "internal error"),
            Self::Unavailable(error) => tracing::warn!(%error, "database unavailable"),
            _ => {}
        }
        let retry_after = match &self {
            Self::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            Self::Unavailable(_) => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        };
        let mut response = self.problem().into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A body that is not JSON, or has the wrong fields, is a 400; a field whose value breaks its
/// rule is a 422.
impl From<crate::domain::json::JsonError> for AppError {
    fn from(error: crate::domain::json::JsonError) -> Self {
        use crate::domain::json::Fault;
        let field = Some(error.field.unwrap_or_else(|| "body".to_owned()));
        match error.fault {
            Fault::Syntax | Fault::Shape => Self::BadRequest {
                field,
                detail: error.detail,
            },
            Fault::Value => Self::Unprocessable {
                field,
                detail: error.detail,
            },
        }
    }
}

/// A row that is not there is a 404; a write the schema refuses a 409 or 422 naming the field
/// ([`crate::db::constraint`]), so no refusal can turn into a 500.
impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::NotFound("Not found.".to_owned()),
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            Error::DatabaseError(_, info) if is_unavailable(info.message()) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => crate::db::constraint::refusal(other),
        }
    }
}

/// Whether a database error says the database is away or overloaded rather than that the
/// query is wrong: the connection broke, the server shuts down or starts, or the statement
/// ran past the statement timeout. These answer 503 with `Retry-After`, not 500.
fn is_unavailable(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "connection closed",
        "terminating connection",
        "the database system is",
        "statement timeout",
        "server closed the connection",
        "broken pipe",
        "connection reset",
    ]
    .iter()
    .any(|sign| message.contains(sign))
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}
