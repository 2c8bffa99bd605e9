//! The per-token request budget. Real-Debrid allows 250 requests a minute per token and counts
//! refused requests too, so a client that retries a 429 at once only digs deeper. Every call
//! for one token goes through one bucket here, and a 429 closes the bucket until Retry-After
//! (or an exponential backoff when Real-Debrid sends none).
//!
//! The rate adapts, as TCP's window does: a 429 halves the token's rate (and its burst), down to
//! a sixteenth, and each clean answer gives back a sixteenth of the full rate, so a token that
//! Real-Debrid throttles below the documented limit settles where it is answered.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Bucket size: DMM's notes say Real-Debrid's own bucket takes about 22 requests per 10 s.
const BURST: f64 = 20.0;
/// Refill rate: 4 a second is 240 a minute, under the 250 limit.
const PER_SECOND: f64 = 4.0;
/// Longest exponential backoff after repeated 429s without Retry-After.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// The least share of the full rate a token is slowed to, and the step it recovers by.
const RATE_STEP: f64 = 1.0 / 16.0;
/// Past this many buckets, the ones at rest are dropped before a new one is added: anyone can
/// send made-up tokens, and the map must not grow with them.
const PRUNE_ABOVE: usize = 1_000;

struct Bucket {
    tokens: f64,
    refilled: Instant,
    closed_until: Option<Instant>,
    consecutive_429: u32,
    /// The share of the full rate and burst this token is allowed now (1 until a 429).
    rate: f64,
}

impl Bucket {
    fn new(now: Instant) -> Self {
        Self {
            tokens: BURST,
            refilled: now,
            closed_until: None,
            consecutive_429: 0,
            rate: 1.0,
        }
    }

    /// A bucket that would be full now, at the full rate, with no backoff running or streak
    /// counted, is the same as a new one: dropping it forgets nothing.
    fn at_rest(&self, now: Instant) -> bool {
        let refilled = self.tokens + now.duration_since(self.refilled).as_secs_f64() * PER_SECOND;
        refilled >= BURST
            && self.rate >= 1.0
            && self.consecutive_429 == 0
            && self.closed_until.is_none_or(|until| until <= now)
    }

    fn capacity(&self) -> f64 {
        (BURST * self.rate).max(1.0)
    }
}

/// Per-token buckets, keyed by a digest of the token so the map never holds a token.
#[derive(Default)]
pub struct Budget {
    buckets: Mutex<HashMap<[u8; 32], Bucket>>,
}

/// When a call may be made.
#[derive(Debug, PartialEq, Eq)]
pub enum Permit {
    /// Now.
    Granted,
    /// After this wait (the caller decides whether it can afford it).
    After(Duration),
}

impl Budget {
    /// Takes one request from the token's bucket, or says how long until one is free.
    pub fn acquire(&self, key: [u8; 32]) -> Permit {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= PRUNE_ABOVE && !buckets.contains_key(&key) {
            buckets.retain(|_, bucket| !bucket.at_rest(now));
        }
        let bucket = buckets.entry(key).or_insert_with(|| Bucket::new(now));
        if let Some(until) = bucket.closed_until.filter(|until| *until > now) {
            return Permit::After(until - now);
        }
        let per_second = PER_SECOND * bucket.rate;
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(bucket.capacity());
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Permit::Granted
        } else {
            Permit::After(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }

    /// Records a 429: no call for this token until Retry-After, or 1 s, 2 s, 4 s … (≤ 60 s).
    /// Returns the wait, for the budget shared with other instances.
    pub fn rate_limited(&self, key: [u8; 32], retry_after: Option<Duration>) -> Duration {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(bucket) = buckets.get_mut(&key) else {
            return retry_after
                .unwrap_or(Duration::from_secs(1))
                .min(MAX_BACKOFF);
        };
        bucket.consecutive_429 = bucket.consecutive_429.saturating_add(1);
        bucket.rate = (bucket.rate / 2.0).max(RATE_STEP);
        let backoff = Duration::from_secs(1u64 << bucket.consecutive_429.min(6).saturating_sub(1));
        let wait = retry_after.unwrap_or(backoff).min(MAX_BACKOFF);
        bucket.closed_until = Some(Instant::now() + wait);
        bucket.tokens = 0.0;
        wait
    }

    /// How many tokens have a bucket now.
    pub fn tokens_held(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    /// Records an answer that was not a 429: it ends any backoff streak and gives back one
    /// step of the rate.
    pub fn answered(&self, key: [u8; 32]) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(bucket) = buckets.get_mut(&key) {
            bucket.consecutive_429 = 0;
            bucket.rate = (bucket.rate + RATE_STEP).min(1.0);
        }
    }

    /// The share of the full rate the token is allowed now (1 for a token without a bucket).
    pub fn rate(&self, key: [u8; 32]) -> f64 {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .map_or(1.0, |bucket| bucket.rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[tokio::test(start_paused = true)]
    async fn a_429_halves_the_rate_and_clean_answers_give_it_back_step_by_step() {
        let budget = Budget::default();
        assert_eq!(budget.acquire(KEY), Permit::Granted);
        budget.rate_limited(KEY, Some(Duration::ZERO));
        budget.rate_limited(KEY, Some(Duration::ZERO));
        assert_eq!(budget.rate(KEY), 0.25);
        // At a quarter of the rate, a second refills one call, not four.
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(budget.acquire(KEY), Permit::Granted);
        assert!(
            matches!(budget.acquire(KEY), Permit::After(_)),
            "one call a second"
        );
        for _ in 0..12 {
            budget.answered(KEY);
        }
        assert_eq!(
            budget.rate(KEY),
            1.0,
            "recovered after twelve clean answers"
        );
        for _ in 0..10 {
            budget.rate_limited(KEY, Some(Duration::ZERO));
        }
        assert_eq!(budget.rate(KEY), RATE_STEP, "never below a sixteenth");
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_allowed_then_calls_are_paced() {
        let budget = Budget::default();
        for _ in 0..20 {
            assert_eq!(budget.acquire(KEY), Permit::Granted);
        }
        let Permit::After(wait) = budget.acquire(KEY) else {
            panic!("the 21st call must wait")
        };
        assert!(wait <= Duration::from_millis(250), "{wait:?}");
        tokio::time::advance(wait).await;
        assert_eq!(budget.acquire(KEY), Permit::Granted);
        assert_eq!(
            budget.acquire([8; 32]),
            Permit::Granted,
            "tokens have separate buckets"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_closes_the_bucket_with_retry_after_or_exponential_backoff() {
        let budget = Budget::default();
        assert_eq!(budget.acquire(KEY), Permit::Granted);
        assert_eq!(
            budget.rate_limited(KEY, Some(Duration::from_secs(5))),
            Duration::from_secs(5)
        );
        assert_eq!(budget.acquire(KEY), Permit::After(Duration::from_secs(5)));
        tokio::time::advance(Duration::from_secs(5)).await;
        budget.rate_limited(KEY, None);
        assert_eq!(
            budget.acquire(KEY),
            Permit::After(Duration::from_secs(2)),
            "second 429 in a row"
        );
        tokio::time::advance(Duration::from_secs(2)).await;
        budget.answered(KEY);
        budget.rate_limited(KEY, None);
        assert_eq!(
            budget.acquire(KEY),
            Permit::After(Duration::from_secs(1)),
            "streak was reset"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn made_up_tokens_do_not_pile_up() {
        let budget = Budget::default();
        for n in 0..5_000u32 {
            let mut key = [0u8; 32];
            key[..4].copy_from_slice(&n.to_le_bytes());
            assert_eq!(budget.acquire(key), Permit::Granted);
            if n % 500 == 0 {
                // Time passes between the bursts: earlier buckets refill and come to rest.
                tokio::time::advance(Duration::from_secs(1)).await;
            }
        }
        assert!(
            budget.tokens_held() <= PRUNE_ABOVE + 500,
            "{} buckets held",
            budget.tokens_held()
        );
        assert_eq!(budget.acquire(KEY), Permit::Granted);
        budget.rate_limited(KEY, None);
        tokio::time::advance(Duration::from_secs(10)).await;
        for n in 0..2_000u32 {
            let mut key = [1u8; 32];
            key[..4].copy_from_slice(&n.to_le_bytes());
            budget.acquire(key);
        }
        assert_eq!(
            budget.rate_limited(KEY, None),
            Duration::from_secs(2),
            "a token with a 429 streak is not at rest: its streak survived the pruning"
        );
    }
}
