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
//! work is not a client and is never counted here.

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
            local: Moka::builder()
                .max_capacity(CLIENTS_HELD)
                .time_to_live(DAY)
                .build(),
            cache: cache.clone(),
            metrics,
        }
    }

    /// Counts one call for `client`, or refuses it (counted as `{name}_client_daily`) once the
    /// client's share of today is spent.
    pub async fn take(&self, client: ClientKey) -> bool {
        if self.per_client == 0 || client == ClientKey::BACKGROUND {
            return true;
        }
        let day = now_ms() / millis(DAY);
        let name = format!("share:{day}:{}", client.digest());
        let shared = self
            .cache
            .count_shared_below(self.name, &name, DAY, self.per_client)
            .await;
        let granted = shared.unwrap_or_else(|| self.take_locally(day, client));
        if !granted {
            self.metrics.refusal(&format!("{}_client_daily", self.name));
        }
        granted
    }

    fn take_locally(&self, day: u64, client: ClientKey) -> bool {
        let count = self.local.get_with((day, client), Arc::default);
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |spent| {
                (spent < self.per_client).then_some(spent + 1)
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
        assert!(
            share.take(ClientKey::BACKGROUND).await,
            "Ferrio's own work is not a client"
        );
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
