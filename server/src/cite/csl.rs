//! The CSL-JSON a citation is written as, as the OpenAPI document shows it.

/// A CSL-JSON item as [`super::Citation::csl_json`] writes it (<https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html>).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CslItemDoc {
    id: String,
    /// Always `webpage`.
    #[serde(rename = "type")]
    kind: String,
    title: String,
    author: Vec<CslNameDoc>,
    /// Always `Haven`.
    #[serde(rename = "container-title")]
    container_title: String,
    /// Always `Haven`.
    publisher: String,
    /// The page's permanent address.
    #[serde(rename = "URL")]
    url: String,
    /// The revision's date.
    issued: CslDateDoc,
    /// Today.
    accessed: CslDateDoc,
    /// The title's language.
    language: String,
    /// The city.
    note: String,
    /// The revision's number, when the citation names one.
    version: Option<String>,
}

/// A CSL name given as one literal.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CslNameDoc {
    literal: String,
}

/// A CSL date: `[[year, month, day]]`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CslDateDoc {
    #[serde(rename = "date-parts")]
    date_parts: Vec<Vec<i64>>,
}
