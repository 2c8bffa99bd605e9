//! Sealed configs: the user's config encrypted with a key only the server knows, so the
//! Real-Debrid token cannot be read from an install URL that gets shared or logged by a proxy.
//!
//! Format: `s.` + base64url(version ‖ nonce ‖ AES-256-GCM ciphertext), no padding. The version
//! byte ([`VERSION`]) lets the format change without breaking installed URLs: it is also the
//! cipher's associated data, so it cannot be altered. URLs sealed before it existed (nonce
//! first, no version) still open. The key is derived from `CONFIG_SECRET` with HKDF-SHA256, so
//! any secret length gives a full-strength key and every instance sharing the secret opens
//! every other instance's configs.

use aes_gcm::{
    Aes256Gcm, Key, KeyInit, Nonce,
    aead::{Aead, AeadCore, OsRng, Payload},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// Marks a sealed config segment.
pub const SEALED_PREFIX: &str = "s.";
const NONCE_LEN: usize = 12;
/// The sealed format written now.
const VERSION: u8 = 1;

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
        let payload = Payload {
            msg: plaintext,
            aad: &[VERSION],
        };
        // AES-GCM encryption of an in-memory buffer fails only for inputs over 64 GiB.
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut sealed = vec![VERSION];
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Decrypts a segment produced by [`Sealer::seal`] (with or without its prefix), in the
    /// current format or the one before versions.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        let body = sealed.strip_prefix(SEALED_PREFIX).unwrap_or(sealed);
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| SealError)?;
        let versioned = match bytes.split_first() {
            Some((&VERSION, rest)) => self.decrypt(rest, &[VERSION]),
            _ => Err(SealError),
        };
        // A URL sealed before versions starts with its random nonce, whose first byte is the
        // version's once in 256: only authentication tells them apart.
        versioned.or_else(|_| self.decrypt(&bytes, &[]))
    }

    fn decrypt(&self, bytes: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        if bytes.len() <= NONCE_LEN {
            return Err(SealError);
        }
        let (nonce, msg) = bytes.split_at(NONCE_LEN);
        self.cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg, aad })
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
    fn the_format_carries_its_version_and_older_urls_still_open() {
        let sealer = sealer("a secret");
        let sealed = sealer.seal(b"{}");
        let bytes = URL_SAFE_NO_PAD.decode(&sealed[2..]).expect("valid base64");
        assert_eq!(bytes[0], VERSION);
        let mut other_version = bytes.clone();
        other_version[0] = VERSION + 1;
        let altered = format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(other_version));
        assert_eq!(
            sealer.open(&altered),
            Err(SealError),
            "the version is authenticated"
        );
        // Sealed the way it was before versions: nonce ‖ ciphertext, no associated data.
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = sealer.cipher.encrypt(&nonce, &b"{}"[..]).expect("encrypts");
        let legacy = [nonce.to_vec(), ciphertext].concat();
        let legacy = format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(legacy));
        assert_eq!(sealer.open(&legacy), Ok(b"{}".to_vec()));
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
