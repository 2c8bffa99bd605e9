//! The in-process tier: a `moka` cache of entry bytes, bounded by their total size, each entry
//! expiring on its own schedule.
//!
//! It is the whole cache when no Redis is configured, the short-lived front of Redis when one
//! is, and the whole cache again while Redis is unreachable.

use super::entry::Envelope;
use moka::{Expiry, future::Cache as Moka};
use std::time::{Duration, Instant};

/// One stored entry and how long moka keeps it.
#[derive(Clone)]
struct Held {
    envelope: Envelope,
    ttl: Duration,
}

/// Expires each entry after its own `ttl`, set again on every write.
struct PerEntry;

impl Expiry<String, Held> for PerEntry {
    fn expire_after_create(&self, _: &String, held: &Held, _: Instant) -> Option<Duration> {
        Some(held.ttl)
    }

    fn expire_after_update(
        &self,
        _: &String,
        held: &Held,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(held.ttl)
    }
}

/// The in-process tier. Cheap to clone.
#[derive(Clone)]
pub(crate) struct MemoryTier {
    entries: Moka<String, Held>,
}

impl MemoryTier {
    /// A tier holding at most `max_bytes` of keys and entries.
    pub fn new(max_bytes: u64) -> Self {
        let entries = Moka::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, held: &Held| {
                u32::try_from(key.len() + held.envelope.bytes().len()).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntry)
            .build();
        Self { entries }
    }

    pub async fn get(&self, key: &str) -> Option<Envelope> {
        self.entries.get(key).await.map(|held| held.envelope)
    }

    pub async fn remove(&self, key: &str) {
        self.entries.invalidate(key).await;
    }

    /// Keeps an entry for `ttl` (nothing is kept for a zero `ttl`).
    pub async fn put(&self, key: &str, envelope: Envelope, ttl: Duration) {
        if ttl.is_zero() {
            self.remove(key).await;
        } else {
            let held = Held { envelope, ttl };
            self.entries.insert(key.to_owned(), held).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::{Lifetime, Policy};

    fn envelope(value: u32) -> Envelope {
        let policy = Policy::only_fresh(Duration::from_secs(60));
        Envelope::encode(&value, Lifetime::starting(0, policy)).expect("encodes")
    }

    #[tokio::test]
    async fn keeps_an_entry_for_its_own_ttl() {
        let tier = MemoryTier::new(1 << 20);
        tier.put("short", envelope(1), Duration::from_millis(50))
            .await;
        tier.put("long", envelope(2), Duration::from_secs(60)).await;
        assert!(tier.get("short").await.is_some());
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(tier.get("short").await.is_none(), "expired");
        let long = tier.get("long").await.expect("still there");
        assert_eq!(long.decode::<u32>().expect("decodes"), 2);
    }

    #[tokio::test]
    async fn a_rewrite_takes_the_new_ttl() {
        let tier = MemoryTier::new(1 << 20);
        tier.put("key", envelope(1), Duration::from_secs(60)).await;
        tier.put("key", envelope(2), Duration::from_millis(50))
            .await;
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(tier.get("key").await.is_none());
        tier.put("key", envelope(3), Duration::from_secs(60)).await;
        tier.put("key", envelope(4), Duration::ZERO).await;
        assert!(tier.get("key").await.is_none(), "a zero ttl removes");
    }

    #[tokio::test]
    async fn stays_within_its_bound() {
        let tier = MemoryTier::new(4_096);
        for index in 0..200 {
            tier.put(
                &format!("key{index}"),
                envelope(index),
                Duration::from_secs(60),
            )
            .await;
        }
        tier.entries.run_pending_tasks().await;
        assert!(tier.entries.weighted_size() <= 4_096);
        assert!(tier.entries.entry_count() < 200);
    }
}
