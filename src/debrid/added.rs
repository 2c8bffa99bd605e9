//! Which torrents Ferrio itself added to an account, remembered 30 days under the token's keyed
//! hash (one entry per torrent, so instances adding at once never overwrite each other), so
//! "added by Ferrio" survives restarts and holds across instances.
//!
//! The entry also keeps what a later clean-up needs: the trackers the sources reported (for a
//! rebuilt magnet) and the last progress Ferrio saw, from which a stalled download is told
//! from a slow one.

use super::realdebrid::types::TorrentSummary;
use crate::{
    cache::{Cache, CacheFamily, Policy},
    clock::millis,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long Ferrio remembers adding a torrent.
const KEPT: Duration = Duration::from_secs(30 * 24 * 3600);
/// A download that has not moved for this long is stalled.
pub const STALLED_AFTER: Duration = Duration::from_secs(24 * 3600);

/// What Ferrio remembers of a torrent it added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedTorrent {
    pub trackers: Vec<String>,
    /// The progress last seen, and when it was first seen moving to it; `None` while it has
    /// not moved since the add, when the torrent's own `added` time is the start.
    pub progress: f64,
    pub moved_ms: Option<u64>,
}

/// The ledger of added torrents. Cheap to clone.
#[derive(Clone)]
pub struct AddedLedger {
    entries: CacheFamily<AddedTorrent, ()>,
}

impl AddedLedger {
    pub fn new(cache: &Cache) -> Self {
        Self {
            entries: cache.family("rd_added", |_: &Result<AddedTorrent, ()>| {
                Policy::only_fresh(KEPT)
            }),
        }
    }

    /// Remembers that Ferrio added torrent `id` to the account (`account` is the token's keyed
    /// hash), with the trackers known for it.
    pub async fn remember(&self, account: &str, id: &str, trackers: Vec<String>) {
        let entry = AddedTorrent {
            trackers,
            progress: 0.0,
            moved_ms: None,
        };
        self.entries.put(&key(account, id), Ok(entry)).await;
    }

    /// Forgets a torrent that left the account.
    pub async fn forget(&self, account: &str, id: &str) {
        self.entries.forget(&key(account, id)).await;
    }

    /// The entries of the listed torrents, in their order (`None`: the user added it), in one
    /// batched read; a download seen at a new progress has its entry moved on.
    pub async fn of_listing(
        &self,
        account: &str,
        torrents: &[TorrentSummary],
        now_ms: u64,
    ) -> Vec<Option<AddedTorrent>> {
        let keys: Vec<String> = torrents.iter().map(|t| key(account, &t.id)).collect();
        let entries = self.entries.peek_many(&keys).await;
        let mut seen = Vec::with_capacity(entries.len());
        for ((torrent, entry), key) in torrents.iter().zip(entries).zip(&keys) {
            let mut entry = entry.and_then(Result::ok);
            if let Some(entry) = entry.as_mut()
                && entry.observe(torrent.progress, now_ms)
            {
                self.entries.put(key, Ok(entry.clone())).await;
            }
            seen.push(entry);
        }
        seen
    }
}

impl AddedTorrent {
    /// Takes in the progress seen now; `true` when it moved.
    fn observe(&mut self, progress: f64, now_ms: u64) -> bool {
        if progress == self.progress {
            return false;
        }
        self.progress = progress;
        self.moved_ms = Some(now_ms);
        true
    }

    /// Whether this download of Ferrio's has not progressed for [`STALLED_AFTER`]: still
    /// active, and unmoved since it moved last, or since it was added (`added_ms`, from
    /// Real-Debrid) if it never did.
    pub fn is_stalled(&self, torrent: &TorrentSummary, added_ms: Option<u64>, now_ms: u64) -> bool {
        let since = self.moved_ms.or(added_ms);
        torrent.status.is_active()
            && since.is_some_and(|since| now_ms.saturating_sub(since) >= millis(STALLED_AFTER))
    }
}

fn key(account: &str, id: &str) -> String {
    format!("{account}:{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::debrid::realdebrid::types::TorrentStatus;

    const HOUR: u64 = 3_600_000;

    fn download(progress: f64) -> TorrentSummary {
        TorrentSummary {
            id: "A".into(),
            filename: "x".into(),
            hash: "h".into(),
            bytes: 0,
            status: TorrentStatus::Downloading,
            added: String::new(),
            progress,
        }
    }

    #[test]
    fn a_download_is_stalled_only_a_day_after_it_last_moved() {
        let mut entry = AddedTorrent {
            trackers: Vec::new(),
            progress: 0.0,
            moved_ms: None,
        };
        let added = Some(0);
        assert!(!entry.is_stalled(&download(0.0), added, 23 * HOUR));
        assert!(entry.is_stalled(&download(0.0), added, 24 * HOUR));
        assert!(entry.observe(40.0, 30 * HOUR), "it moved");
        assert!(!entry.is_stalled(&download(40.0), added, 53 * HOUR));
        assert!(!entry.observe(40.0, 54 * HOUR));
        assert!(entry.is_stalled(&download(40.0), added, 54 * HOUR));
        let mut finished = download(40.0);
        finished.status = TorrentStatus::Downloaded;
        assert!(!entry.is_stalled(&finished, added, 54 * HOUR), "not active");
        assert!(
            !entry.is_stalled(&download(0.0), None, 10 * HOUR),
            "no start known"
        );
    }
}
