//! Random secrets (session cookies, CSRF tokens, one-time mail tokens) and their hashes.

use sha2::{Digest, Sha256};

/// 32 random bytes from the thread's CSPRNG, as 64 lowercase hex digits.
#[must_use]
pub fn random_token() -> String {
    hex(&rand::random::<[u8; 32]>())
}

/// The SHA-256 of `token` as 64 hex digits: what the database keeps instead of the secret.
#[must_use]
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Compares two secrets in time independent of where they differ.
#[must_use]
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
