//! Counters shared by every instance, for limits that hold across a deployment (Real-Debrid's
//! per-token request budget). Without Redis, or while it is down, there is nothing to share
//! and callers fall back to their own, per-instance limits.

use super::{Cache, key};
use std::time::Duration;

impl Cache {
    /// Counts one event under `name` in `family` for `window`, across instances; `None` when
    /// there is no shared store to count in.
    pub async fn count_shared(&self, family: &str, name: &str, window: Duration) -> Option<u64> {
        let redis = self.inner.store.shared()?;
        redis.count(family, &key::entry(family, name), window).await
    }

    /// Counts one event under `name` unless `cap` are counted already: `Some(true)` when
    /// counted, `Some(false)` at the cap, `None` without a shared store.
    pub async fn count_shared_below(
        &self,
        family: &str,
        name: &str,
        window: Duration,
        cap: u64,
    ) -> Option<bool> {
        let redis = self.inner.store.shared()?;
        let counted = redis
            .capped_count(family, &key::entry(family, name), window, cap)
            .await?;
        Some(counted.is_ok())
    }

    /// The count under `name`, across instances; `None` without a shared store.
    pub async fn shared_count(&self, family: &str, name: &str) -> Option<u64> {
        let redis = self.inner.store.shared()?;
        redis.read_count(family, &key::entry(family, name)).await
    }
}
