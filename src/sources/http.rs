//! The torrent sources' side of the upstream plumbing: status mapping to [`SourceError`], the
//! per-call record, and the `Retry-After` gate.

use super::SourceError;
use crate::{
    metrics::Metrics,
    upstream::{self, retry_after},
};
use bytes::Bytes;
use reqwest::{StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// Waited out after a 429 that names no `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);
/// A `Retry-After` longer than this is capped: a typo upstream must not silence a source for
/// days.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The one pooled `reqwest::Client` and the metrics, handed to every upstream client.
/// Cheap to clone.
#[derive(Clone)]
pub struct SourceHttp {
    client: reqwest::Client,
    metrics: Metrics,
}

/// A successful (2xx) answer, read in full.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl SourceHttp {
    /// Wraps the shared client (from [`crate::upstream::http_client`]) and the metrics.
    pub fn new(client: reqwest::Client, metrics: Metrics) -> Self {
        Self { client, metrics }
    }

    /// GETs `url` within `timeout` and reads the body. Non-2xx statuses become errors: 429 →
    /// `RateLimited`, 403 with a block page → `Blocked`, 401/403 otherwise → `Unauthorized`,
    /// anything else → `Status`.
    pub(crate) async fn get(&self, url: Url, timeout: Duration) -> Result<Reply, SourceError> {
        self.send(self.client.get(url).timeout(timeout)).await
    }

    /// POSTs `body` as JSON to `url` within `timeout`; errors as for [`SourceHttp::get`].
    pub(crate) async fn post_json(
        &self,
        url: Url,
        body: &impl serde::Serialize,
        timeout: Duration,
    ) -> Result<Reply, SourceError> {
        self.send(self.client.post(url).json(body).timeout(timeout))
            .await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Reply, SourceError> {
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let reply = Reply {
            status,
            headers,
            body,
        };
        match status.as_u16() {
            200..=299 => Ok(reply),
            429 => Err(SourceError::RateLimited {
                retry_after: reply.retry_after(),
            }),
            403 if !reply.looks_like_json() => Err(SourceError::Blocked),
            401 | 403 => Err(SourceError::Unauthorized),
            other => Err(SourceError::Status(other)),
        }
    }

    /// Runs one upstream call and records it (see [`crate::upstream::observe`]); `ok_outcome`
    /// names a success (`ok`, `empty`, `pending`).
    pub(crate) async fn observed<T>(
        &self,
        source: &'static str,
        call: impl Future<Output = Result<T, SourceError>>,
        ok_outcome: impl FnOnce(&T) -> &'static str,
    ) -> Result<T, SourceError> {
        upstream::observe(&self.metrics, source, call, ok_outcome).await
    }
}

impl Reply {
    /// A header's value, when present and ASCII.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Parses the body as JSON. A body that is not JSON at all (an HTML page, plain text)
    /// means a proxy or a block page answered instead of the API: `Blocked`. A body that
    /// starts like JSON but does not fit is `BadResponse`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        if !self.looks_like_json() {
            return Err(SourceError::Blocked);
        }
        serde_json::from_slice(&self.body).map_err(|error| {
            SourceError::BadResponse(format!("status {}: {error}", self.status.as_u16()))
        })
    }

    fn looks_like_json(&self) -> bool {
        let html = self
            .header("content-type")
            .is_some_and(|value| value.to_ascii_lowercase().contains("html"));
        let first = self.body.iter().find(|byte| !byte.is_ascii_whitespace());
        !html && matches!(first, Some(b'{' | b'['))
    }

    /// `Retry-After`, else a default, capped.
    fn retry_after(&self) -> Duration {
        retry_after::parse(&self.headers)
            .unwrap_or(DEFAULT_RETRY_AFTER)
            .min(MAX_RETRY_AFTER)
    }
}

/// Remembers a 429's `Retry-After` so no call is made to that upstream until it has passed.
#[derive(Default)]
pub(crate) struct RetryGate {
    until: Mutex<Option<Instant>>,
}

impl RetryGate {
    /// `Err(RateLimited)` with the time left while the upstream's `Retry-After` runs.
    pub(crate) fn check(&self) -> Result<(), SourceError> {
        let until = *self.until.lock().unwrap_or_else(PoisonError::into_inner);
        match until.map(|until| until.saturating_duration_since(Instant::now())) {
            Some(left) if !left.is_zero() => Err(SourceError::RateLimited { retry_after: left }),
            _ => Ok(()),
        }
    }

    /// Closes the gate when `result` is a 429.
    pub(crate) fn observe<T>(&self, result: &Result<T, SourceError>) {
        if let Err(SourceError::RateLimited { retry_after }) = result {
            *self.until.lock().unwrap_or_else(PoisonError::into_inner) =
                Some(Instant::now() + *retry_after);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(content_type: &str, body: &'static str) -> Reply {
        let mut headers = HeaderMap::new();
        if let Ok(value) = content_type.parse() {
            headers.insert("content-type", value);
        }
        Reply {
            status: StatusCode::OK,
            headers,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn html_and_text_are_blocks_and_broken_json_is_a_bad_response() {
        let html = reply("text/html", "<!DOCTYPE html><html></html>");
        assert_eq!(html.json::<serde_json::Value>(), Err(SourceError::Blocked));
        let text = reply("text/plain", "Too many requests");
        assert_eq!(text.json::<serde_json::Value>(), Err(SourceError::Blocked));
        let truncated = reply("application/json", r#"{"results":[{"hash":"#);
        assert!(matches!(
            truncated.json::<serde_json::Value>(),
            Err(SourceError::BadResponse(_))
        ));
        let good = reply("application/json; charset=utf-8", r#" {"a":1}"#);
        assert!(good.json::<serde_json::Value>().is_ok());
    }

    #[test]
    fn retry_after_is_read_in_seconds_with_a_default_and_a_cap() {
        let mut limited = reply("application/json", "{}");
        assert_eq!(limited.retry_after(), DEFAULT_RETRY_AFTER);
        limited.headers.insert("retry-after", 7.into());
        assert_eq!(limited.retry_after(), Duration::from_secs(7));
        limited.headers.insert("retry-after", 999_999.into());
        assert_eq!(limited.retry_after(), MAX_RETRY_AFTER);
    }

    #[tokio::test(start_paused = true)]
    async fn the_gate_stays_shut_until_retry_after_has_passed() {
        let gate = RetryGate::default();
        assert_eq!(gate.check(), Ok(()));
        gate.observe::<()>(&Err(SourceError::RateLimited {
            retry_after: Duration::from_secs(5),
        }));
        assert!(matches!(
            gate.check(),
            Err(SourceError::RateLimited { retry_after }) if retry_after == Duration::from_secs(5)
        ));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(gate.check(), Ok(()));
    }
}
