//! Fake of the Real-Debrid REST API 1.0, faithful to upstream-apis.md §1 and §5: bearer tokens,
//! a per-token 250 requests/minute budget, a torrent state machine per account, the 2026 error
//! codes (451 infringing, 509 slots, 503 hoster) and the disabled instantAvailability endpoint.

mod errors;
mod handlers;
mod render;
mod state;
mod torrents;

use std::sync::{Arc, Mutex, OnceLock};

use wiremock::MockServer;

use crate::common::{Knobs, lock, start_server};
use state::{HashInfo, Phase, RdState};

/// Path prefix of the API; Ferrio's base URL ends with it.
const PREFIX: &str = "/rest/1.0";

pub(crate) struct RdInner {
    knobs: Knobs,
    state: Mutex<RdState>,
    /// `http://127.0.0.1:<port>/rest/1.0`, for the `uri` and `download` URLs the fake hands out.
    base: OnceLock<String>,
}

/// A torrent in a fake account, as seen by tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdTorrentSummary {
    /// RD torrent id.
    pub id: String,
    /// Lowercase info hash.
    pub hash: String,
    /// Current status string (`downloaded`, `waiting_files_selection`, …).
    pub status: String,
    /// Torrent name.
    pub filename: String,
}

/// Fake of Real-Debrid. Cheap to clone; every clone controls the same server.
#[derive(Clone)]
pub struct RealDebridFake {
    server: Arc<MockServer>,
    inner: Arc<RdInner>,
}

impl RealDebridFake {
    /// Starts the fake seeded with the standard torrents of [`crate::fixtures`] and the token
    /// [`crate::fixtures::RD_TOKEN`] registered.
    pub async fn start() -> Self {
        let fake = Self::start_empty().await;
        crate::fixtures::seed_realdebrid(&fake);
        fake
    }

    /// Starts the fake with no tokens and no known hashes.
    pub async fn start_empty() -> Self {
        let inner = Arc::new(RdInner {
            knobs: Knobs::default(),
            state: Mutex::new(RdState::default()),
            base: OnceLock::new(),
        });
        let server = start_server(inner.clone()).await;
        // Set before the fake is handed out, so no request can observe it unset.
        let _ = inner.base.set(format!("{}{PREFIX}", server.uri()));
        Self { server, inner }
    }

    /// Base URL to configure Ferrio with (`REALDEBRID_URL`, ends in `/rest/1.0`); Ferrio appends
    /// `/torrents/...`.
    pub fn url(&self) -> String {
        format!("{}{PREFIX}", self.server.uri())
    }

    crate::common::knob_methods!();

    /// Zeroes all counters.
    pub fn reset_calls(&self) {
        self.inner.knobs.reset_calls();
    }

    /// Requests to `GET /user`.
    pub fn user_calls(&self) -> usize {
        self.inner.knobs.calls_to("user")
    }

    /// Requests to `GET /torrents`.
    pub fn list_calls(&self) -> usize {
        self.inner.knobs.calls_to("torrents")
    }

    /// Requests to `GET /torrents/info/{id}`.
    pub fn info_calls(&self) -> usize {
        self.inner.knobs.calls_to("info")
    }

    /// Requests to `POST /torrents/addMagnet`.
    pub fn add_magnet_calls(&self) -> usize {
        self.inner.knobs.calls_to("add_magnet")
    }

    /// Requests to `POST /torrents/selectFiles/{id}`.
    pub fn select_files_calls(&self) -> usize {
        self.inner.knobs.calls_to("select_files")
    }

    /// Requests to `DELETE /torrents/delete/{id}`.
    pub fn delete_calls(&self) -> usize {
        self.inner.knobs.calls_to("delete")
    }

    /// Requests to `POST /unrestrict/link`.
    pub fn unrestrict_calls(&self) -> usize {
        self.inner.knobs.calls_to("unrestrict")
    }

    /// Requests to the disabled `GET /torrents/instantAvailability/...`.
    pub fn instant_availability_calls(&self) -> usize {
        self.inner.knobs.calls_to("instant_availability")
    }

    /// Requests to the `download` URLs handed out by unrestrict (`{url}/dl/<id>/<name>`).
    pub fn download_calls(&self) -> usize {
        self.inner.knobs.calls_to("download")
    }

    /// Registers an API token (an empty account).
    pub fn add_token(&self, token: &str) {
        lock(&self.inner.state)
            .accounts
            .entry(token.to_owned())
            .or_default();
    }

    /// Makes every call with this token answer 403 `permission_denied`/9 (locked account).
    pub fn set_token_permission_denied(&self, token: &str) {
        lock(&self.inner.state)
            .accounts
            .entry(token.to_owned())
            .or_default()
            .permission_denied = true;
    }

    /// Makes unrestrict with this token answer 403 `traffic_exhausted`/23.
    pub fn set_traffic_exhausted(&self, token: &str) {
        lock(&self.inner.state)
            .accounts
            .entry(token.to_owned())
            .or_default()
            .traffic_exhausted = true;
    }

    /// Per-token budget per minute (default 250, as RD documents). Refused calls count too.
    pub fn set_rate_limit_per_minute(&self, limit: u32) {
        lock(&self.inner.state).rate_per_minute = limit;
    }

    /// Sends `Retry-After: <secs>` with budget 429s (RD's own behaviour here is unverified, so
    /// the default is to send none).
    pub fn set_retry_after(&self, secs: Option<u64>) {
        lock(&self.inner.state).retry_after = secs;
    }

    /// Sets a hash's file list: `(path starting with "/", bytes)`, ids 1-based in this order.
    /// Hashes without a list get one `/<name>.mkv` of 1.5 GB.
    pub fn set_torrent_files(&self, hash: &str, files: Vec<(String, u64)>) {
        self.with_hash(hash, |h| h.files = Some(files));
    }

    /// Sets a hash's torrent name (RD's `filename`); defaults to the magnet's `dn`, else the hash.
    pub fn set_torrent_name(&self, hash: &str, name: &str) {
        self.with_hash(hash, |h| h.name = Some(name.to_owned()));
    }

    /// Declares a hash cached (downloaded at once after selectFiles) or not (queued, then
    /// downloading forever). Unknown hashes are uncached.
    pub fn set_cached(&self, hash: &str, cached: bool) {
        self.with_hash(hash, |h| h.cached = cached);
    }

    /// Makes addMagnet of this hash answer 451 `infringing_file`/35 (RD's 2026 name filter).
    pub fn set_infringing(&self, hash: &str) {
        self.with_hash(hash, |h| h.infringing = true);
    }

    /// Lets addMagnet of this hash through again after [`Self::set_infringing`].
    pub fn clear_infringing(&self, hash: &str) {
        self.with_hash(hash, |h| h.infringing = false);
    }

    /// Forces the status of torrents of this hash: `magnet_error` once conversion ends;
    /// `error`, `virus` or `dead` once files are selected.
    pub fn set_status_override(&self, hash: &str, status: &str) {
        self.with_hash(hash, |h| h.status_override = Some(status.to_owned()));
    }

    /// Removes a status override.
    pub fn clear_status_override(&self, hash: &str) {
        self.with_hash(hash, |h| h.status_override = None);
    }

    /// How many `info` polls a new torrent spends in `magnet_conversion` (default 1; 0 makes
    /// it `waiting_files_selection` straight after addMagnet).
    pub fn set_conversion_polls(&self, polls: u32) {
        lock(&self.inner.state).conversion_polls = polls;
    }

    /// addMagnet answers 509 `too_many_active_downloads`/21 while on.
    pub fn set_slots_full(&self, on: bool) {
        lock(&self.inner.state).slots_full = on;
    }

    /// unrestrict answers 503 `hoster_unavailable`/19 while on.
    pub fn set_hoster_unavailable(&self, on: bool) {
        lock(&self.inner.state).hoster_unavailable = on;
    }

    /// Every API call answers 503 `service_unavailable`/25 while on.
    pub fn set_service_unavailable(&self, on: bool) {
        lock(&self.inner.state).service_unavailable = on;
    }

    /// Makes the fake see Ferrio as a hosting provider's address, as the real Real-Debrid sees
    /// a server on Fly.io or a VPS: unrestrict answers 403 `ip_not_allowed_<address>`/22 unless
    /// the form carries the viewer's public address in `ip`.
    pub fn set_require_client_ip(&self, on: bool) {
        lock(&self.inner.state).require_client_ip = on;
    }

    /// The `ip` form field sent with each call to `endpoint` (`add_magnet` or `unrestrict`),
    /// in order; `None` where the call sent none.
    pub fn ip_fields(&self, endpoint: &str) -> Vec<Option<String>> {
        lock(&self.inner.state)
            .ip_fields
            .iter()
            .filter(|(name, _)| *name == endpoint)
            .map(|(_, ip)| ip.clone())
            .collect()
    }

    /// Throttles `token`'s account as Real-Debrid does: its next `rate_limited_calls` calls
    /// answer 429 `too_many_requests`/34, and until [`Self::end_throttle`] its addMagnet answers
    /// 451 `infringing_file`/35 for every torrent, legal or not.
    pub fn throttle_account(&self, token: &str, rate_limited_calls: u32) {
        lock(&self.inner.state)
            .accounts
            .entry(token.to_owned())
            .or_default()
            .throttled = Some(rate_limited_calls);
    }

    /// Ends a throttle started with [`Self::throttle_account`].
    pub fn end_throttle(&self, token: &str) {
        if let Some(account) = lock(&self.inner.state).accounts.get_mut(token) {
            account.throttled = None;
        }
    }

    /// Puts a downloaded torrent of `hash` (its video files selected, or all files if none is a
    /// video) in `token`'s account, registering the token if needed. Returns the torrent id.
    pub fn preload(&self, token: &str, hash: &str) -> String {
        let hash = hash.to_ascii_lowercase();
        let mut st = lock(&self.inner.state);
        let id = st.create_torrent(token, &hash, None);
        let Some(t) = st.torrent_mut(token, &id) else {
            return id;
        };
        let ids: Vec<u32> = (1..=t.files.len() as u32).collect();
        let videos: Vec<u32> = ids
            .iter()
            .copied()
            .filter(|i| state::file_at(&t.files, *i).is_some_and(|f| state::is_video(&f.0)))
            .collect();
        t.cached = true;
        t.phase = Phase::WaitingSelection;
        st.select(token, &id, if videos.is_empty() { ids } else { videos });
        id
    }

    /// Puts one torrent of `token`'s account in a terminal status (`magnet_error`, `error`,
    /// `virus`, `dead`): a failed copy in the user's account, while the hash itself is fine.
    pub fn fail_torrent(&self, token: &str, id: &str, status: &str) {
        if let Some(t) = lock(&self.inner.state).torrent_mut(token, id) {
            t.failed = Some(status.to_owned());
        }
    }

    /// The torrents in `token`'s account, oldest first.
    pub fn torrents(&self, token: &str) -> Vec<RdTorrentSummary> {
        let st = lock(&self.inner.state);
        let Some(acc) = st.accounts.get(token) else {
            return Vec::new();
        };
        acc.torrents.iter().map(|t| summary(&st, t)).collect()
    }

    /// Every torrent deleted from `token`'s account, in order, as it was when deleted.
    pub fn deletions(&self, token: &str) -> Vec<RdTorrentSummary> {
        let st = lock(&self.inner.state);
        st.deleted
            .iter()
            .filter(|(owner, _)| owner == token)
            .map(|(_, t)| summary(&st, t))
            .collect()
    }

    /// Every magnet addMagnet was given, in order (trackers included).
    pub fn magnets(&self) -> Vec<String> {
        lock(&self.inner.state).magnets.clone()
    }

    /// The active downloads an account may hold (default 10); addMagnet answers 509
    /// `too_many_active_downloads`/21 at the limit and `activeCount` reports it.
    pub fn set_active_limit(&self, limit: usize) {
        lock(&self.inner.state).active_limit = limit;
    }

    /// Puts a download of `hash` in `token`'s account, as a user adding an uncached torrent
    /// would: files selected, downloading at 5 %. Returns the torrent id.
    pub fn add_download(&self, token: &str, hash: &str) -> String {
        let mut st = lock(&self.inner.state);
        let id = st.create_torrent(token, &hash.to_ascii_lowercase(), None);
        if let Some(t) = st.torrent_mut(token, &id) {
            t.selected = (1..=t.files.len() as u32).collect();
            t.phase = Phase::Downloading { progress: 5 };
        }
        id
    }

    /// Stalls a download as a torrent without peers stalls: stuck at 0 % since it was added
    /// (speed and seeders read 0), with its `added` dated `hours` back, as if it had been
    /// waiting that long.
    pub fn stall_torrent(&self, token: &str, id: &str, hours: u64) {
        if let Some(t) = lock(&self.inner.state).torrent_mut(token, id) {
            t.stalled = true;
            t.phase = Phase::Downloading { progress: 0 };
            t.added = t.added.saturating_sub(hours * 3600);
        }
    }

    /// Fills `token`'s account with `count` downloaded torrents of made-up hashes, newer than
    /// anything already there (a long library: what was there moves to its last pages).
    pub fn fill_library(&self, token: &str, count: usize) {
        for n in 0..count {
            self.preload(token, &format!("{:040x}", 0xfeed_0000_u64 + n as u64));
        }
    }

    fn with_hash(&self, hash: &str, f: impl FnOnce(&mut HashInfo)) {
        let mut st = lock(&self.inner.state);
        f(st.hashes.entry(hash.to_ascii_lowercase()).or_default());
    }
}

fn summary(st: &RdState, t: &state::Torrent) -> RdTorrentSummary {
    RdTorrentSummary {
        id: t.id.clone(),
        hash: t.hash.clone(),
        status: st.status(t),
        filename: t.filename.clone(),
    }
}
