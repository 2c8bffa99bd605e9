//! Outbound pacing: at most one call per interval, in arrival order.
//!
//! DMM allows about one search per 2 s per client IP and answers 429 beyond that, so Ferrio
//! spaces its own searches instead of finding out the hard way.

use super::SourceError;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;

/// How far ahead slots may be handed out. A caller that would wait longer is refused
/// (`Throttled`) rather than queued, so a burst of requests cannot build an unbounded backlog.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// Hands out call slots at least `interval` apart.
pub(crate) struct Pacer {
    interval: Duration,
    /// The earliest instant the next slot may start.
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// A pacer with slots `interval` apart; a zero interval never waits.
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            next: Mutex::new(None),
        }
    }

    /// Waits for this caller's slot. The slot is booked at once, so callers are served in
    /// arrival order; a caller dropped while waiting still uses up its slot, which errs on the
    /// side of calling the upstream less.
    pub(crate) async fn wait_turn(&self) -> Result<(), SourceError> {
        if self.interval.is_zero() {
            return Ok(());
        }
        let slot = self.book()?;
        tokio::time::sleep_until(slot).await;
        Ok(())
    }

    fn book(&self) -> Result<Instant, SourceError> {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = next.map_or(now, |next| next.max(now));
        if slot - now > MAX_WAIT {
            return Err(SourceError::Throttled);
        }
        *next = Some(slot + self.interval);
        Ok(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_an_interval_apart() {
        let pacer = Pacer::new(Duration::from_millis(300));
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..3 {
            assert_eq!(pacer.wait_turn().await, Ok(()));
            starts.push(Instant::now() - start);
        }
        assert_eq!(
            starts,
            [0, 300, 600].map(Duration::from_millis).to_vec(),
            "each call waits for the previous one's interval"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_pacer_does_not_wait() {
        let pacer = Pacer::new(Duration::from_millis(300));
        assert_eq!(pacer.wait_turn().await, Ok(()));
        tokio::time::advance(Duration::from_secs(1)).await;
        let before = Instant::now();
        assert_eq!(pacer.wait_turn().await, Ok(()));
        assert_eq!(Instant::now(), before);
    }

    #[tokio::test(start_paused = true)]
    async fn a_backlog_beyond_the_limit_is_refused() {
        let pacer = Pacer::new(Duration::from_secs(10));
        // Slots at 0, 10, 20 and 30 s fit within MAX_WAIT; the fifth would start at 40 s.
        for _ in 0..4 {
            assert!(pacer.book().is_ok());
        }
        assert_eq!(pacer.book(), Err(SourceError::Throttled));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_disables_pacing() {
        let pacer = Pacer::new(Duration::ZERO);
        let before = Instant::now();
        for _ in 0..100 {
            assert_eq!(pacer.wait_turn().await, Ok(()));
        }
        assert_eq!(Instant::now(), before);
    }
}
