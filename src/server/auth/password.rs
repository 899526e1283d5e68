//! Password hashing with argon2id at OWASP's parameters (m = 19 MiB, t = 2, p = 1).
//!
//! Hashing is deliberately slow, so it runs on tokio's blocking pool and never stalls the
//! async workers.

use crate::domain::AppError;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// At most this many hashes run at once: each takes 19 MiB, and without a bound a flood
/// of logins or sign-ups could fill the blocking pool (hundreds of threads) and the memory.
const CONCURRENT_HASHES: usize = 4;

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(CONCURRENT_HASHES))
}

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hash `password` into a PHC string with a fresh random salt.
pub async fn hash(password: String) -> Result<String, AppError> {
    let _permit = permits().acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| super::super::error::internal("hashing a password", e))
    })
    .await
    .map_err(|e| super::super::error::internal("joining the hashing task", e))?
}

/// True when `password` matches the PHC string `phc`. A malformed hash never matches.
pub async fn verify(password: String, phc: String) -> Result<bool, AppError> {
    crate::server::work::verified();
    let _permit = permits().acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            tracing::error!("a stored password hash is malformed");
            return false;
        };
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(|e| super::super::error::internal("joining the verifying task", e))
}

/// A valid hash of a random password, verified against when the login name is unknown so
/// that an unknown email costs as much time as a wrong password and cannot be told apart.
pub async fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return h.clone();
    }
    let random: String = {
        use rand::Rng;
        let bytes: [u8; 16] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let h = hash(random).await.unwrap_or_default();
    DUMMY.get_or_init(|| h).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_the_right_password_only_and_uses_owasp_parameters() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery".into(), h.clone())
            .await
            .unwrap());
        assert!(!verify("correct horse batterz".into(), h).await.unwrap());
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_salt() {
        let a = hash("same password".into()).await.unwrap();
        let b = hash("same password".into()).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn malformed_stored_hash_never_matches() {
        assert!(!verify("anything".into(), "not-a-hash".into())
            .await
            .unwrap());
    }
}
