//! Argon2id password hashing, off the async workers and never more at once
//! than the machine has cores.
//!
//! Every hash and check takes a permit from one process-wide semaphore sized
//! to the available parallelism, so a flood of logins queues instead of
//! starving the server; the queue itself is bounded, and a request that
//! would wait behind too many others is refused at once as a 429.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Semaphore, SemaphorePermit};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Requests that may wait for a hashing permit, per core.
const WAITING_PER_CORE: usize = 32;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(cores()));
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// The right to run one Argon2 computation now.
pub(crate) struct HashingPermit(#[allow(dead_code)] SemaphorePermit<'static>);

/// Waits for a hashing permit; refuses at once when too many already wait.
pub(crate) async fn permit() -> Result<HashingPermit, AppError> {
    let limit = WAITING_PER_CORE * cores();
    if WAITING.fetch_add(1, Ordering::AcqRel) >= limit {
        WAITING.fetch_sub(1, Ordering::AcqRel);
        return Err(AppError::Throttled {
            message: msg!("error.passwords.busy"),
            retry_after_secs: 1,
        });
    }
    let acquired = HASHING.acquire().await;
    WAITING.fetch_sub(1, Ordering::AcqRel);
    acquired
        .map(HashingPermit)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Hashes a password with Argon2id and a random salt.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    check_password(password)?;
    let password = password.to_string();
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AppError::Internal(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Checks a password against a stored hash (or the dummy hash, so unknown
/// addresses cost the same), under a permit the caller holds.
pub(crate) async fn verify_password(
    _permit: &HashingPermit,
    hash: Option<String>,
    password: &str,
) -> bool {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    known && matches
}

/// Refuses passwords that are too short or too long.
pub(crate) fn check_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            msg!("error.passwords.min", min = MIN_PASSWORD_CHARS),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::invalid(
            "password",
            msg!("error.field.max_bytes", max = MAX_PASSWORD_BYTES),
        ));
    }
    Ok(())
}

/// A valid Argon2 hash of a random string, verified against for unknown users.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9r7Tn3mq0F8I4O2Yx6e0mCk9aYgK5kF1oZz6sQk0u9Y";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashing_runs_under_a_permit_and_checks_out() {
        let hash = hash_password("correct horse battery").await.unwrap();
        let permit = permit().await.unwrap();
        assert!(verify_password(&permit, Some(hash.clone()), "correct horse battery").await);
        assert!(!verify_password(&permit, Some(hash), "wrong horse battery").await);
        assert!(!verify_password(&permit, None, "correct horse battery").await);
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "unknown addresses cost a real check"
        );
        drop(permit);
        assert_eq!(HASHING.available_permits(), cores());
    }
}
