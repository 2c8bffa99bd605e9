//! Per-call metrics and logs, the same for every upstream: the `upstream_calls_total` metric
//! (upstream, outcome) with its latency, and one event per call that reads on its own.

use crate::metrics::Metrics;
use std::fmt::Display;
use std::future::Future;
use tokio::time::Instant;

/// What an upstream client's error type tells the shared plumbing.
pub trait UpstreamError: Display {
    /// The metric and log label: `timeout`, `blocked`, `rate_limited`, …
    fn outcome(&self) -> &'static str;
    /// Whether it says the upstream itself is unhealthy — what opens its circuit. One user's
    /// refused token or exhausted limits never does.
    fn is_outage(&self) -> bool;
}

/// Runs one upstream call and records it; `ok_outcome` names a success (`ok`, `empty`, …).
/// Failures that say the upstream is unhealthy are warnings, others (one user's bad token)
/// are debug lines.
pub async fn observe<T, E: UpstreamError>(
    metrics: &Metrics,
    upstream: &'static str,
    call: impl Future<Output = Result<T, E>>,
    ok_outcome: impl FnOnce(&T) -> &'static str,
) -> Result<T, E> {
    let started = Instant::now();
    let result = call.await;
    let elapsed = started.elapsed();
    let elapsed_ms = crate::clock::millis(elapsed);
    match &result {
        Ok(value) => {
            let outcome = ok_outcome(value);
            metrics.upstream_call(upstream, outcome, elapsed);
            tracing::debug!(upstream, outcome, elapsed_ms, "upstream call");
        }
        Err(error) => {
            let outcome = error.outcome();
            metrics.upstream_call(upstream, outcome, elapsed);
            if error.is_outage() {
                tracing::warn!(upstream, outcome, elapsed_ms, %error, "upstream call failed");
            } else {
                tracing::debug!(upstream, outcome, elapsed_ms, %error, "upstream call refused");
            }
        }
    }
    result
}
