//! Reading and writing an entry without fetching: for records Ferrio writes as a side effect
//! of other work (a torrent seen playable, a hash refused as infringing), not computed on
//! demand.

use super::{
    entry::{Envelope, Freshness, Lifetime, now_ms},
    family::{CacheFamily, FamilyInner, Storable},
    key,
};

impl<T: Storable, E: Storable> CacheFamily<T, E> {
    /// The stored answer for `key` while it is fresh or stale; never calls anything.
    pub async fn peek(&self, key: &str) -> Option<Result<T, E>> {
        let inner = &self.inner;
        let key = key::entry(inner.name, key);
        let entry = inner.cache.inner.store.load(inner.name, &key).await?;
        inner.servable(&key, &entry, now_ms())
    }

    /// [`CacheFamily::peek`] for many keys, in their order, in one Redis round trip.
    pub async fn peek_many(&self, keys: &[String]) -> Vec<Option<Result<T, E>>> {
        let inner = &self.inner;
        let full: Vec<String> = keys.iter().map(|key| key::entry(inner.name, key)).collect();
        let entries = inner.cache.inner.store.load_many(inner.name, &full).await;
        let now = now_ms();
        full.iter()
            .zip(entries)
            .map(|(key, entry)| inner.servable(key, &entry?, now))
            .collect()
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

impl<T: Storable, E: Storable> FamilyInner<T, E> {
    /// The value of an entry that may still be served at `now` (fresh or stale).
    fn servable(&self, key: &str, entry: &Envelope, now: u64) -> Option<Result<T, E>> {
        match entry.lifetime.at(now) {
            Freshness::Fresh | Freshness::Stale => self.read(key, entry),
            Freshness::Reserve | Freshness::Expired => None,
        }
    }
}
