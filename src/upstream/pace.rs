//! Outbound pacing for an upstream with a published rate limit (TMDB's soft 40 a second,
//! Trakt's 1,000 per 5 minutes): calls wait their turn in a shared bucket, a bounded time, and
//! after a 429 nobody calls until its `Retry-After` has passed.

use super::allowance::{Allowance, SharedBucket};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// The pace of one upstream. Cheap to clone.
#[derive(Clone)]
pub struct Pacer {
    bucket: SharedBucket,
    /// The interval at which the bucket refills by one.
    step: Duration,
    max_wait: Duration,
    resume_at: Arc<Mutex<Option<Instant>>>,
}

impl Pacer {
    /// Calls at `allowance`, a caller waiting at most `max_wait` for its turn.
    pub fn new(allowance: Allowance, max_wait: Duration) -> Self {
        Self {
            bucket: SharedBucket::new(allowance),
            step: Duration::from_secs_f64(1.0 / allowance.per_second.max(f64::EPSILON)),
            max_wait,
            resume_at: Arc::default(),
        }
    }

    /// Waits for a turn; `false` when none comes in time (or a `Retry-After` runs longer),
    /// and the call must not be made.
    pub async fn turn(&self) -> bool {
        let deadline = Instant::now() + self.max_wait;
        if self.resume_at().is_some_and(|at| at > deadline) {
            return false;
        }
        loop {
            if let Some(at) = self.resume_at().filter(|at| *at > Instant::now()) {
                tokio::time::sleep_until(at).await;
            }
            if self.bucket.take() {
                return true;
            }
            if Instant::now() + self.step > deadline {
                return false;
            }
            tokio::time::sleep(self.step).await;
        }
    }

    /// The upstream answered 429: no call before `retry_after` has passed.
    pub fn back_off(&self, retry_after: Duration) {
        let at = Instant::now() + retry_after;
        let mut resume = self
            .resume_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *resume = Some(resume.map_or(at, |current| current.max(at)));
    }

    fn resume_at(&self) -> Option<Instant> {
        *self
            .resume_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn calls_wait_their_turn_and_stop_during_a_retry_after() {
        let pacer = Pacer::new(
            Allowance::per(2, Duration::from_secs(1)),
            Duration::from_secs(1),
        );
        let started = Instant::now();
        for _ in 0..4 {
            assert!(pacer.turn().await);
        }
        assert!(
            started.elapsed() >= Duration::from_millis(1000),
            "the third and fourth waited"
        );
        pacer.back_off(Duration::from_secs(30));
        assert!(
            !pacer.turn().await,
            "a Retry-After longer than the wait refuses at once"
        );
        tokio::time::advance(Duration::from_secs(31)).await;
        assert!(pacer.turn().await);
    }
}
