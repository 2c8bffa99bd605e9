//! How long each source's answers are kept (the `CACHE_*_SECS` settings).
//!
//! Answers with releases are fresh for the source's TTL, then served stale while refreshed
//! (`CACHE_STALE_SECS`) and, when the source fails, for up to `CACHE_STALE_IF_ERROR_SECS`.
//! Empty and pending answers are kept for a shorter time and never served stale: the next
//! request after their TTL should see new releases at once. Failures are remembered briefly so
//! a broken source is not asked by every request — except when no call was made (our circuit
//! or pacing said no), which says nothing about the title.

use super::{SourceAnswer, SourceError};
use crate::{cache::Policy, protocol::config::SourceId, settings::CacheSettings};
use std::time::Duration;

/// The TTLs of the source answers, from the settings.
#[derive(Debug, Clone)]
pub struct SourceTtls {
    dmm: Duration,
    dmm_pending: Duration,
    yts: Duration,
    yts_empty: Duration,
    torrentio: Duration,
    torrentio_empty: Duration,
    failure: Duration,
    stale: Duration,
    stale_if_error: Duration,
    dmm_challenge: Duration,
}

/// How long DMM accepts a challenge token after minting it.
const DMM_CHALLENGE_LIFETIME: Duration = Duration::from_secs(300);

impl SourceTtls {
    pub fn from_settings(settings: &CacheSettings) -> Self {
        Self {
            dmm: settings.dmm_ttl,
            dmm_pending: settings.dmm_pending_ttl,
            yts: settings.yts_ttl,
            yts_empty: settings.yts_empty_ttl,
            torrentio: settings.torrentio_ttl,
            torrentio_empty: settings.torrentio_empty_ttl,
            failure: settings.failure_ttl,
            stale: settings.stale,
            stale_if_error: settings.stale_if_error,
            dmm_challenge: DMM_CHALLENGE_LIFETIME.saturating_sub(settings.dmm_token_margin),
        }
    }

    /// How long a DMM challenge is used: its lifetime less the margin.
    pub fn dmm_challenge(&self) -> Duration {
        self.dmm_challenge
    }

    /// The policy of one source's result.
    pub fn policy(&self, source: SourceId, result: &Result<SourceAnswer, SourceError>) -> Policy {
        match result {
            Ok(answer) => self.answer(source, answer),
            Err(error) => self.failure(error),
        }
    }

    fn answer(&self, source: SourceId, answer: &SourceAnswer) -> Policy {
        let empty = answer.candidates.is_empty();
        let ttl = match source {
            SourceId::Dmm if answer.pending => return Policy::only_fresh(self.dmm_pending),
            SourceId::Dmm => self.dmm,
            SourceId::Yts if empty => return Policy::only_fresh(self.yts_empty),
            SourceId::Yts => self.yts,
            SourceId::Torrentio if empty => return Policy::only_fresh(self.torrentio_empty),
            SourceId::Torrentio => self.torrentio,
        };
        if empty {
            return Policy::only_fresh(ttl);
        }
        Policy {
            fresh: ttl,
            stale: self.stale,
            stale_if_error: self.stale_if_error,
        }
    }

    fn failure(&self, error: &SourceError) -> Policy {
        match error {
            // The upstream said how long to stay away.
            SourceError::RateLimited { retry_after } => Policy::only_fresh(*retry_after),
            // No call was made: nothing was learnt about the title, so nothing is stored.
            SourceError::Throttled | SourceError::CircuitOpen => Policy::only_fresh(Duration::ZERO),
            _ => Policy::only_fresh(self.failure),
        }
    }
}

#[cfg(test)]
#[path = "ttls_tests.rs"]
mod tests;
