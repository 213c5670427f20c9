//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
//! threads because a hash takes tens of milliseconds on purpose.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::{AppError, AppResult};

/// Shortest accepted password.
pub const MIN_LENGTH: usize = 10;
/// Longest accepted password (bounds the hashing work a request can cause).
pub const MAX_LENGTH: usize = 256;

/// The argon2id PHC string of `password`.
///
/// # Errors
/// When hashing fails (it does not for valid parameters).
pub async fn hash(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|error| AppError::Internal(error.into()))?
}

fn hash_now(password: &str) -> AppResult<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|error| AppError::Internal(anyhow::anyhow!("salt: {error}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AppError::Internal(anyhow::anyhow!("argon2: {error}")))
}

/// Whether `password` matches `hash`. With no hash (unknown account) a dummy hash is checked,
/// so that the answer takes as long as for a real account and tells nothing.
///
/// # Errors
/// When the blocking task fails.
pub async fn verify(password: String, hash: Option<String>) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .map_err(|error| AppError::Internal(error.into()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a password of anyone").unwrap_or_default())
}
