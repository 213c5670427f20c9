//! The page around every page: its title and description, canonical address and language
//! versions, feeds, JSON-LD, and the link back into the map at the same place.

use crate::document::BaseUrl;
use crate::query::{Lang, QueryParams};
use crate::words::{Words, words};

use super::page_url;

/// One language version of a page.
#[derive(Debug)]
pub struct Alternate {
    pub hreflang: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// A feed a page offers (`<link rel="alternate" type="application/atom+xml">`).
#[derive(Debug)]
pub struct FeedLink {
    pub title: &'static str,
    pub href: String,
}

/// What the layout of every page needs: language, titles, addresses and metadata.
#[derive(Debug)]
pub struct Chrome {
    pub lang: &'static str,
    pub locale: &'static str,
    pub w: &'static Words,
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub x_default: String,
    pub alternates: Vec<Alternate>,
    pub og_type: &'static str,
    pub json_ld: Option<String>,
    pub feeds: Vec<FeedLink>,
    pub map_href: String,
    pub noindex: bool,
}

impl Chrome {
    /// The layout of the page at `/{lang}/{rest}` titled `title`.
    #[must_use]
    pub fn new(
        lang: Lang,
        base: &BaseUrl,
        rest: &str,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        let alternates = Lang::ALL
            .iter()
            .copied()
            .map(|other| Alternate {
                hreflang: other.code(),
                name: words(other).language_name,
                href: page_url(base, other, rest),
                current: other == lang,
            })
            .collect();
        Self {
            lang: lang.code(),
            locale: match lang {
                Lang::De => "de_DE",
                Lang::En => "en_GB",
                Lang::Fr => "fr_FR",
                Lang::Es => "es_ES",
            },
            w: words(lang),
            title: title.into(),
            description: description.into(),
            canonical: page_url(base, lang, rest),
            x_default: page_url(base, Lang::En, rest),
            alternates,
            og_type: "website",
            json_ld: None,
            feeds: Vec::new(),
            map_href: map_href(lang, None),
            noindex: false,
        }
    }

    /// The same layout offering the feeds of the whole site.
    #[must_use]
    pub fn with_site_feeds(mut self) -> Self {
        self.feeds = vec![
            FeedLink {
                title: self.w.feed_practices,
                href: format!("/feeds/practices.atom?lang={}", self.lang),
            },
            FeedLink {
                title: self.w.feed_harbours,
                href: format!("/feeds/safe-harbours.atom?lang={}", self.lang),
            },
        ];
        self
    }

    /// The same layout with JSON-LD (schema.org) data.
    #[must_use]
    pub fn with_json_ld(mut self, value: &serde_json::Value) -> Self {
        self.json_ld = Some(json_ld(value));
        self
    }
}

/// The map at the same place: `/?lang=de` plus one of `city=`, `practice=`, `area=` or
/// `network=` (the map client's own URL state).
#[must_use]
pub fn map_href(lang: Lang, at: Option<(&str, &str)>) -> String {
    let mut params = QueryParams::default().with("lang", lang.code());
    if let Some((key, value)) = at {
        params = params.with(key, value);
    }
    format!("/?{}", params.to_query_string())
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` escaped so that no
/// text inside can close the element.
#[must_use]
pub fn json_ld(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
