//! Plumbing shared by the four fakes: failure modes, added latency, call counters, the wiremock
//! responder that ties them together, and small request/response helpers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::Serialize;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub(crate) use crate::util::*;

/// How a fake misbehaves. Every fake starts in [`Mode::Normal`]; the chaos benchmark and the
/// resilience tests flip modes while requests are in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Answer like the real upstream does on a good day.
    #[default]
    Normal,
    /// Accept the request and never answer (an hour-long delay). Other requests are unaffected,
    /// which is how a wedged upstream behind a load balancer looks to a client.
    Hang,
    /// HTTP 500 with that upstream's own error body.
    ServerError,
    /// HTTP 200 whose body is not JSON (a truncated document), as a broken proxy or a half-written
    /// response looks.
    Garbage,
    /// HTTP 403 `text/html` with `cf-mitigated: challenge`: the Cloudflare block that Torrentio and
    /// the YTS mirrors serve to datacenter IPs.
    CloudflareHtml,
    /// HTTP 429 with `Retry-After` and that upstream's rate-limit body.
    RateLimited {
        /// Value of the `Retry-After` header, in seconds.
        retry_after_secs: u64,
    },
}

/// How long a [`Mode::Hang`] request is held before (in theory) being answered.
const HANG: Duration = Duration::from_secs(3600);

/// The HTML Cloudflare serves with its "you have been blocked" page (trimmed).
const CLOUDFLARE_HTML: &str = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Attention Required! | Cloudflare</title></head>\n<body><div id=\"cf-wrapper\"><h1 data-translate=\"block_headline\">Sorry, you have been blocked</h1>\n<h2 class=\"cf-subheadline\">You are unable to access this site</h2>\n<p>Cloudflare Ray ID: <strong>8f3a2b1c4d5e6f70</strong></p></div></body></html>\n";

/// Locks a mutex, shrugging off poisoning: a panicking test thread must not wedge the fake for
/// every other test sharing it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Mode, latency and call counters of one fake.
#[derive(Default)]
pub(crate) struct Knobs {
    mode: Mutex<Mode>,
    latency: Mutex<Duration>,
    total: AtomicUsize,
    per_endpoint: Mutex<HashMap<&'static str, usize>>,
}

impl Knobs {
    pub(crate) fn set_mode(&self, mode: Mode) {
        *lock(&self.mode) = mode;
    }
    pub(crate) fn set_latency(&self, latency: Duration) {
        *lock(&self.latency) = latency;
    }
    pub(crate) fn calls(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
    pub(crate) fn calls_to(&self, endpoint: &str) -> usize {
        lock(&self.per_endpoint).get(endpoint).copied().unwrap_or(0)
    }
    pub(crate) fn reset_calls(&self) {
        let mut map = lock(&self.per_endpoint);
        map.clear();
        self.total.store(0, Ordering::SeqCst);
    }
    fn record(&self, endpoint: &'static str) {
        *lock(&self.per_endpoint).entry(endpoint).or_insert(0) += 1;
        self.total.fetch_add(1, Ordering::SeqCst);
    }
}

/// What an upstream says when it fails; used by the non-normal [`Mode`]s.
pub(crate) struct Failures {
    /// Body of the 500 answer (JSON unless `server_error_mime` says otherwise).
    pub server_error: &'static str,
    /// Content type of the 500 answer.
    pub server_error_mime: &'static str,
    /// Body of the 429 answer.
    pub rate_limited: &'static str,
    /// Content type of the 429 answer.
    pub rate_limited_mime: &'static str,
    /// Body of the 200 "garbage" answer.
    pub garbage: &'static str,
}

/// One upstream's request handling, plugged into [`Responder`].
pub(crate) trait Upstream: Send + Sync + 'static {
    /// The fake's knobs.
    fn knobs(&self) -> &Knobs;
    /// This upstream's failure bodies.
    fn failures(&self) -> &'static Failures;
    /// Names the endpoint a request targets, for the per-endpoint counters.
    fn classify(&self, req: &Request) -> &'static str;
    /// Answers a request in [`Mode::Normal`].
    fn handle(&self, req: &Request, endpoint: &'static str) -> ResponseTemplate;
}

/// Catch-all wiremock responder: counts, applies the mode, routes, adds latency.
struct Responder<U>(Arc<U>);

impl<U: Upstream> Respond for Responder<U> {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let up = &self.0;
        let knobs = up.knobs();
        // Count before anything can refuse the request: tests assert exact counts of every
        // request that reached the upstream, including the rejected ones.
        let endpoint = up.classify(req);
        knobs.record(endpoint);
        let mode = *lock(&knobs.mode);
        let f = up.failures();
        let template = match mode {
            // The delay is awaited outside wiremock's state lock, so a hung request does not
            // stall the others.
            Mode::Hang => return ResponseTemplate::new(200).set_delay(HANG),
            Mode::Normal => up.handle(req, endpoint),
            Mode::ServerError => raw(500, f.server_error, f.server_error_mime),
            Mode::Garbage => raw(200, f.garbage, "application/json"),
            Mode::CloudflareHtml => cloudflare_block(),
            Mode::RateLimited { retry_after_secs } => raw(429, f.rate_limited, f.rate_limited_mime)
                .insert_header("retry-after", retry_after_secs.to_string()),
        };
        let latency = *lock(&knobs.latency);
        if latency.is_zero() {
            template
        } else {
            template.set_delay(latency)
        }
    }
}

/// Starts a dedicated mock server on 127.0.0.1 (random port) routing everything to `upstream`.
/// Request recording is off so long benchmarks do not accumulate every request in memory.
pub(crate) async fn start_server<U: Upstream>(upstream: Arc<U>) -> Arc<MockServer> {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(Responder(upstream))
        .mount(&server)
        .await;
    Arc::new(server)
}

/// The Cloudflare "Sorry, you have been blocked" answer.
pub(crate) fn cloudflare_block() -> ResponseTemplate {
    raw(403, CLOUDFLARE_HTML, "text/html; charset=UTF-8")
        .insert_header("cf-mitigated", "challenge")
        .insert_header("server", "cloudflare")
        .insert_header("cf-ray", "8f3a2b1c4d5e6f70-CDG")
}

/// A response with a raw body and content type.
pub(crate) fn raw(status: u16, body: &str, mime: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), mime)
}

/// A JSON response. Serialising our own types cannot really fail; if it ever does, the client
/// gets a 500 rather than the fake panicking inside the server thread.
pub(crate) fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> ResponseTemplate {
    json_with_mime(status, body, "application/json")
}

/// A JSON response with an explicit content type (Torrentio adds `; charset=utf-8`).
pub(crate) fn json_with_mime<T: Serialize + ?Sized>(
    status: u16,
    body: &T,
    mime: &str,
) -> ResponseTemplate {
    match serde_json::to_vec(body) {
        Ok(bytes) => ResponseTemplate::new(status).set_body_raw(bytes, mime),
        Err(e) => raw(500, &format!("fake serialisation error: {e}"), "text/plain"),
    }
}

/// First value of a query parameter, form-decoded.
pub(crate) fn query(req: &Request, name: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// First value of a field of an `application/x-www-form-urlencoded` body.
pub(crate) fn form(req: &Request, name: &str) -> Option<String> {
    url::form_urlencoded::parse(&req.body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Percent-decodes one path segment (lossy on invalid UTF-8).
pub(crate) fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// The knobs every fake exposes the same way, delegated to its `inner.knobs` (a [`Knobs`]).
macro_rules! knob_methods {
    () => {
        /// Switches the failure mode (applies to requests that arrive afterwards).
        pub fn set_mode(&self, mode: $crate::Mode) {
            self.inner.knobs.set_mode(mode);
        }

        /// Adds a fixed delay to every answer.
        pub fn set_latency(&self, latency: std::time::Duration) {
            self.inner.knobs.set_latency(latency);
        }

        /// Every request received, whatever the endpoint or outcome.
        pub fn calls(&self) -> usize {
            self.inner.knobs.calls()
        }
    };
}
pub(crate) use knob_methods;
