//! `/{lang}/data`: the open data: the full download with its size and date, CSV and
//! GeoJSON of the collections, the API reference, OGC API - Features, vector tiles, the
//! feeds, and the licences and attributions of `data/README.md`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::{Chrome, PageLang, html, number};
use crate::app::AppState;
use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::model::profile::partial_date;
use crate::query::Lang;
use crate::words::words;

/// One attribution: what it covers (in the reader's language), the attribution itself (as
/// the licensor asks for it, not translated) and its licence.
#[derive(Debug)]
pub struct Attribution {
    pub what: &'static str,
    /// `None` for the facts, which need no attribution but their sources.
    pub attribution: Option<&'static str>,
    pub licence: &'static str,
    pub licence_url: Option<&'static str>,
}

/// The attributions of `data/README.md`, in its order.
const ATTRIBUTIONS: [(Option<&str>, &str, Option<&str>); 6] = [
    (
        Some("© GeoBasis-DE / BKG (2021), Daten verändert"),
        "Datenlizenz Deutschland – Namensnennung 2.0 (dl-de/by-2-0)",
        Some("https://www.govdata.de/dl-de/by-2-0"),
    ),
    (
        Some("GeoNames (https://www.geonames.org)"),
        "CC BY 4.0",
        Some("https://creativecommons.org/licenses/by/4.0/"),
    ),
    (Some("Made with Natural Earth"), "public domain", None),
    (None, "", None),
    (
        Some("Haven contributors"),
        "CC BY 4.0",
        Some("https://creativecommons.org/licenses/by/4.0/"),
    ),
    (
        Some("Unicode CLDR"),
        "Unicode License v3",
        Some("https://www.unicode.org/license.txt"),
    ),
];

/// The open data page.
#[derive(Template)]
#[template(path = "pages/data.html")]
pub struct DataPage {
    pub page: Chrome,
    /// "Growth over time", the link to the growth page.
    pub growth_link: &'static str,
    pub download_size: String,
    pub attributions: Vec<Attribution>,
}

/// Bytes as a size people read (`1.2 MB`).
fn size(bytes: usize, lang: Lang) -> String {
    let kb = bytes.div_ceil(1000);
    if kb < 1000 {
        return format!("{} kB", number(i64::try_from(kb).unwrap_or(i64::MAX), lang));
    }
    let tenths = bytes.div_ceil(100_000);
    let decimal = if lang == Lang::En { "." } else { "," };
    format!("{}{decimal}{} MB", tenths / 10, tenths % 10)
}

/// `GET /{lang}/data`.
///
/// # Errors
/// 500/503 when the archive cannot be built.
#[utoipa::path(get, path = "/{lang}/data", tag = "pages",
    params(("lang" = String, Path, description = "de, en, fr or es")),
    responses(
        (status = 200, description = "Open data: downloads, interfaces, feeds, licences and attributions (HTML)", content_type = "text/html"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such page (an HTML page)", content_type = "text/html"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    base: BaseUrl,
    PageLang(lang): PageLang,
) -> AppResult<Response> {
    let archive = state.downloads.current(&state).await?;
    let w = words(lang);
    let url = super::page_url(&base, lang, "data");
    let download = format!("{}/downloads/haven.zip", base.0);
    let mut page = Chrome::new(lang, &base, "data", w.data_title, w.data_intro).with_json_ld(&json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": url,
        "url": url,
        "name": "Haven",
        "description": w.download_text,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creator": { "@type": "Organization", "name": "Haven contributors" },
        "dateModified": archive.built_on,
        "distribution": [
            { "@type": "DataDownload", "encodingFormat": "application/zip", "contentUrl": download,
              "contentSize": archive.bytes.len().to_string() },
            { "@type": "DataDownload", "encodingFormat": "text/csv",
              "contentUrl": format!("{}/api/v1/cities.csv", base.0) },
            { "@type": "DataDownload", "encodingFormat": "application/geo+json",
              "contentUrl": format!("{}/api/v1/cities", base.0) },
        ],
    }));
    page = page.with_site_feeds();
    let download_size = w
        .download_size
        .replace("{size}", &size(archive.bytes.len(), lang))
        .replace("{date}", &partial_date(&archive.built_on, lang))
        .replace("{version}", &archive.version.to_string());
    let attributions = ATTRIBUTIONS
        .iter()
        .zip(w.attribution_what.iter())
        .map(|((attribution, licence, licence_url), what)| Attribution {
            what,
            attribution: *attribution,
            licence,
            licence_url: *licence_url,
        })
        .collect();
    html(&DataPage {
        page,
        growth_link: super::growth::growth_words(lang).link,
        download_size,
        attributions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(812, Lang::En), "1 kB");
        assert_eq!(size(1_234_567, Lang::En), "1.3 MB");
        assert_eq!(size(1_234_567, Lang::De), "1,3 MB");
    }
}
