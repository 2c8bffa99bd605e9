//! One upstream as a source client sees it: the shared HTTP client, the upstream's base URL,
//! the timeout of one call, and its `Retry-After` gate — so every client asks, waits and
//! records the same way.

use super::{
    SourceError,
    http::{Reply, RetryGate, SourceHttp},
};
use crate::upstream::endpoint;
use std::future::Future;
use std::time::Duration;
use url::Url;

/// An upstream's address and manners. One per client, shared by its requests.
pub(crate) struct SourceEndpoint {
    http: SourceHttp,
    base: Url,
    timeout: Duration,
    gate: RetryGate,
}

impl SourceEndpoint {
    /// The upstream at `base`, each call bounded by `timeout`.
    pub fn new(http: SourceHttp, base: Url, timeout: Duration) -> Self {
        Self {
            http,
            base,
            timeout,
            gate: RetryGate::default(),
        }
    }

    /// The base URL, for clients that encode paths their own way.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The base URL with `segments` appended.
    pub fn url(&self, segments: &[&str]) -> Url {
        endpoint(&self.base, segments)
    }

    /// `Err(RateLimited)` while the upstream's `Retry-After` runs: checked before anything is
    /// counted as a call.
    pub fn check(&self) -> Result<(), SourceError> {
        self.gate.check()
    }

    /// GETs `url`; a 429 closes the gate.
    pub async fn get(&self, url: Url) -> Result<Reply, SourceError> {
        let result = self.http.get(url, self.timeout).await;
        self.gate.observe(&result);
        result
    }

    /// POSTs `body` as JSON to `url`; a 429 closes the gate.
    pub async fn post_json(
        &self,
        url: Url,
        body: &impl serde::Serialize,
    ) -> Result<Reply, SourceError> {
        let result = self.http.post_json(url, body, self.timeout).await;
        self.gate.observe(&result);
        result
    }

    /// Runs and records one call (see [`SourceHttp::observed`]).
    pub async fn observed<T>(
        &self,
        source: &'static str,
        call: impl Future<Output = Result<T, SourceError>>,
        ok_outcome: impl FnOnce(&T) -> &'static str,
    ) -> Result<T, SourceError> {
        self.http.observed(source, call, ok_outcome).await
    }
}
