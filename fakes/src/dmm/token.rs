//! DMM's server-signed "problem" tokens (`GET /api/challenge`, scheme in force since
//! 2026-08-31): `token = "<32 hex nonce>-<unix secs>"`, `hash = base64url(HMAC-SHA256(token,
//! secret))`, valid for 300 s. The fake signs with a fixed test secret and also remembers what it
//! issued, so [`Tokens::expire_all`] can invalidate every outstanding token at once (the way a
//! client sees its cached challenge go stale).

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::common::{hex, lock, unix_now};

/// The fake's stand-in for `DMM_PROBLEM_SECRET`.
const SECRET: &[u8] = b"ferrio-fakes-dmm-problem-secret";
/// DMM accepts a token for 300 s after its timestamp.
const TTL_SECS: u64 = 300;

/// Why a token was refused; each maps to one of DMM's two 403 bodies.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// `dmmProblemKey` or `solution` absent: "Authentication not provided".
    Missing,
    /// Bad signature, unknown, expired or revoked: "Authentication error".
    Invalid,
}

/// Issued challenges.
#[derive(Default)]
pub(crate) struct Tokens {
    issued: Mutex<HashSet<String>>,
    counter: AtomicU64,
}

impl Tokens {
    /// Mints a new `(token, hash)` pair.
    pub(crate) fn issue(&self) -> (String, String) {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let now = unix_now();
        let nonce = Sha256::digest(format!("dmm-nonce-{n}-{now}").as_bytes());
        let token = format!("{}-{now}", hex(&nonce[..16]));
        let hash = URL_SAFE_NO_PAD.encode(sign(&token).unwrap_or_default());
        lock(&self.issued).insert(token.clone());
        (token, hash)
    }

    /// Checks a `dmmProblemKey` / `solution` pair the way `validateTokenWithHash` does, plus the
    /// fake's own revocation list.
    pub(crate) fn validate(
        &self,
        key: Option<&str>,
        solution: Option<&str>,
    ) -> Result<(), TokenError> {
        let (Some(key), Some(solution)) = (key, solution) else {
            return Err(TokenError::Missing);
        };
        let ts = key
            .rsplit_once('-')
            .and_then(|(_, ts)| ts.parse::<u64>().ok())
            .ok_or(TokenError::Invalid)?;
        if unix_now().abs_diff(ts) > TTL_SECS {
            return Err(TokenError::Invalid);
        }
        let given = URL_SAFE_NO_PAD
            .decode(solution)
            .map_err(|_| TokenError::Invalid)?;
        let mut mac = new_mac().ok_or(TokenError::Invalid)?;
        mac.update(key.as_bytes());
        // `verify_slice` compares in constant time, like DMM's `timingSafeEqual`.
        mac.verify_slice(&given).map_err(|_| TokenError::Invalid)?;
        if !lock(&self.issued).contains(key) {
            return Err(TokenError::Invalid);
        }
        Ok(())
    }

    /// Revokes every token issued so far.
    pub(crate) fn expire_all(&self) {
        lock(&self.issued).clear();
    }
}

/// HMAC accepts keys of any length, so this is always `Some`; the `Option` only spares us a panic
/// path.
fn new_mac() -> Option<Hmac<Sha256>> {
    Hmac::<Sha256>::new_from_slice(SECRET).ok()
}

fn sign(token: &str) -> Option<Vec<u8>> {
    let mut mac = new_mac()?;
    mac.update(token.as_bytes());
    Some(mac.finalize().into_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_validate_until_expired() {
        let t = Tokens::default();
        let (k, h) = t.issue();
        assert_eq!(k.len(), 32 + 1 + 10);
        assert_eq!(t.validate(Some(&k), Some(&h)), Ok(()));
        assert_eq!(t.validate(Some(&k), None), Err(TokenError::Missing));
        assert_eq!(t.validate(Some(&k), Some("AAAA")), Err(TokenError::Invalid));
        assert_eq!(
            t.validate(Some("abc-123"), Some(&h)),
            Err(TokenError::Invalid)
        );
        t.expire_all();
        assert_eq!(t.validate(Some(&k), Some(&h)), Err(TokenError::Invalid));
    }
}
