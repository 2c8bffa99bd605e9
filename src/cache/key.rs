//! Cache key layout and the keyed hash that keeps users' tokens out of it.
//!
//! Every key is `ferrio:v2:{<family>:<rest>}`, and the lock guarding its fetch the same with
//! `:lock` after it. The braces are a Redis Cluster hash tag: a key and its lock always live on
//! one node, while different entries spread over the cluster. The version is bumped whenever the stored format
//! changes, so an instance of a newer release never reads an older one's bytes as its own
//! (during a rolling deploy both run against one Redis). v2: source answers carry the facts
//! of their release names, read once at fetch time.

use crate::{
    client_address::ClientAddress, keyed_hash::hmac_sha256, protocol::config::DebridToken,
};
use secrecy::{ExposeSecret, SecretString};

/// Prefix of every key Ferrio writes.
pub const PREFIX: &str = "ferrio:v2";

/// The full key of an entry of `family` (public for tools that look into Redis).
pub fn entry(family: &str, rest: &str) -> String {
    format!("{PREFIX}:{{{family}:{rest}}}")
}

/// The key of the lock guarding the fetch of an entry.
pub(crate) fn lock(entry_key: &str) -> String {
    format!("{entry_key}:lock")
}

/// The key the health probe writes: a write, not a `PING`, so a Redis that answers but refuses
/// writes (out of memory, read-only replica) counts as down.
pub(crate) fn probe() -> String {
    format!("{PREFIX}:probe")
}

/// HMAC-SHA256 of user tokens, for keys that depend on a user (their Real-Debrid library, the
/// links resolved for them). The token itself is never written to the cache.
#[derive(Clone)]
pub struct TokenHasher {
    key: [u8; 32],
}

/// Used when no `CONFIG_SECRET` is set. It is fixed rather than random per process because
/// every instance must turn a token into the same key, or one instance's entries would be
/// misses on all the others. A fixed key still keeps tokens themselves out of Redis; guessing a
/// token back from its hash would mean searching the token space, which is far too large
/// (Real-Debrid tokens are 52 random characters).
const APPLICATION_KEY: &[u8] = b"ferrio cache token key, fixed so all instances agree";

/// Domain separation: the cache key derived from `CONFIG_SECRET` differs from every other use
/// of that secret (sealing configs).
const DERIVATION_LABEL: &[u8] = b"ferrio:v1 cache token hashing";

impl TokenHasher {
    /// A hasher keyed from `CONFIG_SECRET` when set, so all instances sharing that secret agree
    /// and the hashes cannot be recomputed without it; otherwise from the application key.
    pub fn new(config_secret: Option<&SecretString>) -> Self {
        let secret = config_secret
            .map(|secret| secret.expose_secret().as_bytes())
            .filter(|secret| !secret.is_empty());
        let key = match secret {
            Some(secret) => hmac_sha256(secret, DERIVATION_LABEL),
            None => hmac_sha256(APPLICATION_KEY, DERIVATION_LABEL),
        };
        Self { key }
    }

    /// The token's keyed hash: 32 hex digits (128 bits, ample for a key that must not collide).
    pub fn hash(&self, token: &DebridToken) -> String {
        self.hex(token.expose().as_bytes())
    }

    /// A viewer's address as a keyed hash, for keys that must differ per address without
    /// holding it. Domain-separated from token hashes by a prefix no token starts with.
    pub fn hash_address(&self, address: &ClientAddress) -> String {
        let mut message = b"address:".to_vec();
        message.extend(address.octets());
        self.hex(&message)
    }

    /// A code binding `message` to this server's secret, for links that must not be forged
    /// (the account clean-up actions). Domain-separated from the hashes above.
    pub fn sign(&self, message: &str) -> String {
        self.hex(format!("sign:{message}").as_bytes())
    }

    /// Whether `code` is [`Self::sign`] of `message`, compared in constant time.
    pub fn verify(&self, message: &str, code: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.sign(message).as_bytes().ct_eq(code.as_bytes()).into()
    }

    fn hex(&self, message: &[u8]) -> String {
        let digest = hmac_sha256(&self.key, message);
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: &str) -> DebridToken {
        DebridToken::from(value.to_owned())
    }

    /// The part of a key Redis Cluster hashes: between the first `{` and the next `}`.
    fn hash_tag(key: &str) -> &str {
        let open = key.find('{').map_or(0, |at| at + 1);
        let close = key[open..].find('}').map_or(key.len(), |at| open + at);
        &key[open..close]
    }

    #[test]
    fn keys_are_namespaced_and_versioned() {
        let key = entry("yts", "tt0111161");
        assert_eq!(key, "ferrio:v2:{yts:tt0111161}");
        assert_eq!(lock(&key), "ferrio:v2:{yts:tt0111161}:lock");
    }

    #[test]
    fn an_entry_and_its_lock_share_a_cluster_slot_and_entries_do_not() {
        for rest in ["tt0111161", "tt0944947:1:1", "odd}part", "{already}", ""] {
            let key = entry("dmm", rest);
            assert_eq!(hash_tag(&key), hash_tag(&lock(&key)), "{key}");
        }
        assert_ne!(
            hash_tag(&entry("dmm", "tt0111161")),
            hash_tag(&entry("dmm", "tt1375666"))
        );
    }

    #[test]
    fn a_hash_hides_the_token_and_is_stable() {
        let hasher = TokenHasher::new(None);
        let hash = hasher.hash(&token("ABCDEFGHIJKLMNOP"));
        assert_eq!(hash.len(), 32);
        assert!(!hash.contains("ABCDEFGH"));
        assert_eq!(
            hash,
            TokenHasher::new(None).hash(&token("ABCDEFGHIJKLMNOP"))
        );
        assert_ne!(hash, hasher.hash(&token("ABCDEFGHIJKLMNOQ")));
    }

    #[test]
    fn the_config_secret_changes_the_hash() {
        let token = token("ABCDEFGHIJKLMNOP");
        let secret = SecretString::from("s3cret");
        let keyed = TokenHasher::new(Some(&secret)).hash(&token);
        assert_ne!(keyed, TokenHasher::new(None).hash(&token));
        assert_eq!(keyed, TokenHasher::new(Some(&secret)).hash(&token));
        let empty = SecretString::from("");
        assert_eq!(
            TokenHasher::new(Some(&empty)).hash(&token),
            TokenHasher::new(None).hash(&token)
        );
    }

    #[test]
    fn addresses_hash_apart_from_each_other_and_from_tokens() {
        let hasher = TokenHasher::new(None);
        let address = |text| ClientAddress::from_header(text).expect("public");
        let one = hasher.hash_address(&address("81.2.69.160"));
        assert_eq!(one.len(), 32);
        assert!(one.bytes().all(|b| b.is_ascii_hexdigit()), "{one}");
        assert_eq!(one, hasher.hash_address(&address("81.2.69.160")));
        assert_ne!(one, hasher.hash_address(&address("81.2.69.161")));
        assert_ne!(one, hasher.hash(&token("81.2.69.160")));
    }
}
