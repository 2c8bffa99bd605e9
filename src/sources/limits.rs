//! What one client may make the sources do. A request answered from the cache costs the
//! upstreams nothing and is never limited; a request that needs a source asked (a title
//! nobody asked for lately, or a made-up id) spends the shared upstream budgets — DMM's one
//! search every two seconds, Torrentio's daily allowance for Ferrio's address — so each client
//! gets a bucket of such fetches, and at most [`DMM_PENDING_PER_CLIENT`] DMM searches waiting
//! for their turn at once: another user's new title still reaches DMM within its deadline
//! while someone sends made-up ids. A refused fetch is an answer without that source, never an
//! error, and is not cached (nothing was learnt about the title).

use crate::{
    client_address::ClientKey,
    metrics::Metrics,
    protocol::config::SourceId,
    upstream::allowance::{Allowance, ClientBuckets},
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Who a request asks the sources for: its client, and whether it is a subscriber's — its
/// debrid token was accepted by the service (a request without one, or with a token nobody
/// accepted, is *anonymous*: the first to go when a shared budget runs low).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker {
    pub client: ClientKey,
    pub anonymous: bool,
}

/// DMM searches one client may have waiting for DMM's pacing at once.
pub const DMM_PENDING_PER_CLIENT: u32 = 2;

/// The per-client buckets, and the DMM searches each client has waiting. Cheap to clone.
#[derive(Clone)]
pub struct ClientLimits {
    buckets: ClientBuckets,
    /// Only clients with a search waiting: the map is as large as DMM's queue, never larger.
    dmm_pending: Arc<Mutex<HashMap<ClientKey, u32>>>,
    metrics: Metrics,
}

/// A fetch a client was allowed: while it lives, a DMM search counts as pending.
pub struct Allowed {
    limits: ClientLimits,
    client: ClientKey,
    dmm: bool,
}

impl Drop for Allowed {
    fn drop(&mut self) {
        if !self.dmm {
            return;
        }
        let mut pending = self.limits.pending();
        if let Some(count) = pending.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                pending.remove(&self.client);
            }
        }
    }
}

impl ClientLimits {
    pub fn new(allowance: Allowance, metrics: Metrics) -> Self {
        Self {
            buckets: ClientBuckets::new(allowance),
            dmm_pending: Arc::default(),
            metrics,
        }
    }

    /// Takes one fetch of `source` for `client`, or says no (and counts the refusal).
    pub fn allow(&self, client: ClientKey, source: SourceId) -> Option<Allowed> {
        let dmm = source == SourceId::Dmm;
        if client == ClientKey::BACKGROUND {
            return Some(Allowed {
                limits: self.clone(),
                client,
                dmm: false,
            });
        }
        let refusal = {
            let mut pending = self.pending();
            let waiting = pending.get(&client).copied().unwrap_or(0);
            if dmm && waiting >= DMM_PENDING_PER_CLIENT {
                Some("client_dmm_pending")
            } else if !self.buckets.take(client) {
                Some("client_budget")
            } else {
                if dmm {
                    pending.insert(client, waiting + 1);
                }
                None
            }
        };
        if let Some(reason) = refusal {
            self.metrics.refusal(reason);
            return None;
        }
        Some(Allowed {
            limits: self.clone(),
            client,
            dmm,
        })
    }

    /// Takes one fetch of another upstream (a discovery list page) for `client`, or says no
    /// (and counts the refusal).
    pub fn allow_other(&self, client: ClientKey) -> bool {
        let granted = self.buckets.take(client);
        if !granted {
            self.metrics.refusal("client_budget");
        }
        granted
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<ClientKey, u32>> {
        self.dmm_pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWANCE: Allowance = Allowance {
        burst: 30.0,
        per_second: 0.5,
    };

    fn limits() -> ClientLimits {
        ClientLimits::new(ALLOWANCE, Metrics::new().unwrap_or_else(|e| panic!("{e}")))
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_gets_a_burst_then_a_steady_trickle_and_others_their_own() {
        let limits = limits();
        let (greedy, other) = (
            crate::client_address::ClientKeys::for_tests().of("10.0.0.1".parse().ok()),
            crate::client_address::ClientKeys::for_tests().of("10.0.0.2".parse().ok()),
        );
        let allowed = (0..100)
            .filter_map(|_| limits.allow(greedy, SourceId::Yts))
            .count();
        assert_eq!(allowed, ALLOWANCE.burst as usize);
        assert!(
            limits.allow(other, SourceId::Yts).is_some(),
            "others are not affected"
        );
        tokio::time::advance(std::time::Duration::from_secs(2)).await;
        assert!(
            limits.allow(greedy, SourceId::Yts).is_some(),
            "refilled by one"
        );
        assert!(limits.allow(greedy, SourceId::Yts).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_two_dmm_searches_wait_per_client() {
        let limits = limits();
        let client = crate::client_address::ClientKeys::for_tests().of("10.0.0.3".parse().ok());
        let first = limits.allow(client, SourceId::Dmm);
        let second = limits.allow(client, SourceId::Dmm);
        assert!(first.is_some() && second.is_some());
        assert!(
            limits.allow(client, SourceId::Dmm).is_none(),
            "a third waits for none"
        );
        assert!(
            limits.allow(client, SourceId::Torrentio).is_some(),
            "other sources go on"
        );
        drop(first);
        assert!(
            limits.allow(client, SourceId::Dmm).is_some(),
            "one finished: one more"
        );
    }
}
