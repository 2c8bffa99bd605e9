//! One discovery upstream as its client sees it: the shared HTTP pool, its base URL, its pace,
//! its circuit breaker, and the per-call record — so the three clients ask, wait and count the
//! same way.

use super::error::Failure;
use crate::{
    metrics::Metrics,
    upstream::{
        Circuit, observe,
        pace::{Pacer, Priority},
        retry_after,
    },
};
use reqwest::{RequestBuilder, header::HeaderMap};
use serde::de::DeserializeOwned;
use std::{sync::Arc, time::Duration};

/// Waited out after a 429 without `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Maps an error answer (status, headers, body) to a [`Failure`].
pub type MapFailure = fn(u16, &HeaderMap, &[u8]) -> Failure;

/// An upstream's manners. Cheap to clone.
#[derive(Clone)]
pub struct Upstream {
    pub name: &'static str,
    pub http: reqwest::Client,
    pub timeout: Duration,
    pacer: Pacer,
    circuit: Arc<Circuit>,
    metrics: Metrics,
    map_failure: MapFailure,
}

/// Whose credential a call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// The server's: its 429 says the shared pace is too fast, and every call backs off.
    Server,
    /// A user's own key: its refusal, 429 or spent quota is about that key alone. The shared
    /// pacer does not back off for it, and the answer is a failure nobody caches
    /// ([`Failure::Held`]), so it never answers for users with other keys.
    PersonalKey,
}

/// A successful answer's body and headers.
pub struct Answer<T> {
    pub body: T,
    pub headers: HeaderMap,
}

impl Upstream {
    pub fn new(
        name: &'static str,
        http: reqwest::Client,
        timeout: Duration,
        pacer: Pacer,
        metrics: Metrics,
        map_failure: MapFailure,
    ) -> Self {
        Self {
            name,
            http,
            timeout,
            pacer,
            circuit: Arc::new(Circuit::new(name, metrics.clone())),
            metrics,
            map_failure,
        }
    }

    /// Sends `request`, with the server's credential, when its turn comes, and reads a JSON
    /// answer.
    pub async fn json<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<Answer<T>, Failure> {
        self.json_as(request, Caller::Server, Priority::User).await
    }

    /// The same for `caller`'s credential, at `priority` in the pace.
    pub async fn json_as<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        caller: Caller,
        priority: Priority,
    ) -> Result<Answer<T>, Failure> {
        if !self.pacer.turn(priority).await {
            return Err(Failure::held("paced"));
        }
        let call = async {
            let response = request
                .timeout(self.timeout)
                .send()
                .await
                .map_err(|error| {
                    if error.is_timeout() {
                        Failure::Timeout
                    } else {
                        Failure::Network
                    }
                })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.map_err(|_| Failure::Network)?;
            if !(200..300).contains(&status) {
                return Err((self.map_failure)(status, &headers, &bytes));
            }
            let body = serde_json::from_slice(&bytes)
                .map_err(|error| Failure::BadResponse(error.to_string()))?;
            Ok(Answer { body, headers })
        };
        let guarded = self.circuit.call(|| Failure::held("circuit_open"), call);
        let result = observe(&self.metrics, self.name, guarded, |_| "ok").await;
        match (&result, caller) {
            (
                Err(Failure::RateLimited { .. } | Failure::OverQuota | Failure::Unauthorized),
                Caller::PersonalKey,
            ) => Err(Failure::held("personal_key")),
            (Err(Failure::RateLimited { retry_after_secs }), Caller::Server) => {
                self.pacer.back_off(Duration::from_secs(*retry_after_secs));
                result
            }
            _ => result,
        }
    }
}

/// The failure of the statuses every upstream shares: 401/403, 404, 429 (with `Retry-After`),
/// anything else by status.
pub fn common_failure(status: u16, headers: &HeaderMap) -> Failure {
    match status {
        401 | 403 => Failure::Unauthorized,
        404 => Failure::NotFound,
        429 => Failure::RateLimited {
            retry_after_secs: retry_after::parse(headers)
                .unwrap_or(DEFAULT_RETRY_AFTER)
                .as_secs()
                .clamp(1, 3600),
        },
        other => Failure::Status(other),
    }
}
