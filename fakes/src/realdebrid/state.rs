//! Real-Debrid account and torrent state: the per-torrent state machine of upstream-apis.md
//! §1.3 (magnet_conversion → waiting_files_selection → downloaded | queued → downloading).
//! Rendering lives in `render.rs`.

use std::collections::HashMap;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::common::unix_now;

/// Where a torrent is in its life.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    /// Fetching metadata; `polls_left` more `info` calls answer `magnet_conversion`.
    Converting {
        polls_left: u32,
    },
    WaitingSelection,
    Queued,
    Downloading {
        progress: u32,
    },
    Downloaded,
}

/// One torrent in one user's account.
#[derive(Debug, Clone)]
pub(crate) struct Torrent {
    pub(crate) id: String,
    pub(crate) hash: String,
    pub(crate) filename: String,
    pub(crate) files: Vec<(String, u64)>,
    /// Selected file ids (1-based), ascending.
    pub(crate) selected: Vec<u32>,
    pub(crate) phase: Phase,
    pub(crate) cached: bool,
    pub(crate) added: u64,
    pub(crate) ended: Option<u64>,
    /// One `https://real-debrid.com/d/<ID>` per selected file, in file order.
    pub(crate) links: Vec<String>,
    /// A terminal status this one torrent shows (`magnet_error`, `error`, `virus`, `dead`),
    /// whatever other copies of its hash do.
    pub(crate) failed: Option<String>,
    /// A download without peers: its progress no longer moves.
    pub(crate) stalled: bool,
}

/// Per-hash knobs.
#[derive(Debug, Clone, Default)]
pub(crate) struct HashInfo {
    pub(crate) name: Option<String>,
    pub(crate) files: Option<Vec<(String, u64)>>,
    pub(crate) cached: bool,
    pub(crate) infringing: bool,
    pub(crate) status_override: Option<String>,
}

/// One API token's account.
#[derive(Debug)]
pub(crate) struct Account {
    /// Oldest first.
    pub(crate) torrents: Vec<Torrent>,
    pub(crate) permission_denied: bool,
    pub(crate) traffic_exhausted: bool,
    pub(crate) window_start: Instant,
    pub(crate) window_count: u32,
    /// While set, the account is being throttled: this many more calls answer 429, and its
    /// addMagnet answers 451 `infringing_file` for any torrent (Real-Debrid's penalty).
    pub(crate) throttled: Option<u32>,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            torrents: Vec::new(),
            permission_denied: false,
            traffic_exhausted: false,
            window_start: Instant::now(),
            window_count: 0,
            throttled: None,
        }
    }
}

/// What a `https://real-debrid.com/d/<ID>` link points at.
#[derive(Debug, Clone)]
pub(crate) struct LinkTarget {
    pub(crate) filename: String,
    pub(crate) bytes: u64,
}

/// All state of the RD fake.
#[derive(Debug)]
pub(crate) struct RdState {
    pub(crate) accounts: HashMap<String, Account>,
    pub(crate) hashes: HashMap<String, HashInfo>,
    pub(crate) links: HashMap<String, LinkTarget>,
    pub(crate) downloads: HashMap<String, String>,
    pub(crate) conversion_polls: u32,
    pub(crate) rate_per_minute: u32,
    pub(crate) retry_after: Option<u64>,
    pub(crate) slots_full: bool,
    pub(crate) hoster_unavailable: bool,
    pub(crate) service_unavailable: bool,
    /// The caller is a hosting provider: download links need the viewer's public `ip`.
    pub(crate) require_client_ip: bool,
    /// The `ip` form field of every addMagnet and unrestrict call, in order.
    pub(crate) ip_fields: Vec<(&'static str, Option<String>)>,
    /// Every magnet addMagnet was given, in order.
    pub(crate) magnets: Vec<String>,
    /// Every torrent deleted, in order, as it was just before its deletion.
    pub(crate) deleted: Vec<(String, Torrent)>,
    /// Active downloads an account may hold; addMagnet answers 509 at the limit.
    pub(crate) active_limit: usize,
    next_id: u64,
}

impl Default for RdState {
    fn default() -> Self {
        Self {
            accounts: HashMap::new(),
            hashes: HashMap::new(),
            links: HashMap::new(),
            downloads: HashMap::new(),
            conversion_polls: 1,
            rate_per_minute: 250,
            retry_after: None,
            slots_full: false,
            hoster_unavailable: false,
            service_unavailable: false,
            require_client_ip: false,
            ip_fields: Vec::new(),
            magnets: Vec::new(),
            deleted: Vec::new(),
            active_limit: ACTIVE_LIMIT,
            next_id: 0,
        }
    }
}

/// Real-Debrid's active-downloads limit as users saw it late in 2024.
pub(crate) const ACTIVE_LIMIT: usize = 10;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const VIDEO_EXT: [&str; 6] = [".mkv", ".mp4", ".avi", ".m4v", ".ts", ".webm"];

/// The file with a 1-based id.
pub(crate) fn file_at(files: &[(String, u64)], id: u32) -> Option<&(String, u64)> {
    (id as usize).checked_sub(1).and_then(|i| files.get(i))
}

/// Whether a path looks like a video file.
pub(crate) fn is_video(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    VIDEO_EXT.iter().any(|e| p.ends_with(e))
}

impl RdState {
    /// A fresh 13-char uppercase id, like RD's torrent, link and download ids.
    pub(crate) fn new_id(&mut self) -> String {
        self.next_id += 1;
        let digest = Sha256::digest(format!("rd-id-{}", self.next_id).as_bytes());
        digest
            .iter()
            .take(13)
            .map(|b| char::from(BASE32[usize::from(*b) % 32]))
            .collect()
    }

    /// Creates a torrent for `hash` in `token`'s account (as addMagnet does) and returns its id.
    pub(crate) fn create_torrent(&mut self, token: &str, hash: &str, dn: Option<String>) -> String {
        let id = self.new_id();
        let info = self.hashes.get(hash).cloned().unwrap_or_default();
        let filename = info.name.or(dn).unwrap_or_else(|| hash.to_owned());
        let files = info
            .files
            .unwrap_or_else(|| vec![(format!("/{filename}.mkv"), 1_500_000_000)]);
        let polls = self.conversion_polls;
        let phase = if polls == 0 {
            Phase::WaitingSelection
        } else {
            Phase::Converting { polls_left: polls }
        };
        let torrent = Torrent {
            id: id.clone(),
            hash: hash.to_owned(),
            filename,
            files,
            selected: Vec::new(),
            phase,
            cached: info.cached,
            added: unix_now(),
            ended: None,
            links: Vec::new(),
            failed: None,
            stalled: false,
        };
        self.accounts
            .entry(token.to_owned())
            .or_default()
            .torrents
            .push(torrent);
        id
    }

    /// Marks files selected and moves the torrent on: cached → downloaded with links, uncached →
    /// queued.
    pub(crate) fn select(&mut self, token: &str, id: &str, ids: Vec<u32>) {
        let mut new_links = Vec::new();
        let Some(t) = self.torrent_mut(token, id) else {
            return;
        };
        t.selected = ids;
        t.selected.sort_unstable();
        t.selected.dedup();
        if t.cached {
            t.phase = Phase::Downloaded;
            t.ended = Some(unix_now());
            for fid in t.selected.clone() {
                if let Some((path, bytes)) = file_at(&t.files, fid) {
                    let name = path.rsplit('/').next().unwrap_or(path).to_owned();
                    new_links.push((name, *bytes));
                }
            }
        } else {
            t.phase = Phase::Queued;
        }
        let mut links = Vec::new();
        for (filename, bytes) in new_links {
            let lid = self.new_id();
            self.links
                .insert(lid.clone(), LinkTarget { filename, bytes });
            links.push(format!("https://real-debrid.com/d/{lid}"));
        }
        if let Some(t) = self.torrent_mut(token, id) {
            t.links = links;
        }
    }

    /// A torrent of an account.
    pub(crate) fn torrent_mut(&mut self, token: &str, id: &str) -> Option<&mut Torrent> {
        self.accounts
            .get_mut(token)?
            .torrents
            .iter_mut()
            .find(|t| t.id == id)
    }
}
