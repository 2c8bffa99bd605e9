//! Prometheus metrics, one registry per application (so tests that run several servers in one
//! process never mix their counts).
//!
//! Labels are low-cardinality values chosen by the code — route patterns, source names,
//! outcomes — never anything taken from a request path, which may carry a user's token.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use std::time::Duration;

/// Latency buckets from 1 ms to 10 s: warm answers live at the low end, upstream calls at the
/// high end.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// All of Ferrio's metrics. Cheap to clone: every vector is reference-counted inside.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    upstream_calls: IntCounterVec,
    upstream_duration: HistogramVec,
    cache_events: IntCounterVec,
    circuit_open: IntGaugeVec,
    names_parsed: IntCounter,
    refusals: IntCounterVec,
    verdicts: IntCounterVec,
    maintenance: IntCounterVec,
}

impl Metrics {
    /// Creates the registry and registers every metric.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new_custom(Some("ferrio".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern and status",
            ),
            &["route", "method", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        )?;
        let upstream_calls = IntCounterVec::new(
            Opts::new(
                "upstream_calls_total",
                "Calls to upstreams by source and outcome",
            ),
            &["source", "outcome"],
        )?;
        let upstream_duration = HistogramVec::new(
            HistogramOpts::new("upstream_call_duration_seconds", "Upstream call latency")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["source"],
        )?;
        let cache_events = IntCounterVec::new(
            Opts::new(
                "cache_events_total",
                "Cache hits, misses, stale serves, joins and errors",
            ),
            &["family", "event"],
        )?;
        let circuit_open = IntGaugeVec::new(
            Opts::new("circuit_open", "1 while a source's circuit breaker is open"),
            &["source"],
        )?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(upstream_calls.clone()))?;
        registry.register(Box::new(upstream_duration.clone()))?;
        registry.register(Box::new(cache_events.clone()))?;
        let names_parsed = IntCounter::new(
            "release_names_parsed_total",
            "Release and file names parsed (once per fetched answer, never per request)",
        )?;
        registry.register(Box::new(circuit_open.clone()))?;
        registry.register(Box::new(names_parsed.clone()))?;
        let refusals = IntCounterVec::new(
            Opts::new(
                "refusals_total",
                "Work refused to protect shared budgets, by reason",
            ),
            &["reason"],
        )?;
        registry.register(Box::new(refusals.clone()))?;
        let verdicts = IntCounterVec::new(
            Opts::new(
                "rd_verdicts_total",
                "Real-Debrid terminal statuses recorded as verdicts about torrents, by kind",
            ),
            &["kind"],
        )?;
        registry.register(Box::new(verdicts.clone()))?;
        let maintenance = IntCounterVec::new(
            Opts::new(
                "rd_maintenance_actions_total",
                "What the self-hosted maintenance did (or, in a dry run, would have done) to \
                 failed torrents, by action and mode",
            ),
            &["action", "mode"],
        )?;
        registry.register(Box::new(maintenance.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_duration,
            upstream_calls,
            upstream_duration,
            cache_events,
            circuit_open,
            names_parsed,
            refusals,
            verdicts,
            maintenance,
        })
    }

    /// Counts one verdict recorded about a torrent: `virus`, `magnet_error`, `dead`, `error`.
    pub fn verdict(&self, kind: &str) {
        self.verdicts.with_label_values(&[kind]).inc();
    }

    /// Counts one maintenance action (`delete`, `retry`, `give_up`, `infringing`,
    /// `rate_limited`, `failed`) in `live` or `dry_run` mode.
    pub fn maintenance(&self, action: &str, dry_run: bool) {
        let mode = if dry_run { "dry_run" } else { "live" };
        self.maintenance.with_label_values(&[action, mode]).inc();
    }

    /// Counts one refusal: `client_budget`, `client_dmm_pending`, `imdb_frontier`, …
    pub fn refusal(&self, reason: &str) {
        self.refusals.with_label_values(&[reason]).inc();
    }

    /// Counts names read by the release-name parser.
    pub fn names_parsed(&self, count: usize) {
        self.names_parsed.inc_by(count as u64);
    }

    /// Records one answered HTTP request.
    pub fn http_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.http_requests
            .with_label_values(&[route, method, status_label(status)])
            .inc();
        self.http_duration
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
    }

    /// Records one upstream call: `source` such as `dmm`, `outcome` such as `ok`, `empty`,
    /// `blocked`, `timeout`, `rate_limited`.
    pub fn upstream_call(&self, source: &str, outcome: &str, elapsed: Duration) {
        self.upstream_calls
            .with_label_values(&[source, outcome])
            .inc();
        self.upstream_duration
            .with_label_values(&[source])
            .observe(elapsed.as_secs_f64());
    }

    /// Records a cache event (`hit`, `miss`, `stale`, `join`, `error`, …) for a key family.
    pub fn cache_event(&self, family: &str, event: &str) {
        self.cache_events.with_label_values(&[family, event]).inc();
    }

    /// Sets whether a source's circuit breaker is open.
    pub fn circuit_state(&self, source: &str, open: bool) {
        self.circuit_open
            .with_label_values(&[source])
            .set(i64::from(open));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        // Encoding into a Vec cannot fail for the text format; an error would leave it empty.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// Static status labels keep the label set small and allocation-free.
fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        204 => "204",
        302 => "302",
        304 => "304",
        400 => "400",
        404 => "404",
        405 => "405",
        413 => "413",
        414 => "414",
        429 => "429",
        500 => "500",
        503 => "503",
        s if s < 300 => "2xx",
        s if s < 400 => "3xx",
        s if s < 500 => "4xx",
        _ => "5xx",
    }
}
