//! What a request says about its session: the cookie, the CSRF token and the origin, read by
//! the extractors handlers use to know who asks.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};

use super::{Session, lifetime_hours, load};
use crate::app::AppState;
use crate::auth::token::same_secret;
use crate::config::Config;
use crate::error::{AppError, AppResult};

/// Name of the session cookie over plain http (development, tests).
pub const COOKIE: &str = "haven_session";
/// Name of the session cookie over https: the `__Host-` prefix makes browsers refuse it unless
/// it is `Secure`, has `Path=/` and no `Domain`, so no other host can plant one.
pub const SECURE_COOKIE: &str = "__Host-haven_session";
/// Header that carries the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in user; 401 without a valid session, 403 for a write without the session's
/// CSRF token or from a foreign `Origin`.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Session);

/// The signed-in user if any (same CSRF and `Origin` checks when there is one).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if writes {
            check_origin(&parts.headers, &state.config)?;
        }
        let Some(token) = cookie_token(&parts.headers, &state.config) else {
            return Ok(Self(None));
        };
        let mut conn = state.db_write().await?;
        let Some(session) = load(&mut conn, &token).await? else {
            return Ok(Self(None));
        };
        if writes {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, &session.csrf_token) {
                return Err(AppError::Forbidden(
                    "The X-CSRF-Token header is missing or wrong.".to_owned(),
                ));
            }
        }
        Ok(Self(Some(session)))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .map(Self)
            .ok_or(AppError::Unauthorized)
    }
}

/// A browser's write must come from Haven's own pages: its `Origin`, when sent, must be
/// Haven's own origin (scheme, host and port of the public URL, else of the request), and a
/// `Sec-Fetch-Site` of `cross-site` is refused. Requests without `Origin` (other programs)
/// pass: JSON bodies must be `application/json`, which no cross-site form can send.
pub fn check_origin(headers: &HeaderMap, config: &Config) -> AppResult<()> {
    let refused = || AppError::Forbidden("Cross-site requests are not accepted.".to_owned());
    if headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site")
    {
        return Err(refused());
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let expected = match config.public_url.as_deref() {
        Some(url) => url::Url::parse(url).ok().map(|url| url.origin()),
        None => headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .and_then(|host| {
                let scheme = if config.is_https(headers) {
                    "https"
                } else {
                    "http"
                };
                url::Url::parse(&format!("{scheme}://{host}")).ok()
            })
            .map(|url| url.origin()),
    };
    let actual = origin
        .to_str()
        .ok()
        .and_then(|origin| url::Url::parse(origin).ok())
        .map(|url| url.origin());
    match (actual, expected) {
        (Some(actual), Some(expected)) if actual.is_tuple() && actual == expected => Ok(()),
        _ => Err(refused()),
    }
}

/// The name of the session cookie for this request.
fn cookie_name(headers: &HeaderMap, config: &Config) -> &'static str {
    if config.is_https(headers) {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

pub(super) fn cookie_token(headers: &HeaderMap, config: &Config) -> Option<String> {
    let wanted = cookie_name(headers, config);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64)
}

/// The `Set-Cookie` value for `token` (`None` clears the cookie), living as long as a session
/// of `role` may. Over https the cookie is `Secure` and named with the `__Host-` prefix.
#[must_use]
pub fn set_cookie(
    token: Option<&str>,
    role: &str,
    headers: &HeaderMap,
    config: &Config,
) -> HeaderValue {
    let https = config.is_https(headers);
    let name = cookie_name(headers, config);
    let secure = if https { "; Secure" } else { "" };
    let value = match token {
        Some(token) => format!(
            "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            lifetime_hours(role) * 3600
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("haven_session=; Max-Age=0"))
}
