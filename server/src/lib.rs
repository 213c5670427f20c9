//! Haven: an open map platform of welcoming cities.
//!
//! The library holds everything the `haven` binary does, so that the integration tests can
//! drive the very same router (`app`) and the very same embedded PostgreSQL cluster.

pub mod api;
pub mod app;
pub mod auth;
pub mod cite;
pub mod config;
pub mod db;
pub mod document;
pub mod domain;
pub mod error;
pub mod export;
pub mod feeds;
pub mod flight;
pub mod follow;
pub mod http_policy;
pub mod import;
pub mod model;
pub mod moderation;
pub mod ogc;
pub mod pages;
pub mod query;
pub mod tiles;
pub mod words;

pub use app::{App, AppState, app};
