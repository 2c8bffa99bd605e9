//! Whether Redis is usable, and why not.
//!
//! A few failed operations in a row (`REDIS_FAILURES_TO_OUTAGE`) mark Redis down for the whole
//! instance: from then on cache operations skip it at once instead of each waiting out a
//! timeout, and a single probe brings it back (see `redis.rs`). One slow answer — a large
//! value on a managed Redis a few milliseconds away — is a miss, not an outage: any success
//! resets the count, so a healthy Redis never flaps. The transitions are what gets logged, so
//! an outage is one warning and one recovery line, however many requests ran meanwhile.

use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};

/// Why Redis is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// An operation took longer than `REDIS_TIMEOUT_MS`.
    Timeout,
    /// No connection could be made or kept.
    Unreachable,
    /// Redis answered with an error (out of memory, read-only, …).
    Refused,
}

impl Outage {
    /// A short reason for logs and `/readyz`.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Timeout => "redis timed out",
            Self::Unreachable => "redis unreachable",
            Self::Refused => "redis refused a command",
        }
    }

    /// Classifies a Redis client error.
    pub fn of(error: &redis::RedisError) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else if error.is_io_error()
            || error.is_connection_refusal()
            || error.is_connection_dropped()
            || error.is_unrecoverable_error()
        {
            Self::Unreachable
        } else {
            Self::Refused
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::Timeout => 1,
            Self::Unreachable => 2,
            Self::Refused => 3,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Timeout),
            2 => Some(Self::Unreachable),
            3 => Some(Self::Refused),
            _ => None,
        }
    }
}

/// Redis's state, shared by every operation of one instance.
pub(crate) struct Health {
    /// 0 while Redis is up, else the code of the current [`Outage`].
    state: AtomicU8,
    /// Failed operations since the last success.
    failures: AtomicU32,
    /// Failures in a row that make an outage.
    threshold: u32,
}

impl Health {
    /// Healthy, declaring an outage after `threshold` failures in a row (at least one).
    pub fn new(threshold: u32) -> Self {
        Self {
            state: AtomicU8::new(0),
            failures: AtomicU32::new(0),
            threshold: threshold.max(1),
        }
    }

    /// The current outage, if any.
    pub fn outage(&self) -> Option<Outage> {
        Outage::from_code(self.state.load(Ordering::Acquire))
    }

    /// Records a successful operation: the failures before it no longer count.
    pub fn succeed(&self) {
        if self.failures.load(Ordering::Relaxed) != 0 {
            self.failures.store(0, Ordering::Relaxed);
        }
    }

    /// Records a failure; true when it starts an outage (the caller logs and starts probing).
    /// A refusal starts one at once: Redis answered, and it will refuse the next write too
    /// (out of memory, read-only), while its reads may still succeed and reset the count.
    pub fn fail(&self, outage: Outage) -> bool {
        let failures = self
            .failures
            .fetch_add(1, Ordering::AcqRel)
            .saturating_add(1);
        (failures >= self.threshold || outage == Outage::Refused) && self.declare(outage)
    }

    /// Starts an outage; true when Redis was not already down.
    fn declare(&self, outage: Outage) -> bool {
        self.state
            .compare_exchange(0, outage.code(), Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Records that Redis answers again; true when this ends an outage.
    pub fn recover(&self) -> bool {
        self.failures.store(0, Ordering::Relaxed);
        self.state.swap(0, Ordering::AcqRel) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_needs_failures_in_a_row() {
        let health = Health::new(3);
        assert!(!health.fail(Outage::Timeout));
        assert!(!health.fail(Outage::Timeout));
        health.succeed();
        assert!(!health.fail(Outage::Timeout));
        assert!(!health.fail(Outage::Timeout));
        assert_eq!(
            health.outage(),
            None,
            "a success in between resets the count"
        );
        assert!(health.fail(Outage::Timeout));
        assert_eq!(health.outage(), Some(Outage::Timeout));
    }

    #[test]
    fn a_refusal_is_an_outage_at_once() {
        let health = Health::new(3);
        assert!(health.fail(Outage::Refused));
        assert_eq!(health.outage(), Some(Outage::Refused));
    }

    #[test]
    fn only_the_first_failure_starts_an_outage() {
        let health = Health::new(1);
        assert_eq!(health.outage(), None);
        assert!(health.fail(Outage::Timeout));
        assert!(!health.fail(Outage::Unreachable));
        assert_eq!(
            health.outage(),
            Some(Outage::Timeout),
            "the first reason stays"
        );
        assert!(health.recover());
        assert!(!health.recover());
        assert_eq!(health.outage(), None);
    }

    #[test]
    fn client_errors_are_classified() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            Outage::of(&redis::RedisError::from(refused)),
            Outage::Unreachable
        );
        let timeout = std::io::Error::from(std::io::ErrorKind::TimedOut);
        assert_eq!(
            Outage::of(&redis::RedisError::from(timeout)),
            Outage::Timeout
        );
        let oom = redis::RedisError::from((
            redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError),
            "OOM",
        ));
        assert_eq!(Outage::of(&oom), Outage::Refused);
    }
}
