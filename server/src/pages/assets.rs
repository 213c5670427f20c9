//! The pages' stylesheet and their one script, compiled into the binary (nothing is fetched
//! at run time, no CDN). The script only adds a copy button to the citation; pages work
//! without it.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::{AppResult, not_found};

const STYLESHEET: &str = include_str!("../../static/pages.css");
const CITE_SCRIPT: &str = include_str!("../../static/cite.js");

/// `GET /static/{file}`: `pages.css` or `cite.js`.
///
/// # Errors
/// 404 for any other file.
#[utoipa::path(get, path = "/static/{file}", tag = "pages",
    params(("file" = String, Path, description = "`pages.css` or `cite.js`")),
    responses(
        (status = 200, description = "The pages' stylesheet or script", content_type = "text/css"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such file", body = crate::error::Problem,
         content_type = "application/problem+json"),
    ))]
pub async fn file(Path(file): Path<String>) -> AppResult<Response> {
    let (body, media_type) = match file.as_str() {
        "pages.css" => (STYLESHEET, "text/css; charset=utf-8"),
        "cite.js" => (CITE_SCRIPT, "text/javascript; charset=utf-8"),
        _ => return Err(not_found("There is no such file.")),
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    Ok(response)
}
