//! What can go wrong with a discovery upstream (TMDB, Trakt, Watchmode). One enum serves the
//! three: they fail the same ways, and each client's `failure` function maps its own statuses
//! and bodies onto it (TMDB's `status_code`, Watchmode's 402).

use crate::upstream::UpstreamError;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A failed discovery call. Serialisable so answers can be cached like values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Failure {
    /// 401/403, TMDB code 7: the key is wrong.
    #[error("the key was refused")]
    Unauthorized,
    /// 404, TMDB code 34.
    #[error("not found")]
    NotFound,
    /// 429: wait `retry_after_secs`.
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// Watchmode's 402: the month's quota is spent.
    #[error("over quota")]
    OverQuota,
    /// Not asked: no turn in time, a budget spent, or the circuit open.
    #[error("not asked ({0})")]
    Held(Cow<'static, str>),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("timed out")]
    Timeout,
    #[error("network error")]
    Network,
    #[error("unexpected response: {0}")]
    BadResponse(String),
}

impl Failure {
    /// No call was made, for `reason`.
    pub fn held(reason: &'static str) -> Self {
        Self::Held(Cow::Borrowed(reason))
    }
}

impl UpstreamError for Failure {
    fn outcome(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::RateLimited { .. } => "rate_limited",
            Self::OverQuota => "over_quota",
            Self::Held(_) => "held",
            Self::Status(_) => "status",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::BadResponse(_) => "bad_response",
        }
    }

    fn is_outage(&self) -> bool {
        matches!(
            self,
            Self::Status(500..) | Self::Timeout | Self::Network | Self::BadResponse(_)
        )
    }
}
