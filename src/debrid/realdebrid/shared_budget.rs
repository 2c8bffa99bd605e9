//! The per-token budget across instances. Behind a load balancer one user's taps land on
//! several instances, each with its own local bucket; with Redis they also share a counter per
//! token and 10-second window, and a 429's backoff, so the deployment as a whole stays under
//! Real-Debrid's 250 requests a minute. Without Redis only the local buckets apply.

use super::budget::Permit;
use crate::{
    cache::{Cache, CacheFamily, Policy},
    clock::{millis, now_ms},
};
use std::time::Duration;

/// How long after a 429 a token counts as throttled: Real-Debrid's penalties (a 451 for a
/// legal torrent) were seen for minutes after its rate limit answers.
const THROTTLED_FOR: Duration = Duration::from_secs(15 * 60);

/// How long a token Real-Debrid refused (`bad_token`) is refused without asking: made-up
/// tokens must not cost a call each, and Real-Debrid may block an address that keeps sending
/// them. A user who fixes their token has a new token, so nothing waits on this.
const REFUSED_FOR: Duration = Duration::from_secs(10 * 60);

/// How long a token Real-Debrid accepted counts as known: calls for it skip the cap on new
/// tokens (see `debrid/admission.rs`). Each accepted call extends it.
const KNOWN_FOR: Duration = Duration::from_secs(24 * 3600);

/// The counting window, and the calls allowed in it: 40 per 10 s is 240 a minute.
const WINDOW: Duration = Duration::from_secs(10);
const PER_WINDOW: u64 = 40;

/// The shared counters and backoffs, keyed by the token's keyed hash.
#[derive(Clone)]
pub struct SharedBudget {
    cache: Cache,
    /// Until when (Unix ms) no call may be made for a token, after a 429.
    backoff: CacheFamily<u64, ()>,
    /// Tokens Real-Debrid rate-limited in the last [`THROTTLED_FOR`].
    throttled: CacheFamily<bool, ()>,
    /// Tokens Real-Debrid refused in the last [`REFUSED_FOR`].
    refused: CacheFamily<bool, ()>,
    /// Tokens Real-Debrid accepted in the last [`KNOWN_FOR`].
    known: CacheFamily<bool, ()>,
}

impl SharedBudget {
    /// The budget kept in `cache`.
    pub fn new(cache: &Cache) -> Self {
        let backoff = cache.family("rd_backoff", |until: &Result<u64, ()>| {
            let until = until.as_ref().copied().unwrap_or_default();
            Policy::only_fresh(Duration::from_millis(until.saturating_sub(now_ms())))
        });
        Self {
            cache: cache.clone(),
            backoff,
            throttled: cache.family("rd_throttled", |_: &Result<bool, ()>| {
                Policy::only_fresh(THROTTLED_FOR)
            }),
            refused: cache.family("rd_refused_token", |_: &Result<bool, ()>| {
                Policy::only_fresh(REFUSED_FOR)
            }),
            known: cache.family("rd_known_token", |_: &Result<bool, ()>| {
                Policy::only_fresh(KNOWN_FOR)
            }),
        }
    }

    /// Takes one call for the token (identified by its keyed hash), or says how long to wait.
    pub async fn acquire(&self, token_hash: &str) -> Permit {
        let now = now_ms();
        if let Some(Ok(until)) = self.backoff.peek(token_hash).await
            && until > now
        {
            return Permit::After(Duration::from_millis(until - now));
        }
        let window_ms = millis(WINDOW);
        let window = now / window_ms;
        let name = format!("{token_hash}:{window}");
        match self.cache.count_shared("rd_budget", &name, WINDOW).await {
            Some(count) if count > PER_WINDOW => {
                Permit::After(Duration::from_millis((window + 1) * window_ms - now))
            }
            _ => Permit::Granted,
        }
    }

    /// Closes the token's budget on every instance for `wait`, and remembers the token as
    /// throttled for a while longer.
    pub async fn rate_limited(&self, token_hash: &str, wait: Duration) {
        self.backoff
            .put(token_hash, Ok(now_ms() + millis(wait)))
            .await;
        self.throttled.put(token_hash, Ok(true)).await;
    }

    /// Remembers that Real-Debrid refused the token, on every instance.
    pub async fn refuse(&self, token_hash: &str) {
        self.refused.put(token_hash, Ok(true)).await;
    }

    /// Whether Real-Debrid refused the token in the last [`REFUSED_FOR`]: it is then refused
    /// here, without a call, on every route.
    pub async fn is_refused(&self, token_hash: &str) -> bool {
        matches!(self.refused.peek(token_hash).await, Some(Ok(true)))
    }

    /// Remembers that Real-Debrid accepted the token, on every instance (written once per
    /// front-tier lifetime, not on every call).
    pub async fn accept(&self, token_hash: &str) {
        if !self.is_known(token_hash).await {
            self.known.put(token_hash, Ok(true)).await;
        }
    }

    /// Whether Real-Debrid accepted the token in the last [`KNOWN_FOR`].
    pub async fn is_known(&self, token_hash: &str) -> bool {
        matches!(self.known.peek(token_hash).await, Some(Ok(true)))
    }

    /// Whether the token was rate-limited in the last [`THROTTLED_FOR`].
    pub async fn recently_throttled(&self, token_hash: &str) -> bool {
        matches!(self.throttled.peek(token_hash).await, Some(Ok(true)))
    }
}
