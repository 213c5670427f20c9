//! Language and paging, and everything a collection request says.

use super::{Filters, Lang, QueryParams, Search};
use crate::domain::Parse;
use crate::error::{AppResult, bad_request};

impl Lang {
    /// Parses `lang` (default English), written as the document states it: lower case.
    ///
    /// # Errors
    /// 400 naming `lang` for any other language or spelling (`DE`).
    pub fn from_params(params: &QueryParams) -> AppResult<Self> {
        let refused = || bad_request("lang", "`lang` is one of de, en, fr, es.");
        if params.is_blank("lang") {
            return Err(refused());
        }
        let Some(raw) = params.get("lang") else {
            return Ok(Self::En);
        };
        Self::parse(raw).map_err(|_| refused())
    }
}

/// A page of a collection: `limit` and `offset` (the `next` link carries the offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// How a too-large `limit` is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    /// 400 (the API's contract).
    Refuse,
    /// Lowered to the maximum (what OGC API - Features recommends).
    Clamp,
}

impl Page {
    /// Parses `limit` (default `default`, at most `max`) and `offset`.
    ///
    /// # Errors
    /// 400 naming `limit` or `offset`.
    pub fn from_params(
        params: &QueryParams,
        default: i64,
        max: i64,
        over: OverLimit,
    ) -> AppResult<Self> {
        let limit = match params.get("limit") {
            None => default,
            Some(raw) => match raw.parse::<i64>() {
                Ok(limit) if (1..=max).contains(&limit) => limit,
                Ok(limit) if limit > max && over == OverLimit::Clamp => max,
                _ => {
                    return Err(bad_request(
                        "limit",
                        format!("`limit` is a whole number from 1 to {max}."),
                    ));
                }
            },
        };
        let offset = match params.get("offset") {
            None => 0,
            Some(raw) => match raw.parse::<i64>() {
                Ok(offset) if (0..=1_000_000_000).contains(&offset) => offset,
                _ => {
                    return Err(bad_request(
                        "offset",
                        "`offset` is a whole number of at least 0.",
                    ));
                }
            },
        };
        Ok(Self { limit, offset })
    }
}

/// Everything a collection request says: filters, search, language and page.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionQuery {
    pub filters: Filters,
    pub search: Search,
    pub lang: Lang,
    pub page: Page,
}

/// Default `limit` of collections.
pub const DEFAULT_LIMIT: i64 = 100;
/// Largest `limit` of collections.
pub const MAX_LIMIT: i64 = 1000;

impl CollectionQuery {
    /// Parses every collection parameter.
    ///
    /// # Errors
    /// 400 naming the first bad parameter.
    pub fn from_params(params: &QueryParams, over: OverLimit) -> AppResult<Self> {
        Ok(Self {
            filters: Filters::from_params(params)?,
            search: Search::from_params(params)?,
            lang: Lang::from_params(params)?,
            page: Page::from_params(params, DEFAULT_LIMIT, MAX_LIMIT, over)?,
        })
    }
}
