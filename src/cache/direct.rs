//! Reading and writing an entry without fetching: for records Ferrio writes as a side effect
//! of other work (a torrent seen playable, a hash refused as infringing), not computed on
//! demand.

use super::{
    entry::{Envelope, Freshness, Lifetime, now_ms},
    family::{CacheFamily, Storable},
    key,
};

impl<T: Storable, E: Storable> CacheFamily<T, E> {
    /// The stored answer for `key` while it is fresh or stale; never calls anything.
    pub async fn peek(&self, key: &str) -> Option<Result<T, E>> {
        let inner = &self.inner;
        let key = key::entry(inner.name, key);
        let entry = inner.cache.inner.store.load(inner.name, &key).await?;
        match entry.lifetime.at(now_ms()) {
            Freshness::Fresh | Freshness::Stale => inner.read(&key, &entry),
            Freshness::Reserve | Freshness::Expired => None,
        }
    }

    /// Stores `value` for `key` with the lifetime the family's policy gives it.
    pub async fn put(&self, key: &str, value: Result<T, E>) {
        let inner = &self.inner;
        let key = key::entry(inner.name, key);
        let lifetime = Lifetime::starting(now_ms(), (inner.policy)(&value));
        match Envelope::encode(&value, lifetime) {
            Ok(entry) => inner.cache.inner.store.save(inner.name, &key, entry).await,
            Err(error) => tracing::warn!(family = inner.name, %error, "cache entry not encodable"),
        }
    }
}
