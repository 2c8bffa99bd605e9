//! Token buckets: how much of a shared upstream budget one client, or everyone together, may
//! spend. A bucket holds at most `burst` and refills at `per_second`; the per-client map forgets
//! clients whose bucket is full again before it grows past [`PRUNE_ABOVE`], so a flood of new
//! addresses costs a bounded amount of memory.

use crate::client_address::ClientKey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::time::Instant;

/// Past this many clients, those at rest are forgotten before a new one is added.
const PRUNE_ABOVE: usize = 10_000;

/// How much may be spent: `burst` at once, then `per_second`.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub burst: f64,
    pub per_second: f64,
}

impl Allowance {
    /// `burst` at once, refilled by `burst` every `period`.
    pub fn per(burst: u32, period: std::time::Duration) -> Self {
        Self {
            burst: f64::from(burst),
            per_second: f64::from(burst) / period.as_secs_f64().max(f64::EPSILON),
        }
    }
}

/// One bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    fn full(allowance: Allowance, now: Instant) -> Self {
        Self {
            tokens: allowance.burst,
            refilled: now,
        }
    }

    fn refill(&mut self, now: Instant, allowance: Allowance) {
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * allowance.per_second).min(allowance.burst);
        self.refilled = now;
    }

    /// Takes one if there is one.
    fn take(&mut self, now: Instant, allowance: Allowance) -> bool {
        self.refill(now, allowance);
        let granted = self.tokens >= 1.0;
        if granted {
            self.tokens -= 1.0;
        }
        granted
    }
}

/// One bucket for everyone. Cheap to clone.
#[derive(Clone)]
pub struct SharedBucket {
    bucket: Arc<Mutex<Bucket>>,
    allowance: Allowance,
}

impl SharedBucket {
    pub fn new(allowance: Allowance) -> Self {
        Self {
            bucket: Arc::new(Mutex::new(Bucket::full(allowance, Instant::now()))),
            allowance,
        }
    }

    /// Takes one, or says no.
    pub fn take(&self) -> bool {
        let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        bucket.take(Instant::now(), self.allowance)
    }
}

/// A bucket per client. Cheap to clone.
#[derive(Clone)]
pub struct ClientBuckets {
    buckets: Arc<Mutex<HashMap<ClientKey, Bucket>>>,
    allowance: Allowance,
}

impl ClientBuckets {
    pub fn new(allowance: Allowance) -> Self {
        Self {
            buckets: Arc::default(),
            allowance,
        }
    }

    /// Takes one from `client`'s bucket, or says no.
    pub fn take(&self, client: ClientKey) -> bool {
        let (now, allowance) = (Instant::now(), self.allowance);
        let mut buckets = self.lock();
        if buckets.len() >= PRUNE_ABOVE && !buckets.contains_key(&client) {
            buckets.retain(|_, bucket| {
                bucket.refill(now, allowance);
                bucket.tokens < allowance.burst
            });
        }
        buckets
            .entry(client)
            .or_insert_with(|| Bucket::full(allowance, now))
            .take(now, allowance)
    }

    /// Clients remembered now.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ClientKey, Bucket>> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const ALLOWANCE: Allowance = Allowance {
        burst: 3.0,
        per_second: 1.0,
    };

    fn client(n: u32) -> ClientKey {
        use crate::client_address::ClientKeys;
        ClientKeys::for_tests().of(Some(std::net::IpAddr::from(n.to_be_bytes())))
    }

    #[tokio::test(start_paused = true)]
    async fn a_bucket_gives_its_burst_then_refills() {
        let buckets = ClientBuckets::new(ALLOWANCE);
        assert_eq!((0..10).filter(|_| buckets.take(client(1))).count(), 3);
        assert!(buckets.take(client(2)), "another client has its own");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(buckets.take(client(1)));
        assert!(!buckets.take(client(1)));
        let shared = SharedBucket::new(ALLOWANCE);
        assert_eq!((0..10).filter(|_| shared.take()).count(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn clients_at_rest_are_forgotten_when_the_map_is_full() {
        let buckets = ClientBuckets::new(ALLOWANCE);
        for n in 0..PRUNE_ABOVE as u32 {
            buckets.take(client(n));
        }
        assert_eq!(buckets.remembered(), PRUNE_ABOVE);
        tokio::time::advance(Duration::from_secs(10)).await;
        buckets.take(client(u32::MAX));
        assert_eq!(buckets.remembered(), 1, "every refilled bucket was dropped");
    }

    #[test]
    fn an_allowance_per_period() {
        let hourly = Allowance::per(10, Duration::from_secs(3600));
        assert_eq!(hourly.burst, 10.0);
        assert!((hourly.per_second * 3600.0 - 10.0).abs() < 1e-9);
    }
}
