//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes), and the password
//! policy (OWASP ASVS level 2: at least 12 characters, not a common breached password).
//!
//! A hash takes tens of milliseconds and 19 MiB on purpose, so hashing is rationed: at most
//! one run per core at a time ([`hashing`]), each on a blocking thread, never on the async
//! workers. A flood of requests that hash therefore queues instead of taking the memory and
//! the CPU of the whole server; a request that waits too long is answered 503.

use std::collections::HashSet;
use std::io::Read;
use std::sync::OnceLock;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// Shortest accepted password.
pub const MIN_LENGTH: usize = 12;
/// Longest accepted password (bounds the hashing work a request can cause).
pub const MAX_LENGTH: usize = 256;

/// How long a request waits for its turn to hash before it is answered 503.
const HASH_WAIT: Duration = Duration::from_secs(10);

/// Common passwords from breaches: the 20,000 of Django's `CommonPasswordValidator`
/// (compiled by Royce Williams; lowercased, deduplicated; BSD-3-Clause like Django).
const COMMON_PASSWORDS_GZ: &[u8] = include_bytes!("common-passwords.txt.gz");

/// One permit per core: the argon2 runs allowed at once.
fn hashing() -> &'static Semaphore {
    static HASHING: OnceLock<Semaphore> = OnceLock::new();
    HASHING.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    })
}

/// Runs `work` on a blocking thread once a hashing permit is free.
async fn rationed<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let permit = tokio::time::timeout(HASH_WAIT, hashing().acquire())
        .await
        .map_err(|_| AppError::Unavailable("password hashing is saturated".to_owned()))?
        .map_err(|error| AppError::Internal(error.into()))?;
    let result = tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AppError::Internal(error.into()));
    drop(permit);
    result
}

/// The argon2id PHC string of `password`.
///
/// # Errors
/// 503 when hashing is saturated; when hashing fails (it does not for valid parameters).
pub async fn hash(password: String) -> AppResult<String> {
    rationed(move || hash_now(&password)).await?
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
/// 503 when hashing is saturated; when the blocking task fails.
pub async fn verify(password: String, hash: Option<String>) -> AppResult<bool> {
    rationed(move || {
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
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a password of anyone").unwrap_or_default())
}

fn common_passwords() -> &'static HashSet<String> {
    static COMMON: OnceLock<HashSet<String>> = OnceLock::new();
    COMMON.get_or_init(|| {
        let mut text = String::new();
        let read = flate2::read::GzDecoder::new(COMMON_PASSWORDS_GZ).read_to_string(&mut text);
        if let Err(error) = read {
            tracing::error!(%error, "the list of common passwords cannot be read");
        }
        text.lines().map(str::to_owned).collect()
    })
}

/// Why `password` is refused, if it is: too short, too long, or a common breached password
/// (also with digits or punctuation added at its end, or repeated to reach the length).
#[must_use]
pub fn weakness(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some(format!("must be at least {MIN_LENGTH} characters"));
    }
    if length > MAX_LENGTH {
        return Some(format!("must be at most {MAX_LENGTH} characters"));
    }
    let lower = password.to_lowercase();
    let common = common_passwords();
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let repeated = (1..=lower.len() / 2)
        .filter(|len| lower.len().is_multiple_of(*len) && lower.is_char_boundary(*len))
        .map(|len| &lower[..len])
        .find(|unit| unit.repeat(lower.len() / unit.len()) == lower);
    let is_common = common.contains(&lower)
        || (stem.chars().count() >= 4 && common.contains(stem))
        || repeated.is_some_and(|unit| unit.chars().count() < 4 || common.contains(unit));
    is_common.then(|| "is too common: it is on a list of passwords from breaches".to_owned())
}

#[cfg(test)]
mod tests {
    use super::weakness;

    #[test]
    fn common_and_short_passwords_are_refused() {
        assert!(weakness("short").is_some());
        assert!(weakness("qwerty123456").is_some(), "on the list");
        assert!(
            weakness("Password123456!").is_some(),
            "a listed word plus digits"
        );
        assert!(
            weakness("monkeymonkeymonkey").is_some(),
            "a listed word repeated"
        );
        assert!(
            weakness("aaaaaaaaaaaaaaa").is_some(),
            "one character repeated"
        );
        assert!(weakness("correct horse battery").is_none());
        assert!(weakness("Nachtzug nach Lissabon").is_none());
    }
}
