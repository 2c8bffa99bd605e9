//! Each client's share of a daily budget every user shares. A per-minute allowance alone lets
//! one client, asking all day at the allowed pace, spend a whole day's Torrentio quota: at 30
//! a minute, 4,500 calls last two and a half hours, and then Torrentio is gone for everyone
//! until UTC midnight. So each client (an IPv4 address or an IPv6 /64, see
//! [`ClientKey`]) may also spend at most `TORRENTIO_CLIENT_DAILY_SHARE` Torrentio calls a UTC
//! day — enough for a household's evening of new titles, a small part of the quota. Watchmode's
//! daily allowance is shared the same way (`WATCHMODE_CLIENT_DAILY_SHARE`).
//!
//! Counted on Redis across instances when there is one (the key holds the client's keyed
//! digest, never its address, and lasts a day), in process otherwise. Ferrio's own background
//! work (the trending prewarm) has a day's budget of its own, given by
//! [`DailyShare::with_background`]: it must not spend the users' quota on an instance nobody
//! uses.

use crate::{
    cache::Cache,
    client_address::ClientKey,
    clock::{millis, now_ms},
    metrics::Metrics,
};
use moka::sync::Cache as Moka;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24 * 3600);
/// Clients counted in process at once; past it the least recent are forgotten (a forgotten
/// client starts its day again, which the quota itself still bounds).
const CLIENTS_HELD: u64 = 100_000;

/// One budget's per-client daily shares. Cheap to clone.
#[derive(Clone)]
pub struct DailyShare {
    name: &'static str,
    per_client: u64,
    /// Ferrio's own work's calls a day ([`ClientKey::BACKGROUND`]); 0 for no bound.
    background: u64,
    /// This instance's own counts, by day and client, when no Redis answers.
    local: Moka<(u64, ClientKey), Arc<AtomicU64>>,
    cache: Cache,
    metrics: Metrics,
}

impl DailyShare {
    /// `per_client` calls a day of the budget `name` (the key and refusal reason use it); 0
    /// leaves clients unbounded by day.
    pub fn new(name: &'static str, per_client: u64, cache: &Cache, metrics: Metrics) -> Self {
        Self {
            name,
            per_client,
            background: 0,
            local: Moka::builder()
                .max_capacity(CLIENTS_HELD)
                .time_to_live(DAY)
                .build(),
            cache: cache.clone(),
            metrics,
        }
    }

    /// The same, with `per_day` calls a day for Ferrio's own work.
    pub fn with_background(self, per_day: u64) -> Self {
        Self {
            background: per_day,
            ..self
        }
    }

    /// Counts one call for `client`, or refuses it (counted as `{name}_client_daily`) once the
    /// client's share of today is spent.
    pub async fn take(&self, client: ClientKey) -> bool {
        let limit = if client == ClientKey::BACKGROUND {
            self.background
        } else {
            self.per_client
        };
        if limit == 0 {
            return true;
        }
        let day = now_ms() / millis(DAY);
        let name = format!("share:{day}:{}", client.digest());
        let shared = self
            .cache
            .count_shared_below(self.name, &name, DAY, limit)
            .await;
        let granted = shared.unwrap_or_else(|| self.take_locally(day, client, limit));
        if !granted {
            self.metrics.refusal(&format!("{}_client_daily", self.name));
        }
        granted
    }

    fn take_locally(&self, day: u64, client: ClientKey, limit: u64) -> bool {
        let count = self.local.get_with((day, client), Arc::default);
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |spent| {
                (spent < limit).then_some(spent + 1)
            })
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn share(per_client: u64) -> DailyShare {
        let settings =
            Settings::from_iter(Vec::<(String, String)>::new()).unwrap_or_else(|e| panic!("{e}"));
        let metrics = Metrics::new().unwrap_or_else(|e| panic!("{e}"));
        let cache = Cache::new(&settings, metrics.clone()).unwrap_or_else(|e| panic!("{e}"));
        DailyShare::new("torrentio", per_client, &cache, metrics)
    }

    #[tokio::test]
    async fn a_client_spends_its_share_and_others_keep_theirs() {
        let share = share(3);
        let (greedy, other) = (
            crate::client_address::ClientKeys::for_tests().of("81.2.69.1".parse().ok()),
            crate::client_address::ClientKeys::for_tests().of("81.2.69.2".parse().ok()),
        );
        let mut granted = 0;
        for _ in 0..10 {
            granted += usize::from(share.take(greedy).await);
        }
        assert_eq!(granted, 3);
        assert!(share.take(other).await, "another client has its own share");
    }

    #[tokio::test]
    async fn ferrios_own_work_has_its_own_days_budget() {
        let share = share(3).with_background(5);
        let mut granted = 0;
        for _ in 0..10 {
            granted += usize::from(share.take(ClientKey::BACKGROUND).await);
        }
        assert_eq!(granted, 5);
        let client = crate::client_address::ClientKeys::for_tests().of("81.2.69.3".parse().ok());
        assert!(share.take(client).await, "users keep theirs");
    }

    #[tokio::test]
    async fn zero_leaves_clients_unbounded_by_day() {
        let share = share(0);
        let client = crate::client_address::ClientKeys::for_tests().of(None);
        for _ in 0..100 {
            assert!(share.take(client).await);
        }
    }
}
