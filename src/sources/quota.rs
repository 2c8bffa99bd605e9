//! Torrentio's daily allowance. Torrentio lets one address make about 5,000 requests a day,
//! and every user of an instance shares its address: once they are spent, Torrentio is gone
//! for everyone until the next day. So Ferrio counts its Torrentio calls per UTC day (across
//! instances when they share Redis) against `TORRENTIO_DAILY_QUOTA`, and stops *anonymous*
//! cold fetches — requests whose config has no debrid token, which is what a flood of made-up
//! requests looks like — once [`ANONYMOUS_SHARE`] of it is spent, keeping the rest for users
//! with a token. At the quota itself every call stops. A refused call is an answer without
//! Torrentio (not cached), counted in `ferrio_refusals_total{reason}`.

use crate::{
    cache::Cache,
    clock::{millis, now_ms},
    metrics::Metrics,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The part of the daily quota anonymous requests may spend.
pub const ANONYMOUS_SHARE: f64 = 0.8;
const DAY: Duration = Duration::from_secs(24 * 3600);

/// The count of one upstream's calls today. Cheap to clone.
#[derive(Clone)]
pub struct DailyQuota {
    inner: Arc<Inner>,
}

struct Inner {
    name: &'static str,
    per_day: u64,
    cache: Cache,
    metrics: Metrics,
    /// The day (days since the epoch) and count this instance last saw. The count is the
    /// shared one when Redis answers, this instance's own otherwise.
    day: AtomicU64,
    seen: AtomicU64,
}

impl DailyQuota {
    /// A quota of `per_day` calls for the upstream `name` (the key and metric names use it).
    pub fn new(name: &'static str, per_day: u64, cache: &Cache, metrics: Metrics) -> Self {
        let inner = Inner {
            name,
            per_day,
            cache: cache.clone(),
            metrics,
            day: AtomicU64::new(today()),
            seen: AtomicU64::new(0),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Counts one call, or refuses it: `anonymous` callers once their share is spent, every
    /// caller at the quota.
    pub async fn spend(&self, anonymous: bool) -> bool {
        let inner = &self.inner;
        let day = today();
        if inner.day.swap(day, Ordering::AcqRel) != day {
            inner.seen.store(0, Ordering::Release);
        }
        // Judged on the last count seen, without counting: a refused call must not spend what
        // is kept for others.
        if anonymous && inner.seen.load(Ordering::Acquire) >= self.anonymous_limit() {
            return self.refuse("anonymous");
        }
        let shared = inner
            .cache
            .count_shared(inner.name, &format!("quota:{day}"), DAY)
            .await;
        let count = match shared {
            Some(count) => {
                inner.seen.fetch_max(count, Ordering::AcqRel);
                count
            }
            None => inner.seen.fetch_add(1, Ordering::AcqRel) + 1,
        };
        if count > inner.per_day {
            return self.refuse("spent");
        }
        true
    }

    fn anonymous_limit(&self) -> u64 {
        (self.inner.per_day as f64 * ANONYMOUS_SHARE) as u64
    }

    fn refuse(&self, why: &str) -> bool {
        let reason = format!("{}_quota_{why}", self.inner.name);
        self.inner.metrics.refusal(&reason);
        false
    }
}

fn today() -> u64 {
    now_ms() / millis(DAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn quota(per_day: u64) -> (DailyQuota, Metrics) {
        let settings =
            Settings::from_iter(Vec::<(String, String)>::new()).unwrap_or_else(|e| panic!("{e}"));
        let metrics = Metrics::new().unwrap_or_else(|e| panic!("{e}"));
        let cache = Cache::new(&settings, metrics.clone()).unwrap_or_else(|e| panic!("{e}"));
        (
            DailyQuota::new("torrentio", per_day, &cache, metrics.clone()),
            metrics,
        )
    }

    #[tokio::test]
    async fn anonymous_calls_stop_at_their_share_and_every_call_at_the_quota() {
        let (quota, metrics) = quota(10);
        let mut anonymous = 0;
        for _ in 0..20 {
            anonymous += usize::from(quota.spend(true).await);
        }
        assert_eq!(anonymous, 8, "80 % of the quota");
        let mut with_token = 0;
        for _ in 0..20 {
            with_token += usize::from(quota.spend(false).await);
        }
        assert_eq!(with_token, 2, "the rest is kept for users with a token");
        let text = metrics.render();
        assert!(
            text.contains(r#"ferrio_refusals_total{reason="torrentio_quota_anonymous"} 12"#),
            "{text}"
        );
        assert!(
            text.contains(r#"ferrio_refusals_total{reason="torrentio_quota_spent"} 18"#),
            "{text}"
        );
    }
}
