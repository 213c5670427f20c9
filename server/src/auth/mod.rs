//! Accounts and sessions: who is asking, and may they?
//!
//! Passwords are argon2id hashes; sessions live in PostgreSQL (several instances share them)
//! behind an `HttpOnly`, `SameSite=Lax` cookie that holds a random token of which only the
//! SHA-256 is stored. Cookie-authenticated writes need the session's CSRF token in
//! `X-CSRF-Token` and, when the browser sends one, a matching `Origin`. Login, registration
//! and password resets are throttled per account and per client through `rate_limits`, so
//! the limits hold across instances. Outgoing mail goes through the `outbox` table and is
//! sent by SMTP when `HAVEN_SMTP_URL` is set ([`mail`]).

pub mod account;
pub mod client;
pub mod mail;
pub mod outbox;
pub mod password;
pub mod rate_limit;
pub mod rows;
pub mod session;
pub mod token;

pub use client::ClientAddr;
pub use session::{CurrentUser, MaybeUser, Session, User};
