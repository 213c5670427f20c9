//! A city or practice as typed documents, as it is or as it was at a revision: what pages,
//! citations and feeds are made from. The documents are the API's own (`GET
//! /api/v1/{cities|practices}/{slug}`, the same statements), so a page never shows anything
//! the API does not.

use diesel_async::AsyncPgConnection;

use super::Lookup;
use super::city::{self, CityDetailProperties};
use super::collection::FeatureDoc;
use super::history::{self, AtRevision, Revisions};
use super::practice::{self, PracticeDetailProperties};
use crate::error::{AppError, AppResult};
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

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> AppResult<FeatureDoc<T>> {
    serde_json::from_str(json).map_err(|error| AppError::Internal(error.into()))
}

/// A city in `lang`, at revision `rev` or current.
///
/// # Errors
/// When a query fails.
pub async fn city(
    conn: &mut AsyncPgConnection,
    slug: &str,
    lang: Lang,
    rev: Option<i64>,
) -> AppResult<Loaded<CityDetailProperties>> {
    match city::find(conn, slug, lang, &[]).await? {
        Lookup::Found(json) => {
            let mut doc: FeatureDoc<CityDetailProperties> = parse(&json)?;
            match history::city_at(conn, doc.properties, rev, lang).await? {
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
    match practice::find(conn, slug, lang, &[]).await? {
        Lookup::Found(json) => {
            let mut doc: FeatureDoc<PracticeDetailProperties> = parse(&json)?;
            match history::practice_at(conn, doc.properties, rev, lang).await? {
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
