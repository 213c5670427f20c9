//! E-mail addresses and web links.

use super::{Invalid, Parse, string_schema, string_type, text};

/// An e-mail address as the `users` table keeps it: at most 254 characters, one `@` between
/// a local part and a domain, no white space or control characters. Kept as given (accounts
/// match it case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// The longest address (RFC 5321).
    pub const MAX: usize = 254;
}

impl Parse for Email {
    fn parse(value: &str) -> Result<Self, Invalid> {
        let ok = value.len() <= Self::MAX
            && text::clean(value, false).is_ok()
            && !value.chars().any(char::is_whitespace)
            && value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@')
            });
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new("must be an e-mail address"))
        }
    }
}

string_type!(Email, || string_schema("An e-mail address")
    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
        utoipa::openapi::KnownFormat::Email
    )))
    .max_length(Some(Email::MAX)));

/// An absolute http(s) URL with a host, no white space, at most 2048 characters (the
/// schema's `web_url` domain): never `javascript:`, `data:` and the like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl(String);

impl WebUrl {
    /// The longest URL.
    pub const MAX: usize = 2048;
}

impl Parse for WebUrl {
    fn parse(value: &str) -> Result<Self, Invalid> {
        let ok = value.len() <= Self::MAX
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            && url::Url::parse(value)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(Invalid::new("must be an http(s) URL"))
        }
    }
}

string_type!(WebUrl, || string_schema("An absolute http(s) URL")
    .format(Some(utoipa::openapi::SchemaFormat::Custom(
        "uri".to_owned()
    )))
    .pattern(Some("^https?://"))
    .max_length(Some(WebUrl::MAX)));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_links() {
        assert!(Email::parse("a@example.org").is_ok());
        assert!(Email::parse("not an address").is_err());
        assert!(Email::parse("a@b@c").is_err());
        assert!(Email::parse(&format!("{}@example.org", "a".repeat(8192))).is_err());
        assert!(Email::parse("a\0@example.org").is_err());
        assert!(WebUrl::parse("https://seebruecke.org/x").is_ok());
        assert!(WebUrl::parse("ftp://example.org").is_err());
        assert!(WebUrl::parse("seebruecke.org").is_err());
        assert!(WebUrl::parse("javascript:alert(1)").is_err());
    }
}
