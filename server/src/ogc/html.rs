//! `f=html`: every OGC document as a page to browse (OGC API - Features, requirement class
//! HTML), in the pages' layout. The page is made from the very JSON document the client
//! would get: its links (each also offered as HTML), its collections, its features as a
//! table, or one feature's properties.

use askama::Template;
use axum::response::Response;
use serde_json::Value;

use crate::document::BaseUrl;
use crate::error::AppResult;
use crate::pages::{Chrome, html};
use crate::query::{Lang, QueryParams};

/// A link of the document, with its HTML form when it is one of the OGC documents.
#[derive(Debug)]
pub struct LinkView {
    pub rel: String,
    pub title: String,
    pub href: String,
    pub media_type: String,
    pub html_href: Option<String>,
}

/// A row of a feature table.
#[derive(Debug)]
pub struct FeatureRow {
    pub id: String,
    pub href: String,
    pub name: String,
    pub place: String,
    pub point: String,
}

/// An OGC document as a page.
#[derive(Template)]
#[template(path = "pages/ogc.html")]
pub struct OgcPage {
    pub page: Chrome,
    pub heading: String,
    pub description: Option<String>,
    pub collections: Vec<LinkView>,
    pub conformance: Vec<String>,
    pub matched: Option<String>,
    pub features: Vec<FeatureRow>,
    pub properties: Vec<(String, String)>,
    pub links: Vec<LinkView>,
}

/// `href` as an HTML page when it is an OGC document of this server.
fn html_href(base: &BaseUrl, href: &str) -> Option<String> {
    let rest = href.strip_prefix(&base.0)?;
    if !rest.starts_with("/ogc") {
        return None;
    }
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let params = QueryParams::parse(Some(query)).with("f", "html");
    Some(format!("{path}?{}", params.to_query_string()))
}

fn links(base: &BaseUrl, document: &Value) -> Vec<LinkView> {
    document["links"]
        .as_array()
        .map(|links| {
            links
                .iter()
                .map(|link| {
                    let href = link["href"].as_str().unwrap_or_default().to_owned();
                    LinkView {
                        rel: link["rel"].as_str().unwrap_or_default().to_owned(),
                        title: link["title"]
                            .as_str()
                            .map_or_else(|| href.clone(), str::to_owned),
                        media_type: link["type"].as_str().unwrap_or_default().to_owned(),
                        html_href: html_href(base, &href),
                        href,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A JSON value as text for a table cell.
fn text(value: &Value) -> String {
    match value {
        Value::Null => "–".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn feature_row(base: &BaseUrl, collection: &str, feature: &Value) -> FeatureRow {
    let id = feature["id"].as_str().unwrap_or_default().to_owned();
    let properties = &feature["properties"];
    let name = properties["name"]
        .as_str()
        .or_else(|| properties["title"].as_str())
        .unwrap_or(&id)
        .to_owned();
    let place = properties["country_name"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| {
            properties["city"]["name"]
                .as_str()
                .map(|city| format!("{city} ({})", text(&properties["country"])))
        })
        .unwrap_or_default();
    let coordinates = &feature["geometry"]["coordinates"];
    FeatureRow {
        href: html_href(
            base,
            &format!("{}/ogc/collections/{collection}/items/{id}", base.0),
        )
        .unwrap_or_default(),
        point: format!("{}, {}", text(&coordinates[0]), text(&coordinates[1])),
        id,
        name,
        place,
    }
}

/// The page of `document`, the answer at `path` (with `params`) of the OGC API.
///
/// # Errors
/// 500 when the page fails to render.
pub fn page(
    base: &BaseUrl,
    path: &str,
    params: &QueryParams,
    document: &Value,
) -> AppResult<Response> {
    let heading = document["title"]
        .as_str()
        .or_else(|| document["properties"]["name"].as_str())
        .or_else(|| document["properties"]["title"].as_str())
        .or_else(|| document["id"].as_str())
        .map_or_else(|| path.to_owned(), str::to_owned);
    let description = document["description"].as_str().map(str::to_owned);
    let mut page = Chrome::new(
        Lang::En,
        base,
        "",
        format!("{heading} · OGC API - Features"),
        description
            .clone()
            .unwrap_or_else(|| "OGC API - Features".to_owned()),
    );
    page.canonical = base.href(path, &params.without("f"));
    page.x_default = page.canonical.clone();
    page.alternates = Vec::new();
    let collection = path
        .strip_prefix("/ogc/collections/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let collections = document["collections"]
        .as_array()
        .map(|collections| {
            collections
                .iter()
                .map(|c| {
                    let id = c["id"].as_str().unwrap_or_default();
                    let href = format!("{}/ogc/collections/{id}", base.0);
                    LinkView {
                        rel: id.to_owned(),
                        title: text(&c["title"]),
                        media_type: text(&c["description"]),
                        html_href: html_href(base, &href),
                        href,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let features: Vec<FeatureRow> = document["features"]
        .as_array()
        .map(|features| {
            features
                .iter()
                .map(|f| feature_row(base, collection, f))
                .collect()
        })
        .unwrap_or_default();
    let matched = document["numberMatched"].as_i64().map(|matched| {
        format!(
            "{} of {matched} features (offset {})",
            features.len(),
            params.get("offset").unwrap_or("0")
        )
    });
    let properties = document["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .filter(|(key, _)| *key != "links")
                .map(|(key, value)| (key.clone(), text(value)))
                .collect()
        })
        .unwrap_or_default();
    let conformance = document["conformsTo"]
        .as_array()
        .map(|classes| classes.iter().map(text).collect())
        .unwrap_or_default();
    let mut links = links(base, document);
    if links.is_empty() {
        links = links_of_feature(base, document);
    }
    html(&OgcPage {
        page,
        heading,
        description,
        collections,
        conformance,
        matched,
        features,
        properties,
        links,
    })
}

/// A feature's links live among its properties.
fn links_of_feature(base: &BaseUrl, document: &Value) -> Vec<LinkView> {
    links(base, &document["properties"])
}
