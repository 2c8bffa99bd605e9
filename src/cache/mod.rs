//! Ferrio's memory: one cache interface over two backends.
//!
//! Without `REDIS_URL` the cache is in process (`moka`, bounded by its share of
//! `CACHE_MEMORY_MB`). With it,
//! instances share Redis, and a small in-process tier in front of it (entries live there
//! `CACHE_FRONT_TTL_MS`) spares hot keys the round trip. Redis is never a cause of failure: a
//! failed or slow operation (bounded by `REDIS_TIMEOUT_MS`) is a miss, Redis is then skipped
//! until a background probe finds it back, and meanwhile the in-process tier holds entries
//! for their whole life.
//!
//! Values are grouped in families (`dmm`, `yts`, …; the family is the metrics label and part of
//! the key, `ferrio:v2:{<family>:<key>}`). [`CacheFamily::get_or_fetch`] serves fresh entries,
//! serves stale ones while refreshing them in the background, falls back to a stale entry when
//! the refresh fails, remembers failures briefly, and makes concurrent callers of one key —
//! in this process and across instances — wait for a single call.
//!
//! The cache knows nothing of what it stores: each domain module makes its own families with
//! their lifetime rules (the sources' answers, DMM's challenge, the Real-Debrid records),
//! keying anything user-specific by [`TokenHasher`], never by a token.
//!
//! Metrics (`ferrio_cache_events_total{family,event}`): `hit`, `miss`, `stale` (served stale,
//! refresh started), `join` (joined a call in flight here), `wait` (waited for another
//! instance), `wait_expired`, `fetch_error`, `stale_if_error` (a failed call hidden behind a
//! stale entry), `empty_kept` (an empty answer not stored over a usable non-empty one),
//! `panicked` (a call panicked; its waiters share one new call), `redis_error`, `unreadable`.

mod connection;
mod counter;
mod decoded;
mod direct;
mod entry;
mod family;
mod flight;
mod health;
mod key;
mod memory;
mod options;
mod redis;
mod store;

pub use entry::Policy;
pub use family::{CacheFamily, PolicyFn, Storable};
pub use health::Outage;
pub use key::{PREFIX, TokenHasher, entry as entry_key};
pub use options::CacheError;

use crate::{metrics::Metrics, settings::Settings};
use memory::MemoryTier;
use options::{CacheOptions, LockOptions};
use redis::RedisTier;
use std::sync::Arc;
use store::Store;

/// Families that keep their decoded values ([`CacheFamily::keeping_decoded`]): the three
/// sources' answers and the catalog pages. Each gets this fraction of the decoded share.
const DECODING_FAMILIES: u64 = 4;

/// What `/readyz` reports about the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// In-process cache only (no `REDIS_URL`).
    Memory,
    /// Redis answers.
    Redis,
    /// Redis is configured but not usable; the in-process tier stands in.
    Degraded(Outage),
}

/// The cache. Cheap to clone.
#[derive(Clone)]
pub struct Cache {
    inner: Arc<CacheInner>,
}

struct CacheInner {
    store: Store,
    /// The share of memory for decoded values of each family that keeps them.
    decoded_budget: u64,
    locks: LockOptions,
    hasher: TokenHasher,
    metrics: Metrics,
}

impl Cache {
    /// Builds the cache from the settings. Nothing is connected yet: Redis being down at
    /// start-up is an outage like any other, not a reason not to start.
    pub fn new(settings: &Settings, metrics: Metrics) -> Result<Self, CacheError> {
        let options = CacheOptions::from_settings(&settings.cache)?;
        let redis = match options.redis {
            Some(redis) => {
                let variable = redis.target.variable();
                Some(
                    RedisTier::new(redis, metrics.clone())
                        .map_err(|_| CacheError::RedisUrl(variable))?,
                )
            }
            None => None,
        };
        let memory = MemoryTier::new(options.memory.store);
        let inner = CacheInner {
            decoded_budget: options.memory.decoded / DECODING_FAMILIES,
            store: Store::new(memory, redis, options.front_ttl),
            locks: options.locks,
            hasher: TokenHasher::new(settings.server.config_secret.as_ref()),
            metrics,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// A family of entries, each kept as long as `policy` says. Make each family once.
    pub fn family<T: Storable, E: Storable>(
        &self,
        name: &'static str,
        policy: impl Fn(&Result<T, E>) -> Policy + Send + Sync + 'static,
    ) -> CacheFamily<T, E> {
        CacheFamily::new(self.clone(), name, Box::new(policy))
    }

    /// The keyed hash for keys that depend on a user's token.
    pub fn token_hasher(&self) -> &TokenHasher {
        &self.inner.hasher
    }

    /// The backend's state; probes Redis unless an outage is already being probed.
    pub async fn status(&self) -> CacheStatus {
        match self.inner.store.redis() {
            None => CacheStatus::Memory,
            Some(redis) => match redis.check().await {
                None => CacheStatus::Redis,
                Some(outage) => CacheStatus::Degraded(outage),
            },
        }
    }
}

#[cfg(test)]
mod tests;
