//! What the maintenance does with one failed torrent, as a pure function of its status, its
//! history and the time, so the schedule is tested with the clock in the test's hands.
//!
//! | Real-Debrid says | action |
//! |---|---|
//! | `virus` | delete |
//! | `magnet_error` | retry with a rebuilt magnet, 3 h after it was first seen and after each retry; 3 retries at most |
//! | `error`, `dead` | retry the same way with the bare magnet |
//! | a retry answered `infringing_file` (451) | delete |
//! | a retry answered `too_many_requests` (429) | counts as a retry; tried again 3 h later |
//!
//! A retry adds the torrent again *before* deleting the failed copy, so a refused add never
//! loses the user's torrent.

use crate::debrid::realdebrid::types::TorrentStatus;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Retries of one torrent at most, after which it is left for the user (the health item).
pub const MAX_RETRIES: u32 = 3;

/// The history of one failed torrent in one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    pub first_seen_ms: u64,
    pub retries: u32,
    /// When it was last retried.
    pub last_retry_ms: Option<u64>,
}

impl Attempts {
    pub fn first_seen(now_ms: u64) -> Self {
        Self {
            first_seen_ms: now_ms,
            retries: 0,
            last_retry_ms: None,
        }
    }

    /// The history after one more retry at `now_ms`.
    pub fn retried(&self, now_ms: u64) -> Self {
        Self {
            retries: self.retries + 1,
            last_retry_ms: Some(now_ms),
            ..self.clone()
        }
    }
}

/// What to do with a failed torrent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Delete,
    Retry {
        rebuild: bool,
    },
    /// Not yet: its next retry is later (or it was just seen failing for the first time).
    Wait,
    /// Its retries are spent.
    GiveUp,
}

impl Decision {
    /// The metric label and log word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Retry { .. } => "retry",
            Self::Wait => "wait",
            Self::GiveUp => "give_up",
        }
    }
}

/// The decision for a torrent in `status` with its history, at `now_ms`.
pub fn decide(
    status: &TorrentStatus,
    attempts: Option<&Attempts>,
    now_ms: u64,
    retry_after: Duration,
) -> Decision {
    if *status == TorrentStatus::Virus {
        return Decision::Delete;
    }
    let Some(attempts) = attempts else {
        return Decision::Wait;
    };
    if attempts.retries >= MAX_RETRIES {
        return Decision::GiveUp;
    }
    let since = attempts.last_retry_ms.unwrap_or(attempts.first_seen_ms);
    if now_ms.saturating_sub(since) >= crate::clock::millis(retry_after) {
        Decision::Retry {
            rebuild: status.is_magnet_error(),
        }
    } else {
        Decision::Wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_MS: u64 = 3_600_000;
    const THREE_HOURS: Duration = Duration::from_secs(3 * 3600);

    #[test]
    fn a_magnet_error_is_retried_every_three_hours_three_times_then_left() {
        let status = TorrentStatus::MagnetError;
        let mut now = 1_000 * HOUR_MS;
        assert_eq!(decide(&status, None, now, THREE_HOURS), Decision::Wait);
        let mut history = Attempts::first_seen(now);
        for _ in 0..MAX_RETRIES {
            now += 3 * HOUR_MS - 1;
            assert_eq!(
                decide(&status, Some(&history), now, THREE_HOURS),
                Decision::Wait
            );
            now += 1;
            assert_eq!(
                decide(&status, Some(&history), now, THREE_HOURS),
                Decision::Retry { rebuild: true }
            );
            history = history.retried(now);
        }
        now += 100 * HOUR_MS;
        assert_eq!(
            decide(&status, Some(&history), now, THREE_HOURS),
            Decision::GiveUp
        );
    }

    #[test]
    fn a_virus_is_deleted_at_once_and_errors_are_retried_with_the_bare_magnet() {
        assert_eq!(
            decide(&TorrentStatus::Virus, None, 0, THREE_HOURS),
            Decision::Delete
        );
        let history = Attempts::first_seen(0);
        for status in [TorrentStatus::Error, TorrentStatus::Dead] {
            assert_eq!(
                decide(&status, Some(&history), 3 * HOUR_MS, THREE_HOURS),
                Decision::Retry { rebuild: false }
            );
        }
    }
}
