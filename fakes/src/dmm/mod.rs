//! Fake of Debrid Media Manager's public search API (`/api/challenge`, `/api/torrents/{movie,tv}`,
//! `/api/availability/check`), faithful to upstream-apis.md §2.

mod handlers;
mod token;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wiremock::MockServer;

use crate::common::{Knobs, lock, start_server};
use token::Tokens;

/// One search result as DMM returns it. Field order matters for byte-exact output: MySQL's
/// `JSON_OBJECT` emits `hash`, `title`, `fileSize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DmmResult {
    /// Info hash. DMM only lets 40-char lowercase hex through; anything else put here is dropped
    /// from answers, as the real server drops it.
    pub hash: String,
    /// Release name.
    pub title: String,
    /// Size in MB (a float; DMM rounds to 2 decimals).
    #[serde(rename = "fileSize")]
    pub file_size: f64,
}

impl DmmResult {
    /// Builds a result from a hash, a release name and a size in MB.
    pub fn new(hash: impl Into<String>, title: impl Into<String>, file_size_mb: f64) -> Self {
        Self {
            hash: hash.into(),
            title: title.into(),
            file_size: file_size_mb,
        }
    }
}

/// One file of an entry in DMM's availability table (`/api/availability/check`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DmmFile {
    /// Real-Debrid file id (1-based).
    pub file_id: u32,
    /// Path inside the torrent.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl DmmFile {
    /// Builds a file entry.
    pub fn new(file_id: u32, path: impl Into<String>, bytes: u64) -> Self {
        Self {
            file_id,
            path: path.into(),
            bytes,
        }
    }
}

/// Fixture data and knobs behind the fake.
#[derive(Default)]
pub(crate) struct DmmState {
    pub(crate) movies: HashMap<String, Vec<DmmResult>>,
    pub(crate) seasons: HashMap<(String, u32), Vec<DmmResult>>,
    pub(crate) status: HashMap<String, String>,
    pub(crate) available: HashMap<String, Vec<DmmFile>>,
    pub(crate) ip_limit: Option<Duration>,
    pub(crate) ip_last: HashMap<String, Instant>,
    pub(crate) inject_bad: bool,
}

/// Shared between the handle and the server's responder.
#[derive(Default)]
pub(crate) struct DmmInner {
    pub(crate) knobs: Knobs,
    pub(crate) tokens: Tokens,
    pub(crate) state: Mutex<DmmState>,
    pub(crate) canary_hits: AtomicUsize,
}

/// Fake of Debrid Media Manager. Cheap to clone; every clone controls the same server.
#[derive(Clone)]
pub struct DmmFake {
    server: Arc<MockServer>,
    inner: Arc<DmmInner>,
}

impl DmmFake {
    /// Starts the fake on 127.0.0.1 (random port), seeded with the standard fixtures of
    /// [`crate::fixtures`].
    pub async fn start() -> Self {
        let fake = Self::start_empty().await;
        crate::fixtures::seed_dmm(&fake);
        fake
    }

    /// Starts the fake with no titles: every search answers 204 `status: requested`.
    pub async fn start_empty() -> Self {
        let inner = Arc::new(DmmInner::default());
        let server = start_server(inner.clone()).await;
        Self { server, inner }
    }

    /// Base URL to configure Ferrio with (`DMM_URL`); Ferrio appends `/api/...`.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    crate::common::knob_methods!();

    /// Requests to `/api/torrents/movie` plus `/api/torrents/tv`, including refused ones.
    pub fn search_calls(&self) -> usize {
        self.movie_search_calls() + self.tv_search_calls()
    }

    /// Requests to `/api/torrents/movie`.
    pub fn movie_search_calls(&self) -> usize {
        self.inner.knobs.calls_to("movie")
    }

    /// Requests to `/api/torrents/tv`.
    pub fn tv_search_calls(&self) -> usize {
        self.inner.knobs.calls_to("tv")
    }

    /// Requests to `/api/challenge`.
    pub fn challenge_calls(&self) -> usize {
        self.inner.knobs.calls_to("challenge")
    }

    /// Requests to `/api/availability/check`.
    pub fn availability_calls(&self) -> usize {
        self.inner.knobs.calls_to("availability")
    }

    /// Searches for canary ids (numeric part ≥ 900 000 000). The real DMM flags the caller as an
    /// enumerator, so Ferrio must never send one; tests assert this stays 0.
    pub fn canary_calls(&self) -> usize {
        self.inner.canary_hits.load(Ordering::SeqCst)
    }

    /// Zeroes all counters.
    pub fn reset_calls(&self) {
        self.inner.knobs.reset_calls();
        self.inner.canary_hits.store(0, Ordering::SeqCst);
    }

    /// Sets (replaces) the results for a movie. An empty list makes the title answer 204.
    pub fn put_movie(&self, imdb: &str, results: Vec<DmmResult>) {
        lock(&self.inner.state)
            .movies
            .insert(imdb.to_owned(), results);
    }

    /// Sets (replaces) the results for one season of a series.
    pub fn put_season(&self, imdb: &str, season: u32, results: Vec<DmmResult>) {
        lock(&self.inner.state)
            .seasons
            .insert((imdb.to_owned(), season), results);
    }

    /// Sets the `status` header sent with the 204 "nothing yet" answer for a title
    /// (`"requested"` or `"processing"`); `None` restores the default, `"requested"`.
    pub fn set_status(&self, imdb: &str, status: Option<&str>) {
        let mut st = lock(&self.inner.state);
        match status {
            Some(s) => st.status.insert(imdb.to_owned(), s.to_owned()),
            None => st.status.remove(imdb),
        };
    }

    /// Declares a hash as present in DMM's availability table with these files.
    pub fn set_available(&self, hash: &str, files: Vec<DmmFile>) {
        lock(&self.inner.state)
            .available
            .insert(hash.to_ascii_lowercase(), files);
    }

    /// Turns on DMM's per-IP limit on the torrents endpoints (the real one is 1 request per 2 s);
    /// `None` (the default) turns it off so ordinary tests need not pace themselves. While on,
    /// answers also carry DMM's `X-RateLimit-Limit/Remaining/Reset` headers. The client IP comes
    /// from `cf-connecting-ip`, `x-real-ip` or `x-forwarded-for`, else counts as loopback.
    pub fn set_ip_rate_limit(&self, interval: Option<Duration>) {
        let mut st = lock(&self.inner.state);
        st.ip_limit = interval;
        st.ip_last.clear();
    }

    /// Invalidates every challenge token issued so far (new challenges still work).
    pub fn expire_tokens(&self) {
        self.inner.tokens.expire_all();
    }

    /// Adds a malformed result (a numeric `hash`) among the good ones of every non-empty answer.
    pub fn inject_bad_item(&self, on: bool) {
        lock(&self.inner.state).inject_bad = on;
    }
}
