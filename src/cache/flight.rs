//! One call for a key: across instances, and what is stored afterwards.
//!
//! With Redis, the instance that takes the key's lock (`SET NX PX`) calls the source, renewing
//! the lock every third of its TTL while the call runs, so a slow call keeps its lock however
//! long it takes. The others poll Redis for its answer every `CACHE_LOCK_POLL_MS`, trying the
//! lock each time: a holder that died stops renewing, its lock expires within
//! `CACHE_LOCK_TTL_MS`, and a waiter takes over. A waiter gives up and calls the source itself
//! only after the family's longest wait (`CACHE_LOCK_WAIT_MS`, or more for families whose calls
//! are slow) — a lost holder delays it, never blocks it. A lock attempt that Redis did not
//! answer in time is waited on like a held one. Without Redis (or while it is down) the
//! in-process single-flight is all there is.

use super::{
    entry::{Envelope, Freshness, Lifetime, now_ms},
    family::{FamilyInner, Storable},
    redis::{Lock, RedisTier},
};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

impl<T: Storable, E: Storable> FamilyInner<T, E> {
    /// Gets an answer for `key`: from the source under the cross-instance lock, or from the
    /// instance that holds it.
    pub(super) async fn lead<F, Fut>(
        &self,
        key: &str,
        fetch: Arc<F>,
        reserve: Option<Envelope>,
    ) -> Result<T, E>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
    {
        let options = &self.cache.inner.locks;
        let token = format!("{:016x}", rand::random::<u64>());
        let deadline = Instant::now() + self.lock_wait.unwrap_or(options.wait);
        let mut waited = false;
        loop {
            let Some(redis) = self.cache.inner.store.shared() else {
                return self.refresh(key, fetch.as_ref(), reserve).await;
            };
            match redis.try_lock(self.name, key, &token, options.ttl).await {
                Lock::Acquired => {
                    // The holder we waited for may have stored its answer just before we got
                    // the lock; look once more rather than call the source again.
                    let stored = if waited {
                        self.fresh_shared(key).await
                    } else {
                        None
                    };
                    let result = match stored {
                        Some(result) => result,
                        None => {
                            let work = self.refresh(key, fetch.as_ref(), reserve);
                            renewing(redis, self.name, key, &token, options.ttl, work).await
                        }
                    };
                    redis.unlock(self.name, key, &token).await;
                    return result;
                }
                // A slow answer from a Redis still counted as up says nothing about the lock:
                // another instance may hold it. Waiting on is what keeps a burst on a busy
                // Redis to one upstream call; a Redis really down becomes an outage within
                // `REDIS_FAILURES_TO_OUTAGE` tries, and the loop then calls the source.
                Lock::Held | Lock::Unavailable if Instant::now() < deadline => {
                    if !waited {
                        self.event("wait");
                        waited = true;
                    }
                    tokio::time::sleep(options.poll).await;
                    if let Some(result) = self.fresh_shared(key).await {
                        return result;
                    }
                }
                Lock::Held | Lock::Unavailable => {
                    self.event("wait_expired");
                    return self.refresh(key, fetch.as_ref(), reserve).await;
                }
            }
        }
    }

    /// The entry in Redis, if it is fresh (another instance stored it).
    async fn fresh_shared(&self, key: &str) -> Option<Result<T, E>> {
        let entry = self.cache.inner.store.load_shared(self.name, key).await?;
        (entry.lifetime.at(now_ms()) == Freshness::Fresh)
            .then(|| self.read(key, &entry))
            .flatten()
    }

    /// Calls the source and stores what it says — unless it failed, or answered empty, while an
    /// older non-empty answer may still be served, which is then kept and served instead
    /// (stale-if-error).
    async fn refresh<F, Fut>(&self, key: &str, fetch: &F, reserve: Option<Envelope>) -> Result<T, E>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let result = fetch().await;
        let now = now_ms();
        let policy = (self.policy)(&result);
        if result.is_err() {
            self.event("fetch_error");
        }
        let empty = result.as_ref().is_ok_and(|value| self.is_empty(value));
        if (result.is_err() || empty)
            && let Some(entry) =
                reserve.filter(|entry| entry.lifetime.at(now) != Freshness::Expired)
            && let Some(value) = self.read(key, &entry)
            && value.as_ref().is_ok_and(|kept| !self.is_empty(kept))
        {
            // A failure, or an empty answer where a non-empty one is still usable (a source's
            // hiccup, not the title losing every release): the older answer is kept.
            self.event(if empty {
                "empty_kept"
            } else {
                "stale_if_error"
            });
            let kept = entry.with_lifetime(entry.lifetime.after_failure(now, policy.fresh));
            self.cache.inner.store.save(self.name, key, kept).await;
            return value;
        }
        match Envelope::encode(&result, Lifetime::starting(now, policy)) {
            Ok(entry) => self.cache.inner.store.save(self.name, key, entry).await,
            Err(error) => tracing::warn!(family = self.name, %error, "answer not cacheable"),
        }
        result
    }
}

/// Runs `work` while renewing the lock every third of its TTL. If a renewal finds the lock gone
/// (it expired during a Redis outage, or another instance took it), the work still finishes:
/// its answer is stored all the same, and the other instance's call is at worst a duplicate.
async fn renewing<F: Future>(
    redis: &RedisTier,
    family: &str,
    key: &str,
    token: &str,
    ttl: Duration,
    work: F,
) -> F::Output {
    let renew = async {
        loop {
            tokio::time::sleep(ttl / 3).await;
            if !redis.renew(family, key, token, ttl).await {
                return;
            }
        }
    };
    tokio::pin!(work);
    tokio::select! {
        output = &mut work => return output,
        () = renew => {}
    }
    work.await
}
