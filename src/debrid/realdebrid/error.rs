//! Real-Debrid errors, mapped from `{"error", "error_code"}` bodies and HTTP statuses so that
//! callers can tell "bad token" from "not cached" from "Real-Debrid is down".

use crate::upstream::UpstreamError;
use serde::Deserialize;
use std::time::Duration;

/// What went wrong with a Real-Debrid call. Serialisable so that answers (a bad token, an
/// outage) can be cached like values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, Deserialize)]
pub enum RdError {
    /// Code 8, HTTP 401: the token is wrong or revoked.
    #[error("bad token")]
    BadToken,
    /// Code 9 (and 14/15/20): the account may not do this (locked, not premium).
    #[error("permission denied")]
    PermissionDenied,
    /// Code 22 (`ip_not_allowed_<address>`): Real-Debrid refuses download links asked for from
    /// this address, as it does for hosting providers unless the viewer's address is sent.
    #[error("address not allowed")]
    AddressRefused,
    /// Code 7, HTTP 404: unknown torrent or file id.
    #[error("unknown resource")]
    UnknownResource,
    /// Code 19 (and 17/18/24): the hoster behind a link is down for now.
    #[error("hoster unavailable")]
    HosterUnavailable,
    /// Code 21, HTTP 509: the account's active-download slots are full.
    #[error("too many active downloads")]
    TooManyActiveDownloads,
    /// Code 23: the account's traffic is used up.
    #[error("traffic exhausted")]
    TrafficExhausted,
    /// Code 36: fair-usage limit reached.
    #[error("fair usage limit reached")]
    FairUsageLimit,
    /// Code 34 / 5, HTTP 429: over the per-token budget; retry after the given time if known.
    #[error("too many requests")]
    TooManyRequests { retry_after: Option<Duration> },
    /// Code 35, HTTP 451: Real-Debrid refuses this release name.
    #[error("infringing file")]
    Infringing,
    /// Code 29 (and 26): the torrent is larger than Real-Debrid accepts.
    #[error("torrent too big")]
    TorrentTooBig,
    /// Code 37: the endpoint was switched off (instantAvailability since 2024-11).
    #[error("disabled endpoint")]
    DisabledEndpoint,
    /// An error answer that is not Real-Debrid's JSON (a Cloudflare or WAF page, a proxy's
    /// error): something in front of Real-Debrid is refusing everyone, not this user.
    #[error("blocked in front of real-debrid (HTTP {status})")]
    Blocked { status: u16 },
    /// Code 25 or a 5xx without a known code: Real-Debrid is down.
    #[error("service unavailable")]
    ServiceUnavailable,
    /// Any other coded error.
    #[error("real-debrid error {code} (HTTP {status})")]
    Other { code: i64, status: u16 },
    /// The call did not finish in time.
    #[error("timed out")]
    Timeout,
    /// The connection failed.
    #[error("network error")]
    Network,
    /// A success status with a body that is not what the API documents.
    #[error("unexpected response: {0}")]
    BadResponse(String),
}

/// Real-Debrid's error body. `error_code` is optional on the wire.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_code: Option<i64>,
}

impl RdError {
    /// Maps an error answer whose body is Real-Debrid's JSON: the numeric code when present,
    /// otherwise the HTTP status.
    pub fn from_response(
        status: u16,
        body: Option<ErrorBody>,
        retry_after: Option<Duration>,
    ) -> Self {
        let code = body.as_ref().and_then(|body| body.error_code);
        match code {
            Some(code) => Self::from_code(code, status, retry_after),
            None => Self::from_status(status, retry_after),
        }
    }

    /// Maps an error answer whose body is not Real-Debrid's JSON, or that a proxy marked
    /// (`cf-mitigated`). Such a page says nothing about the user: a rate limit stays a rate
    /// limit, a server error stays an outage, and anything else is a block in front of the API.
    pub fn from_foreign_answer(status: u16, retry_after: Option<Duration>) -> Self {
        match status {
            429 => Self::TooManyRequests { retry_after },
            500..=599 => Self::ServiceUnavailable,
            status => Self::Blocked { status },
        }
    }

    fn from_code(code: i64, status: u16, retry_after: Option<Duration>) -> Self {
        match code {
            8 => Self::BadToken,
            9 | 14 | 15 | 20 => Self::PermissionDenied,
            22 => Self::AddressRefused,
            7 => Self::UnknownResource,
            17..=19 | 24 => Self::HosterUnavailable,
            21 => Self::TooManyActiveDownloads,
            23 => Self::TrafficExhausted,
            36 => Self::FairUsageLimit,
            5 | 34 => Self::TooManyRequests { retry_after },
            35 => Self::Infringing,
            26 | 29 => Self::TorrentTooBig,
            37 => Self::DisabledEndpoint,
            25 | -1 | 6 => Self::ServiceUnavailable,
            code => Self::Other { code, status },
        }
    }

    fn from_status(status: u16, retry_after: Option<Duration>) -> Self {
        match status {
            401 => Self::BadToken,
            403 => Self::PermissionDenied,
            404 => Self::UnknownResource,
            429 => Self::TooManyRequests { retry_after },
            451 => Self::Infringing,
            509 => Self::TooManyActiveDownloads,
            500..=599 => Self::ServiceUnavailable,
            status => Self::Other { code: 0, status },
        }
    }

    /// Whether the failure is the user's (token, account, limits) rather than Real-Debrid's:
    /// per-user failures must not trip a breaker shared by every user.
    pub fn is_per_user(&self) -> bool {
        matches!(
            self,
            Self::BadToken
                | Self::PermissionDenied
                | Self::TooManyActiveDownloads
                | Self::TrafficExhausted
                | Self::FairUsageLimit
                | Self::TooManyRequests { .. }
        )
    }
}

impl UpstreamError for RdError {
    /// Whether the failure says Real-Debrid itself is unhealthy: what opens its circuit.
    fn is_outage(&self) -> bool {
        match self {
            Self::ServiceUnavailable
            | Self::Blocked { .. }
            | Self::Timeout
            | Self::Network
            | Self::BadResponse(_) => true,
            Self::Other { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// A short label for metrics and logs.
    fn outcome(&self) -> &'static str {
        match self {
            Self::BadToken => "bad_token",
            Self::PermissionDenied => "permission_denied",
            Self::AddressRefused => "address_refused",
            Self::Blocked { .. } => "blocked",
            Self::UnknownResource => "unknown_resource",
            Self::HosterUnavailable => "hoster_unavailable",
            Self::TooManyActiveDownloads => "too_many_active_downloads",
            Self::TrafficExhausted => "traffic_exhausted",
            Self::FairUsageLimit => "fair_usage_limit",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Infringing => "infringing",
            Self::TorrentTooBig => "too_big",
            Self::DisabledEndpoint => "disabled_endpoint",
            Self::ServiceUnavailable => "unavailable",
            Self::Other { .. } => "other",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::BadResponse(_) => "bad_response",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: i64) -> Option<ErrorBody> {
        Some(ErrorBody {
            error: String::new(),
            error_code: Some(code),
        })
    }

    #[test]
    fn codes_win_over_statuses() {
        let cases = [
            (401, 8, RdError::BadToken),
            (403, 9, RdError::PermissionDenied),
            (403, 22, RdError::AddressRefused),
            (503, 19, RdError::HosterUnavailable),
            (509, 21, RdError::TooManyActiveDownloads),
            (403, 23, RdError::TrafficExhausted),
            (429, 34, RdError::TooManyRequests { retry_after: None }),
            (451, 35, RdError::Infringing),
            (503, 36, RdError::FairUsageLimit),
            (403, 37, RdError::DisabledEndpoint),
            (503, 25, RdError::ServiceUnavailable),
            (404, 7, RdError::UnknownResource),
            (503, 29, RdError::TorrentTooBig),
            (
                400,
                2,
                RdError::Other {
                    code: 2,
                    status: 400,
                },
            ),
        ];
        for (status, code, expected) in cases {
            assert_eq!(
                RdError::from_response(status, body(code), None),
                expected,
                "code {code}"
            );
        }
    }

    #[test]
    fn statuses_are_used_when_the_body_has_no_code() {
        let wait = Some(Duration::from_secs(3));
        assert_eq!(
            RdError::from_response(429, None, wait),
            RdError::TooManyRequests { retry_after: wait }
        );
        assert_eq!(RdError::from_response(451, None, None), RdError::Infringing);
        assert_eq!(
            RdError::from_response(509, None, None),
            RdError::TooManyActiveDownloads
        );
        assert_eq!(
            RdError::from_response(502, None, None),
            RdError::ServiceUnavailable
        );
    }

    #[test]
    fn per_user_failures_are_told_apart_from_outages() {
        assert!(RdError::BadToken.is_per_user());
        assert!(!RdError::ServiceUnavailable.is_per_user());
        assert!(!RdError::Infringing.is_per_user());
        // The server's address is refused, not the user's account, and Real-Debrid is up.
        assert!(!RdError::AddressRefused.is_per_user());
        assert!(!RdError::AddressRefused.is_outage());
    }

    #[test]
    fn foreign_error_pages_are_outages_never_a_users_answer() {
        let blocked = RdError::from_foreign_answer(403, None);
        assert_eq!(blocked, RdError::Blocked { status: 403 });
        assert!(blocked.is_outage() && !blocked.is_per_user());
        assert!(RdError::from_foreign_answer(401, None).is_outage());
        assert_eq!(
            RdError::from_foreign_answer(502, None),
            RdError::ServiceUnavailable
        );
        let wait = Some(Duration::from_secs(2));
        assert_eq!(
            RdError::from_foreign_answer(429, wait),
            RdError::TooManyRequests { retry_after: wait }
        );
    }
}
