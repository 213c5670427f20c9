//! A city or practice as typed documents, as it is or as it was at a revision: what pages,
//! citations and feeds are made from. The documents are the API's own (`GET
//! /api/v1/{cities|practices}/{slug}`, the same statements), so a page never shows anything
//! the API does not.

use diesel_async::AsyncPgConnection;

use super::Lookup;
use super::city::CityDetailProperties;
use super::collection::FeatureDoc;
use super::history::{self, AtRevision, Revisions};
use super::practice::{self, PracticeDetailProperties};
use crate::error::AppResult;
use crate::model::read_json;
use crate::query::Lang;

/// What looking up a page's subject gives.
#[derive(Debug)]
pub enum Loaded<T> {
    /// The document, as of the revision asked for (or current), and its revision stamps.
    Found(Box<FeatureDoc<T>>, Revisions),
    /// An old slug: the current one.
    Moved(String),
    /// No published entity has this slug.
    Missing,
    /// The entity exists but `rev` is not one of its revisions.
    NoSuchRevision,
}

/// What `lookup` found, with its properties as `at` finds them at the revision asked for.
async fn load<T: serde::de::DeserializeOwned>(
    conn: &mut AsyncPgConnection,
    lookup: Lookup,
    at: impl AsyncFnOnce(&mut AsyncPgConnection, T) -> AppResult<AtRevision<T>>,
) -> AppResult<Loaded<T>> {
    match lookup {
        Lookup::Found(json) => {
            let mut doc: FeatureDoc<T> = read_json(&json)?;
            match at(conn, doc.properties).await? {
                AtRevision::Page(properties, revisions) => {
                    doc.properties = properties;
                    Ok(Loaded::Found(Box::new(doc), revisions))
                }
                AtRevision::NoSuchRevision => Ok(Loaded::NoSuchRevision),
            }
        }
        Lookup::Moved(to) => Ok(Loaded::Moved(to)),
        Lookup::Missing => Ok(Loaded::Missing),
    }
}

/// A city in `lang` as `lookup` found it (current, [`crate::app::App::city_found`]), at
/// revision `rev` or current.
///
/// # Errors
/// When a query fails.
pub async fn city(
    conn: &mut AsyncPgConnection,
    lookup: Lookup,
    lang: Lang,
    rev: Option<i64>,
) -> AppResult<Loaded<CityDetailProperties>> {
    load(conn, lookup, async |conn, doc| {
        history::city_at(conn, doc, rev, lang).await
    })
    .await
}

/// A practice in `lang`, at revision `rev` or current.
///
/// # Errors
/// When a query fails.
pub async fn practice(
    conn: &mut AsyncPgConnection,
    slug: &str,
    lang: Lang,
    rev: Option<i64>,
) -> AppResult<Loaded<PracticeDetailProperties>> {
    let lookup = practice::find(conn, slug, lang, &[]).await?;
    load(conn, lookup, async |conn, doc| {
        history::practice_at(conn, doc, rev, lang).await
    })
    .await
}
