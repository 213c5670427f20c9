//! The base of a request's absolute links ([`BaseUrl`]), read from the settings and the
//! request.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::document::BaseUrl;

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(public) = &state.config.public_url {
            return Ok(Self(public.trim_end_matches('/').to_owned()));
        }
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
        };
        let host = header("host")
            .or_else(|| parts.uri.authority().map(|authority| authority.as_str()))
            .filter(|host| {
                !host.is_empty()
                    && host.len() <= 255
                    && host
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
            })
            .unwrap_or("localhost");
        let scheme = match header("x-forwarded-proto") {
            Some("https") if state.config.trust_forwarded_for => "https",
            _ => "http",
        };
        Ok(Self(format!("{scheme}://{host}")))
    }
}
