//! The two tiers together: reads look in process first and in Redis when that is not fresh;
//! writes go to both, the in-process copy living only `CACHE_FRONT_TTL_MS` while Redis holds
//! the shared one (so instances never drift apart for long), and its whole life when there is
//! no Redis or Redis is down.

use super::{
    entry::{Envelope, Freshness, now_ms},
    memory::MemoryTier,
    redis::RedisTier,
};
use std::time::Duration;

/// Both tiers of the cache.
pub(crate) struct Store {
    memory: MemoryTier,
    redis: Option<RedisTier>,
    front_ttl: Duration,
}

impl Store {
    pub fn new(memory: MemoryTier, redis: Option<RedisTier>, front_ttl: Duration) -> Self {
        Self {
            memory,
            redis,
            front_ttl,
        }
    }

    /// The Redis tier, when one is configured and up.
    pub fn shared(&self) -> Option<&RedisTier> {
        self.redis.as_ref().filter(|redis| redis.outage().is_none())
    }

    /// The Redis tier, up or not (for health checks).
    pub fn redis(&self) -> Option<&RedisTier> {
        self.redis.as_ref()
    }

    /// The best entry known for a key: the in-process one while fresh, else Redis's when it is
    /// fresher (another instance may have refreshed it).
    pub async fn load(&self, family: &str, key: &str) -> Option<Envelope> {
        let local = self.memory.get(key).await;
        if local
            .as_ref()
            .is_some_and(|entry| entry.lifetime.at(now_ms()) == Freshness::Fresh)
        {
            return local;
        }
        match (local, self.load_shared(family, key).await) {
            (Some(local), Some(shared))
                if local.lifetime.fresh_until >= shared.lifetime.fresh_until =>
            {
                Some(local)
            }
            (local, shared) => shared.or(local),
        }
    }

    /// The entry in Redis, copied to the in-process tier; `None` without Redis.
    pub async fn load_shared(&self, family: &str, key: &str) -> Option<Envelope> {
        let bytes = self.shared()?.get(family, key).await?;
        let envelope = Envelope::parse(bytes)?;
        let ttl = envelope.lifetime.remaining(now_ms()).min(self.front_ttl);
        self.memory.put(key, envelope.clone(), ttl).await;
        Some(envelope)
    }

    /// Stores an entry in both tiers for the rest of its life.
    pub async fn save(&self, family: &str, key: &str, envelope: Envelope) {
        let remaining = envelope.lifetime.remaining(now_ms());
        if remaining.is_zero() {
            return;
        }
        if let Some(redis) = self.shared() {
            redis.set(family, key, envelope.bytes(), remaining).await;
        }
        // Checked after the write: a write that just failed leaves the entry to this tier alone.
        let local_ttl = if self.shared().is_some() {
            remaining.min(self.front_ttl)
        } else {
            remaining
        };
        self.memory.put(key, envelope, local_ttl).await;
    }

    /// Removes an entry from both tiers.
    pub async fn remove(&self, family: &str, key: &str) {
        self.memory.remove(key).await;
        if let Some(redis) = self.shared() {
            redis.delete(family, key).await;
        }
    }
}
