//! The integration-test binary of the server: every suite drives the real router against a
//! real PostgreSQL + PostGIS (the private cluster under `target/test-data`), each test in a
//! database of its own cloned from a migrated template.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod api_caching;
mod api_cities;
mod api_city_stats;
mod api_directory;
mod api_openapi;
mod api_params;
mod api_practices;
mod auth;
mod backup;
mod cite;
mod cli_openapi;
mod cli_serve;
mod domain;
mod exports;
mod faults;
mod follow;
mod gaps;
mod growth;
mod health;
mod hostile_text;
mod http_policy;
mod import;
mod mail;
mod migrations;
mod moderation;
mod moderation_limits;
mod ogc;
mod pages;
mod rechecks;
mod scale_out;
mod search;
mod sessions;
mod submissions;
mod take_action;
mod tiles;
mod write_caching;
