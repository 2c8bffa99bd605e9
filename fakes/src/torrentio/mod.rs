//! Fake of Torrentio's stream endpoint, faithful to upstream-apis.md §4: optional config segment,
//! percent-encoded ids, cache fields in body and header, and the 403 Cloudflare block via
//! [`crate::Mode::CloudflareHtml`].

mod stream;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::common::{Failures, Knobs, Upstream, decode, json_with_mime, lock, raw, start_server};
pub use stream::TorrentioStream;

/// Path prefix of the fake addon; Ferrio's base URL ends with it.
const PREFIX: &str = "/tio";

#[derive(Default)]
struct TorrentioState {
    streams: HashMap<String, Vec<Value>>,
    last_config: Option<String>,
    inject_bad: bool,
}

#[derive(Default)]
struct TorrentioInner {
    knobs: Knobs,
    state: Mutex<TorrentioState>,
}

/// Fake of the Torrentio addon. Cheap to clone; every clone controls the same server.
#[derive(Clone)]
pub struct TorrentioFake {
    server: Arc<MockServer>,
    inner: Arc<TorrentioInner>,
}

impl TorrentioFake {
    /// Starts the fake seeded with the standard streams of [`crate::fixtures`].
    pub async fn start() -> Self {
        let fake = Self::start_empty().await;
        crate::fixtures::seed_torrentio(&fake);
        fake
    }

    /// Starts the fake with no streams (every id answers `{"streams":[]}`).
    pub async fn start_empty() -> Self {
        let inner = Arc::new(TorrentioInner::default());
        let server = start_server(inner.clone()).await;
        Self { server, inner }
    }

    /// Base URL to configure Ferrio with (`TORRENTIO_URL`, ends in `/tio`); Ferrio appends
    /// `[/<config>]/stream/<type>/<id>.json`.
    pub fn url(&self) -> String {
        format!("{}{PREFIX}", self.server.uri())
    }

    crate::common::knob_methods!();

    /// Requests to `…/stream/<type>/<id>.json`.
    pub fn stream_calls(&self) -> usize {
        self.inner.knobs.calls_to("stream")
    }

    /// Zeroes all counters.
    pub fn reset_calls(&self) {
        self.inner.knobs.reset_calls();
    }

    /// Sets (replaces) the streams of an id (`tt0111161` or `tt0903747:1:3`, not encoded).
    /// Accepts [`TorrentioStream`]s or raw `serde_json::Value`s, served in the given order.
    pub fn put_streams<S: Into<Value>>(&self, id: &str, streams: Vec<S>) {
        let streams = streams.into_iter().map(Into::into).collect();
        lock(&self.inner.state)
            .streams
            .insert(id.to_owned(), streams);
    }

    /// Configuration segment (percent-decoded) of the most recent stream request, `None` if
    /// that request had none.
    pub fn last_config(&self) -> Option<String> {
        lock(&self.inner.state).last_config.clone()
    }

    /// Adds a stream whose `infoHash` is only 12 chars among the good ones of every non-empty
    /// answer.
    pub fn inject_bad_item(&self, on: bool) {
        lock(&self.inner.state).inject_bad = on;
    }
}

static FAILURES: Failures = Failures {
    server_error: r#"{"err":"handler error"}"#,
    server_error_mime: "application/json; charset=utf-8",
    // express-rate-limit's default message.
    rate_limited: "Too many requests, please try again later.",
    rate_limited_mime: "text/html; charset=utf-8",
    garbage: "{\"streams\":[{\"name\":\"Torrentio\\n1080p\",\"title\":\"The.Shaw",
};

/// A parsed `[/<config>]/stream/<type>/<id>.json` path.
struct StreamPath {
    config: Option<String>,
    kind: String,
    id: String,
}

fn parse_path(path: &str) -> Option<StreamPath> {
    let rest = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let segs: Vec<&str> = rest.split('/').collect();
    let (config, tail) = match segs.as_slice() {
        ["stream", tail @ ..] => (None, tail),
        [config, "stream", tail @ ..] => (Some(decode(config)), tail),
        _ => return None,
    };
    let [kind, file] = tail else { return None };
    let id = decode(file.strip_suffix(".json")?);
    Some(StreamPath {
        config,
        kind: (*kind).to_owned(),
        id,
    })
}

/// Torrentio only answers `tt\d+` (optionally `:S:E`) and `kitsu:\d+` ids.
fn valid_id(id: &str) -> bool {
    let head = id.split(':').next().unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match head {
        "kitsu" => id.split(':').nth(1).is_some_and(digits),
        _ => head.strip_prefix("tt").is_some_and(digits),
    }
}

impl Upstream for TorrentioInner {
    fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    fn failures(&self) -> &'static Failures {
        &FAILURES
    }

    fn classify(&self, req: &Request) -> &'static str {
        if parse_path(req.url.path()).is_some() {
            "stream"
        } else {
            "other"
        }
    }

    fn handle(&self, req: &Request, _endpoint: &'static str) -> ResponseTemplate {
        let Some(p) = parse_path(req.url.path()) else {
            let msg = format!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET {}</pre>\n</body>\n</html>\n",
                req.url.path()
            );
            return raw(404, &msg, "text/html; charset=utf-8");
        };
        let mut st = lock(&self.state);
        st.last_config = p.config;
        let known_type = matches!(p.kind.as_str(), "movie" | "series" | "anime");
        let mut streams = match st.streams.get(&p.id) {
            Some(s) if known_type && valid_id(&p.id) => s.clone(),
            _ => Vec::new(),
        };
        if st.inject_bad && !streams.is_empty() {
            let bad = json!({
                "name": "Torrentio\n1080p",
                "title": "Malformed.Short.Hash.1080p\n👤 5 💾 1 GB \u{2699}\u{fe0f} 1337x",
                "infoHash": "0123456789ab",
            });
            streams.insert(1.min(streams.len()), bad);
        }
        // An empty answer is cached for a minute only, so a later scrape shows up quickly.
        let max_age = if streams.is_empty() { 60 } else { 3600 };
        let body = json!({
            "streams": streams,
            "cacheMaxAge": max_age,
            "staleRevalidate": 14400,
            "staleError": 604800,
        });
        json_with_mime(200, &body, "application/json; charset=utf-8").insert_header(
            "cache-control",
            format!(
                "max-age={max_age}, stale-while-revalidate=14400, stale-if-error=604800, public"
            ),
        )
    }
}
