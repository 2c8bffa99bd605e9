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
}
