//! How a source call can fail, shared by every upstream client so callers (the fan-out, the
//! circuit breaker, a cache) can tell the cases apart without knowing which upstream it was.

use crate::upstream::UpstreamError;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Why a source gave no answer. Serialisable so a cache can remember failures briefly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SourceError {
    /// The call did not finish within its timeout.
    #[error("timed out")]
    Timeout,
    /// The upstream answered with a block page (Cloudflare's 403 HTML) or something that is not
    /// JSON at all: it refuses us, which is not the same as having no results.
    #[error("blocked by the upstream")]
    Blocked,
    /// The upstream asked us to slow down; no call is made until `retry_after` has passed.
    #[error("rate limited")]
    RateLimited { retry_after: Duration },
    /// Ferrio's own pacing has no free slot soon enough; no call was made.
    #[error("throttled by Ferrio's own pacing")]
    Throttled,
    /// The upstream refused our credentials (DMM's challenge token), even after a fresh one.
    #[error("unauthorized")]
    Unauthorized,
    /// An HTTP status the client does not expect.
    #[error("unexpected HTTP status {0}")]
    Status(u16),
    /// A body that looked like JSON but not like the documented shape.
    #[error("bad response: {0}")]
    BadResponse(String),
    /// The connection failed (refused, reset, DNS).
    #[error("network error: {0}")]
    Network(String),
    /// The source's circuit breaker is open after repeated failures; no call was made.
    #[error("circuit open")]
    CircuitOpen,
}

impl UpstreamError for SourceError {
    /// `timeout`, `blocked`, `rate_limited`, `server_error`, …
    fn outcome(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Blocked => "blocked",
            Self::RateLimited { .. } => "rate_limited",
            Self::Throttled => "throttled",
            Self::Unauthorized => "unauthorized",
            Self::Status(status) if *status >= 500 => "server_error",
            Self::Status(_) => "http_error",
            Self::BadResponse(_) => "bad_response",
            Self::Network(_) => "network",
            Self::CircuitOpen => "circuit_open",
        }
    }

    /// Being rate limited or throttled says nothing about the upstream's health, nor does a
    /// 4xx for one request.
    fn is_outage(&self) -> bool {
        match self {
            Self::Timeout
            | Self::Blocked
            | Self::BadResponse(_)
            | Self::Network(_)
            | Self::Unauthorized => true,
            Self::Status(status) => *status >= 500,
            Self::RateLimited { .. } | Self::Throttled | Self::CircuitOpen => false,
        }
    }
}

impl From<reqwest::Error> for SourceError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else if error.is_decode() || error.is_body() {
            Self::BadResponse(error.without_url().to_string())
        } else {
            // `without_url`: the URL may carry DMM's token in its query.
            Self::Network(error.without_url().to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_failures_are_told_from_throttling() {
        assert!(SourceError::Timeout.is_outage());
        assert!(SourceError::Blocked.is_outage());
        assert!(SourceError::Status(502).is_outage());
        assert!(SourceError::BadResponse("x".into()).is_outage());
        assert!(!SourceError::Status(404).is_outage());
        assert!(
            !SourceError::RateLimited {
                retry_after: Duration::ZERO
            }
            .is_outage()
        );
        assert!(!SourceError::Throttled.is_outage());
        assert_eq!(SourceError::Status(503).outcome(), "server_error");
        assert_eq!(SourceError::Status(404).outcome(), "http_error");
    }
}
