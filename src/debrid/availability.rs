//! What Ferrio has learnt about torrents on Real-Debrid, shared by every user and instance.
//!
//! Real-Debrid no longer says whether a torrent is cached (instantAvailability answers 403
//! `disabled_endpoint`), so Ferrio remembers what it saw: a torrent and file it resolved to a
//! link at once is *seen playable*, with the time; one Real-Debrid had to download, or
//! declared dead, is forgotten; a hash refused as infringing is *refused* for days. Nothing
//! here depends on a user, so no token is involved.

use crate::{
    cache::{Cache, CacheFamily, Policy},
    protocol::stream::InfoHash,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a "seen playable" record is trusted: Real-Debrid keeps popular torrents for weeks,
/// but a record older than this is more guess than evidence.
const SEEN_FOR: Duration = Duration::from_secs(5 * 24 * 3600);
/// How long an infringing refusal is remembered.
const REFUSED_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// The record kept per torrent and file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Record {
    /// Resolved to a link at once, at this Unix time in milliseconds.
    Playable { at_ms: u64 },
    /// Real-Debrid said downloading, dead or refused it since: not known playable.
    Gone,
}

/// The shared records. Cheap to clone.
#[derive(Clone)]
pub struct Availability {
    seen: CacheFamily<Record, ()>,
    refused: CacheFamily<bool, ()>,
}

impl Availability {
    /// The records' families in the cache.
    pub fn new(cache: &Cache) -> Self {
        Self {
            seen: cache.family("rd_seen", keep_for(SEEN_FOR)),
            refused: cache.family("rd_refused", keep_for(REFUSED_FOR)),
        }
    }

    /// When `hash` / `file` was last seen playable, if it was and has not been forgotten since.
    pub async fn playable_since(&self, hash: &InfoHash, file: &str) -> Option<u64> {
        match self.seen.peek(&key(hash, file)).await {
            Some(Ok(Record::Playable { at_ms })) => Some(at_ms),
            _ => None,
        }
    }

    /// Records that `hash` / `file` resolved to a link now.
    pub async fn record_playable(&self, hash: &InfoHash, file: &str) {
        self.seen
            .put(&key(hash, file), Ok(Record::Playable { at_ms: now_ms() }))
            .await;
    }

    /// Forgets `hash` / `file`: Real-Debrid had to download it, or it is dead.
    pub async fn forget(&self, hash: &InfoHash, file: &str) {
        self.seen.put(&key(hash, file), Ok(Record::Gone)).await;
    }

    /// Remembers that Real-Debrid refused `hash` as infringing.
    pub async fn record_refused(&self, hash: &InfoHash) {
        self.refused.put(hash.as_str(), Ok(true)).await;
    }

    /// Whether Real-Debrid refused `hash` as infringing recently.
    pub async fn is_refused(&self, hash: &InfoHash) -> bool {
        matches!(self.refused.peek(hash.as_str()).await, Some(Ok(true)))
    }
}

/// A policy keeping every record for `ttl`.
fn keep_for<T>(ttl: Duration) -> impl Fn(&Result<T, ()>) -> Policy + Send + Sync + 'static {
    move |_| Policy::only_fresh(ttl)
}

fn key(hash: &InfoHash, file: &str) -> String {
    format!("{hash}:{file}")
}

/// The current Unix time in milliseconds.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}
