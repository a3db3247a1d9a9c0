//! Passwords: the rules for a new one, argon2id hashing and verifying.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{Error, Result};

use super::*;

const MAX_PASSWORD_CHARS: usize = 1_000;

pub(super) fn password(field: &str, value: &str) -> Result<()> {
    let chars = value.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::validation(
            field,
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::validation(
            field,
            format!("a password can be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// An argon2id PHC string (default parameters, a fresh random salt).
pub(super) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

pub(super) fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash does not parse");
            false
        }
    }
}

/// Verified against when the email is unknown, so that a wrong email takes as long as a wrong
/// password and the time of an answer does not tell which emails exist.
pub(super) static DECOY_HASH: std::sync::LazyLock<Option<String>> =
    std::sync::LazyLock::new(|| hash_password("no user has this password").ok());
