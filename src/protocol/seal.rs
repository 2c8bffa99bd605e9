//! Sealed configs: the user's config encrypted with a key only the server knows, so the
//! Real-Debrid token cannot be read from an install URL that gets shared or logged by a proxy.
//!
//! Format: `s.` + base64url(nonce ‖ AES-256-GCM ciphertext), no padding. The key is derived
//! from `CONFIG_SECRET` with HKDF-SHA256, so any secret length gives a full-strength key and
//! every instance sharing the secret opens every other instance's configs.

use aes_gcm::{
    Aes256Gcm, Key, KeyInit, Nonce,
    aead::{Aead, AeadCore, OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// Marks a sealed config segment.
pub const SEALED_PREFIX: &str = "s.";
const NONCE_LEN: usize = 12;

/// Seals and opens configs. Cheap to share behind an `Arc`.
pub struct Sealer {
    cipher: Aes256Gcm,
}

/// Why a sealed config could not be opened. Deliberately vague: which check failed is of no
/// use to a user and of some use to an attacker.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("sealed config could not be opened: it was sealed by another server or altered")]
pub struct SealError;

impl Sealer {
    /// Derives the sealing key from the server's secret.
    pub fn new(secret: &SecretString) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"ferrio"), secret.expose_secret().as_bytes());
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expansion cannot fail.
        let _ = hkdf.expand(b"config-seal-v1", &mut key);
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key)),
        }
    }

    /// Encrypts a config's bytes into a URL-safe segment.
    pub fn seal(&self, plaintext: &[u8]) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // AES-GCM encryption of an in-memory buffer fails only for inputs over 64 GiB.
        let ciphertext = self.cipher.encrypt(&nonce, plaintext).unwrap_or_default();
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Decrypts a segment produced by [`Sealer::seal`] (with or without its prefix).
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        let body = sealed.strip_prefix(SEALED_PREFIX).unwrap_or(sealed);
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| SealError)?;
        if bytes.len() <= NONCE_LEN {
            return Err(SealError);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SealError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(secret: &str) -> Sealer {
        Sealer::new(&SecretString::from(secret.to_owned()))
    }

    #[test]
    fn round_trip() {
        let sealer = sealer("a secret");
        let sealed = sealer.seal(br#"{"realdebrid":"TOKEN"}"#);
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("TOKEN"));
        assert_eq!(
            sealer.open(&sealed),
            Ok(br#"{"realdebrid":"TOKEN"}"#.to_vec())
        );
    }

    #[test]
    fn another_key_cannot_open_it() {
        let sealed = sealer("one").seal(b"{}");
        assert_eq!(sealer("two").open(&sealed), Err(SealError));
    }

    #[test]
    fn a_flipped_bit_is_detected() {
        let sealer = sealer("one");
        let sealed = sealer.seal(b"{}");
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed[2..]).expect("valid base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
        assert_eq!(sealer.open(&tampered), Err(SealError));
        assert_eq!(sealer.open("s.%%%"), Err(SealError));
        assert_eq!(sealer.open("s.AAAA"), Err(SealError));
    }
}
