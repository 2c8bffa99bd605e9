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
        if is_fresh(local.as_ref()) {
            return local;
        }
        let shared = self.load_shared(family, key).await;
        fresher(local, shared)
    }

    /// [`Store::load`] for many keys, in their order, with one Redis round trip for all the
    /// keys the in-process tier has no fresh entry for.
    pub async fn load_many(&self, family: &str, keys: &[String]) -> Vec<Option<Envelope>> {
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            found.push(self.memory.get(key).await);
        }
        let Some(redis) = self.shared() else {
            return found;
        };
        let missing: Vec<usize> = (0..keys.len())
            .filter(|&i| !is_fresh(found[i].as_ref()))
            .collect();
        if missing.is_empty() {
            return found;
        }
        let asked: Vec<String> = missing.iter().map(|&i| keys[i].clone()).collect();
        let answers = redis.get_many(family, &asked).await;
        for (i, bytes) in missing.into_iter().zip(answers) {
            let shared = match bytes.and_then(Envelope::parse) {
                Some(envelope) => Some(self.keep_front(&keys[i], envelope).await),
                None => None,
            };
            found[i] = fresher(found[i].take(), shared);
        }
        found
    }

    /// The entry in Redis, copied to the in-process tier; `None` without Redis.
    pub async fn load_shared(&self, family: &str, key: &str) -> Option<Envelope> {
        let bytes = self.shared()?.get(family, key).await?;
        let envelope = Envelope::parse(bytes)?;
        Some(self.keep_front(key, envelope).await)
    }

    /// Copies an entry read from Redis to the in-process tier for `CACHE_FRONT_TTL_MS` at most.
    async fn keep_front(&self, key: &str, envelope: Envelope) -> Envelope {
        let ttl = envelope.lifetime.remaining(now_ms()).min(self.front_ttl);
        self.memory.put(key, envelope.clone(), ttl).await;
        envelope
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

fn is_fresh(entry: Option<&Envelope>) -> bool {
    entry.is_some_and(|entry| entry.lifetime.at(now_ms()) == Freshness::Fresh)
}

/// Of the in-process and the shared entry, the one that stays fresh longer (the local one on
/// a tie: it is already decoded).
fn fresher(local: Option<Envelope>, shared: Option<Envelope>) -> Option<Envelope> {
    match (local, shared) {
        (Some(local), Some(shared))
            if local.lifetime.fresh_until >= shared.lifetime.fresh_until =>
        {
            Some(local)
        }
        (local, shared) => shared.or(local),
    }
}
